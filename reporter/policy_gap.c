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

void policy_describe_gap(const struct model *model,
			 const struct policy_rule *rule, const char *quote,
			 struct buf *out)
{
	struct rule_gap gap;
	size_t i, names = 0, left;

	policy_rule_gap(model, rule, &gap);
	if (!gap.not_checked)
		return;
	for (i = 0; i < model->missing_count; i++)
		if (policy_missing_blocks(model, rule, &model->missing[i]))
			names++;

	buf_adds(out, "Not checked for ");
	describe_skipped(&gap, rule->active_only, out);
	buf_adds(out, ": ");
	left = names;
	for (i = 0; i < model->missing_count; i++) {
		const char *name = model->missing[i].name;

		if (!policy_missing_blocks(model, rule, &model->missing[i]))
			continue;
		/* GitLab's column names have a dot; a bare name is a table. */
		if (strchr(name, '.'))
			buf_addf(out, "%s%s%s", quote, name, quote);
		else
			buf_addf(out, "the %s%s%s table", quote, name, quote);
		list_separator(out, --left);
	}
	buf_adds(out, names == 1 ? " is not in this snapshot." :
		  " are not in this snapshot.");
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

void policy_warn_not_checked(const struct model *model)
{
	struct buf rules = BUF_INIT, names = BUF_INIT;
	size_t r, i, rule_count, name_count = 0, left;

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
	for (i = 0; i < model->missing_count; i++)
		name_count += missing_blocks_any(model, &model->missing[i]);
	left = name_count;
	for (i = 0; i < model->missing_count; i++) {
		if (!missing_blocks_any(model, &model->missing[i]))
			continue;
		buf_adds(&names, model->missing[i].name);
		list_separator(&names, --left);
	}
	warning("%zu rule%s not checked for every credential, because the snapshot lacks %s: %s; the Findings in report.html and report.md say which credentials each rule skipped; export the missing tables and columns as docs/export.md describes to check them",
		rule_count, rule_count == 1 ? " was" : "s were", names.data,
		rules.data);
	buf_release(&rules);
	buf_release(&names);
}
