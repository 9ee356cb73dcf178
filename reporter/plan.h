#ifndef CREDAUDIT_PLAN_H
#define CREDAUDIT_PLAN_H

#include <stddef.h>

#include "model.h"
#include "plan_filter.h"

/*
 * The revocation plan: one proposed action per credential that a finding
 * marks for action. Only what GitLab allows is proposed: revoke an active
 * token, delete an SSH key or deploy key that is not synced from LDAP,
 * review a GPG key. Nothing here talks to GitLab.
 */
enum action_type {
	ACTION_REVOKE_TOKEN,
	ACTION_DELETE_SSH_KEY,
	ACTION_REVIEW_GPG_KEY,
};

struct plan_action {
	char id[48];                  /* stable: "revoke-pat-123" */
	enum action_type type;
	const char *method;           /* "DELETE", or NULL when `manual` */
	char api_path[160];           /* path under /api/v4, or "" */
	char *manual;                 /* owned: steps when the snapshot lacks
					 an id that the request needs, else
					 NULL */
	const char *consequence;      /* what GitLab does besides */
};

enum plan_outcome {
	PLAN_NOTHING,        /* no finding asks for action, or none is needed */
	PLAN_ACTION,         /* `action` is proposed */
	PLAN_NOT_POSSIBLE,   /* findings ask for action but GitLab cannot act */
};

/* What the plan does with one credential. */
struct plan_decision {
	enum plan_outcome outcome;
	struct plan_action action;    /* for PLAN_ACTION */
	const char *reason;           /* for PLAN_NOT_POSSIBLE: static text */
	int left_out;                 /* PLAN_NOTHING only because of the filter */
	/* PLAN_NOTHING because an earlier row with the same id is in the plan */
	int earlier_row_in_plan;
};

/* The snapshot's credential tables, each with its own ids. */
enum plan_table {
	PLAN_TABLE_TOKENS,
	PLAN_TABLE_KEYS,
	PLAN_TABLE_GPG_KEYS,
	PLAN_TABLE_COUNT
};

/*
 * The plan as it is produced: one decision per credential, in the order
 * of the stream, counted here. The actions themselves go straight to
 * plan.md and plan.json (render_plan.c), so a plan of any size takes the
 * same memory.
 */
struct plan {
	size_t count;                 /* actions */
	size_t skipped_count;         /* flagged, but not possible */
	size_t by_type[3];            /* actions per enum action_type */
	int64_t created;              /* the report's --now */
	int64_t valid_until;          /* created + valid_days days */
	struct plan_filter filter;    /* set after plan_init(); zero: none */
	size_t left_out_count;        /* actions that only the filter removed */
	size_t left_out_skipped_count; /* the same for "not possible" entries */
	/* Per table: a row with the id of the last row read is in the plan. */
	int id_in_plan[PLAN_TABLE_COUNT];
};

const char *action_type_id(enum action_type type);  /* "revoke_token" */

/*
 * Return 1 when a finding of `cred` has a rule that proposes an action,
 * whether or not it passes a filter.
 */
int plan_credential_flagged(const struct credential *cred);

void plan_init(struct plan *plan, int64_t now, int valid_days);

/*
 * Decide what the plan does with `cred` and count it into `plan`.
 * Active tokens with a finding that asks for action are revoked; expired
 * or revoked tokens need nothing. SSH keys and deploy keys are deleted
 * unless synced from LDAP. GPG keys are only reviewed. When no finding
 * of `cred` passes plan->filter, the plan does nothing with it and only
 * counts what it would have done in the left_out counts. Nothing is
 * proposed for a credential whose id, owner id, owner's user_type or key
 * type is invalid, or for a row whose id an earlier row in the plan has.
 * Release `out` with plan_decision_release().
 */
void plan_decide(struct plan *plan, const struct credential *cred,
		 struct plan_decision *out);
/*
 * Add the value-invalid finding of a row whose id repeats the previous
 * row's. It names the row of that id in the plan: this one, an earlier
 * one or none. Call it with the decision of plan_decide().
 */
void plan_note_repeated_id(struct credential *cred,
			   const struct plan_decision *decision);
void plan_decision_release(struct plan_decision *decision);

#endif
