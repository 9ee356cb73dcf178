#include "plan_filter.h"

#include <string.h>

#include "policy.h"

int plan_filter_active(const struct plan_filter *filter)
{
	return filter->by_severity || filter->by_rule;
}

/* The position of `rule` in policy_rules, as a bit of plan_filter.rules. */
static uint64_t rule_bit(const struct policy_rule *rule)
{
	return UINT64_C(1) << (rule - policy_rules);
}

int plan_filter_passes(const struct plan_filter *filter,
		       const struct finding *finding)
{
	const struct policy_rule *rule = policy_rule_find(finding->rule);

	if (!rule || !rule->proposes_action)
		return 0;
	if (filter->by_severity && finding->severity < filter->min_severity)
		return 0;
	if (filter->by_rule && !(filter->rules & rule_bit(rule)))
		return 0;
	return 1;
}

void plan_filter_list_severities(struct buf *out)
{
	int s;

	for (s = SEV_COUNT - 1; s >= 0; s--)
		buf_addf(out, "%s%s", severity_id((enum severity)s),
			 s ? ", " : "");
}

void plan_filter_list_rules(struct buf *out)
{
	size_t i;
	int first = 1;

	for (i = 0; i < policy_rule_count; i++) {
		if (!policy_rules[i].proposes_action)
			continue;
		buf_addf(out, "%s%s", first ? "" : ", ", policy_rules[i].id);
		first = 0;
	}
}

int plan_filter_set_severity(struct plan_filter *filter, const char *value,
			     struct buf *err)
{
	int s;

	for (s = 0; s < SEV_COUNT; s++) {
		if (!strcmp(value, severity_id((enum severity)s))) {
			filter->by_severity = 1;
			filter->min_severity = (enum severity)s;
			return 0;
		}
	}
	if (*value)
		buf_addf(err, "invalid --plan-severity '%s': use one of ", value);
	else
		buf_adds(err, "empty --plan-severity: pass one of ");
	plan_filter_list_severities(err);
	return -1;
}

/* Check one item of --plan-rules and add its bit to `rules`. */
static int add_rule(uint64_t *rules, const char *id, size_t len,
		    const char *value, struct buf *err)
{
	struct buf name = BUF_INIT;
	const struct policy_rule *rule;
	int ret = -1;

	if (!len) {
		buf_addf(err, "empty rule id in --plan-rules '%s': separate the ids with single commas, and use one or more of ",
			 value);
		goto out;
	}
	buf_add(&name, id, len);
	rule = policy_rule_find(name.data);
	if (!rule) {
		buf_addf(err, "unknown rule '%s' in --plan-rules '%s': use one or more of ",
			 name.data, value);
		goto out;
	}
	if (!rule->proposes_action) {
		buf_addf(err, "rule '%s' in --plan-rules never proposes an action, so it cannot put a credential into the plan: use one or more of ",
			 name.data);
		goto out;
	}
	if (*rules & rule_bit(rule)) {
		buf_addf(err, "rule '%s' is listed twice in --plan-rules '%s': list each rule once, from ",
			 name.data, value);
		goto out;
	}
	*rules |= rule_bit(rule);
	ret = 0;
out:
	if (ret < 0)
		plan_filter_list_rules(err);
	buf_release(&name);
	return ret;
}

int plan_filter_set_rules(struct plan_filter *filter, const char *value,
			  struct buf *err)
{
	uint64_t rules = 0;
	const char *item = value, *comma;

	if (!*value) {
		buf_adds(err, "empty --plan-rules: pass one or more of ");
		plan_filter_list_rules(err);
		buf_adds(err, ", separated by commas");
		return -1;
	}
	for (;;) {
		comma = strchr(item, ',');
		if (add_rule(&rules, item,
			     comma ? (size_t)(comma - item) : strlen(item),
			     value, err) < 0)
			return -1;
		if (!comma)
			break;
		item = comma + 1;
	}
	filter->by_rule = 1;
	filter->rules = rules;
	return 0;
}

size_t plan_filter_unreachable_rules(const struct plan_filter *filter,
				     struct buf *out)
{
	size_t i, count = 0;

	if (!filter->by_severity || !filter->by_rule)
		return 0;
	for (i = 0; i < policy_rule_count; i++) {
		const struct policy_rule *rule = &policy_rules[i];

		if (!(filter->rules & rule_bit(rule)) ||
		    rule->severity >= filter->min_severity)
			continue;
		buf_addf(out, "%s%s", count ? ", " : "", rule->id);
		count++;
	}
	return count;
}

void plan_filter_describe(const struct plan_filter *filter, const char *quote,
			  struct buf *out)
{
	const char *rules[64];    /* one per bit of filter->rules */
	size_t i, count = 0;

	if (!plan_filter_active(filter))
		return;
	for (i = 0; i < policy_rule_count && count < 64; i++)
		if (filter->by_rule &&
		    (filter->rules & rule_bit(&policy_rules[i])))
			rules[count++] = policy_rules[i].id;
	plan_filter_describe_values(filter->by_severity ?
				    severity_id(filter->min_severity) : NULL,
				    filter->by_rule ? rules : NULL, count,
				    quote, out);
}

void plan_filter_describe_values(const char *min_severity,
				 const char *const *rules, size_t count,
				 const char *quote, struct buf *out)
{
	size_t i;

	if (!min_severity && !rules)
		return;
	buf_adds(out, "findings");
	if (min_severity)
		buf_addf(out, " of severity %s%s", min_severity,
			 strcmp(min_severity, severity_id(SEV_HIGH)) ? " or above" : "");
	if (!rules)
		return;
	buf_addf(out, "%s of the rule%s ", min_severity ? " and" : "",
		 count == 1 ? "" : "s");
	for (i = 0; i < count; i++) {
		if (i)
			buf_adds(out, i + 1 == count ? " and " : ", ");
		buf_addf(out, "%s%s%s", quote, rules[i], quote);
	}
}
