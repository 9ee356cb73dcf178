#ifndef CREDAUDIT_RENDER_MEMBERS_H
#define CREDAUDIT_RENDER_MEMBERS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "jsonw.h"
#include "render.h"
#include "text.h"

/*
 * The members of a credential's report.json object, produced by one walk
 * over struct credential for both report.json and credentials.csv, so
 * the two files carry the same values (docs/report-json.md and
 * docs/report-csv.md). The walk escapes strings from the snapshot with
 * text_escape() and builds the "unavailable", "invalid" and "text_flags"
 * lists as it goes. A writer receives each member in report.json's
 * order and lays it out in its own format.
 */

/*
 * Members in the order of the columns of credentials.csv, which is
 * report.json's order. "owner" and "resource" are objects whose members
 * have a column each, so they come after the columns.
 */
enum cred_member {
	MEMBER_KIND,
	MEMBER_ID,
	MEMBER_NAME,
	MEMBER_OWNER_ID,
	MEMBER_OWNER_IN_SNAPSHOT,
	MEMBER_OWNER_USERNAME,
	MEMBER_OWNER_NAME,
	MEMBER_OWNER_STATE,
	MEMBER_OWNER_USER_TYPE,
	MEMBER_OWNER_ADMIN,
	MEMBER_RESOURCE_TYPE,
	MEMBER_RESOURCE_ID,
	MEMBER_RESOURCE_PATH,
	MEMBER_STATE,
	MEMBER_CREATED_AT,
	MEMBER_SCOPES,
	MEMBER_LAST_USED_AT,
	MEMBER_EXPIRES_AT,
	MEMBER_REVOKED,
	MEMBER_REVOKED_AT,
	MEMBER_IMPERSONATION,
	MEMBER_PREVIOUS_TOKEN_ID,
	MEMBER_KEY_TYPE,
	MEMBER_DECLARED_TYPE,
	MEMBER_BITS,
	MEMBER_FINGERPRINT_SHA256,
	MEMBER_FINGERPRINT_MD5,
	MEMBER_KEY_ERROR,
	MEMBER_USAGE_TYPE,
	MEMBER_LDAP,
	MEMBER_PRIMARY_KEYID,
	MEMBER_FINGERPRINT,
	MEMBER_USER_IDS,
	MEMBER_EMAILS,
	MEMBER_ALGORITHM,
	MEMBER_CURVE,
	MEMBER_KEY_CREATED_AT,
	MEMBER_KEY_EXPIRES_AT,
	MEMBER_KEY_EXPIRED,
	MEMBER_KEY_REVOKED,
	MEMBER_EXTRA_KEYS,
	MEMBER_VERIFICATION,
	MEMBER_VERIFIED_BY_REVOKED_UID,
	MEMBER_FINDINGS,
	MEMBER_PLAN_ACTION,
	MEMBER_UNAVAILABLE,
	MEMBER_INVALID,
	MEMBER_TEXT_FLAGS,
	MEMBER_COLUMN_COUNT,
	MEMBER_OWNER = MEMBER_COLUMN_COUNT,
	MEMBER_RESOURCE,
	MEMBER_COUNT
};

/* The name of a member as a CSV column, such as "owner.id", and its key. */
struct member_name {
	const char *name;
	size_t len;
	const char *json_key;     /* the key as a JSON string: "\"id\"" */
	size_t json_key_len;
};

extern const struct member_name member_names[MEMBER_COUNT];

/*
 * Receives the members of one credential, in report.json's order. A
 * kind leaves out the members that do not apply to it. text() gets a
 * string that is already in the display form of text.h, and json() the
 * compact JSON text of an array or of an object other than "owner" and
 * "resource". object() opens one of those two, whose members follow
 * until end(). When either one is null, null() gets MEMBER_OWNER or
 * MEMBER_RESOURCE instead.
 */
struct member_writer {
	void (*null)(struct member_writer *writer, enum cred_member member);
	void (*text)(struct member_writer *writer, enum cred_member member,
		     const char *text, size_t len);
	void (*integer)(struct member_writer *writer, enum cred_member member,
			int64_t value);
	void (*boolean)(struct member_writer *writer, enum cred_member member,
			int value);
	void (*json)(struct member_writer *writer, enum cred_member member,
		     const char *json, size_t len);
	void (*object)(struct member_writer *writer, enum cred_member member);
	void (*end)(struct member_writer *writer);
};

/* Distinct fields that one credential can name in its lists. */
#define MEMBER_LIST_MAX 32

/* The flags that the strings of one field needed, in the order first seen. */
struct field_flags {
	const char *field;
	unsigned order[TEXT_FLAG_COUNT];
	size_t count;
};

/* The state of a walk, reused from one credential to the next. */
struct member_walk {
	struct member_writer *writer;

	/* The lists of the credential being walked. */
	const char *unavailable[MEMBER_LIST_MAX];
	size_t unavailable_count;
	struct buf invalid;           /* the "invalid" object */
	struct jsonw invalid_writer;
	struct field_flags flags[MEMBER_LIST_MAX];
	size_t flag_count;

	struct buf text;              /* the escaped string being written */
	struct buf json;              /* the array or list being written */
	struct jsonw json_writer;
};

void member_walk_init(struct member_walk *walk, struct member_writer *writer);
void member_walk_release(struct member_walk *walk);

/* Hand every member of `cred` to the walk's writer. */
void member_walk_credential(struct member_walk *walk,
			    const struct credential *cred,
			    const struct plan_decision *decision);

#endif
