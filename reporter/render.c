#include "render_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <sqlite3.h>

#include "gpgkey.h"

enum value_state render_timestamp(const struct credential *cred,
				  unsigned field, const struct timestamp *ts,
				  char *out)
{
	out[0] = '\0';
	if ((cred->unavailable & field) || ts->state == TS_UNAVAILABLE)
		return VALUE_UNAVAILABLE;
	switch (ts->state) {
	case TS_SET:
		ts_format_value(ts, out);
		return VALUE_SET;
	case TS_INVALID:
		return VALUE_INVALID;
	case TS_NONE:
	case TS_UNAVAILABLE:
		break;
	}
	return VALUE_NONE;
}

const char *kind_noun(enum cred_kind kind)
{
	static const char *const nouns[KIND_COUNT] = {
		"personal access token", "project access token",
		"group access token", "SSH key", "deploy key", "GPG key",
	};

	return kind < KIND_COUNT ? nouns[kind] : "credential";
}

static void set_version(struct library_version *lib, const char *name,
			const char *id, const char *version)
{
	lib->name = name;
	lib->id = id;
	snprintf(lib->version, sizeof(lib->version), "%s",
		 version ? version : "unknown");
}

void render_libraries(const struct render_context *ctx,
		      struct library_version out[LIBRARY_COUNT])
{
	char xml[48];
	int xml_number = atoi(xmlParserVersion);

	/* libxml2 gives its run-time version as a number: 20914 is 2.9.14. */
	snprintf(xml, sizeof(xml), "%d.%d.%d", xml_number / 10000,
		 xml_number / 100 % 100, xml_number % 100);

	set_version(&out[0], "SQLite", "sqlite", sqlite3_libversion());
	set_version(&out[1], "libxml2", "libxml2", xml);
	set_version(&out[2], "GPGME", "gpgme", gpg_library_version());
	set_version(&out[3], "GnuPG", "gnupg",
		    ctx->model->gnupg_version ? ctx->model->gnupg_version
					      : "not started");
	set_version(&out[4], "cmark-gfm", "cmark_gfm", cmark_version_string());
	set_version(&out[5], "Jansson", "jansson", jansson_version_str());
}

void render_library_versions(const struct render_context *ctx,
			     struct buf *out)
{
	struct library_version libs[LIBRARY_COUNT];
	size_t i;

	render_libraries(ctx, libs);
	for (i = 0; i < LIBRARY_COUNT; i++)
		buf_addf(out, "%s%s %s", i ? ", " : "", libs[i].name,
			 libs[i].version);
}

static size_t rule_index(const struct policy_rule *rule)
{
	return (size_t)(rule - policy_rules);
}

/* Highest severity first, then the order of the table. */
static int compare_rules(const void *a, const void *b)
{
	const struct policy_rule *x = *(const struct policy_rule *const *)a;
	const struct policy_rule *y = *(const struct policy_rule *const *)b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return rule_index(x) < rule_index(y) ? -1 : rule_index(x) > rule_index(y);
}

void render_rules_sorted(const struct policy_rule **out)
{
	size_t i;

	for (i = 0; i < policy_rule_count; i++)
		out[i] = &policy_rules[i];
	qsort(out, policy_rule_count, sizeof(*out), compare_rules);
}

static int compare_groups(const void *a, const void *b)
{
	const struct rule_group *x = a, *y = b;

	if (x->rule && y->rule) {
		const struct policy_rule *rx = x->rule, *ry = y->rule;

		return compare_rules(&rx, &ry);
	}
	if (x->rule || y->rule)
		return x->rule ? -1 : 1;
	return strcmp(x->id, y->id);
}

static struct rule_group *find_group(struct rule_groups *groups,
				     const struct finding *finding)
{
	size_t i;

	/* The table has a few dozen rules, so a linear search is enough. */
	for (i = 0; i < groups->count; i++)
		if (!strcmp(groups->groups[i].id, finding->rule))
			return &groups->groups[i];

	groups->groups = xrealloc(groups->groups, (groups->count + 1) *
				  sizeof(*groups->groups));
	memset(&groups->groups[groups->count], 0, sizeof(*groups->groups));
	groups->groups[groups->count].id = finding->rule;
	groups->groups[groups->count].severity = finding->severity;
	return &groups->groups[groups->count++];
}

void rule_groups_build(struct rule_groups *groups, const struct model *model)
{
	size_t i, j;

	groups->count = policy_rule_count;
	groups->groups = xcalloc(policy_rule_count, sizeof(*groups->groups));
	for (i = 0; i < policy_rule_count; i++) {
		groups->groups[i].id = policy_rules[i].id;
		groups->groups[i].severity = policy_rules[i].severity;
		groups->groups[i].rule = &policy_rules[i];
	}

	for (i = 0; i < model->cred_count; i++) {
		const struct credential *cred = &model->creds[i];

		for (j = 0; j < cred->finding_count; j++) {
			const struct finding *finding = &cred->findings[j];
			struct rule_group *group = find_group(groups, finding);

			if (group->count == group->cap) {
				group->cap = group->cap ? group->cap * 2 : 8;
				group->refs = xrealloc(group->refs, group->cap *
						       sizeof(*group->refs));
			}
			group->refs[group->count].cred = cred;
			group->refs[group->count].finding = finding;
			group->count++;
		}
	}
	qsort(groups->groups, groups->count, sizeof(*groups->groups),
	      compare_groups);
}

void rule_groups_release(struct rule_groups *groups)
{
	size_t i;

	for (i = 0; i < groups->count; i++)
		free(groups->groups[i].refs);
	free(groups->groups);
	groups->groups = NULL;
	groups->count = 0;
}

const struct plan_skip *render_find_skip(const struct plan *plan,
					 const struct credential *cred)
{
	size_t lo = 0, hi = plan->skipped_count, i;

	/* plan_build() sorts the list by kind, then id. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct credential *at = plan->skipped[mid].cred;

		if (at->kind < cred->kind ||
		    (at->kind == cred->kind && at->id < cred->id))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* A damaged snapshot may repeat an id: match the credential itself. */
	for (i = lo; i < plan->skipped_count; i++) {
		const struct credential *at = plan->skipped[i].cred;

		if (at->kind != cred->kind || at->id != cred->id)
			break;
		if (at == cred)
			return &plan->skipped[i];
	}
	return NULL;
}
