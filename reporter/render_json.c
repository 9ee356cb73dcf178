/*
 * The JSON report (docs/report-json.md describes every field), written as
 * the credentials arrive: the fields known at the start, then one
 * credential per line, then the snapshot digest and the summary, which
 * are only known at the end. Fields keep a fixed order. The members of
 * each credential come from the walk in render_members.c, which
 * credentials.csv shares. Strings from the snapshot pass through
 * text_escape() without a length limit, so they are valid UTF-8 in the
 * escape convention of text.h.
 */
#include "render_core.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "render_members.h"
#include "text.h"

#define SCHEMA_VERSION 1
/* Write the buffer out when it grows past this. */
#define FLUSH_SIZE (256 * 1024)

struct json_sink {
	struct sink sink;
	const struct render_context *ctx;
	FILE *file;
	struct buf out;             /* the document, flushed as it grows */
	struct jsonw doc;
	struct member_writer writer;
	struct member_walk walk;
	struct buf scratch;
};

static struct json_sink *json_of(struct member_writer *writer)
{
	return (struct json_sink *)((char *)writer -
				    offsetof(struct json_sink, writer));
}

/* Write the key of `member` in the credential's object or in "owner". */
static struct jsonw *member_key(struct member_writer *writer,
				enum cred_member member)
{
	struct json_sink *j = json_of(writer);
	const struct member_name *m = &member_names[member];

	jsonw_key_quoted(&j->doc, m->json_key, m->json_key_len);
	return &j->doc;
}

static void member_null(struct member_writer *writer, enum cred_member member)
{
	jsonw_null(member_key(writer, member));
}

static void member_text(struct member_writer *writer, enum cred_member member,
			const char *text, size_t len)
{
	jsonw_stringn(member_key(writer, member), text, len);
}

static void member_integer(struct member_writer *writer,
			   enum cred_member member, int64_t value)
{
	jsonw_int(member_key(writer, member), value);
}

static void member_boolean(struct member_writer *writer,
			   enum cred_member member, int value)
{
	jsonw_bool(member_key(writer, member), value);
}

static void member_json(struct member_writer *writer, enum cred_member member,
			const char *json, size_t len)
{
	jsonw_raw(member_key(writer, member), json, len);
}

static void member_object(struct member_writer *writer,
			  enum cred_member member)
{
	jsonw_object(member_key(writer, member), 1);
}

static void member_end(struct member_writer *writer)
{
	jsonw_end(&json_of(writer)->doc);
}

static int flush(struct json_sink *j, struct buf *err)
{
	if (j->out.len && fwrite(j->out.data, 1, j->out.len, j->file) != j->out.len) {
		buf_addf(err, "cannot write report.json: %s", strerror(errno));
		return -1;
	}
	buf_reset(&j->out);
	return 0;
}

static int json_credential(struct sink *sink, const struct credential *cred,
			   const struct plan_decision *decision,
			   struct buf *err)
{
	struct json_sink *j = (struct json_sink *)sink;

	/* Each credential is one compact line, an element of the open array. */
	jsonw_object(&j->doc, 1);
	member_walk_credential(&j->walk, cred, decision);
	jsonw_end(&j->doc);
	return j->out.len > FLUSH_SIZE ? flush(j, err) : 0;
}

static void rules_array(struct jsonw *w)
{
	const struct policy_rule **rules;
	size_t i;

	jsonw_key(w, "rules");
	jsonw_array(w, 0);
	rules = xcalloc(policy_rule_count, sizeof(*rules));
	render_rules_sorted(rules);
	for (i = 0; i < policy_rule_count; i++) {
		jsonw_object(w, 0);
		jsonw_key(w, "id");
		jsonw_string(w, rules[i]->id);
		jsonw_key(w, "severity");
		jsonw_string(w, severity_id(rules[i]->severity));
		jsonw_key(w, "summary");
		jsonw_string(w, rules[i]->summary);
		jsonw_key(w, "source");
		jsonw_string(w, rules[i]->source);
		jsonw_key(w, "proposes_action");
		jsonw_bool(w, rules[i]->proposes_action);
		jsonw_end(w);
	}
	jsonw_end(w);
	free(rules);
}

/* Everything before the credentials, which is known at the start. */
static void write_head(struct json_sink *j)
{
	const struct model *model = j->ctx->model;
	struct library_version libs[LIBRARY_COUNT];
	struct jsonw *w = &j->doc;
	struct buf version = BUF_INIT;
	char now[TS_TEXT_MAX];
	size_t i;

	jsonw_init(w, &j->out, 0);
	jsonw_object(w, 0);
	jsonw_key(w, "schema_version");
	jsonw_int(w, SCHEMA_VERSION);
	buf_addf(&version, "credaudit %s",
		 j->ctx->tool_version ? j->ctx->tool_version : "unknown");
	jsonw_key(w, "generated_by");
	jsonw_string(w, version.data);
	buf_release(&version);
	ts_format(model->now, now);
	jsonw_key(w, "now");
	jsonw_string(w, now);

	render_libraries(j->ctx, libs);
	jsonw_key(w, "libraries");
	jsonw_object(w, 0);
	for (i = 0; i < LIBRARY_COUNT; i++) {
		jsonw_key(w, libs[i].id);
		jsonw_string(w, libs[i].version);
	}
	jsonw_end(w);
	rules_array(w);
	jsonw_key(w, "credentials");
	jsonw_array(w, 0);
}

/*
 * Write the rules that could not check every credential, in report
 * order, with the tables and columns the snapshot lacks and, per kind,
 * the credentials skipped (null when the kind's table was not read).
 */
static void rules_not_checked(struct json_sink *j)
{
	const struct model *model = j->ctx->model;
	const struct policy_rule **rules;
	struct jsonw *w = &j->doc;
	size_t r, i;
	int k;

	jsonw_key(w, "rules_not_checked");
	jsonw_array(w, 0);
	rules = xcalloc(policy_rule_count, sizeof(*rules));
	render_rules_sorted(rules);
	for (r = 0; r < policy_rule_count; r++) {
		struct rule_gap gap;

		policy_rule_gap(model, rules[r], &gap);
		if (!gap.not_checked)
			continue;
		jsonw_object(w, 1);
		jsonw_key(w, "id");
		jsonw_string(w, rules[r]->id);
		jsonw_key(w, "missing");
		jsonw_array(w, 1);
		for (i = 0; i < model->missing_count; i++)
			if (policy_missing_blocks(model, rules[r],
						  &model->missing[i]))
				jsonw_string(w, model->missing[i].name);
		jsonw_end(w);
		jsonw_key(w, "not_checked");
		jsonw_object(w, 1);
		for (k = 0; k < KIND_COUNT; k++) {
			if (!(gap.not_checked & KIND_BIT(k)))
				continue;
			jsonw_key(w, kind_id((enum cred_kind)k));
			if (gap.unread & KIND_BIT(k))
				jsonw_null(w);
			else
				jsonw_int(w, (int64_t)gap.skipped[k]);
		}
		jsonw_end(w);
		jsonw_end(w);
	}
	jsonw_end(w);
	free(rules);
}

static void summary_object(struct json_sink *j)
{
	const struct summary *sum = &j->ctx->model->summary;
	const struct plan *plan = j->ctx->plan;
	struct jsonw *w = &j->doc;
	int k, s;

	jsonw_key(w, "summary");
	jsonw_object(w, 0);
	jsonw_key(w, "kinds");
	jsonw_object(w, 0);
	for (k = 0; k < KIND_COUNT; k++) {
		size_t total = 0;

		jsonw_key(w, kind_id((enum cred_kind)k));
		jsonw_object(w, 0);
		jsonw_key(w, "available");
		jsonw_bool(w, sum->kind_available[k]);
		for (s = 0; s < STATE_COUNT; s++) {
			total += sum->by_kind_state[k][s];
			/* A table the snapshot lacks has no counts, not zero. */
			jsonw_key(w, state_id((enum cred_state)s));
			if (sum->kind_available[k])
				jsonw_int(w, (int64_t)sum->by_kind_state[k][s]);
			else
				jsonw_null(w);
		}
		jsonw_key(w, "total");
		if (sum->kind_available[k])
			jsonw_int(w, (int64_t)total);
		else
			jsonw_null(w);
		jsonw_end(w);
	}
	jsonw_end(w);

	jsonw_key(w, "findings");
	jsonw_object(w, 0);
	jsonw_key(w, "total");
	jsonw_int(w, (int64_t)sum->findings);
	for (s = SEV_COUNT - 1; s >= 0; s--) {
		jsonw_key(w, severity_id((enum severity)s));
		jsonw_int(w, (int64_t)sum->by_severity[s]);
	}
	jsonw_end(w);

	rules_not_checked(j);

	jsonw_key(w, "plan");
	jsonw_object(w, 0);
	jsonw_key(w, "actions");
	if (plan)
		jsonw_int(w, (int64_t)plan->count);
	else
		jsonw_null(w);
	jsonw_key(w, "not_possible");
	if (plan)
		jsonw_int(w, (int64_t)plan->skipped_count);
	else
		jsonw_null(w);
	/* Only a filtered plan has these, so that others stay as they were. */
	if (plan && plan_filter_active(&plan->filter)) {
		struct buf filter = BUF_INIT;

		plan_filter_describe(&plan->filter, "", &filter);
		jsonw_key(w, "filter");
		jsonw_string(w, filter.data);
		jsonw_key(w, "left_out_actions");
		jsonw_int(w, (int64_t)plan->left_out_count);
		buf_release(&filter);
	}
	jsonw_end(w);
	jsonw_end(w);
}

/* A string from the snapshot, escaped, or null for NULL. */
static void snapshot_string(struct json_sink *j, const char *s)
{
	if (!s) {
		jsonw_null(&j->doc);
		return;
	}
	buf_reset(&j->scratch);
	text_escape_str(&j->scratch, s, TEXT_NO_LIMIT);
	jsonw_stringn(&j->doc, j->scratch.data, j->scratch.len);
}

/*
 * The instance's limits from application_settings: each column under
 * GitLab's name, an integer or null, and in "unavailable" the columns
 * that the snapshot lacks or whose value could not be read. Null when the
 * snapshot has no row of the table.
 */
static void settings_object(struct json_sink *j)
{
	const struct instance_settings *set = &j->ctx->model->settings;
	struct jsonw *w = &j->doc;
	const struct {
		const struct setting *setting;
		const char *suffix;
	} columns[] = {
		{ &set->key_restriction[KEY_RSA], "_key_restriction" },
		{ &set->key_restriction[KEY_DSA], "_key_restriction" },
		{ &set->key_restriction[KEY_ECDSA], "_key_restriction" },
		{ &set->key_restriction[KEY_ED25519], "_key_restriction" },
		{ &set->key_restriction[KEY_ECDSA_SK], "_key_restriction" },
		{ &set->key_restriction[KEY_ED25519_SK], "_key_restriction" },
		{ &set->max_token_lifetime, "max_personal_access_token_lifetime" },
		{ &set->max_key_lifetime, "max_ssh_key_lifetime" },
	};
	const size_t count = sizeof(columns) / sizeof(columns[0]);
	char names[sizeof(columns) / sizeof(columns[0])][48];
	size_t i;

	jsonw_key(w, "application_settings");
	if (!set->table_read) {
		jsonw_null(w);
		return;
	}
	for (i = 0; i < count; i++) {
		if (i < KEY_FAMILY_COUNT)
			snprintf(names[i], sizeof(names[i]), "%s%s",
				 key_family_id((enum key_family)i),
				 columns[i].suffix);
		else
			snprintf(names[i], sizeof(names[i]), "%s",
				 columns[i].suffix);
	}
	jsonw_object(w, 0);
	for (i = 0; i < count; i++) {
		jsonw_key(w, names[i]);
		if (columns[i].setting->state == SETTING_SET)
			jsonw_int(w, columns[i].setting->value);
		else
			jsonw_null(w);
	}
	jsonw_key(w, "unavailable");
	jsonw_array(w, 1);
	for (i = 0; i < count; i++)
		if (columns[i].setting->state == SETTING_UNREAD ||
		    columns[i].setting->state == SETTING_INVALID)
			jsonw_string(w, names[i]);
	jsonw_end(w);
	jsonw_end(w);
}

/* The snapshot's digest is known once every row was read. */
static void snapshot_object(struct json_sink *j)
{
	const struct model *model = j->ctx->model;
	struct jsonw *w = &j->doc;

	/* Only credentials have text_flags, so these record no flags. */
	jsonw_key(w, "snapshot");
	jsonw_object(w, 0);
	jsonw_key(w, "path");
	snapshot_string(j, model->snapshot_path);
	jsonw_key(w, "digest");
	jsonw_string_or_null(w, model->snapshot_digest);
	jsonw_key(w, "gitlab_version");
	snapshot_string(j, model->gitlab_version);
	settings_object(j);
	jsonw_end(w);
}

static int json_end(struct sink *sink, struct buf *err)
{
	struct json_sink *j = (struct json_sink *)sink;

	jsonw_end(&j->doc);
	snapshot_object(j);
	summary_object(j);
	jsonw_end(&j->doc);
	buf_addch(&j->out, '\n');
	if (flush(j, err) < 0)
		return -1;
	if (fflush(j->file) || ferror(j->file)) {
		buf_addf(err, "cannot write report.json: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void json_free(struct sink *sink)
{
	struct json_sink *j = (struct json_sink *)sink;

	buf_release(&j->out);
	member_walk_release(&j->walk);
	buf_release(&j->scratch);
	free(j);
}

struct sink *render_json_sink(const struct render_context *ctx, FILE *out)
{
	struct json_sink *j = xcalloc(1, sizeof(*j));

	j->sink.name = "report.json";
	j->sink.credential = json_credential;
	j->sink.end = json_end;
	j->sink.free = json_free;
	j->ctx = ctx;
	j->file = out;
	buf_init(&j->out);
	buf_init(&j->scratch);
	j->writer.null = member_null;
	j->writer.text = member_text;
	j->writer.integer = member_integer;
	j->writer.boolean = member_boolean;
	j->writer.json = member_json;
	j->writer.object = member_object;
	j->writer.end = member_end;
	member_walk_init(&j->walk, &j->writer);
	write_head(j);
	return &j->sink;
}
