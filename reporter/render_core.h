#ifndef CREDAUDIT_RENDER_CORE_H
#define CREDAUDIT_RENDER_CORE_H

#include <stddef.h>

#include "render.h"

/*
 * Pieces that every renderer shares, so that the HTML, Markdown and JSON
 * reports describe each value in the same words. Only render_*.c use this.
 */

#define NOT_AVAILABLE "not available in this snapshot"
/* The Plan cell of a credential whose action the plan filter left out. */
#define PLAN_LEFT_OUT_TEXT "left out by the plan filter"

/* Display state of one value of a credential. */
enum value_state {
	VALUE_SET,          /* a value to show */
	VALUE_NONE,         /* absent: "never", "no expiry" */
	VALUE_INVALID,      /* present but not parseable: raw text */
	VALUE_UNAVAILABLE,  /* the snapshot lacks the column or table */
};

/*
 * The state of timestamp `ts` of `cred`, whose column is the enum field
 * bit `field`. For VALUE_SET, `out` (TS_TEXT_MAX bytes) receives the
 * formatted date. For VALUE_INVALID, ts->raw contains the text.
 */
enum value_state render_timestamp(const struct credential *cred,
				  unsigned field, const struct timestamp *ts,
				  char *out);

/* "personal access token", "SSH key", ... for running text. */
const char *kind_noun(enum cred_kind kind);

/*
 * Append how running text names a credential: "SSH key 12". `row` is
 * credential_anchor_row(): for a row whose id is invalid or repeated, it
 * adds the row's position among the rows of its kind, which the
 * inventory pages count.
 */
void render_cred_label(struct buf *out, enum cred_kind kind, int64_t id,
		       int invalid_id, int64_t row);

/*
 * Append the id attribute of a credential's inventory row: "ssh_key-12",
 * or "ssh_key-row-7" when `row` is not 0.
 */
void render_row_anchor(struct buf *out, enum cred_kind kind, int64_t id,
		       int64_t row);

/* One library that credaudit uses and its version at run time. */
struct library_version {
	const char *name;      /* "SQLite" */
	const char *id;        /* "sqlite", the JSON key */
	char version[48];      /* "3.40.1", or "not started" for GnuPG */
};

#define LIBRARY_COUNT 6

void render_libraries(const struct render_context *ctx,
		      struct library_version out[LIBRARY_COUNT]);

/*
 * Append one sentence per group of the instance's own limits from
 * application_settings, for the overviews: "SSH key types: DSA
 * forbidden, RSA at least 2048 bits, other types any size. Maximum
 * access token lifetime: not set, so GitLab's default of 365 days.
 * Maximum SSH key lifetime: not set."
 */
void render_settings(const struct instance_settings *settings, struct buf *out);

/*
 * Append the sentences that mark a plan as partial, because report ran
 * with --plan-severity or --plan-rules: what passes, and how many actions
 * the filter left out. Each rule id is written between two copies of
 * `quote`. Appends nothing for a plan without a filter.
 */
void render_plan_filter_note(const struct plan *plan, const char *quote,
			     struct buf *out);

/*
 * Append to `out` the host of the GitLab that apply carried `done` out
 * on, and return 1, when the snapshot records its own host (gitlab_host)
 * and the two differ. Return 0 otherwise. So a plan tried on a staging
 * instance is not read as done on the audited one.
 */
int render_done_elsewhere(const struct render_context *ctx,
			  const struct journal_entry *done, struct buf *out);

/* Rules of the policy table in report order, into `out` (policy_rule_count). */
void render_rules_sorted(const struct policy_rule **out);

#endif
