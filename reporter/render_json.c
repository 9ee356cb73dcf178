/*
 * The JSON report (docs/report-json.md describes every field). Fields keep
 * a fixed order. A value the snapshot lacks is null and named in the
 * credential's "unavailable" list. A value that cannot be parsed is null,
 * and its raw text is in "invalid". Strings from the snapshot pass through
 * text_escape() without a length limit, so they are valid UTF-8 in the
 * escape convention of text.h. "text_flags" names the fields that needed
 * escapes.
 */
#include "render_core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"

#define SCHEMA_VERSION 1

struct json_ctx {
	const struct render_context *ctx;
	struct buf scratch;
	/* Lists of the credential being written. */
	json_t *unavailable;
	json_t *invalid;
	json_t *text_flags;
	int failed;
};

/* Set `key` and note a failure (only out of memory) instead of losing it. */
static void set(struct json_ctx *j, json_t *object, const char *key,
		json_t *value)
{
	if (!value || json_object_set_new(object, key, value) < 0)
		j->failed = 1;
}

static void append(struct json_ctx *j, json_t *array, json_t *value)
{
	if (!value || json_array_append_new(array, value) < 0)
		j->failed = 1;
}

static void note_flags(struct json_ctx *j, const char *field, unsigned flags)
{
	json_t *list;
	unsigned bit;

	if (!flags || !j->text_flags)
		return;
	list = json_object_get(j->text_flags, field);
	if (!list) {
		list = json_array();
		set(j, j->text_flags, field, list);
		if (!list)
			return;
	}
	for (bit = 1; bit < 1u << TEXT_FLAG_COUNT; bit <<= 1) {
		const char *id = text_flag_id(bit);
		size_t i;
		int seen = 0;

		if (!(flags & bit))
			continue;
		for (i = 0; i < json_array_size(list); i++)
			seen |= !strcmp(json_string_value(json_array_get(list, i)), id);
		if (!seen)
			append(j, list, json_string(id));
	}
}

/* A string from the snapshot: escaped, and its flags noted under `field`. */
static json_t *user_string(struct json_ctx *j, const char *field,
			   const char *s)
{
	unsigned flags;

	if (!s)
		return json_null();
	buf_reset(&j->scratch);
	flags = text_escape_str(&j->scratch, s, TEXT_NO_LIMIT);
	note_flags(j, field, flags);
	return json_stringn(j->scratch.data, j->scratch.len);
}

static void mark_unavailable(struct json_ctx *j, const char *field)
{
	append(j, j->unavailable, json_string(field));
}

/* A timestamp as ISO 8601 text, or null with the reason noted. */
static json_t *timestamp(struct json_ctx *j, const struct credential *cred,
			 unsigned unavailable_bit, const char *field,
			 const struct timestamp *ts)
{
	char text[TS_TEXT_MAX];

	switch (render_timestamp(cred, unavailable_bit, ts, text)) {
	case VALUE_SET:
		return json_string(text);
	case VALUE_INVALID:
		set(j, j->invalid, field, user_string(j, field, ts->raw));
		return json_null();
	case VALUE_UNAVAILABLE:
		mark_unavailable(j, field);
		return json_null();
	case VALUE_NONE:
		break;
	}
	return json_null();
}

static json_t *owner_object(struct json_ctx *j, const struct credential *cred)
{
	const struct owner *owner = cred->owner;
	json_t *object = json_object();

	if (!object)
		return NULL;
	set(j, object, "id", json_integer(cred->owner_id));
	set(j, object, "in_snapshot", json_boolean(owner != NULL));
	set(j, object, "username",
	    owner ? user_string(j, "owner.username", owner->username)
		  : json_null());
	set(j, object, "name",
	    owner ? user_string(j, "owner.name", owner->name) : json_null());
	if (owner && owner->state) {
		set(j, object, "state",
		    user_string(j, "owner.state", owner->state));
	} else {
		if (cred->unavailable & FIELD_OWNER_STATE)
			mark_unavailable(j, "owner.state");
		set(j, object, "state", json_null());
	}
	set(j, object, "user_type",
	    owner && owner->user_type >= 0
		? json_string(user_type_id(owner->user_type)) : json_null());
	set(j, object, "admin",
	    owner ? json_boolean(owner->admin) : json_null());
	return object;
}

static json_t *resource_object(struct json_ctx *j,
			       const struct credential *cred)
{
	json_t *object;

	if (cred->unavailable & FIELD_RESOURCE) {
		mark_unavailable(j, "resource");
		return json_null();
	}
	if (cred->resource.type == RESOURCE_NONE)
		return json_null();
	object = json_object();
	if (!object)
		return NULL;
	set(j, object, "type", json_string(cred->resource.type == RESOURCE_PROJECT
					   ? "project" : "group"));
	set(j, object, "id", json_integer(cred->resource.id));
	set(j, object, "path", user_string(j, "resource.path",
					   cred->resource.path));
	return object;
}

/* GitLab keeps the projects of a deploy key in a table the snapshot lacks. */
static json_t *deploy_key_project(struct json_ctx *j,
				  const struct credential *cred)
{
	if (cred->resource.type == RESOURCE_NONE) {
		mark_unavailable(j, "resource");
		return json_null();
	}
	return resource_object(j, cred);
}

static json_t *findings_array(struct json_ctx *j,
			      const struct credential *cred)
{
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];
		json_t *object = json_object();

		if (!object) {
			j->failed = 1;
			break;
		}
		set(j, object, "rule", json_string(finding->rule));
		set(j, object, "severity",
		    json_string(severity_id(finding->severity)));
		set(j, object, "message",
		    user_string(j, "findings.message", finding->message));
		append(j, array, object);
	}
	return array;
}

static void token_fields(struct json_ctx *j, json_t *object,
			 const struct credential *cred)
{
	size_t i;

	if (cred->unavailable & FIELD_SCOPES) {
		mark_unavailable(j, "scopes");
		set(j, object, "scopes", json_null());
	} else if (cred->scopes_invalid) {
		/* The model keeps no raw text of a scope list it cannot read. */
		set(j, j->invalid, "scopes", json_null());
		set(j, object, "scopes", json_null());
	} else {
		json_t *scopes = json_array();

		for (i = 0; scopes && i < cred->scopes.count; i++)
			append(j, scopes, user_string(j, "scopes",
						      cred->scopes.items[i]));
		set(j, object, "scopes", scopes);
	}

	set(j, object, "last_used_at",
	    timestamp(j, cred, FIELD_LAST_USED, "last_used_at",
		      &cred->last_used_at));
	set(j, object, "expires_at",
	    timestamp(j, cred, FIELD_EXPIRES, "expires_at", &cred->expires_at));
	if (cred->unavailable & FIELD_REVOKED) {
		mark_unavailable(j, "revoked");
		mark_unavailable(j, "revoked_at");
		set(j, object, "revoked", json_null());
		set(j, object, "revoked_at", json_null());
	} else {
		set(j, object, "revoked", json_boolean(cred->revoked));
		set(j, object, "revoked_at", cred->revoked
		    ? timestamp(j, cred, 0, "revoked_at", &cred->revoked_at)
		    : json_null());
	}
	if (cred->kind == KIND_PERSONAL_TOKEN)
		set(j, object, "impersonation",
		    json_boolean(cred->impersonation));
	set(j, object, "previous_token_id", cred->previous_id
	    ? json_integer(cred->previous_id) : json_null());
}

static void ssh_fields(struct json_ctx *j, json_t *object,
		       const struct credential *cred)
{
	const struct sshkey_info *ssh = &cred->ssh;

	set(j, object, "last_used_at",
	    timestamp(j, cred, FIELD_LAST_USED, "last_used_at",
		      &cred->last_used_at));
	set(j, object, "expires_at",
	    timestamp(j, cred, FIELD_EXPIRES, "expires_at", &cred->expires_at));
	if (cred->ssh_ok) {
		set(j, object, "key_type", user_string(j, "key_type", ssh->type));
		set(j, object, "declared_type", ssh->declared[0]
		    ? user_string(j, "declared_type", ssh->declared)
		    : json_null());
		set(j, object, "bits", json_integer(ssh->bits));
		set(j, object, "fingerprint_sha256",
		    user_string(j, "fingerprint_sha256", ssh->sha256));
		set(j, object, "fingerprint_md5", ssh->md5[0]
		    ? user_string(j, "fingerprint_md5", ssh->md5)
		    : json_null());
		set(j, object, "key_error", json_null());
	} else {
		set(j, object, "key_type", json_null());
		set(j, object, "declared_type", json_null());
		set(j, object, "bits", json_null());
		set(j, object, "fingerprint_sha256", json_null());
		set(j, object, "fingerprint_md5", json_null());
		set(j, object, "key_error", user_string(j, "key_error",
							ssh->error));
	}
	if (cred->unavailable & FIELD_USAGE_TYPE) {
		mark_unavailable(j, "usage_type");
		set(j, object, "usage_type", json_null());
	} else {
		set(j, object, "usage_type",
		    user_string(j, "usage_type", cred->usage_type));
	}
	set(j, object, "ldap", json_boolean(cred->ldap));
}

static json_t *date_or_null(int64_t sec)
{
	char text[TS_TEXT_MAX];

	if (!sec)
		return json_null();
	ts_format_date(sec, text);
	return json_string(text);
}

static void gpg_fields(struct json_ctx *j, json_t *object,
		       const struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;
	json_t *uids, *emails;
	size_t i;

	if (!cred->gpg_ok) {
		static const char *const absent[] = {
			"primary_keyid", "fingerprint", "user_ids", "emails",
			"algorithm", "curve", "bits", "key_created_at",
			"key_expires_at", "key_expired", "key_revoked",
			"extra_keys",
		};

		for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
			set(j, object, absent[i], json_null());
		set(j, object, "key_error", user_string(j, "key_error",
							gpg->error));
	} else {
		set(j, object, "primary_keyid",
		    user_string(j, "primary_keyid", gpg->keyid));
		set(j, object, "fingerprint",
		    user_string(j, "fingerprint", gpg->fingerprint));
		uids = json_array();
		emails = json_array();
		for (i = 0; uids && emails && i < gpg->uid_count; i++) {
			const struct gpg_uid *uid = &gpg->uids[i];
			json_t *entry = json_object();

			if (!entry) {
				j->failed = 1;
				break;
			}
			set(j, entry, "uid", user_string(j, "user_ids", uid->uid));
			set(j, entry, "name", user_string(j, "user_ids",
							  uid->name));
			set(j, entry, "email", user_string(j, "user_ids",
							   uid->email));
			set(j, entry, "revoked", json_boolean(uid->revoked));
			set(j, entry, "invalid", json_boolean(uid->invalid));
			append(j, uids, entry);
			if (uid->email)
				append(j, emails, user_string(j, "emails",
							      uid->email));
		}
		set(j, object, "user_ids", uids);
		set(j, object, "emails", emails);
		set(j, object, "algorithm",
		    user_string(j, "algorithm", gpg->algorithm));
		set(j, object, "curve", gpg->curve[0]
		    ? user_string(j, "curve", gpg->curve) : json_null());
		set(j, object, "bits", gpg->bits ? json_integer(gpg->bits)
						 : json_null());
		set(j, object, "key_created_at", date_or_null(gpg->created));
		set(j, object, "key_expires_at", date_or_null(gpg->expires));
		set(j, object, "key_expired", json_boolean(gpg->expired));
		set(j, object, "key_revoked", json_boolean(gpg->revoked));
		set(j, object, "extra_keys", json_integer((json_int_t)gpg->extra_keys));
		set(j, object, "key_error", json_null());
	}
	if (cred->unavailable & FIELD_VERIFICATION) {
		mark_unavailable(j, "verification");
		set(j, object, "verification", json_null());
		set(j, object, "verified_by_revoked_uid", json_null());
	} else {
		set(j, object, "verification",
		    json_string(cred->verification == GPG_VERIFIED
				? "verified" : "unverified"));
		set(j, object, "verified_by_revoked_uid",
		    json_boolean(cred->verified_by_revoked_uid));
	}
}

static json_t *credential_object(struct json_ctx *j,
				 const struct credential *cred)
{
	const struct plan *plan = j->ctx->plan;
	const struct plan_action *action = plan ? plan_find(plan, cred) : NULL;
	json_t *object = json_object();
	int is_token = cred->kind == KIND_PERSONAL_TOKEN ||
		       cred->kind == KIND_PROJECT_TOKEN ||
		       cred->kind == KIND_GROUP_TOKEN;

	if (!object)
		return NULL;
	j->unavailable = json_array();
	j->invalid = json_object();
	j->text_flags = json_object();
	if (!j->unavailable || !j->invalid || !j->text_flags) {
		j->failed = 1;
		json_decref(j->unavailable);
		json_decref(j->invalid);
		json_decref(j->text_flags);
		json_decref(object);
		return NULL;
	}

	set(j, object, "kind", json_string(kind_id(cred->kind)));
	set(j, object, "id", json_integer(cred->id));
	if (cred->kind != KIND_GPG_KEY)
		set(j, object, "name", user_string(j, "name", cred->name));
	set(j, object, "owner", owner_object(j, cred));
	if (is_token)
		set(j, object, "resource", resource_object(j, cred));
	else if (cred->kind == KIND_DEPLOY_KEY)
		set(j, object, "resource", deploy_key_project(j, cred));
	set(j, object, "state", json_string(state_id(cred->state)));
	set(j, object, "created_at",
	    timestamp(j, cred, FIELD_CREATED, "created_at", &cred->created_at));

	if (is_token)
		token_fields(j, object, cred);
	else if (cred->kind == KIND_GPG_KEY)
		gpg_fields(j, object, cred);
	else
		ssh_fields(j, object, cred);

	set(j, object, "findings", findings_array(j, cred));
	set(j, object, "plan_action", action ? json_string(action->id)
					     : json_null());
	set(j, object, "unavailable", j->unavailable);
	set(j, object, "invalid", j->invalid);
	set(j, object, "text_flags", j->text_flags);
	j->unavailable = j->invalid = j->text_flags = NULL;
	return object;
}

static json_t *summary_object(struct json_ctx *j, const struct model *model)
{
	const struct summary *sum = &model->summary;
	json_t *object = json_object(), *kinds = json_object();
	json_t *findings = json_object(), *plan = json_object();
	int k, s;

	if (!object || !kinds || !findings || !plan) {
		j->failed = 1;
		json_decref(object);
		json_decref(kinds);
		json_decref(findings);
		json_decref(plan);
		return NULL;
	}
	for (k = 0; k < KIND_COUNT; k++) {
		json_t *counts = json_object();
		size_t total = 0;

		if (!counts) {
			j->failed = 1;
			break;
		}
		set(j, counts, "available",
		    json_boolean(sum->kind_available[k]));
		for (s = 0; s < STATE_COUNT; s++) {
			total += sum->by_kind_state[k][s];
			/* A table the snapshot lacks has no counts, not zero. */
			set(j, counts, state_id((enum cred_state)s),
			    sum->kind_available[k]
			    ? json_integer((json_int_t)sum->by_kind_state[k][s])
			    : json_null());
		}
		set(j, counts, "total", sum->kind_available[k]
		    ? json_integer((json_int_t)total) : json_null());
		set(j, kinds, kind_id((enum cred_kind)k), counts);
	}
	set(j, object, "kinds", kinds);

	set(j, findings, "total", json_integer((json_int_t)sum->findings));
	for (s = SEV_COUNT - 1; s >= 0; s--)
		set(j, findings, severity_id((enum severity)s),
		    json_integer((json_int_t)sum->by_severity[s]));
	set(j, object, "findings", findings);

	set(j, plan, "actions", j->ctx->plan
	    ? json_integer((json_int_t)j->ctx->plan->count) : json_null());
	set(j, plan, "not_possible", j->ctx->plan
	    ? json_integer((json_int_t)j->ctx->plan->skipped_count)
	    : json_null());
	set(j, object, "plan", plan);
	return object;
}

static json_t *rules_array(struct json_ctx *j)
{
	const struct policy_rule **rules;
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	rules = xcalloc(policy_rule_count, sizeof(*rules));
	render_rules_sorted(rules);
	for (i = 0; i < policy_rule_count; i++) {
		json_t *rule = json_object();

		if (!rule) {
			j->failed = 1;
			break;
		}
		set(j, rule, "id", json_string(rules[i]->id));
		set(j, rule, "severity", json_string(severity_id(rules[i]->severity)));
		set(j, rule, "summary", json_string(rules[i]->summary));
		set(j, rule, "source", json_string(rules[i]->source));
		set(j, rule, "proposes_action",
		    json_boolean(rules[i]->proposes_action));
		append(j, array, rule);
	}
	free(rules);
	return array;
}

static json_t *report_object(struct json_ctx *j)
{
	const struct model *model = j->ctx->model;
	struct library_version libs[LIBRARY_COUNT];
	json_t *root = json_object(), *snapshot = json_object();
	json_t *libraries = json_object(), *credentials = json_array();
	char now[TS_TEXT_MAX];
	struct buf version = BUF_INIT;
	size_t i;

	if (!root || !snapshot || !libraries || !credentials) {
		j->failed = 1;
		json_decref(root);
		json_decref(snapshot);
		json_decref(libraries);
		json_decref(credentials);
		return NULL;
	}

	set(j, root, "schema_version", json_integer(SCHEMA_VERSION));
	buf_addf(&version, "credaudit %s",
		 j->ctx->tool_version ? j->ctx->tool_version : "unknown");
	set(j, root, "generated_by", json_string(version.data));
	buf_release(&version);
	ts_format(model->now, now);
	set(j, root, "now", json_string(now));

	/* Only credentials have a text_flags object, so these record no flags. */
	set(j, snapshot, "path", user_string(j, "snapshot.path",
					     model->snapshot_path));
	set(j, snapshot, "digest", model->snapshot_digest
	    ? json_string(model->snapshot_digest) : json_null());
	set(j, snapshot, "gitlab_version",
	    user_string(j, "snapshot.gitlab_version", model->gitlab_version));
	set(j, root, "snapshot", snapshot);

	render_libraries(j->ctx, libs);
	for (i = 0; i < LIBRARY_COUNT; i++)
		set(j, libraries, libs[i].id, json_string(libs[i].version));
	set(j, root, "libraries", libraries);

	set(j, root, "rules", rules_array(j));
	set(j, root, "summary", summary_object(j, model));
	for (i = 0; i < model->cred_count; i++)
		append(j, credentials, credential_object(j, &model->creds[i]));
	set(j, root, "credentials", credentials);
	return root;
}

int render_json(const struct render_context *ctx, FILE *out, struct buf *err)
{
	struct json_ctx j = { ctx, BUF_INIT, NULL, NULL, NULL, 0 };
	json_t *root = report_object(&j);
	int ret = -1;

	if (!root || j.failed) {
		buf_adds(err, "cannot build the JSON report: out of memory");
		goto out;
	}
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', out) == EOF || fflush(out) || ferror(out)) {
		buf_addf(err, "cannot write the JSON report: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	json_decref(root);
	buf_release(&j.scratch);
	return ret;
}
