#ifndef CREDAUDIT_PLAN_FILTER_H
#define CREDAUDIT_PLAN_FILTER_H

#include <stdint.h>

#include "buf.h"
#include "model.h"

/*
 * A filter on the findings that may put a credential into the
 * revocation plan, from `report --plan-severity` and `--plan-rules`, so
 * that a large plan can be approved in stages. A finding passes when its rule proposes an
 * action, its severity is at least `min_severity` (with --plan-severity)
 * and its rule is listed (with --plan-rules). The zero value is no
 * filter: every finding whose rule proposes an action passes. The filter
 * changes only the plan; the reports keep every finding.
 */
struct plan_filter {
	int by_severity;              /* --plan-severity was given */
	enum severity min_severity;
	int by_rule;                  /* --plan-rules was given */
	uint64_t rules;               /* bit i: policy_rules[i] is listed */
};

/* Append the valid values of --plan-severity: "high, medium, low, info". */
void plan_filter_list_severities(struct buf *out);

/*
 * Append the ids of the rules that propose an action, the valid values
 * of --plan-rules, comma-separated in the order of the policy table.
 */
void plan_filter_list_rules(struct buf *out);

/* Return 1 when --plan-severity or --plan-rules was given. */
int plan_filter_active(const struct plan_filter *filter);

/* Return 1 when `finding` may put its credential into the plan. */
int plan_filter_passes(const struct plan_filter *filter,
		       const struct finding *finding);

/*
 * Set the minimum severity from `value`, one of "high", "medium", "low"
 * and "info". Returns 0, or -1 with a message in `err` that names the
 * value and lists the valid ones.
 */
int plan_filter_set_severity(struct plan_filter *filter, const char *value,
			     struct buf *err);

/*
 * Set the rules from `value`, a comma-separated list of ids of rules
 * that propose an action. Returns 0, or -1 with a message in `err` when
 * the list is empty, has an empty item, names a rule twice, names an
 * unknown rule or one that never proposes an action. The message names
 * the value and lists the valid ids.
 */
int plan_filter_set_rules(struct plan_filter *filter, const char *value,
			  struct buf *err);

/*
 * Append the ids of the listed rules whose severity is below the minimum
 * severity, comma-separated, and return their number. Such a rule can
 * put nothing into the plan, because a finding has the severity of its
 * rule (finding_add() in policy.c).
 */
size_t plan_filter_unreachable_rules(const struct plan_filter *filter,
				     struct buf *out);

/*
 * Append what passes, such as "findings of severity high or above and
 * of the rules `owner-inactive` and `ssh-key-dsa`". Each rule id is
 * written between two copies of `quote` ("`" for Markdown, or ""). The
 * rules are in the order of the policy table, whatever the order on the
 * command line. Appends nothing for no filter.
 */
void plan_filter_describe(const struct plan_filter *filter, const char *quote,
			  struct buf *out);

/*
 * Append the same text as plan_filter_describe() for the filter that
 * the "filter" member of plan.json records: `min_severity` or NULL, and
 * `count` rule ids in `rules`, or NULL for no --plan-rules. Appends
 * nothing when both are NULL. The values are written as they are, so
 * that plan.md can be checked against a plan.json whose rules this
 * build does not know.
 */
void plan_filter_describe_values(const char *min_severity,
				 const char *const *rules, size_t count,
				 const char *quote, struct buf *out);

#endif
