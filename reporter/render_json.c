/*
 * The JSON report (docs/report-json.md describes every field), written as
 * the credentials arrive: the fields known at the start, then one
 * credential per line, then the snapshot digest and the summary, which
 * are only known at the end. Fields keep a fixed order. A value the
 * snapshot lacks is null and named in the credential's "unavailable"
 * list. A value that cannot be parsed is null, and its raw text is in
 * "invalid". Strings from the snapshot pass through text_escape() without
 * a length limit, so they are valid UTF-8 in the escape convention of
 * text.h. "text_flags" names the fields that needed escapes.
 */
#include "render_core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "text.h"

#define SCHEMA_VERSION 1
/* Write the buffer out when it grows past this. */
#define FLUSH_SIZE (256 * 1024)
/* Distinct fields that one credential can name in its lists. */
#define LIST_MAX 32

/* The flags that the strings of one field needed, in the order first seen. */
struct field_flags {
	const char *field;
	unsigned order[TEXT_FLAG_COUNT];
	size_t count;
};

struct json_sink {
	struct sink sink;
	const struct render_context *ctx;
	FILE *file;
	struct buf out;             /* the document, flushed as it grows */
	struct jsonw doc;
	struct buf line;            /* the credential being written */
	struct jsonw w;
	struct buf scratch;

	/* Lists of the credential being written. */
	const char *unavailable[LIST_MAX];
	size_t unavailable_count;
	struct buf invalid;         /* members of the "invalid" object */
	struct jsonw invalid_w;
	struct field_flags flags[LIST_MAX];
	size_t flag_count;
};

static void note_flags(struct json_sink *j, const char *field, unsigned flags)
{
	struct field_flags *entry = NULL;
	unsigned bit;
	size_t i;

	if (!flags)
		return;
	for (i = 0; i < j->flag_count; i++)
		if (!strcmp(j->flags[i].field, field))
			entry = &j->flags[i];
	if (!entry) {
		if (j->flag_count == LIST_MAX)
			return;
		entry = &j->flags[j->flag_count++];
		entry->field = field;
		entry->count = 0;
	}
	for (bit = 1; bit < 1u << TEXT_FLAG_COUNT; bit <<= 1) {
		int seen = 0;

		if (!(flags & bit))
			continue;
		for (i = 0; i < entry->count; i++)
			seen |= entry->order[i] == bit;
		if (!seen)
			entry->order[entry->count++] = bit;
	}
}

/* A string from the snapshot: escaped, and its flags noted under `field`. */
static void user_string(struct json_sink *j, struct jsonw *w,
			const char *field, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	buf_reset(&j->scratch);
	note_flags(j, field, text_escape_str(&j->scratch, s, TEXT_NO_LIMIT));
	jsonw_stringn(w, j->scratch.data, j->scratch.len);
}

static void mark_unavailable(struct json_sink *j, const char *field)
{
	if (j->unavailable_count < LIST_MAX)
		j->unavailable[j->unavailable_count++] = field;
}

static void mark_invalid(struct json_sink *j, const char *field,
			 const char *raw)
{
	jsonw_key(&j->invalid_w, field);
	user_string(j, &j->invalid_w, field, raw);
}

/* A timestamp as ISO 8601 text, or null with the reason noted. */
static void timestamp(struct json_sink *j, const struct credential *cred,
		      unsigned unavailable_bit, const char *field,
		      const struct timestamp *ts)
{
	char text[TS_TEXT_MAX];

	jsonw_key(&j->w, field);
	switch (render_timestamp(cred, unavailable_bit, ts, text)) {
	case VALUE_SET:
		jsonw_string(&j->w, text);
		return;
	case VALUE_INVALID:
		mark_invalid(j, field, ts->raw);
		break;
	case VALUE_UNAVAILABLE:
		mark_unavailable(j, field);
		break;
	case VALUE_NONE:
		break;
	}
	jsonw_null(&j->w);
}

static void owner_object(struct json_sink *j, const struct credential *cred)
{
	const struct owner *owner = cred->owner;
	struct jsonw *w = &j->w;

	jsonw_key(w, "owner");
	jsonw_object(w, 1);
	jsonw_key(w, "id");
	jsonw_int(w, cred->owner_id);
	jsonw_key(w, "in_snapshot");
	jsonw_bool(w, owner != NULL);
	jsonw_key(w, "username");
	user_string(j, w, "owner.username", owner ? owner->username : NULL);
	jsonw_key(w, "name");
	user_string(j, w, "owner.name", owner ? owner->name : NULL);
	jsonw_key(w, "state");
	if (owner && owner->state) {
		user_string(j, w, "owner.state", owner->state);
	} else {
		if (cred->unavailable & FIELD_OWNER_STATE)
			mark_unavailable(j, "owner.state");
		jsonw_null(w);
	}
	jsonw_key(w, "user_type");
	if (owner && owner->user_type >= 0)
		jsonw_string(w, user_type_id(owner->user_type));
	else
		jsonw_null(w);
	jsonw_key(w, "admin");
	if (owner)
		jsonw_bool(w, owner->admin);
	else
		jsonw_null(w);
	jsonw_end(w);
}

static void resource_object(struct json_sink *j, const struct credential *cred)
{
	struct jsonw *w = &j->w;

	jsonw_key(w, "resource");
	if (cred->unavailable & FIELD_RESOURCE) {
		mark_unavailable(j, "resource");
		jsonw_null(w);
		return;
	}
	if (cred->resource.type == RESOURCE_NONE) {
		/* GitLab keeps the projects of a deploy key in a table the
		 * snapshot lacks. */
		if (cred->kind == KIND_DEPLOY_KEY)
			mark_unavailable(j, "resource");
		jsonw_null(w);
		return;
	}
	jsonw_object(w, 1);
	jsonw_key(w, "type");
	jsonw_string(w, cred->resource.type == RESOURCE_PROJECT ? "project"
								: "group");
	jsonw_key(w, "id");
	jsonw_int(w, cred->resource.id);
	jsonw_key(w, "path");
	user_string(j, w, "resource.path", cred->resource.path);
	jsonw_end(w);
}

static void findings_array(struct json_sink *j, const struct credential *cred)
{
	struct jsonw *w = &j->w;
	size_t i;

	jsonw_key(w, "findings");
	jsonw_array(w, 1);
	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];

		jsonw_object(w, 1);
		jsonw_key(w, "rule");
		jsonw_string(w, finding->rule);
		jsonw_key(w, "severity");
		jsonw_string(w, severity_id(finding->severity));
		jsonw_key(w, "message");
		user_string(j, w, "findings.message", finding->message);
		jsonw_end(w);
	}
	jsonw_end(w);
}

static void token_fields(struct json_sink *j, const struct credential *cred)
{
	struct jsonw *w = &j->w;
	size_t i;

	jsonw_key(w, "scopes");
	if (cred->unavailable & FIELD_SCOPES) {
		mark_unavailable(j, "scopes");
		jsonw_null(w);
	} else if (cred->scopes_invalid) {
		/* The model keeps no raw text of a scope list it cannot read. */
		jsonw_key(&j->invalid_w, "scopes");
		jsonw_null(&j->invalid_w);
		jsonw_null(w);
	} else {
		jsonw_array(w, 1);
		for (i = 0; i < cred->scopes.count; i++)
			user_string(j, w, "scopes", cred->scopes.items[i]);
		jsonw_end(w);
	}

	timestamp(j, cred, FIELD_LAST_USED, "last_used_at", &cred->last_used_at);
	timestamp(j, cred, FIELD_EXPIRES, "expires_at", &cred->expires_at);
	if (cred->unavailable & FIELD_REVOKED) {
		mark_unavailable(j, "revoked");
		mark_unavailable(j, "revoked_at");
		jsonw_key(w, "revoked");
		jsonw_null(w);
		jsonw_key(w, "revoked_at");
		jsonw_null(w);
	} else {
		jsonw_key(w, "revoked");
		jsonw_bool(w, cred->revoked);
		if (cred->revoked) {
			timestamp(j, cred, 0, "revoked_at", &cred->revoked_at);
		} else {
			jsonw_key(w, "revoked_at");
			jsonw_null(w);
		}
	}
	if (cred->kind == KIND_PERSONAL_TOKEN) {
		jsonw_key(w, "impersonation");
		jsonw_bool(w, cred->impersonation);
	}
	jsonw_key(w, "previous_token_id");
	if (cred->previous_id)
		jsonw_int(w, cred->previous_id);
	else
		jsonw_null(w);
}

static void ssh_fields(struct json_sink *j, const struct credential *cred)
{
	const struct sshkey_info *ssh = &cred->ssh;
	struct jsonw *w = &j->w;

	timestamp(j, cred, FIELD_LAST_USED, "last_used_at", &cred->last_used_at);
	timestamp(j, cred, FIELD_EXPIRES, "expires_at", &cred->expires_at);
	if (cred->ssh_ok) {
		jsonw_key(w, "key_type");
		user_string(j, w, "key_type", ssh->type);
		jsonw_key(w, "declared_type");
		user_string(j, w, "declared_type",
			    ssh->declared[0] ? ssh->declared : NULL);
		jsonw_key(w, "bits");
		jsonw_int(w, ssh->bits);
		jsonw_key(w, "fingerprint_sha256");
		user_string(j, w, "fingerprint_sha256", ssh->sha256);
		jsonw_key(w, "fingerprint_md5");
		user_string(j, w, "fingerprint_md5",
			    ssh->md5[0] ? ssh->md5 : NULL);
		jsonw_key(w, "key_error");
		jsonw_null(w);
	} else {
		static const char *const absent[] = {
			"key_type", "declared_type", "bits",
			"fingerprint_sha256", "fingerprint_md5",
		};
		size_t i;

		for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
			jsonw_key(w, absent[i]);
			jsonw_null(w);
		}
		jsonw_key(w, "key_error");
		user_string(j, w, "key_error", ssh->error);
	}
	jsonw_key(w, "usage_type");
	if (cred->unavailable & FIELD_USAGE_TYPE) {
		mark_unavailable(j, "usage_type");
		jsonw_null(w);
	} else {
		user_string(j, w, "usage_type", cred->usage_type);
	}
	jsonw_key(w, "ldap");
	jsonw_bool(w, cred->ldap);
}

static void date_or_null(struct jsonw *w, const char *key, int64_t sec)
{
	char text[TS_TEXT_MAX];

	jsonw_key(w, key);
	if (!sec) {
		jsonw_null(w);
		return;
	}
	ts_format_date(sec, text);
	jsonw_string(w, text);
}

static void gpg_user_ids(struct json_sink *j, const struct gpg_key_info *gpg)
{
	struct jsonw *w = &j->w;
	size_t i;

	jsonw_key(w, "user_ids");
	jsonw_array(w, 1);
	for (i = 0; i < gpg->uid_count; i++) {
		const struct gpg_uid *uid = &gpg->uids[i];

		jsonw_object(w, 1);
		jsonw_key(w, "uid");
		user_string(j, w, "user_ids", uid->uid);
		jsonw_key(w, "name");
		user_string(j, w, "user_ids", uid->name);
		jsonw_key(w, "email");
		user_string(j, w, "user_ids", uid->email);
		jsonw_key(w, "revoked");
		jsonw_bool(w, uid->revoked);
		jsonw_key(w, "invalid");
		jsonw_bool(w, uid->invalid);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_key(w, "emails");
	jsonw_array(w, 1);
	for (i = 0; i < gpg->uid_count; i++)
		if (gpg->uids[i].email)
			user_string(j, w, "emails", gpg->uids[i].email);
	jsonw_end(w);
}

static void gpg_fields(struct json_sink *j, const struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;
	struct jsonw *w = &j->w;
	size_t i;

	if (!cred->gpg_ok) {
		static const char *const absent[] = {
			"primary_keyid", "fingerprint", "user_ids", "emails",
			"algorithm", "curve", "bits", "key_created_at",
			"key_expires_at", "key_expired", "key_revoked",
			"extra_keys",
		};

		for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
			jsonw_key(w, absent[i]);
			jsonw_null(w);
		}
		jsonw_key(w, "key_error");
		user_string(j, w, "key_error", gpg->error);
	} else {
		jsonw_key(w, "primary_keyid");
		user_string(j, w, "primary_keyid", gpg->keyid);
		jsonw_key(w, "fingerprint");
		user_string(j, w, "fingerprint", gpg->fingerprint);
		gpg_user_ids(j, gpg);
		jsonw_key(w, "algorithm");
		user_string(j, w, "algorithm", gpg->algorithm);
		jsonw_key(w, "curve");
		user_string(j, w, "curve", gpg->curve[0] ? gpg->curve : NULL);
		jsonw_key(w, "bits");
		if (gpg->bits)
			jsonw_int(w, gpg->bits);
		else
			jsonw_null(w);
		date_or_null(w, "key_created_at", gpg->created);
		date_or_null(w, "key_expires_at", gpg->expires);
		jsonw_key(w, "key_expired");
		jsonw_bool(w, gpg->expired);
		jsonw_key(w, "key_revoked");
		jsonw_bool(w, gpg->revoked);
		jsonw_key(w, "extra_keys");
		jsonw_int(w, (int64_t)gpg->extra_keys);
		jsonw_key(w, "key_error");
		jsonw_null(w);
	}
	jsonw_key(w, "verification");
	if (cred->unavailable & FIELD_VERIFICATION) {
		mark_unavailable(j, "verification");
		jsonw_null(w);
		jsonw_key(w, "verified_by_revoked_uid");
		jsonw_null(w);
	} else {
		jsonw_string(w, cred->verification == GPG_VERIFIED
			     ? "verified" : "unverified");
		jsonw_key(w, "verified_by_revoked_uid");
		jsonw_bool(w, cred->verified_by_revoked_uid);
	}
}

/* The three lists that close a credential. */
static void credential_lists(struct json_sink *j)
{
	struct jsonw *w = &j->w;
	size_t i, k;

	jsonw_key(w, "unavailable");
	jsonw_array(w, 1);
	for (i = 0; i < j->unavailable_count; i++)
		jsonw_string(w, j->unavailable[i]);
	jsonw_end(w);

	jsonw_key(w, "invalid");
	jsonw_end(&j->invalid_w);
	jsonw_raw(w, j->invalid.data, j->invalid.len);

	jsonw_key(w, "text_flags");
	jsonw_object(w, 1);
	for (i = 0; i < j->flag_count; i++) {
		jsonw_key(w, j->flags[i].field);
		jsonw_array(w, 1);
		for (k = 0; k < j->flags[i].count; k++)
			jsonw_string(w, text_flag_id(j->flags[i].order[k]));
		jsonw_end(w);
	}
	jsonw_end(w);
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

	render_json_credential(sink, cred, decision);
	/* Each credential is one line, an element of the open array. */
	jsonw_raw(&j->doc, j->line.data, j->line.len);
	return j->out.len > FLUSH_SIZE ? flush(j, err) : 0;
}

void render_json_credential(struct sink *sink, const struct credential *cred,
			    const struct plan_decision *decision)
{
	struct json_sink *j = (struct json_sink *)sink;
	struct jsonw *w = &j->w;
	int is_token = cred->kind == KIND_PERSONAL_TOKEN ||
		       cred->kind == KIND_PROJECT_TOKEN ||
		       cred->kind == KIND_GROUP_TOKEN;

	j->unavailable_count = 0;
	j->flag_count = 0;
	buf_reset(&j->invalid);
	jsonw_init(&j->invalid_w, &j->invalid, 0);
	jsonw_object(&j->invalid_w, 1);
	buf_reset(&j->line);
	jsonw_init(w, &j->line, 0);
	jsonw_object(w, 1);
	jsonw_key(w, "kind");
	jsonw_string(w, kind_id(cred->kind));
	jsonw_key(w, "id");
	jsonw_int(w, cred->id);
	if (cred->kind != KIND_GPG_KEY) {
		jsonw_key(w, "name");
		user_string(j, w, "name", cred->name);
	}
	owner_object(j, cred);
	if (is_token || cred->kind == KIND_DEPLOY_KEY)
		resource_object(j, cred);
	jsonw_key(w, "state");
	jsonw_string(w, state_id(cred->state));
	timestamp(j, cred, FIELD_CREATED, "created_at", &cred->created_at);

	if (is_token)
		token_fields(j, cred);
	else if (cred->kind == KIND_GPG_KEY)
		gpg_fields(j, cred);
	else
		ssh_fields(j, cred);

	findings_array(j, cred);
	jsonw_key(w, "plan_action");
	if (decision->outcome == PLAN_ACTION)
		jsonw_string(w, decision->action.id);
	else
		jsonw_null(w);
	credential_lists(j);
	jsonw_end(w);
}

void render_json_line(const struct sink *sink, const char **text, size_t *len)
{
	const struct json_sink *j = (const struct json_sink *)sink;

	*text = j->line.data;
	*len = j->line.len;
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
	user_string(j, w, "snapshot.path", model->snapshot_path);
	jsonw_key(w, "digest");
	jsonw_string_or_null(w, model->snapshot_digest);
	jsonw_key(w, "gitlab_version");
	user_string(j, w, "snapshot.gitlab_version", model->gitlab_version);
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
	buf_release(&j->line);
	buf_release(&j->scratch);
	buf_release(&j->invalid);
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
	buf_init(&j->line);
	buf_init(&j->scratch);
	buf_init(&j->invalid);
	write_head(j);
	return &j->sink;
}
