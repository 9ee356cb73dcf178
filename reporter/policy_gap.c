/*
 * Rules left unchecked because the snapshot lacks a table or a column.
 * For each rule this file counts the credentials it skipped and names
 * what is missing, for the overview, report.json and the warning on
 * stderr.
 */
#include "policy.h"

#include <string.h>

#include "msg.h"

/* The finding group of `rule` in `model`, or NULL. */
static const struct finding_group *rule_group(const struct model *model,
					      const struct policy_rule *rule)
{
	size_t g;

	for (g = 0; g < model->group_count; g++)
		if (model->groups[g].rule == rule)
			return &model->groups[g];
	return NULL;
}

unsigned policy_missing_blocks(const struct model *model,
			       const struct policy_rule *rule,
			       const struct missing_input *missing)
{
	const struct finding_group *group = rule_group(model, rule);
	unsigned kinds = missing->kinds & rule->kinds, blocked = 0;
	int k;

	if (missing->table_unread)
		return kinds;
	if (!group || !(missing->fields & rule->needs))
		return 0;
	for (k = 0; k < KIND_COUNT; k++)
		if ((kinds & KIND_BIT(k)) && group->skipped[k])
			blocked |= KIND_BIT(k);
	return blocked;
}

void policy_rule_gap(const struct model *model, const struct policy_rule *rule,
		     struct rule_gap *gap)
{
	const struct finding_group *group = rule_group(model, rule);
	size_t i;
	int k, s;

	memset(gap, 0, sizeof(*gap));
	for (i = 0; i < model->missing_count; i++)
		if (model->missing[i].table_unread)
			gap->unread |= model->missing[i].kinds & rule->kinds;
	gap->not_checked = gap->unread;
	for (k = 0; k < KIND_COUNT; k++) {
		if (!(rule->kinds & KIND_BIT(k)) || (gap->unread & KIND_BIT(k)))
			continue;
		for (s = 0; s < STATE_COUNT; s++)
			if (!rule->active_only || s == STATE_ACTIVE)
				gap->total[k] += model->summary.by_kind_state[k][s];
		gap->skipped[k] = group ? group->skipped[k] : 0;
		if (gap->skipped[k])
			gap->not_checked |= KIND_BIT(k);
		if (gap->total[k] > gap->skipped[k])
			gap->checked_some = 1;
	}
}

size_t policy_rules_not_checked(const struct model *model)
{
	size_t r, count = 0;

	for (r = 0; r < policy_rule_count; r++) {
		struct rule_gap gap;

		policy_rule_gap(model, &policy_rules[r], &gap);
		count += gap.not_checked != 0;
	}
	return count;
}

void policy_count_label(const struct rule_gap *gap, size_t findings,
			struct buf *out)
{
	if (gap->not_checked && !gap->checked_some && !findings)
		buf_adds(out, "not checked");
	else if (gap->not_checked)
		buf_addf(out, "%zu, checked in part", findings);
	else
		buf_addf(out, "%zu", findings);
}

static const char *const kind_singulars[KIND_COUNT] = {
	"personal access token", "project access token",
	"group access token", "SSH key", "deploy key", "GPG key",
};

static const char *const kind_plurals[KIND_COUNT] = {
	"personal access tokens", "project access tokens",
	"group access tokens", "SSH keys", "deploy keys", "GPG keys",
};

/* Append ", " or " and " before the next of `left` items, or nothing. */
static void list_separator(struct buf *out, size_t left)
{
	if (left > 1)
		buf_adds(out, ", ");
	else if (left == 1)
		buf_adds(out, " and ");
}

/*
 * Append the credentials that `gap` skipped: "all 36 SSH keys", "11 of
 * 12 GPG keys", or "GPG keys" for a table that was not read. With
 * `active`, the counts are of active credentials, and the text calls
 * them active.
 */
static void describe_skipped(const struct rule_gap *gap, int active,
			     struct buf *out)
{
	const char *adjective = active ? "active " : "";
	size_t left = 0;
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		left += (gap->not_checked & KIND_BIT(k)) != 0;
	for (k = 0; k < KIND_COUNT; k++) {
		size_t skipped = gap->skipped[k], total = gap->total[k];

		if (!(gap->not_checked & KIND_BIT(k)))
			continue;
		if (gap->unread & KIND_BIT(k))
			buf_adds(out, kind_plurals[k]);
		else if (skipped < total)
			buf_addf(out, "%zu of %zu %s%s", skipped, total, adjective,
				 kind_plurals[k]);
		else if (total == 1)
			buf_addf(out, "the one %s%s", adjective,
				 kind_singulars[k]);
		else
			buf_addf(out, "all %zu %s%s", total, adjective,
				 kind_plurals[k]);
		list_separator(out, --left);
	}
}

/* Whether missing input `missing` kept any rule from some credential. */
static int missing_blocks_any(const struct model *model,
			      const struct missing_input *missing)
{
	size_t r;

	for (r = 0; r < policy_rule_count; r++)
		if (policy_missing_blocks(model, &policy_rules[r], missing))
			return 1;
	return 0;
}

/* Whether `missing` is listed by list_inputs() for `rule` and `invalid`. */
static int input_listed(const struct model *model,
			const struct policy_rule *rule, int invalid,
			const struct missing_input *missing)
{
	if (missing->invalid != invalid)
		return 0;
	return rule ? policy_missing_blocks(model, rule, missing) != 0
		    : missing_blocks_any(model, missing);
}

/*
 * Append, as a list, the names of the missing inputs of `model` whose
 * `invalid` is `invalid` and that kept `rule` from some credential (any
 * rule when `rule` is NULL). Each name is written between two copies of
 * `quote`, and a table as "the NAME table" unless `bare`. Returns how
 * many names there were.
 */
static size_t list_inputs(const struct model *model,
			  const struct policy_rule *rule, int invalid,
			  const char *quote, int bare, struct buf *out)
{
	size_t i, count = 0, left;

	for (i = 0; i < model->missing_count; i++)
		count += input_listed(model, rule, invalid, &model->missing[i]);
	left = count;
	for (i = 0; i < model->missing_count; i++) {
		const char *name = model->missing[i].name;

		if (!input_listed(model, rule, invalid, &model->missing[i]))
			continue;
		/* GitLab's column names have a dot; a bare name is a table. */
		if (strchr(name, '.') || bare)
			buf_addf(out, "%s%s%s", quote, name, quote);
		else
			buf_addf(out, "the %s%s%s table", quote, name, quote);
		list_separator(out, --left);
	}
	return count;
}

void policy_describe_gap(const struct model *model,
			 const struct policy_rule *rule, const char *quote,
			 struct buf *out)
{
	struct rule_gap gap;
	struct buf names = BUF_INIT;
	size_t absent, invalid;

	policy_rule_gap(model, rule, &gap);
	if (!gap.not_checked)
		return;
	buf_adds(out, "Not checked for ");
	describe_skipped(&gap, rule->active_only, out);
	buf_adds(out, ": ");
	absent = list_inputs(model, rule, 0, quote, 0, &names);
	if (absent)
		buf_addf(out, "%s %s not in this snapshot", names.data,
			 absent == 1 ? "is" : "are");
	buf_reset(&names);
	invalid = list_inputs(model, rule, 1, quote, 0, &names);
	if (invalid)
		buf_addf(out, "%s%s %s a value that GitLab does not store",
			 absent ? ", and " : "", names.data,
			 invalid == 1 ? "has" : "have");
	buf_adds(out, ".");
	buf_release(&names);
}

void policy_warn_not_checked(const struct model *model)
{
	struct buf rules = BUF_INIT, names = BUF_INIT, invalid = BUF_INIT;
	struct buf why = BUF_INIT;
	size_t r, rule_count, left, absent, bad;

	rule_count = policy_rules_not_checked(model);
	if (!rule_count)
		return;
	left = rule_count;
	for (r = 0; r < policy_rule_count; r++) {
		struct rule_gap gap;

		policy_rule_gap(model, &policy_rules[r], &gap);
		if (!gap.not_checked)
			continue;
		buf_adds(&rules, policy_rules[r].id);
		list_separator(&rules, --left);
	}
	absent = list_inputs(model, NULL, 0, "", 1, &names);
	bad = list_inputs(model, NULL, 1, "", 1, &invalid);
	if (absent)
		buf_addf(&why, "the snapshot lacks %s", names.data);
	if (bad)
		buf_addf(&why, "%s%s %s a value that GitLab does not store",
			 absent ? ", and " : "", invalid.data,
			 bad == 1 ? "has" : "have");
	warning("%zu rule%s not checked for every credential, because %s: %s; the Findings in report.html and report.md say which credentials each rule skipped; export the missing tables and columns as docs/export.md describes to check them",
		rule_count, rule_count == 1 ? " was" : "s were",
		why.len ? why.data : "the snapshot lacks what they need",
		rules.data);
	buf_release(&rules);
	buf_release(&names);
	buf_release(&invalid);
	buf_release(&why);
}
