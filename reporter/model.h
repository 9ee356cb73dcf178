#ifndef CREDAUDIT_MODEL_H
#define CREDAUDIT_MODEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "gpgkey.h"
#include "scopes.h"
#include "sshkey.h"
#include "timestamp.h"

struct policy_rule;

/*
 * The audit model: what the reports need about the whole snapshot, kept
 * in memory for the whole run, and one credential at a time.
 *
 * The model holds only what is bounded by the size of the instance, not
 * by its number of credentials: the owners with their verified addresses,
 * the counts of the summary, and per rule of the policy its number of
 * findings with a bounded list of the worst cases. snapshot.c reads the
 * credentials as a stream: it fills one struct credential per row,
 * policy.c adds its findings, report.c hands it to every output and then
 * releases it (docs/architecture.md).
 */

enum cred_kind {
	KIND_PERSONAL_TOKEN,
	KIND_PROJECT_TOKEN,
	KIND_GROUP_TOKEN,
	KIND_SSH_KEY,
	KIND_DEPLOY_KEY,
	KIND_GPG_KEY,
	KIND_COUNT
};

enum cred_state {
	STATE_ACTIVE,
	STATE_EXPIRED,
	STATE_REVOKED,
	STATE_COUNT
};

enum severity {
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_COUNT
};

/* A column or table the snapshot lacks; renderers say "not available". */
enum field {
	FIELD_LAST_USED = 1u << 0,
	FIELD_EXPIRES = 1u << 1,
	FIELD_SCOPES = 1u << 2,
	FIELD_REVOKED = 1u << 3,
	FIELD_USAGE_TYPE = 1u << 4,
	FIELD_RESOURCE = 1u << 5,
	FIELD_DESCRIPTION = 1u << 6,
	FIELD_CREATED = 1u << 7,
	FIELD_OWNER_STATE = 1u << 8,
	FIELD_VERIFICATION = 1u << 9,
	FIELD_OWNER = 1u << 10,      /* user_id: the owner is not known */
	/* application_settings: the instance's rule for this key's type */
	FIELD_KEY_RESTRICTION = 1u << 11,
	/* application_settings.max_ssh_key_lifetime */
	FIELD_KEY_MAX_LIFETIME = 1u << 12,
	/* projects.archived: whether a token's project is still in use */
	FIELD_PROJECT_STATE = 1u << 13,
	/* user_id is NULL or not a whole number, so the owner is unknown. A
	   value-invalid finding gives the value; shown like FIELD_OWNER. */
	FIELD_OWNER_INVALID = 1u << 14,
};

/* Either way, no owner id was read: the reports show the owner as unknown. */
#define FIELD_OWNER_UNKNOWN (FIELD_OWNER | FIELD_OWNER_INVALID)

/* A set of kinds: bit `1u << kind` for each enum cred_kind in it. */
#define KIND_BIT(kind) (1u << (kind))
#define KINDS_TOKEN (KIND_BIT(KIND_PERSONAL_TOKEN) | \
		     KIND_BIT(KIND_PROJECT_TOKEN) | KIND_BIT(KIND_GROUP_TOKEN))
#define KINDS_BOT_TOKEN (KIND_BIT(KIND_PROJECT_TOKEN) | \
			 KIND_BIT(KIND_GROUP_TOKEN))
#define KINDS_SSH (KIND_BIT(KIND_SSH_KEY) | KIND_BIT(KIND_DEPLOY_KEY))
#define KINDS_ALL ((1u << KIND_COUNT) - 1)

/*
 * A table or column that the snapshot lacks, as the loader found it, and
 * what that leaves unknown. The policy uses these to say which rules it
 * could not check (policy_rule_gap()).
 */
struct missing_input {
	const char *name;     /* GitLab's name: "keys.last_used_at", or a
				 table, "emails"; in model->strings */
	unsigned kinds;       /* KIND_BIT set of the credentials it concerns */
	unsigned fields;      /* enum field bits it makes unavailable */
	int table_unread;     /* a credential table that was not read, so no
				 credential of `kinds` was judged at all */
	int invalid;          /* the column is there, but its value is not
				 one GitLab stores (a warning named it) */
};

/*
 * Bytes of one name, username or title that the loader keeps. GitLab
 * stores at most 255 characters in each, so only a damaged or hostile
 * snapshot has more, and the rest would be copied into every output.
 */
#define VALUE_MAX_BYTES 131072

/* Bits of owner.cut: values the loader cut to VALUE_MAX_BYTES. */
#define OWNER_CUT_USERNAME 1u
#define OWNER_CUT_NAME 2u

/* A user who may own credentials. The strings live in model->strings. */
struct owner {
	int64_t id;
	const char *username;
	const char *name;
	const char *state;    /* "active", "blocked", ...; NULL if unknown */
	int user_type;        /* users.user_type; -1 if unknown */
	int admin;            /* 1, 0, or -1: users.admin is NULL or not a flag */
	const char *primary_email;  /* users.email once confirmed, else NULL */
	unsigned cut;               /* OWNER_CUT_* bits */
	int state_invalid;    /* `state` is NULL or not a state GitLab defines */
	/* users.user_type is NULL or not a whole number: user_type is -1 and
	   this is the raw text, or NULL for NULL */
	int user_type_invalid;
	const char *user_type_raw;
	/* users.id is on more than one row, so which row is the owner is
	   unknown and the rules that read the owner's row skip its credentials */
	int id_repeated;
};

enum resource_type {
	RESOURCE_NONE,
	RESOURCE_PROJECT,
	RESOURCE_GROUP,
};

struct resource {
	enum resource_type type;
	int64_t id;
	char *path;           /* full path, e.g. "acme/platform/api" */
	int archived;         /* a project that is archived */
	int deleting;         /* a project pending or marked for deletion */
	/* projects column whose value GitLab would not store, or NULL */
	const char *invalid_column;
	int path_cut;         /* `path` was cut to VALUE_MAX_BYTES */
	/* The bot's membership names this project or group, but the
	   snapshot's projects or namespaces table has no row of it. */
	int missing;
};

struct finding {
	const char *rule;     /* static rule id, e.g. "token-no-expiry" */
	enum severity severity;
	char *message;        /* owned one-line reason with its numbers */
};

struct credential {
	enum cred_kind kind;
	int64_t id;
	char *name;               /* token name or key title; NULL if none */
	int64_t owner_id;
	const struct owner *owner;  /* borrowed from the model; NULL if gone */
	struct resource resource;   /* project or group of a bot's token */
	unsigned unavailable;       /* enum field bits this snapshot lacks */

	struct timestamp created_at;
	struct timestamp last_used_at;
	struct timestamp expires_at;
	struct timestamp revoked_at; /* tokens: updated_at of a revoked token */
	int revoked;
	int duplicate;               /* a later row with an id already seen */
	/* The id is not a positive integer: `id` is 0 and `id_raw` is the
	   raw text, or NULL for NULL. */
	int invalid_id;
	char *id_raw;
	/* Position among the rows of its kind, from 1, as the inventory
	   counts them, for the anchor of a row whose id is invalid or
	   repeated. */
	int64_t row;
	enum cred_state state;

	/* Tokens. */
	struct strlist scopes;
	int scopes_invalid;
	int impersonation;           /* 1, 0, or -1: not a boolean */
	char *impersonation_raw;     /* the raw value when -1; NULL for NULL */
	int64_t previous_id;         /* rotation chain; 0 when none */
	/* previous_personal_access_token_id is not a positive integer:
	   previous_id is 0 and this is the raw text */
	char *previous_id_raw;

	/* SSH keys and deploy keys. */
	struct sshkey_info ssh;
	int ssh_ok;
	char *usage_type;            /* "auth_and_signing", "auth", "signing" */
	char *usage_type_raw;        /* keys.usage_type when not 0, 1 or 2 */
	int ldap;                    /* keys.type is 'LDAPKey' */
	/* keys.type names no kind of key that GitLab defines: the key is
	   shown as an SSH key, `ldap` is unknown, and this is the raw text */
	char *key_type_raw;

	/* GPG keys. */
	struct gpg_key_info gpg;
	int gpg_ok;
	enum gpg_verification verification;
	int verified_by_revoked_uid;

	struct finding *findings;
	size_t finding_count;
	enum severity worst;         /* highest severity, valid if findings */
	/* Bit i: rule policy_rules[i] could not judge it for lack of a field. */
	uint64_t skipped_rules;
};

struct summary {
	size_t by_kind_state[KIND_COUNT][STATE_COUNT];
	size_t by_severity[SEV_COUNT];
	size_t findings;
	int kind_available[KIND_COUNT];  /* the table exists in the snapshot */
};

/* Strings that live as long as the model, in large blocks. */
struct strpool {
	char *block;
	size_t used;
	size_t size;
	char **old_blocks;
	size_t old_count;
};

/* The plan's outcome for a flagged credential that has no action. */
enum plan_mark {
	PLAN_MARK_NONE,          /* an action, or no finding proposes one */
	PLAN_MARK_NOT_POSSIBLE,  /* flagged, but GitLab cannot act */
	PLAN_MARK_LEFT_OUT,      /* --plan-severity or --plan-rules left it out */
};

/* Worst cases of one rule that the overview lists. */
#define WORST_CASES_MAX 20

/*
 * One finding kept for the overview, with what the overview shows of its
 * credential. `owner` points into the model.
 */
struct worst_case {
	enum cred_kind kind;
	int64_t id;
	char *name;                  /* NULL when the credential has none */
	int64_t owner_id;
	const struct owner *owner;   /* NULL when not in the snapshot */
	unsigned unavailable;        /* enum field bits of the credential */
	enum severity worst;         /* of the credential, for the order */
	int invalid_id;              /* `id` is 0: the snapshot's id is invalid */
	int64_t row;                 /* credential.row when its anchor needs it,
					else 0 */
	char *message;
	char plan_action[48];        /* action id, or "" */
	enum plan_mark plan_mark;
	size_t page;                 /* inventory page of its kind, from 1 */
};

/*
 * The findings of one rule: how many, and the worst cases by the
 * credential's highest severity, then kind, then id.
 */
struct finding_group {
	const char *id;
	enum severity severity;
	const struct policy_rule *rule;   /* NULL when not in the table */
	size_t count;
	struct worst_case cases[WORST_CASES_MAX];
	size_t case_count;
	/* Per kind, the credentials the rule could not judge for lack of a field. */
	size_t skipped[KIND_COUNT];
};

/*
 * The SSH key types that GitLab restricts one by one, each with its
 * column <name>_key_restriction in application_settings.
 */
enum key_family {
	KEY_RSA,
	KEY_DSA,
	KEY_ECDSA,
	KEY_ED25519,
	KEY_ECDSA_SK,
	KEY_ED25519_SK,
	KEY_FAMILY_COUNT
};

/* The state of one column of application_settings. */
enum setting_state {
	SETTING_UNREAD,        /* the table or the column is not in the snapshot */
	SETTING_NULL,          /* NULL: for a lifetime, no maximum is set */
	SETTING_SET,           /* `value` contains it */
	SETTING_INVALID,       /* a value GitLab would not store */
};

struct setting {
	enum setting_state state;
	int64_t value;
};

/*
 * The instance's own limits, from the one row of application_settings.
 * A key restriction is -1 for a forbidden type, 0 for any size, or the
 * minimum number of bits. The lifetimes are in days.
 */
struct instance_settings {
	int table_read;              /* the snapshot has the table and a row */
	struct setting key_restriction[KEY_FAMILY_COUNT];
	struct setting max_token_lifetime;     /* max_personal_access_token_lifetime */
	struct setting max_key_lifetime;       /* max_ssh_key_lifetime */
};

struct model {
	char *snapshot_path;
	/* SHA-256 of the rows that decide the audit (docs/plan.md), set
	   when the stream has ended */
	char *snapshot_digest;
	int64_t now;
	char *gitlab_version;        /* from the snapshot if recorded, or NULL */
	char *gitlab_host;           /* the same for the instance's host name */
	struct instance_settings settings;

	struct owner *owners;        /* sorted by id */
	size_t owner_count;
	/* Position + 1 in `owners` of each id from owner_index_base on, or
	   NULL when the ids are too sparse (model_index_owners()). */
	uint32_t *owner_index;
	int64_t owner_index_base;
	size_t owner_index_len;
	struct strpool strings;

	struct summary summary;
	struct finding_group *groups;   /* in report order: highest severity
					   first, then the policy's order */
	size_t group_count;

	/* Tables and columns the snapshot lacks, in the order the loader found them. */
	struct missing_input *missing;
	size_t missing_count;
	char *gnupg_version;         /* NULL when GnuPG was not started */
};

const char *kind_id(enum cred_kind kind);       /* "personal_access_token" */
const char *kind_label(enum cred_kind kind);    /* "Personal access tokens" */
const char *state_id(enum cred_state state);    /* "active" */
const char *severity_id(enum severity sev);     /* "high" */
const char *user_type_id(int user_type);        /* "human", "project_bot" */
/* "rsa", "ed25519_sk": the prefix of the restriction's column name. */
const char *key_family_id(enum key_family family);
/* "RSA", "ED25519_SK": as GitLab's settings page names the type. */
const char *key_family_label(enum key_family family);
/*
 * The family of an SSH key type read from its blob ("ssh-rsa",
 * "sk-ssh-ed25519@openssh.com"), or KEY_FAMILY_COUNT for none.
 */
enum key_family key_family_of(const char *ssh_type);

/*
 * Return 0 for a state that a kind cannot reach: SSH and deploy keys are
 * deleted in GitLab, never revoked.
 */
int kind_has_state(enum cred_kind kind, enum cred_state state);

/* State of a token under GitLab's rules at `now`. */
enum cred_state token_state(int revoked, const struct timestamp *expires_at,
			    int64_t now);
/* State of an SSH key: expired when expires_at <= now. */
enum cred_state key_state(const struct timestamp *expires_at, int64_t now);

/* Set up an empty model with a finding group for every policy rule. */
void model_init(struct model *model);
void model_release(struct model *model);
/* Copy `len` bytes of `s` into the model's strings; NULL stays NULL. */
const char *model_strdup(struct model *model, const char *s, size_t len);
const struct owner *model_find_owner(const struct model *model, int64_t id);
/*
 * Index the owners, once they are all loaded and sorted, so that
 * model_find_owner() reads one slot per lookup: every credential looks
 * its owner up. Ids that span more than a few times their number get no
 * index and are found by binary search.
 */
void model_index_owners(struct model *model);

/*
 * Record that the snapshot lacks `name` (copied), which leaves `fields`
 * unavailable for credentials of the KIND_BIT set `kinds`. A name that
 * was recorded before gains the new kinds and fields.
 */
void model_add_missing(struct model *model, const char *name, unsigned kinds,
		       unsigned fields, int table_unread);
/*
 * Record that column `name` is there but contains a value GitLab does not
 * store, which leaves `fields` unavailable as a missing column would.
 */
void model_add_invalid(struct model *model, const char *name, unsigned kinds,
		       unsigned fields);

/* Prepare `cred` for a row of `kind`; release it with credential_release(). */
void credential_init(struct credential *cred, enum cred_kind kind);
void credential_release(struct credential *cred);
/*
 * Return the row number that names the inventory row of `cred`, or 0
 * when its kind and id name it. A row whose id is invalid or repeats an
 * earlier row's id needs its own name, or links would land on another
 * row.
 */
int64_t credential_anchor_row(const struct credential *cred);
void credential_add_finding(struct credential *cred, const char *rule,
			    enum severity sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void credential_add_findingv(struct credential *cred, const char *rule,
			     enum severity sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/*
 * Count `cred` into the summary and the finding groups, and keep it among
 * the worst cases of its rules where it ranks. Each rule it skipped
 * counts it among its skipped credentials. `plan_action` is its plan
 * action id or NULL, `mark` gives why a flagged credential has none, and
 * `page` is its inventory page.
 */
void model_count(struct model *model, const struct credential *cred,
		 const char *plan_action, enum plan_mark mark, size_t page);

#endif
