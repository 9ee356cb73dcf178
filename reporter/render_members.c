/*
 * The walk over one credential that report.json and credentials.csv
 * share. A value the snapshot lacks is null and named in the
 * credential's "unavailable" list. A value that cannot be parsed is null,
 * and its raw text is in "invalid". Strings from the snapshot pass
 * through text_escape() without a length limit, and "text_flags" names
 * the fields that needed escapes.
 */
#include "render_members.h"

#include <string.h>

#include "render_core.h"

/* Names are literals that need no JSON escapes. */
#define COLUMN(name) \
	{ name, sizeof(name) - 1, "\"" name "\"", sizeof(name) + 1 }
#define MEMBER_OF(object, name) \
	{ object "." name, sizeof(object "." name) - 1, \
	  "\"" name "\"", sizeof(name) + 1 }

const struct member_name member_names[MEMBER_COUNT] = {
	COLUMN("kind"), COLUMN("id"), COLUMN("name"),
	MEMBER_OF("owner", "id"), MEMBER_OF("owner", "in_snapshot"),
	MEMBER_OF("owner", "username"), MEMBER_OF("owner", "name"),
	MEMBER_OF("owner", "state"), MEMBER_OF("owner", "user_type"),
	MEMBER_OF("owner", "admin"),
	MEMBER_OF("resource", "type"), MEMBER_OF("resource", "id"),
	MEMBER_OF("resource", "path"),
	COLUMN("state"), COLUMN("created_at"),
	COLUMN("scopes"), COLUMN("last_used_at"), COLUMN("expires_at"),
	COLUMN("revoked"), COLUMN("revoked_at"), COLUMN("impersonation"),
	COLUMN("previous_token_id"),
	COLUMN("key_type"), COLUMN("declared_type"), COLUMN("bits"),
	COLUMN("fingerprint_sha256"), COLUMN("fingerprint_md5"),
	COLUMN("key_error"), COLUMN("usage_type"), COLUMN("ldap"),
	COLUMN("primary_keyid"), COLUMN("fingerprint"), COLUMN("user_ids"),
	COLUMN("emails"), COLUMN("algorithm"), COLUMN("curve"),
	COLUMN("key_created_at"), COLUMN("key_expires_at"),
	COLUMN("key_expired"), COLUMN("key_revoked"), COLUMN("extra_keys"),
	COLUMN("verification"), COLUMN("verified_by_revoked_uid"),
	COLUMN("findings"), COLUMN("plan_action"), COLUMN("unavailable"),
	COLUMN("invalid"), COLUMN("text_flags"),
	COLUMN("owner"), COLUMN("resource"),
};

void member_walk_init(struct member_walk *walk, struct member_writer *writer)
{
	memset(walk, 0, sizeof(*walk));
	walk->writer = writer;
	buf_init(&walk->invalid);
	buf_init(&walk->text);
	buf_init(&walk->json);
}

void member_walk_release(struct member_walk *walk)
{
	buf_release(&walk->invalid);
	buf_release(&walk->text);
	buf_release(&walk->json);
}

static void note_flags(struct member_walk *walk, const char *field,
		       unsigned flags)
{
	struct field_flags *entry = NULL;
	unsigned bit;
	size_t i;

	if (!flags)
		return;
	for (i = 0; i < walk->flag_count; i++)
		if (!strcmp(walk->flags[i].field, field))
			entry = &walk->flags[i];
	if (!entry) {
		if (walk->flag_count == MEMBER_LIST_MAX)
			return;
		entry = &walk->flags[walk->flag_count++];
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

/* Escape `s` into walk->text and note its flags under `field`. */
static void escape(struct member_walk *walk, const char *field, const char *s)
{
	buf_reset(&walk->text);
	note_flags(walk, field, text_escape_str(&walk->text, s, TEXT_NO_LIMIT));
}

/* A string from the snapshot as a member, or null for NULL. */
static void user_text(struct member_walk *walk, enum cred_member member,
		      const char *s)
{
	struct member_writer *out = walk->writer;

	if (!s) {
		out->null(out, member);
		return;
	}
	escape(walk, member_names[member].name, s);
	out->text(out, member, walk->text.data, walk->text.len);
}

/* A string from the snapshot as a JSON value of `w`. */
static void user_json_string(struct member_walk *walk, struct jsonw *w,
			     const char *field, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	escape(walk, field, s);
	jsonw_stringn(w, walk->text.data, walk->text.len);
}

/* One of credaudit's own identifiers, such as a kind or a state. */
static void id_text(struct member_walk *walk, enum cred_member member,
		    const char *id)
{
	walk->writer->text(walk->writer, member, id, strlen(id));
}

static void mark_unavailable(struct member_walk *walk, const char *field)
{
	if (walk->unavailable_count < MEMBER_LIST_MAX)
		walk->unavailable[walk->unavailable_count++] = field;
}

/* Add `raw` to "invalid" under `field`; a NULL raw value is null. */
static void mark_invalid_field(struct member_walk *walk, const char *field,
			       const char *raw)
{
	jsonw_key(&walk->invalid_writer, field);
	user_json_string(walk, &walk->invalid_writer, field, raw);
}

static void mark_invalid(struct member_walk *walk, enum cred_member member,
			 const char *raw)
{
	mark_invalid_field(walk, member_names[member].name, raw);
}

/* Start an array or list member in walk->json. */
static struct jsonw *json_begin(struct member_walk *walk)
{
	buf_reset(&walk->json);
	jsonw_init(&walk->json_writer, &walk->json, 0);
	return &walk->json_writer;
}

static void json_finish(struct member_walk *walk, enum cred_member member)
{
	walk->writer->json(walk->writer, member, walk->json.data,
			   walk->json.len);
}

/* A timestamp as ISO 8601 text, or null with the reason noted. */
static void timestamp(struct member_walk *walk, const struct credential *cred,
		      unsigned unavailable_bit, enum cred_member member,
		      const struct timestamp *ts)
{
	struct member_writer *out = walk->writer;
	char text[TS_TEXT_MAX];

	switch (render_timestamp(cred, unavailable_bit, ts, text)) {
	case VALUE_SET:
		out->text(out, member, text, strlen(text));
		return;
	case VALUE_INVALID:
		mark_invalid(walk, member, ts->raw);
		break;
	case VALUE_UNAVAILABLE:
		mark_unavailable(walk, member_names[member].name);
		break;
	case VALUE_NONE:
		break;
	}
	out->null(out, member);
}

static void owner_members(struct member_walk *walk,
			  const struct credential *cred)
{
	const struct owner *owner = cred->owner;
	struct member_writer *out = walk->writer;

	/* Without the user_id column, no owner id was read, not even 0. */
	if (cred->unavailable & FIELD_OWNER_UNKNOWN) {
		/* An invalid user_id is a value-invalid finding, not a gap. */
		if (cred->unavailable & FIELD_OWNER)
			mark_unavailable(walk, "owner");
		out->null(out, MEMBER_OWNER);
		return;
	}
	out->object(out, MEMBER_OWNER);
	out->integer(out, MEMBER_OWNER_ID, cred->owner_id);
	out->boolean(out, MEMBER_OWNER_IN_SNAPSHOT, owner != NULL);
	user_text(walk, MEMBER_OWNER_USERNAME, owner ? owner->username : NULL);
	user_text(walk, MEMBER_OWNER_NAME, owner ? owner->name : NULL);
	if (owner && owner->state_invalid) {
		mark_invalid(walk, MEMBER_OWNER_STATE, owner->state);
		out->null(out, MEMBER_OWNER_STATE);
	} else if (owner && owner->state) {
		user_text(walk, MEMBER_OWNER_STATE, owner->state);
	} else {
		if (cred->unavailable & FIELD_OWNER_STATE)
			mark_unavailable(walk, "owner.state");
		out->null(out, MEMBER_OWNER_STATE);
	}
	if (owner && owner->user_type >= 0) {
		id_text(walk, MEMBER_OWNER_USER_TYPE,
			user_type_id(owner->user_type));
	} else {
		if (owner && owner->user_type_invalid)
			mark_invalid(walk, MEMBER_OWNER_USER_TYPE,
				     owner->user_type_raw);
		out->null(out, MEMBER_OWNER_USER_TYPE);
	}
	if (owner)
		if (owner->admin < 0)
			out->null(out, MEMBER_OWNER_ADMIN);
		else
			out->boolean(out, MEMBER_OWNER_ADMIN, owner->admin);
	else
		out->null(out, MEMBER_OWNER_ADMIN);
	out->end(out);
}

static void resource_members(struct member_walk *walk,
			     const struct credential *cred)
{
	struct member_writer *out = walk->writer;

	if (cred->unavailable & FIELD_RESOURCE) {
		mark_unavailable(walk, "resource");
		out->null(out, MEMBER_RESOURCE);
		return;
	}
	if (cred->resource.type == RESOURCE_NONE) {
		/* GitLab keeps the projects of a deploy key in a table the
		 * snapshot lacks. */
		if (cred->kind == KIND_DEPLOY_KEY)
			mark_unavailable(walk, "resource");
		out->null(out, MEMBER_RESOURCE);
		return;
	}
	out->object(out, MEMBER_RESOURCE);
	id_text(walk, MEMBER_RESOURCE_TYPE,
		cred->resource.type == RESOURCE_PROJECT ? "project" : "group");
	out->integer(out, MEMBER_RESOURCE_ID, cred->resource.id);
	user_text(walk, MEMBER_RESOURCE_PATH, cred->resource.path);
	out->end(out);
}

static void findings_member(struct member_walk *walk,
			    const struct credential *cred)
{
	struct jsonw *w = json_begin(walk);
	size_t i;

	jsonw_array(w, 1);
	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];

		jsonw_object(w, 1);
		jsonw_keylit(w, "rule");
		jsonw_string(w, finding->rule);
		jsonw_keylit(w, "severity");
		jsonw_string(w, severity_id(finding->severity));
		jsonw_keylit(w, "message");
		user_json_string(walk, w, "findings.message", finding->message);
		jsonw_end(w);
	}
	jsonw_end(w);
	json_finish(walk, MEMBER_FINDINGS);
}

static void scopes_member(struct member_walk *walk,
			  const struct credential *cred)
{
	struct member_writer *out = walk->writer;
	struct jsonw *w;
	size_t i;

	if (cred->unavailable & FIELD_SCOPES) {
		mark_unavailable(walk, "scopes");
		out->null(out, MEMBER_SCOPES);
		return;
	}
	if (cred->scopes_invalid) {
		/* The model keeps no raw text of a scope list it cannot read. */
		jsonw_keylit(&walk->invalid_writer, "scopes");
		jsonw_null(&walk->invalid_writer);
		out->null(out, MEMBER_SCOPES);
		return;
	}
	w = json_begin(walk);
	jsonw_array(w, 1);
	for (i = 0; i < cred->scopes.count; i++)
		user_json_string(walk, w, "scopes", cred->scopes.items[i]);
	jsonw_end(w);
	json_finish(walk, MEMBER_SCOPES);
}

static void token_members(struct member_walk *walk,
			  const struct credential *cred)
{
	struct member_writer *out = walk->writer;

	scopes_member(walk, cred);
	timestamp(walk, cred, FIELD_LAST_USED, MEMBER_LAST_USED_AT,
		  &cred->last_used_at);
	timestamp(walk, cred, FIELD_EXPIRES, MEMBER_EXPIRES_AT,
		  &cred->expires_at);
	if (cred->unavailable & FIELD_REVOKED) {
		mark_unavailable(walk, "revoked");
		mark_unavailable(walk, "revoked_at");
		out->null(out, MEMBER_REVOKED);
		out->null(out, MEMBER_REVOKED_AT);
	} else {
		out->boolean(out, MEMBER_REVOKED, cred->revoked);
		if (cred->revoked)
			timestamp(walk, cred, 0, MEMBER_REVOKED_AT,
				  &cred->revoked_at);
		else
			out->null(out, MEMBER_REVOKED_AT);
	}
	if (cred->kind == KIND_PERSONAL_TOKEN && cred->impersonation < 0) {
		mark_invalid(walk, MEMBER_IMPERSONATION, cred->impersonation_raw);
		out->null(out, MEMBER_IMPERSONATION);
	} else if (cred->kind == KIND_PERSONAL_TOKEN) {
		out->boolean(out, MEMBER_IMPERSONATION, cred->impersonation);
	}
	if (cred->previous_id) {
		out->integer(out, MEMBER_PREVIOUS_TOKEN_ID, cred->previous_id);
	} else {
		if (cred->previous_id_raw)
			mark_invalid(walk, MEMBER_PREVIOUS_TOKEN_ID,
				     cred->previous_id_raw);
		out->null(out, MEMBER_PREVIOUS_TOKEN_ID);
	}
}

static void ssh_members(struct member_walk *walk,
			const struct credential *cred)
{
	const struct sshkey_info *ssh = &cred->ssh;
	struct member_writer *out = walk->writer;

	timestamp(walk, cred, FIELD_LAST_USED, MEMBER_LAST_USED_AT,
		  &cred->last_used_at);
	timestamp(walk, cred, FIELD_EXPIRES, MEMBER_EXPIRES_AT,
		  &cred->expires_at);
	if (cred->ssh_ok) {
		user_text(walk, MEMBER_KEY_TYPE, ssh->type);
		user_text(walk, MEMBER_DECLARED_TYPE,
			  ssh->declared[0] ? ssh->declared : NULL);
		out->integer(out, MEMBER_BITS, ssh->bits);
		user_text(walk, MEMBER_FINGERPRINT_SHA256, ssh->sha256);
		user_text(walk, MEMBER_FINGERPRINT_MD5,
			  ssh->md5[0] ? ssh->md5 : NULL);
		out->null(out, MEMBER_KEY_ERROR);
	} else {
		out->null(out, MEMBER_KEY_TYPE);
		out->null(out, MEMBER_DECLARED_TYPE);
		out->null(out, MEMBER_BITS);
		out->null(out, MEMBER_FINGERPRINT_SHA256);
		out->null(out, MEMBER_FINGERPRINT_MD5);
		user_text(walk, MEMBER_KEY_ERROR, ssh->error);
	}
	if (cred->unavailable & FIELD_USAGE_TYPE) {
		mark_unavailable(walk, "usage_type");
		out->null(out, MEMBER_USAGE_TYPE);
	} else {
		if (cred->usage_type_raw)
			mark_invalid(walk, MEMBER_USAGE_TYPE, cred->usage_type_raw);
		user_text(walk, MEMBER_USAGE_TYPE, cred->usage_type);
	}
	/* keys.type has no member of its own: it decides kind and ldap. */
	if (cred->key_type_raw) {
		mark_invalid_field(walk, "type", cred->key_type_raw);
		out->null(out, MEMBER_LDAP);
	} else {
		out->boolean(out, MEMBER_LDAP, cred->ldap);
	}
}

static void date_or_null(struct member_walk *walk, enum cred_member member,
			 int64_t sec)
{
	char text[TS_TEXT_MAX];

	if (!sec) {
		walk->writer->null(walk->writer, member);
		return;
	}
	ts_format_date(sec, text);
	walk->writer->text(walk->writer, member, text, strlen(text));
}

static void gpg_user_ids(struct member_walk *walk,
			 const struct gpg_key_info *gpg)
{
	struct jsonw *w = json_begin(walk);
	size_t i;

	jsonw_array(w, 1);
	for (i = 0; i < gpg->uid_count; i++) {
		const struct gpg_uid *uid = &gpg->uids[i];

		jsonw_object(w, 1);
		jsonw_keylit(w, "uid");
		user_json_string(walk, w, "user_ids", uid->uid);
		jsonw_keylit(w, "name");
		user_json_string(walk, w, "user_ids", uid->name);
		jsonw_keylit(w, "email");
		user_json_string(walk, w, "user_ids", uid->email);
		jsonw_keylit(w, "revoked");
		jsonw_bool(w, uid->revoked);
		jsonw_keylit(w, "invalid");
		jsonw_bool(w, uid->invalid);
		jsonw_end(w);
	}
	jsonw_end(w);
	json_finish(walk, MEMBER_USER_IDS);

	w = json_begin(walk);
	jsonw_array(w, 1);
	for (i = 0; i < gpg->uid_count; i++)
		if (gpg->uids[i].email)
			user_json_string(walk, w, "emails", gpg->uids[i].email);
	jsonw_end(w);
	json_finish(walk, MEMBER_EMAILS);
}

static void gpg_key_members(struct member_walk *walk,
			    const struct gpg_key_info *gpg)
{
	struct member_writer *out = walk->writer;

	user_text(walk, MEMBER_PRIMARY_KEYID, gpg->keyid);
	user_text(walk, MEMBER_FINGERPRINT, gpg->fingerprint);
	gpg_user_ids(walk, gpg);
	user_text(walk, MEMBER_ALGORITHM, gpg->algorithm);
	user_text(walk, MEMBER_CURVE, gpg->curve[0] ? gpg->curve : NULL);
	if (gpg->bits)
		out->integer(out, MEMBER_BITS, gpg->bits);
	else
		out->null(out, MEMBER_BITS);
	date_or_null(walk, MEMBER_KEY_CREATED_AT, gpg->created);
	date_or_null(walk, MEMBER_KEY_EXPIRES_AT, gpg->expires);
	out->boolean(out, MEMBER_KEY_EXPIRED, gpg->expired);
	out->boolean(out, MEMBER_KEY_REVOKED, gpg->revoked);
	out->integer(out, MEMBER_EXTRA_KEYS, (int64_t)gpg->extra_keys);
	out->null(out, MEMBER_KEY_ERROR);
}

static void gpg_members(struct member_walk *walk,
			const struct credential *cred)
{
	/* What a key that GnuPG could not read has instead of its members. */
	static const enum cred_member absent[] = {
		MEMBER_PRIMARY_KEYID, MEMBER_FINGERPRINT, MEMBER_USER_IDS,
		MEMBER_EMAILS, MEMBER_ALGORITHM, MEMBER_CURVE, MEMBER_BITS,
		MEMBER_KEY_CREATED_AT, MEMBER_KEY_EXPIRES_AT,
		MEMBER_KEY_EXPIRED, MEMBER_KEY_REVOKED, MEMBER_EXTRA_KEYS,
	};
	struct member_writer *out = walk->writer;
	size_t i;

	if (cred->gpg_ok) {
		gpg_key_members(walk, &cred->gpg);
	} else {
		for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
			out->null(out, absent[i]);
		user_text(walk, MEMBER_KEY_ERROR, cred->gpg.error);
	}
	if (cred->unavailable & FIELD_VERIFICATION) {
		mark_unavailable(walk, "verification");
		out->null(out, MEMBER_VERIFICATION);
		out->null(out, MEMBER_VERIFIED_BY_REVOKED_UID);
	} else {
		id_text(walk, MEMBER_VERIFICATION,
			cred->verification == GPG_VERIFIED ? "verified"
							   : "unverified");
		out->boolean(out, MEMBER_VERIFIED_BY_REVOKED_UID,
			     cred->verified_by_revoked_uid);
	}
}

/*
 * Write the three lists that close a credential. They are complete once
 * every other member is written.
 */
static void list_members(struct member_walk *walk)
{
	struct jsonw *w = json_begin(walk);
	size_t i, k;

	jsonw_array(w, 1);
	for (i = 0; i < walk->unavailable_count; i++)
		jsonw_string(w, walk->unavailable[i]);
	jsonw_end(w);
	json_finish(walk, MEMBER_UNAVAILABLE);

	jsonw_end(&walk->invalid_writer);
	walk->writer->json(walk->writer, MEMBER_INVALID, walk->invalid.data,
			   walk->invalid.len);

	w = json_begin(walk);
	jsonw_object(w, 1);
	for (i = 0; i < walk->flag_count; i++) {
		jsonw_key(w, walk->flags[i].field);
		jsonw_array(w, 1);
		for (k = 0; k < walk->flags[i].count; k++)
			jsonw_string(w, text_flag_id(walk->flags[i].order[k]));
		jsonw_end(w);
	}
	jsonw_end(w);
	json_finish(walk, MEMBER_TEXT_FLAGS);
}

void member_walk_credential(struct member_walk *walk,
			    const struct credential *cred,
			    const struct plan_decision *decision)
{
	struct member_writer *out = walk->writer;
	int is_token = cred->kind == KIND_PERSONAL_TOKEN ||
		       cred->kind == KIND_PROJECT_TOKEN ||
		       cred->kind == KIND_GROUP_TOKEN;

	walk->unavailable_count = 0;
	walk->flag_count = 0;
	buf_reset(&walk->invalid);
	jsonw_init(&walk->invalid_writer, &walk->invalid, 0);
	jsonw_object(&walk->invalid_writer, 1);

	id_text(walk, MEMBER_KIND, kind_id(cred->kind));
	if (cred->invalid_id) {
		mark_invalid(walk, MEMBER_ID, cred->id_raw);
		out->null(out, MEMBER_ID);
	} else {
		out->integer(out, MEMBER_ID, cred->id);
	}
	if (cred->kind != KIND_GPG_KEY)
		user_text(walk, MEMBER_NAME, cred->name);
	owner_members(walk, cred);
	if (is_token || cred->kind == KIND_DEPLOY_KEY)
		resource_members(walk, cred);
	id_text(walk, MEMBER_STATE, state_id(cred->state));
	timestamp(walk, cred, FIELD_CREATED, MEMBER_CREATED_AT,
		  &cred->created_at);

	if (is_token)
		token_members(walk, cred);
	else if (cred->kind == KIND_GPG_KEY)
		gpg_members(walk, cred);
	else
		ssh_members(walk, cred);

	findings_member(walk, cred);
	if (decision->outcome == PLAN_ACTION)
		id_text(walk, MEMBER_PLAN_ACTION, decision->action.id);
	else
		out->null(out, MEMBER_PLAN_ACTION);
	list_members(walk);
}
