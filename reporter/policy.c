#include "policy.h"

#include <stdarg.h>
#include <string.h>

#include "text.h"

#define DAY 86400

/*
 * The rule table. docs/policy.md gives each number's source at length;
 * `source` is the short form shown in the report header. The kinds a
 * rule judges, whether it judges only active credentials, and the fields
 * it needs must match the checks below, because the overview's account
 * of what a rule could not check rests on them (tests/unit/test_policy.c
 * compares them).
 */
const struct policy_rule policy_rules[] = {
	{ "owner-inactive", SEV_HIGH,
	  "Active credential of a blocked, banned or deactivated owner",
	  "GitLab user states; PCI DSS v4.0 8.2.6", 1,
	  .kinds = KINDS_ALL, .active_only = 1,
	  .needs = FIELD_OWNER | FIELD_OWNER_STATE },
	{ "owner-missing", SEV_HIGH,
	  "Active credential whose owner is not in the snapshot",
	  "Referential integrity of the users table", 1,
	  .kinds = KINDS_ALL, .active_only = 1, .needs = FIELD_OWNER },
	{ "token-admin-scope", SEV_HIGH,
	  "Admin-only scope (sudo, admin_mode, read_service_ping) on a non-admin",
	  "GitLab token scopes: these work only for administrators", 1,
	  .kinds = KINDS_TOKEN, .active_only = 1,
	  .needs = FIELD_SCOPES | FIELD_OWNER },
	{ "token-no-expiry", SEV_MEDIUM,
	  "Active token without an expiry date",
	  "GitLab default maximum lifetime, 365 days", 0,
	  .kinds = KINDS_TOKEN, .active_only = 1, .needs = FIELD_EXPIRES },
	{ "token-lifetime", SEV_MEDIUM,
	  "Token lifetime over the maximum: the instance's, or GitLab's default of 365 days",
	  "GitLab max_personal_access_token_lifetime; default 365 days", 0,
	  .kinds = KINDS_TOKEN, .active_only = 1,
	  .needs = FIELD_EXPIRES | FIELD_CREATED },
	{ "ssh-key-lifetime", SEV_MEDIUM,
	  "SSH key without expiry or with a lifetime over the instance's maximum",
	  "GitLab max_ssh_key_lifetime", 0,
	  .kinds = KINDS_SSH, .active_only = 1,
	  .needs = FIELD_KEY_MAX_LIFETIME | FIELD_EXPIRES | FIELD_CREATED },
	{ "token-project-inactive", SEV_MEDIUM,
	  "Active project access token of an archived project or one marked for deletion",
	  "GitLab project archiving and delayed deletion", 1,
	  .kinds = KIND_BIT(KIND_PROJECT_TOKEN), .active_only = 1,
	  .needs = FIELD_PROJECT_STATE },
	{ "credential-unused", SEV_MEDIUM,
	  "Active credential not used for 90 days",
	  "PCI DSS v4.0 8.2.6; AWS and GCP unused-credential checks", 1,
	  .kinds = KINDS_TOKEN | KINDS_SSH, .active_only = 1,
	  .needs = FIELD_LAST_USED },
	{ "credential-never-used", SEV_MEDIUM,
	  "Active credential never used 30 days after creation",
	  "Entra ID and GitLab inactivity practice, 30 days", 1,
	  .kinds = KINDS_TOKEN | KINDS_SSH, .active_only = 1,
	  .needs = FIELD_LAST_USED | FIELD_CREATED },
	{ "credential-expiring", SEV_INFO,
	  "Active credential expiring within 30 days",
	  "GitLab e-mails owners 60, 30 and 7 days before a token expires", 0,
	  .kinds = KINDS_ALL, .active_only = 1, .needs = FIELD_EXPIRES },
	{ "ssh-key-dsa", SEV_HIGH,
	  "DSA SSH key (any size)",
	  "OpenSSH disabled ssh-dss in 7.0 and removed it in 10.0", 1,
	  .kinds = KINDS_SSH, .active_only = 0, .needs = 0 },
	{ "ssh-key-rsa-weak", SEV_HIGH,
	  "RSA SSH key under 2048 bits",
	  "NIST SP 800-57 Part 1; ssh-audit fails under 2048", 1,
	  .kinds = KINDS_SSH, .active_only = 0, .needs = 0 },
	{ "ssh-key-restricted", SEV_MEDIUM,
	  "SSH key of a type or size that the instance's key restrictions forbid",
	  "GitLab SSH key restrictions: such keys are disabled", 1,
	  .kinds = KINDS_SSH, .active_only = 0, .needs = FIELD_KEY_RESTRICTION },
	{ "ssh-key-rsa-short", SEV_MEDIUM,
	  "RSA SSH key under 3072 bits",
	  "NIST SP 800-57 Part 1: 3072 bits after 2030; ssh-audit warns", 0,
	  .kinds = KINDS_SSH, .active_only = 0, .needs = 0 },
	{ "ssh-key-type-mismatch", SEV_MEDIUM,
	  "Type word of an SSH key line disagrees with the key blob",
	  "OpenSSH public key format (RFC 4253)", 0,
	  .kinds = KINDS_SSH, .active_only = 0, .needs = 0 },
	{ "ssh-key-fingerprint-mismatch", SEV_MEDIUM,
	  "Stored fingerprint differs from the one computed from the key",
	  "GitLab keys.fingerprint and fingerprint_sha256 columns", 0,
	  .kinds = KINDS_SSH, .active_only = 0, .needs = 0 },
	{ "key-unparseable", SEV_MEDIUM,
	  "Key material that cannot be parsed",
	  "OpenSSH public key format; OpenPGP (RFC 4880)", 1,
	  .kinds = KINDS_SSH | KIND_BIT(KIND_GPG_KEY), .active_only = 0,
	  .needs = 0 },
	{ "gpg-key-weak", SEV_HIGH,
	  "RSA or DSA GPG key under 2048 bits",
	  "NIST SP 800-57 Part 1", 1,
	  .kinds = KIND_BIT(KIND_GPG_KEY), .active_only = 0, .needs = 0 },
	{ "gpg-key-revoked", SEV_LOW,
	  "GPG key revoked by its owner but still on the account",
	  "OpenPGP key revocation (RFC 4880)", 1,
	  .kinds = KIND_BIT(KIND_GPG_KEY), .active_only = 0, .needs = 0 },
	{ "gpg-key-expired", SEV_LOW,
	  "GPG key expired but still on the account",
	  "OpenPGP key expiry (RFC 4880)", 1,
	  .kinds = KIND_BIT(KIND_GPG_KEY), .active_only = 0, .needs = 0 },
	{ "gpg-key-unverified", SEV_LOW,
	  "No user ID e-mail of the GPG key is a verified address of its owner",
	  "GitLab GPG verification rule", 0,
	  .kinds = KIND_BIT(KIND_GPG_KEY), .active_only = 0,
	  .needs = FIELD_VERIFICATION | FIELD_OWNER },
	{ "gpg-key-revoked-uid-match", SEV_MEDIUM,
	  "GPG key verified only through a revoked user ID",
	  "GitLab counts revoked user IDs when it verifies a key", 1,
	  .kinds = KIND_BIT(KIND_GPG_KEY), .active_only = 0,
	  .needs = FIELD_VERIFICATION | FIELD_OWNER },
	{ "date-invalid", SEV_MEDIUM,
	  "A date in the snapshot cannot be parsed",
	  "GitLab stores dates and timestamps; exports may damage them", 0,
	  .kinds = KINDS_ALL, .active_only = 0, .needs = 0 },
	{ "token-scopes-invalid", SEV_MEDIUM,
	  "Token scopes cannot be parsed",
	  "GitLab stores scopes as a YAML list", 0,
	  .kinds = KINDS_TOKEN, .active_only = 0, .needs = 0 },
	{ "token-unknown-scope", SEV_LOW,
	  "Token scope that GitLab does not define",
	  "GitLab token scopes", 0,
	  .kinds = KINDS_TOKEN, .active_only = 0, .needs = FIELD_SCOPES },
	{ "value-invalid", SEV_MEDIUM,
	  "A value in the snapshot is not one GitLab stores",
	  "GitLab column types and enumerations", 0,
	  .kinds = KINDS_ALL, .active_only = 0, .needs = 0 },
	{ "text-suspicious", SEV_LOW,
	  "Name, username or user ID with bidi, invisible or control characters, or invalid UTF-8",
	  "Unicode bidirectional and invisible characters (Trojan Source, CVE-2021-42574)", 0,
	  .kinds = KINDS_ALL, .active_only = 0, .needs = 0 },
	{ "token-resource-missing", SEV_LOW,
	  "Project or group of a bot user's token not found",
	  "GitLab members and user_details tables", 0,
	  .kinds = KINDS_BOT_TOKEN, .active_only = 0, .needs = FIELD_RESOURCE },
};

const size_t policy_rule_count = sizeof(policy_rules) / sizeof(policy_rules[0]);

/* credential.skipped_rules has one bit per rule. */
_Static_assert(sizeof(policy_rules) / sizeof(policy_rules[0]) <= 64,
	       "more rules than bits in credential.skipped_rules");

void policy_defaults(struct policy *policy)
{
	policy->max_lifetime_days = 365;
	policy->unused_days = 90;
	policy->never_used_days = 30;
	policy->expiring_days = 30;
	policy->rsa_fail_bits = 2048;
	policy->rsa_warn_bits = 3072;
	policy->gpg_min_bits = 2048;
	policy->max_lifetime_instance = 0;
	memset(policy->key_restriction, 0, sizeof(policy->key_restriction));
	policy->max_key_lifetime_days = 0;
}

void policy_use_settings(struct policy *policy,
			 const struct instance_settings *settings)
{
	int f;

	if (settings->max_token_lifetime.state == SETTING_SET) {
		policy->max_lifetime_days = (int)settings->max_token_lifetime.value;
		policy->max_lifetime_instance = 1;
	}
	if (settings->max_key_lifetime.state == SETTING_SET)
		policy->max_key_lifetime_days = settings->max_key_lifetime.value;
	for (f = 0; f < KEY_FAMILY_COUNT; f++)
		if (settings->key_restriction[f].state == SETTING_SET)
			policy->key_restriction[f] =
				settings->key_restriction[f].value;
}

const struct policy_rule *policy_rule_find(const char *id)
{
	size_t i;

	for (i = 0; i < policy_rule_count; i++)
		if (!strcmp(policy_rules[i].id, id))
			return &policy_rules[i];
	return NULL;
}

void policy_skip_rule(struct credential *cred, const char *rule)
{
	const struct policy_rule *r = policy_rule_find(rule);

	if (r->kinds & KIND_BIT(cred->kind))
		cred->skipped_rules |= UINT64_C(1) << (r - policy_rules);
}

void finding_add(struct credential *cred, const char *rule, const char *fmt,
		 ...)
{
	const struct policy_rule *r = policy_rule_find(rule);
	va_list ap;

	va_start(ap, fmt);
	credential_add_findingv(cred, r->id, r->severity, fmt, ap);
	va_end(ap);
}

static int is_token(const struct credential *cred)
{
	return cred->kind == KIND_PERSONAL_TOKEN ||
	       cred->kind == KIND_PROJECT_TOKEN ||
	       cred->kind == KIND_GROUP_TOKEN;
}

/* Return 1 for a users.state value that GitLab defines. */
static int owner_state_is_known(const char *state)
{
	static const char *const states[] = {
		"active", "blocked", "ldap_blocked", "blocked_pending_approval",
		"banned", "deactivated",
	};
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(state, states[i]))
			return 1;
	return 0;
}

/* A day of clock skew between GitLab's servers and the reference time. */
#define CLOCK_SKEW DAY

static void check_dates(struct credential *cred, int64_t now)
{
	const struct {
		const char *column;
		const struct timestamp *ts;
	} dates[] = {
		{ "created_at", &cred->created_at },
		{ "last_used_at", &cred->last_used_at },
		{ "expires_at", &cred->expires_at },
		{ "updated_at", &cred->revoked_at },
	};
	size_t i;

	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		if (dates[i].ts->state == TS_INVALID)
			finding_add(cred, "date-invalid",
			    "%s cannot be parsed as a date, so rules that need it were skipped",
			    dates[i].column);

	/* Dates that cannot have happened point at a damaged or edited row. */
	for (i = 0; i < 2; i++) {
		char when[TS_TEXT_MAX];

		if (dates[i].ts->state != TS_SET ||
		    dates[i].ts->sec <= now + CLOCK_SKEW)
			continue;
		ts_format_value(dates[i].ts, when);
		finding_add(cred, "value-invalid",
		    "%s %s is later than the reference time, so rules that need it may be wrong",
		    dates[i].column, when);
	}
	if (is_token(cred) && cred->created_at.state == TS_SET &&
	    cred->expires_at.state == TS_SET &&
	    ts_day(cred->expires_at.sec) < ts_day(cred->created_at.sec)) {
		char created[TS_TEXT_MAX], expires[TS_TEXT_MAX];

		ts_format_value(&cred->created_at, created);
		ts_format_value(&cred->expires_at, expires);
		finding_add(cred, "value-invalid",
		    "expires_at %s is before created_at %s", expires, created);
	}
}

/*
 * Flag text that the reports show escaped because it could make a value
 * read as something else: bidi controls that reorder it, invisible
 * characters, control characters and bytes that are not UTF-8. Every
 * field that a report shows as this credential's own text counts, the
 * owner's too. Right-to-left letters alone are not flagged.
 */
static void check_text(struct credential *cred)
{
	const unsigned shown = TEXT_INVALID_UTF8 | TEXT_CONTROL | TEXT_BIDI |
			       TEXT_ZERO_WIDTH;
	struct buf found = BUF_INIT;
	size_t i;

	struct {
		const char *field;
		const char *text;
	} fields[] = {
		/* A GPG key's name is its first user ID, checked below. */
		{ "the name", cred->kind == KIND_GPG_KEY ? NULL : cred->name },
		{ "the owner's username", cred->owner ? cred->owner->username : NULL },
		{ "the owner's name", cred->owner ? cred->owner->name : NULL },
		{ "the project or group path", cred->resource.path },
	};

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		unsigned flags;

		if (!fields[i].text)
			continue;
		flags = text_scan(fields[i].text, strlen(fields[i].text)) & shown;
		if (!flags)
			continue;
		buf_addf(&found, "%s%s has ", found.len ? "; " : "",
			 fields[i].field);
		text_flag_labels(&found, flags);
	}
	for (i = 0; i < cred->gpg.uid_count; i++) {
		const char *uid = cred->gpg.uids[i].uid;
		unsigned flags = uid ? text_scan(uid, strlen(uid)) & shown : 0;

		if (!flags)
			continue;
		buf_addf(&found, "%suser ID %zu has ", found.len ? "; " : "",
			 i + 1);
		text_flag_labels(&found, flags);
	}
	if (found.len)
		finding_add(cred, "text-suspicious",
			    "%s; the reports show them escaped", found.data);
	buf_release(&found);
	if (cred->owner && (cred->owner->cut & OWNER_CUT_USERNAME))
		finding_add(cred, "value-invalid",
		    "the owner's username is longer than GitLab stores; the reports show its first %d bytes",
		    VALUE_MAX_BYTES);
	if (cred->owner && (cred->owner->cut & OWNER_CUT_NAME))
		finding_add(cred, "value-invalid",
		    "the owner's name is longer than GitLab stores; the reports show its first %d bytes",
		    VALUE_MAX_BYTES);
}

/*
 * Flag an owner state that GitLab does not define, NULL included, for
 * every credential of that owner. It does not show whether the owner can
 * sign in, so the owner rules, which judge active credentials, skip it.
 */
static void check_owner_state(struct credential *cred)
{
	const char *state = cred->owner ? cred->owner->state : NULL;
	const char *skipped = cred->state == STATE_ACTIVE
		? ", so the owner rules were skipped" : "";

	if (!cred->owner || (cred->unavailable & FIELD_OWNER_STATE))
		return;
	if (!state)
		finding_add(cred, "value-invalid",
		    "owner state is NULL, not one GitLab defines%s", skipped);
	else if (!owner_state_is_known(state))
		finding_add(cred, "value-invalid",
		    "owner state \"%s\" is not one GitLab defines%s", state,
		    skipped);
}

/*
 * Flag a credential whose owner's users.id is on more than one row. The
 * rows may differ in state, admin flag and addresses, so the rules that
 * read them skip the credential rather than follow whichever row the
 * lookup found. The finding names them for the credential's kind and state.
 */
static void check_owner_repeated(struct credential *cred)
{
	int active = cred->state == STATE_ACTIVE;
	const char *skipped = NULL;   /* the rules skipped, as the finding names them */

	if (!cred->owner || !cred->owner->id_repeated)
		return;
	if (cred->kind == KIND_GPG_KEY)
		skipped = active
			? "owner-inactive, gpg-key-unverified and gpg-key-revoked-uid-match were"
			: "gpg-key-unverified and gpg-key-revoked-uid-match were";
	else if (active && is_token(cred))
		skipped = "owner-inactive and token-admin-scope were";
	else if (active)
		skipped = "owner-inactive was";
	if (skipped)
		finding_add(cred, "value-invalid",
		    "users.id %lld of the owner is on more than one row of the users table, so %s skipped rather than judged by one of those rows",
		    (long long)cred->owner_id, skipped);
	else
		finding_add(cred, "value-invalid",
		    "users.id %lld of the owner is on more than one row of the users table, so which row is the owner is unknown",
		    (long long)cred->owner_id);
}

static void check_owner(struct credential *cred)
{
	/* The loader's value-invalid finding gives why the owner is unknown. */
	if (cred->unavailable & FIELD_OWNER_INVALID)
		return;
	if (cred->unavailable & FIELD_OWNER) {
		policy_skip_rule(cred, "owner-missing");
		policy_skip_rule(cred, "owner-inactive");
		return;
	}
	if (!cred->owner) {
		finding_add(cred, "owner-missing",
		    "owner user %lld is not in the users table",
		    (long long)cred->owner_id);
		return;
	}
	if (cred->unavailable & FIELD_OWNER_STATE) {
		policy_skip_rule(cred, "owner-inactive");
		return;
	}
	/* check_owner_repeated() flagged an owner whose row is unknown. */
	if (cred->owner->id_repeated)
		return;
	/* check_owner_state() flagged a state that GitLab does not define. */
	if (!cred->owner->state || !owner_state_is_known(cred->owner->state))
		return;
	/* Every state but active counts: deactivated and all blocked ones. */
	if (strcmp(cred->owner->state, "active"))
		finding_add(cred, "owner-inactive", "owner @%s is %s",
		    cred->owner->username ? cred->owner->username : "?",
		    cred->owner->state);
}

static void check_usage(const struct policy *policy, struct credential *cred,
			int64_t now)
{
	if (cred->unavailable & FIELD_LAST_USED) {
		policy_skip_rule(cred, "credential-unused");
		policy_skip_rule(cred, "credential-never-used");
		return;
	}
	/*
	 * GitLab records a key's last use when it authenticates a Git or SSH
	 * session. A signing-only key never does, so its last_used_at cannot
	 * show whether it is still in use. Checked after the column, so that
	 * a snapshot without last_used_at reads "not checked" for every key.
	 */
	if (cred->usage_type && !strcmp(cred->usage_type, "signing"))
		return;
	/* A usage type GitLab does not store may stand for signing only. */
	if (cred->usage_type_raw) {
		policy_skip_rule(cred, "credential-unused");
		policy_skip_rule(cred, "credential-never-used");
		return;
	}
	if (cred->last_used_at.state == TS_SET) {
		int64_t idle = (now - cred->last_used_at.sec) / DAY;

		if (idle > policy->unused_days)
			finding_add(cred, "credential-unused",
			    "last used %lld days ago (limit %d)",
			    (long long)idle, policy->unused_days);
	} else if (cred->last_used_at.state == TS_NONE &&
		   cred->created_at.state == TS_SET) {
		int64_t age = (now - cred->created_at.sec) / DAY;

		if (age > policy->never_used_days)
			finding_add(cred, "credential-never-used",
			    "never used, created %lld days ago (limit %d)",
			    (long long)age, policy->never_used_days);
	} else if (cred->last_used_at.state == TS_NONE &&
		   (cred->unavailable & FIELD_CREATED)) {
		policy_skip_rule(cred, "credential-never-used");
	}
}

static void check_expiry(const struct policy *policy, struct credential *cred,
			 int64_t now)
{
	int64_t days_left;

	if (cred->unavailable & FIELD_EXPIRES) {
		policy_skip_rule(cred, "credential-expiring");
		policy_skip_rule(cred, "token-no-expiry");
		policy_skip_rule(cred, "token-lifetime");
		return;
	}
	if (cred->expires_at.state == TS_NONE) {
		if (is_token(cred))
			finding_add(cred, "token-no-expiry",
			    "no expiry date (%s maximum is %d day%s)",
			    policy->max_lifetime_instance ? "the instance's"
							  : "GitLab's default",
			    policy->max_lifetime_days,
			    policy->max_lifetime_days == 1 ? "" : "s");
		return;
	}
	if (cred->expires_at.state != TS_SET)
		return;

	if (is_token(cred))
		days_left = ts_day(cred->expires_at.sec) - ts_day(now);
	else
		days_left = (cred->expires_at.sec - now + DAY - 1) / DAY;
	if (days_left <= policy->expiring_days) {
		char when[TS_TEXT_MAX];

		ts_format_value(&cred->expires_at, when);
		finding_add(cred, "credential-expiring",
		    "expires in %lld day%s, on %s (notice period %d days)",
		    (long long)days_left, days_left == 1 ? "" : "s", when,
		    policy->expiring_days);
	}

	if (is_token(cred) && cred->created_at.state == TS_SET) {
		int64_t lifetime = ts_day(cred->expires_at.sec) -
				   ts_day(cred->created_at.sec);

		if (lifetime > policy->max_lifetime_days)
			finding_add(cred, "token-lifetime",
			    "lifetime %lld days (limit %d%s)",
			    (long long)lifetime, policy->max_lifetime_days,
			    policy->max_lifetime_instance
				? ", the instance's max_personal_access_token_lifetime"
				: "");
	} else if (cred->unavailable & FIELD_CREATED) {
		policy_skip_rule(cred, "token-lifetime");
	}
}

/*
 * An archived project is read-only and one marked for deletion is on its
 * way out. Its bot's token still works, and is seldom still needed.
 */
static void check_project(struct credential *cred)
{
	const struct resource *project = &cred->resource;

	if (cred->unavailable & FIELD_PROJECT_STATE) {
		policy_skip_rule(cred, "token-project-inactive");
		return;
	}
	if (project->type != RESOURCE_PROJECT)
		return;
	/* Without a path, the project id names it, as in the API request. */
	if (project->archived && project->path)
		finding_add(cred, "token-project-inactive",
		    "project %s is archived", project->path);
	else if (project->archived)
		finding_add(cred, "token-project-inactive",
		    "project %lld is archived", (long long)project->id);
	else if (project->deleting && project->path)
		finding_add(cred, "token-project-inactive",
		    "project %s is marked for deletion", project->path);
	else if (project->deleting)
		finding_add(cred, "token-project-inactive",
		    "project %lld is marked for deletion",
		    (long long)project->id);
}

static void check_scopes(struct credential *cred)
{
	size_t i;
	int admin_unknown = 0;   /* one finding, whatever the number of scopes */
	/* Only a token that still works can grant power once its owner is promoted. */
	int judge_admin = cred->state == STATE_ACTIVE;

	if (cred->unavailable & FIELD_SCOPES) {
		if (judge_admin)
			policy_skip_rule(cred, "token-admin-scope");
		policy_skip_rule(cred, "token-unknown-scope");
		return;
	}
	if (cred->scopes_invalid) {
		finding_add(cred, "token-scopes-invalid",
		    "the scopes column is not a YAML list of scopes");
		return;
	}
	for (i = 0; i < cred->scopes.count; i++) {
		const char *scope = cred->scopes.items[i];

		if (!scope_is_known(scope))
			finding_add(cred, "token-unknown-scope",
			    "scope \"%s\" is not one that GitLab defines", scope);
		else if (!judge_admin || !scope_is_admin_only(scope))
			continue;
		else if (cred->unavailable & FIELD_OWNER)
			policy_skip_rule(cred, "token-admin-scope");
		/* check_owner_repeated() flagged an owner whose row is unknown. */
		else if (cred->owner && cred->owner->id_repeated)
			continue;
		else if (cred->owner && cred->owner->admin < 0 && !admin_unknown++)
			finding_add(cred, "value-invalid",
			    "users.admin of @%s is neither true nor false, so token-admin-scope was skipped",
			    cred->owner->username ? cred->owner->username : "?");
		else if (cred->owner && cred->owner->admin == 0)
			finding_add(cred, "token-admin-scope",
			    "scope %s works only for administrators, and @%s is not one",
			    scope, cred->owner->username);
	}
}

/*
 * GitLab disables a key whose type the instance forbids or whose size is
 * under the instance's minimum for its type. Such a key can no longer push
 * or pull. It stays on the account, and works again once the restriction
 * is lifted.
 */
static void check_key_restriction(const struct policy *policy,
				  struct credential *cred)
{
	enum key_family family = key_family_of(cred->ssh.type);
	int64_t limit;

	if (family == KEY_FAMILY_COUNT)
		return;
	if (cred->unavailable & FIELD_KEY_RESTRICTION) {
		policy_skip_rule(cred, "ssh-key-restricted");
		return;
	}
	limit = policy->key_restriction[family];
	if (limit < 0)
		finding_add(cred, "ssh-key-restricted",
		    "the instance forbids %s keys (%s_key_restriction = -1), so GitLab disables this key",
		    key_family_label(family), key_family_id(family));
	else if (limit > 0 && cred->ssh.bits < limit)
		finding_add(cred, "ssh-key-restricted",
		    "%s key of %u bits, under the instance's minimum of %lld (%s_key_restriction), so GitLab disables this key",
		    key_family_label(family), cred->ssh.bits, (long long)limit,
		    key_family_id(family));
}

static void check_ssh_key(const struct policy *policy, struct credential *cred)
{
	if (!cred->ssh_ok) {
		finding_add(cred, "key-unparseable", "SSH key cannot be parsed: %s",
		    cred->ssh.error);
		if (cred->unavailable & FIELD_KEY_RESTRICTION)
			policy_skip_rule(cred, "ssh-key-restricted");
		return;
	}
	if (cred->ssh.declared[0] && strcmp(cred->ssh.declared, cred->ssh.type))
		finding_add(cred, "ssh-key-type-mismatch",
		    "the line says %s but the key is %s",
		    cred->ssh.declared, cred->ssh.type);
	if (!strcmp(cred->ssh.type, "ssh-dss"))
		finding_add(cred, "ssh-key-dsa", "DSA key of %u bits", cred->ssh.bits);
	else if (!strcmp(cred->ssh.type, "ssh-rsa") &&
		 cred->ssh.bits < policy->rsa_fail_bits)
		finding_add(cred, "ssh-key-rsa-weak", "RSA key of %u bits (minimum %u)",
		    cred->ssh.bits, policy->rsa_fail_bits);
	else if (!strcmp(cred->ssh.type, "ssh-rsa") &&
		 cred->ssh.bits < policy->rsa_warn_bits)
		finding_add(cred, "ssh-key-rsa-short",
		    "RSA key of %u bits (recommended %u from 2031)",
		    cred->ssh.bits, policy->rsa_warn_bits);
	check_key_restriction(policy, cred);
}

/*
 * With max_ssh_key_lifetime set, GitLab accepts a new key only with an
 * expiry no later than that many days after it is added.
 */
static void check_key_lifetime(const struct policy *policy,
			       struct credential *cred)
{
	int64_t limit = policy->max_key_lifetime_days, lifetime;

	if (cred->unavailable & FIELD_KEY_MAX_LIFETIME) {
		policy_skip_rule(cred, "ssh-key-lifetime");
		return;
	}
	/* No maximum is set: there is nothing to judge. */
	if (!limit || cred->expires_at.state == TS_INVALID)
		return;
	if (cred->unavailable & FIELD_EXPIRES) {
		policy_skip_rule(cred, "ssh-key-lifetime");
		return;
	}
	if (cred->expires_at.state == TS_NONE) {
		finding_add(cred, "ssh-key-lifetime",
		    "no expiry date, but the instance's maximum SSH key lifetime is %lld day%s (max_ssh_key_lifetime)",
		    (long long)limit, limit == 1 ? "" : "s");
		return;
	}
	if (cred->created_at.state != TS_SET) {
		if (cred->unavailable & FIELD_CREATED)
			policy_skip_rule(cred, "ssh-key-lifetime");
		return;
	}
	lifetime = (cred->expires_at.sec - cred->created_at.sec + DAY - 1) / DAY;
	if (lifetime > limit)
		finding_add(cred, "ssh-key-lifetime",
		    "lifetime %lld days (limit %lld, the instance's max_ssh_key_lifetime)",
		    (long long)lifetime, (long long)limit);
}

static void check_gpg_key(const struct policy *policy, struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;

	if (!cred->gpg_ok) {
		finding_add(cred, "key-unparseable", "GPG key cannot be read: %s",
		    gpg->error);
		return;
	}
	if ((!strcmp(gpg->algorithm, "RSA") || !strcmp(gpg->algorithm, "DSA")) &&
	    gpg->bits < policy->gpg_min_bits)
		finding_add(cred, "gpg-key-weak", "%s key of %u bits (minimum %u)",
		    gpg->algorithm, gpg->bits, policy->gpg_min_bits);
	if (gpg->revoked)
		finding_add(cred, "gpg-key-revoked", "the key carries a revocation");
	if (gpg->expired) {
		char when[TS_TEXT_MAX];

		ts_format_date(gpg->expires, when);
		finding_add(cred, "gpg-key-expired", "the key expired on %s", when);
	}
	/* The loader's value-invalid finding gives why the owner is unknown,
	   and check_owner_repeated() why its addresses are. */
	if ((cred->unavailable & FIELD_OWNER_INVALID) ||
	    (cred->owner && cred->owner->id_repeated))
		return;
	if (cred->unavailable & (FIELD_VERIFICATION | FIELD_OWNER)) {
		policy_skip_rule(cred, "gpg-key-unverified");
		policy_skip_rule(cred, "gpg-key-revoked-uid-match");
		return;
	}
	if (cred->verification == GPG_UNVERIFIED)
		finding_add(cred, "gpg-key-unverified",
		    "no user ID e-mail matches a verified address of the owner");
	else if (cred->verified_by_revoked_uid)
		finding_add(cred, "gpg-key-revoked-uid-match",
		    "GitLab shows the key as verified, but the only matching user ID is revoked");
}

void policy_check(const struct policy *policy, struct credential *cred,
		  int64_t now)
{
	check_dates(cred, now);
	check_text(cred);
	check_owner_state(cred);
	check_owner_repeated(cred);
	if (is_token(cred))
		check_scopes(cred);
	if (cred->kind == KIND_SSH_KEY || cred->kind == KIND_DEPLOY_KEY)
		check_ssh_key(policy, cred);
	if (cred->kind == KIND_GPG_KEY)
		check_gpg_key(policy, cred);
	if (cred->state != STATE_ACTIVE)
		return;
	check_owner(cred);
	check_usage(policy, cred, now);
	check_expiry(policy, cred, now);
	if (cred->kind == KIND_PROJECT_TOKEN)
		check_project(cred);
	if (cred->kind == KIND_SSH_KEY || cred->kind == KIND_DEPLOY_KEY)
		check_key_lifetime(policy, cred);
}
