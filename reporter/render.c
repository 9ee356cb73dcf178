#include "render_core.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <sqlite3.h>

#include "gpgkey.h"
#include "journal.h"

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

void render_cred_label(struct buf *out, enum cred_kind kind, int64_t id,
		       int invalid_id, int64_t row)
{
	if (invalid_id)
		buf_addf(out, "%s with an invalid id (row %" PRId64 ")",
			 kind_noun(kind), row);
	else if (row)
		buf_addf(out, "%s %" PRId64 " (repeated id, row %" PRId64 ")",
			 kind_noun(kind), id, row);
	else
		buf_addf(out, "%s %" PRId64, kind_noun(kind), id);
}

void render_row_anchor(struct buf *out, enum cred_kind kind, int64_t id,
		       int64_t row)
{
	if (row)
		buf_addf(out, "%s-row-%" PRId64, kind_id(kind), row);
	else
		buf_addf(out, "%s-%" PRId64, kind_id(kind), id);
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

int render_done_elsewhere(const struct render_context *ctx,
			  const struct journal_entry *done, struct buf *out)
{
	const char *host = ctx->model->gitlab_host;
	const char *start;
	size_t len;

	if (!host || !done->gitlab_url)
		return 0;
	start = strstr(done->gitlab_url, "://");
	start = start ? start + 3 : done->gitlab_url;
	len = strcspn(start, ":/?#");
	if (len == strlen(host) && !strncasecmp(start, host, len))
		return 0;
	buf_add(out, start, len);
	return 1;
}

void render_plan_filter_note(const struct plan *plan, const char *quote,
			     struct buf *out)
{
	if (!plan_filter_active(&plan->filter))
		return;
	buf_adds(out, "This plan is partial: it holds only the actions for ");
	plan_filter_describe(&plan->filter, quote, out);
	buf_addf(out, " (%s%s%s). ",
		 plan->filter.by_severity ? "--plan-severity" : "",
		 plan->filter.by_severity && plan->filter.by_rule ? ", " : "",
		 plan->filter.by_rule ? "--plan-rules" : "");
	if (plan->left_out_count)
		buf_addf(out, "It leaves out %zu action%s that other findings propose.",
			 plan->left_out_count,
			 plan->left_out_count == 1 ? "" : "s");
	else
		buf_adds(out, "It leaves out no action that other findings propose.");
}

/* What a lifetime setting contains, in words. */
static void setting_days(const struct setting *setting, const char *unset,
			 struct buf *out)
{
	switch (setting->state) {
	case SETTING_SET:
		buf_addf(out, "%lld days", (long long)setting->value);
		break;
	case SETTING_NULL:
		buf_adds(out, unset);
		break;
	case SETTING_INVALID:
		buf_adds(out, "not a valid number of days");
		break;
	case SETTING_UNREAD:
		buf_adds(out, NOT_AVAILABLE);
		break;
	}
}

void render_settings(const struct instance_settings *settings, struct buf *out)
{
	int f, any_size = 0, listed = 0;

	if (!settings->table_read) {
		buf_adds(out, "application_settings is " NOT_AVAILABLE ", so SSH key restrictions and lifetimes are not checked and token lifetimes are judged against GitLab's default of 365 days.");
		return;
	}
	buf_adds(out, "SSH key types: ");
	for (f = 0; f < KEY_FAMILY_COUNT; f++) {
		const struct setting *r = &settings->key_restriction[f];

		if (r->state == SETTING_SET && r->value == 0) {
			any_size++;
			continue;
		}
		buf_addf(out, "%s%s ", listed++ ? ", " : "",
			 key_family_label((enum key_family)f));
		if (r->state == SETTING_SET && r->value < 0)
			buf_adds(out, "forbidden");
		else if (r->state == SETTING_SET)
			buf_addf(out, "at least %lld bits", (long long)r->value);
		else if (r->state == SETTING_UNREAD)
			buf_adds(out, NOT_AVAILABLE);
		else
			buf_adds(out, "not a valid restriction");
	}
	if (any_size)
		buf_adds(out, listed ? ", other types allowed at any size"
				     : "all allowed at any size");
	buf_adds(out, ". Maximum access token lifetime: ");
	setting_days(&settings->max_token_lifetime,
		     "not set, so GitLab's default of 365 days", out);
	buf_adds(out, ". Maximum SSH key lifetime: ");
	setting_days(&settings->max_key_lifetime, "not set", out);
	buf_adds(out, ".");
}

void render_rules_sorted(const struct policy_rule **out)
{
	size_t i;

	for (i = 0; i < policy_rule_count; i++)
		out[i] = &policy_rules[i];
	qsort(out, policy_rule_count, sizeof(*out), compare_rules);
}

/* ------------------------------------------------------- apply journal */

struct done_entry {
	enum cred_kind kind;
	int64_t id;
	size_t order;                        /* position in the journal */
	const struct journal_entry *entry;
};

struct done_index {
	struct done_entry *entries;         /* by kind, id, then order */
	size_t count;
};

static int kind_of(const char *id)
{
	int k;

	for (k = 0; id && k < KIND_COUNT; k++)
		if (!strcmp(id, kind_id((enum cred_kind)k)))
			return k;
	return -1;
}

static int compare_done(const void *a, const void *b)
{
	const struct done_entry *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct done_index *done_index_build(const struct journal *journal)
{
	struct done_index *index = xcalloc(1, sizeof(*index));
	size_t i;

	index->entries = xcalloc(journal->count ? journal->count : 1,
				 sizeof(*index->entries));
	for (i = 0; i < journal->count; i++) {
		const struct journal_entry *entry = &journal->entries[i];
		int kind = kind_of(entry->kind);

		if (entry->dry_run || !entry->result ||
		    strcmp(entry->result, JOURNAL_DONE) || kind < 0)
			continue;
		index->entries[index->count].kind = (enum cred_kind)kind;
		index->entries[index->count].id = entry->cred_id;
		index->entries[index->count].order = i;
		index->entries[index->count].entry = entry;
		index->count++;
	}
	qsort(index->entries, index->count, sizeof(*index->entries),
	      compare_done);
	return index;
}

const struct journal_entry *done_index_find(const struct done_index *index,
					    enum cred_kind kind, int64_t id)
{
	size_t lo = 0, hi = index ? index->count : 0;

	/* An invalid id is 0, and apply acts only on valid ones. */
	if (id <= 0)
		return NULL;
	/* The last entry of the kind and id, which journal order put last. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct done_entry *at = &index->entries[mid];

		if (at->kind < kind || (at->kind == kind && at->id <= id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (index->entries[lo - 1].kind != kind || index->entries[lo - 1].id != id)
		return NULL;
	return index->entries[lo - 1].entry;
}

void done_index_free(struct done_index *index)
{
	if (!index)
		return;
	free(index->entries);
	free(index);
}

/* ------------------------------------------------------------ inventory */

size_t inventory_page(size_t row)
{
	return row / INVENTORY_PAGE_ROWS + 1;
}

void inventory_page_name(struct buf *out, enum cred_kind kind, size_t page,
			 int with_dir)
{
	buf_addf(out, "%s%s-%04zu.html", with_dir ? INVENTORY_DIR "/" : "",
		 kind_id(kind), page);
}
