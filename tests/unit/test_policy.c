/*
 * The policy's account of what it judges. The kinds, states and fields
 * that the rule table declares must match what policy_check() does. The
 * sentence about a rule that could not check every credential gives how
 * many it skipped and what the snapshot lacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "model.h"
#include "policy.h"

#define NOW 1796385600   /* 2026-12-04T12:00:00Z */

static const struct owner blocked_owner = {
	.id = 2, .username = "bob", .name = "Bob \xE2\x80\xAE Baker",
	.state = "blocked", .user_type = 0, .admin = 0,
};

static const struct owner active_owner = {
	.id = 1, .username = "alice", .name = "Alice", .state = "active",
	.user_type = 0, .admin = 0,
};

/* Credentials built to set off as many rules as each kind allows. */
enum variant {
	VARIANT_USED_LONG_AGO,   /* last use 337 days ago, expiring soon */
	VARIANT_NEVER_USED,      /* no last use, no expiry, no owner */
	VARIANT_FUTURE_USE,      /* a last use after the reference time */
	VARIANT_UNPARSEABLE,     /* key material that cannot be read */
	VARIANT_COUNT
};

static int is_token_kind(enum cred_kind kind)
{
	return kind == KIND_PERSONAL_TOKEN || kind == KIND_PROJECT_TOKEN ||
	       kind == KIND_GROUP_TOKEN;
}

static void add_gpg_uid(struct gpg_key_info *gpg, const char *email,
			int revoked)
{
	struct gpg_uid *uid;

	gpg->uids = xrealloc(gpg->uids, (gpg->uid_count + 1) * sizeof(*uid));
	uid = &gpg->uids[gpg->uid_count++];
	memset(uid, 0, sizeof(*uid));
	uid->uid = xstrdup(email);
	uid->email = xstrdup(email);
	uid->valid_utf8 = 1;
	uid->revoked = revoked;
}

/* Fill `cred` as variant `variant` of `kind` in `state`. */
static void build(struct credential *cred, enum cred_kind kind,
		  enum cred_state state, enum variant variant)
{
	credential_init(cred, kind);
	cred->id = 10 * (int64_t)kind + (int64_t)variant;
	cred->state = state;
	cred->revoked = state == STATE_REVOKED;
	cred->owner_id = variant == VARIANT_NEVER_USED ? 99 : blocked_owner.id;
	cred->owner = variant == VARIANT_NEVER_USED ? NULL : &blocked_owner;
	cred->name = xstrdup("name \xE2\x80\xAE with a bidi control");
	ts_parse("2025-01-01T00:00:00Z", &cred->created_at);
	ts_parse("updated at noon", &cred->revoked_at);
	if (variant == VARIANT_USED_LONG_AGO) {
		ts_parse("2026-01-01T00:00:00Z", &cred->last_used_at);
		ts_parse(is_token_kind(kind) ? "2026-12-10" : "2026-12-10T00:00:00Z",
			 &cred->expires_at);
	} else if (variant == VARIANT_FUTURE_USE) {
		ts_parse("2030-01-01T00:00:00Z", &cred->last_used_at);
	}

	if (kind == KIND_PROJECT_TOKEN) {
		cred->resource.type = RESOURCE_PROJECT;
		cred->resource.path = xstrdup("acme/old");
		cred->resource.archived = variant == VARIANT_USED_LONG_AGO;
		cred->resource.deleting = variant == VARIANT_FUTURE_USE;
	}
	if (is_token_kind(kind)) {
		strlist_add(&cred->scopes, "sudo", 4);
		strlist_add(&cred->scopes, "no_such_scope", 13);
		cred->scopes_invalid = variant == VARIANT_NEVER_USED;
	} else if (kind == KIND_SSH_KEY || kind == KIND_DEPLOY_KEY) {
		cred->ssh_ok = variant != VARIANT_UNPARSEABLE;
		snprintf(cred->ssh.type, sizeof(cred->ssh.type), "%s",
			 variant == VARIANT_USED_LONG_AGO ? "ssh-dss" : "ssh-rsa");
		snprintf(cred->ssh.declared, sizeof(cred->ssh.declared), "%s",
			 "ssh-rsa");
		cred->ssh.bits = variant == VARIANT_FUTURE_USE ? 2048 : 1024;
		snprintf(cred->ssh.error, sizeof(cred->ssh.error), "%s",
			 "not base64");
	} else {
		cred->last_used_at.state = TS_UNAVAILABLE;
		cred->unavailable = FIELD_LAST_USED;
		cred->gpg_ok = variant != VARIANT_UNPARSEABLE;
		snprintf(cred->gpg.algorithm, sizeof(cred->gpg.algorithm), "%s",
			 "RSA");
		cred->gpg.bits = 1024;
		cred->gpg.revoked = 1;
		cred->gpg.expired = 1;
		cred->gpg.expires = NOW - 86400;
		snprintf(cred->gpg.error, sizeof(cred->gpg.error), "%s",
			 "not OpenPGP data");
		add_gpg_uid(&cred->gpg, "bob@example.com", 1);
		if (variant == VARIANT_FUTURE_USE) {
			cred->verification = GPG_VERIFIED;
			cred->verified_by_revoked_uid = 1;
		}
	}
}

static size_t rule_index(const char *id)
{
	const struct policy_rule *rule = policy_rule_find(id);

	assert_non_null(rule);
	return (size_t)(rule - policy_rules);
}

/*
 * Every finding that policy_check() adds is of a kind its rule declares,
 * and of an active credential when the rule judges only active ones.
 * Every rule that the checks add is set off by some credential, and
 * every rule that judges all states is set off by an inactive one.
 */
static void rule_table_matches_checks(void **state)
{
	struct policy policy;
	uint64_t found = 0, found_inactive = 0;
	int k, s, v;
	size_t i;

	(void)state;
	policy_defaults(&policy);
	/* Instance settings under which the two rules that need them fire. */
	policy.key_restriction[KEY_DSA] = -1;
	policy.max_key_lifetime_days = 30;
	for (k = 0; k < KIND_COUNT; k++)
		for (s = 0; s < STATE_COUNT; s++)
			for (v = 0; v < VARIANT_COUNT; v++) {
				struct credential cred;

				if (!kind_has_state((enum cred_kind)k,
						    (enum cred_state)s))
					continue;
				build(&cred, (enum cred_kind)k,
				      (enum cred_state)s, (enum variant)v);
				policy_check(&policy, &cred, NOW);
				for (i = 0; i < cred.finding_count; i++) {
					const struct policy_rule *rule =
						policy_rule_find(cred.findings[i].rule);
					uint64_t bit = UINT64_C(1) <<
						rule_index(rule->id);

					if (!(rule->kinds & KIND_BIT(k)))
						fail_msg("%s found on a %s",
							 rule->id, kind_id(cred.kind));
					if (rule->active_only && s != STATE_ACTIVE)
						fail_msg("%s found on a credential that is %s (%s)",
							 rule->id, state_id(cred.state),
							 kind_id(cred.kind));
					found |= bit;
					if (s != STATE_ACTIVE)
						found_inactive |= bit;
				}
				credential_release(&cred);
			}

	for (i = 0; i < policy_rule_count; i++) {
		const char *id = policy_rules[i].id;
		uint64_t bit = UINT64_C(1) << i;

		/* The loader adds these two, from data the checks never see. */
		if (!strcmp(id, "ssh-key-fingerprint-mismatch") ||
		    !strcmp(id, "token-resource-missing"))
			continue;
		if (!(found & bit))
			fail_msg("no credential set off %s", id);
		if (!policy_rules[i].active_only && !(found_inactive & bit))
			fail_msg("%s judges every state but no inactive credential set it off",
				 id);
	}
}

/* A field the snapshot lacks, and the rules that must skip a kind for it. */
struct skip_case {
	enum cred_kind kind;
	unsigned field;
	enum variant variant;
	const char *skipped[5];
};

static const struct skip_case skip_cases[] = {
	{ KIND_PERSONAL_TOKEN, FIELD_LAST_USED, VARIANT_USED_LONG_AGO,
	  { "credential-unused", "credential-never-used" } },
	{ KIND_SSH_KEY, FIELD_LAST_USED, VARIANT_USED_LONG_AGO,
	  { "credential-unused", "credential-never-used" } },
	/* GPG keys have no last use in GitLab: no rule needs it of them. */
	{ KIND_GPG_KEY, FIELD_LAST_USED, VARIANT_USED_LONG_AGO, { NULL } },
	{ KIND_PROJECT_TOKEN, FIELD_EXPIRES, VARIANT_USED_LONG_AGO,
	  { "credential-expiring", "token-no-expiry", "token-lifetime" } },
	{ KIND_DEPLOY_KEY, FIELD_EXPIRES, VARIANT_USED_LONG_AGO,
	  { "credential-expiring" } },
	{ KIND_GROUP_TOKEN, FIELD_SCOPES, VARIANT_USED_LONG_AGO,
	  { "token-admin-scope", "token-unknown-scope" } },
	/* Used, so never-used needs no creation date; the lifetime does. */
	{ KIND_PERSONAL_TOKEN, FIELD_CREATED, VARIANT_USED_LONG_AGO,
	  { "token-lifetime" } },
	/* Never used and without expiry: never-used needs it, lifetime not. */
	{ KIND_PERSONAL_TOKEN, FIELD_CREATED, VARIANT_NEVER_USED,
	  { "credential-never-used" } },
	{ KIND_SSH_KEY, FIELD_CREATED, VARIANT_NEVER_USED,
	  { "credential-never-used" } },
	{ KIND_GPG_KEY, FIELD_VERIFICATION, VARIANT_USED_LONG_AGO,
	  { "gpg-key-unverified", "gpg-key-revoked-uid-match" } },
	{ KIND_SSH_KEY, FIELD_OWNER_STATE, VARIANT_USED_LONG_AGO,
	  { "owner-inactive" } },
	{ KIND_SSH_KEY, FIELD_OWNER, VARIANT_USED_LONG_AGO,
	  { "owner-missing", "owner-inactive" } },
	{ KIND_GPG_KEY, FIELD_OWNER, VARIANT_USED_LONG_AGO,
	  { "owner-missing", "owner-inactive", "gpg-key-unverified",
	    "gpg-key-revoked-uid-match" } },
	{ KIND_PERSONAL_TOKEN, FIELD_OWNER, VARIANT_USED_LONG_AGO,
	  { "owner-missing", "owner-inactive", "token-admin-scope" } },
	{ KIND_PROJECT_TOKEN, FIELD_PROJECT_STATE, VARIANT_USED_LONG_AGO,
	  { "token-project-inactive" } },
	{ KIND_SSH_KEY, FIELD_KEY_RESTRICTION, VARIANT_USED_LONG_AGO,
	  { "ssh-key-restricted" } },
	{ KIND_DEPLOY_KEY, FIELD_KEY_MAX_LIFETIME, VARIANT_USED_LONG_AGO,
	  { "ssh-key-lifetime" } },
	/* Data-quality rules judge only the values there are. */
	{ KIND_SSH_KEY, FIELD_USAGE_TYPE, VARIANT_USED_LONG_AGO, { NULL } },
};

/* Make the field `field` of `cred` unavailable, as the loader does. */
static void remove_field(struct credential *cred, unsigned field)
{
	cred->unavailable |= field;
	if (field == FIELD_OWNER)
		cred->owner = NULL;
	if (field == FIELD_LAST_USED) {
		ts_release(&cred->last_used_at);
		cred->last_used_at.state = TS_UNAVAILABLE;
	} else if (field == FIELD_EXPIRES) {
		ts_release(&cred->expires_at);
		cred->expires_at.state = TS_UNAVAILABLE;
	} else if (field == FIELD_CREATED) {
		ts_release(&cred->created_at);
		cred->created_at.state = TS_UNAVAILABLE;
	}
}

/*
 * A credential without a field skips exactly the rules that need it,
 * and a rule it skips adds no finding.
 */
static void skips_rules_that_need_field(void **state)
{
	struct policy policy;
	size_t c, i, j;

	(void)state;
	policy_defaults(&policy);
	for (c = 0; c < sizeof(skip_cases) / sizeof(skip_cases[0]); c++) {
		const struct skip_case *sc = &skip_cases[c];
		struct credential cred;
		uint64_t expected = 0;

		build(&cred, sc->kind, STATE_ACTIVE, sc->variant);
		remove_field(&cred, sc->field);
		policy_check(&policy, &cred, NOW);
		for (i = 0; i < 5 && sc->skipped[i]; i++)
			expected |= UINT64_C(1) << rule_index(sc->skipped[i]);
		for (i = 0; i < policy_rule_count; i++) {
			uint64_t bit = UINT64_C(1) << i;

			if ((expected & bit) && !(cred.skipped_rules & bit))
				fail_msg("case %zu: %s did not skip the %s", c,
					 policy_rules[i].id, kind_id(sc->kind));
			if (!(expected & bit) && (cred.skipped_rules & bit))
				fail_msg("case %zu: %s skipped the %s", c,
					 policy_rules[i].id, kind_id(sc->kind));
			if ((cred.skipped_rules & bit) &&
			    !(policy_rules[i].needs & sc->field))
				fail_msg("case %zu: %s skipped without needing the field",
					 c, policy_rules[i].id);
			for (j = 0; j < cred.finding_count; j++)
				if ((cred.skipped_rules & bit) &&
				    !strcmp(cred.findings[j].rule,
					    policy_rules[i].id))
					fail_msg("case %zu: %s skipped and found",
						 c, policy_rules[i].id);
		}
		credential_release(&cred);
	}
}

/* Count `count` credentials of `kind` into `model`, skipping `rule` or none. */
static void count_creds(struct model *model, enum cred_kind kind,
			enum cred_state state, size_t count, const char *rule)
{
	size_t i;

	for (i = 0; i < count; i++) {
		struct credential cred;

		credential_init(&cred, kind);
		cred.id = (int64_t)i + 1;
		cred.state = state;
		cred.owner = &active_owner;
		if (rule)
			policy_skip_rule(&cred, rule);
		model_count(model, &cred, NULL, PLAN_MARK_NONE, 1);
		credential_release(&cred);
	}
}

static void model_with_all_tables(struct model *model)
{
	int k;

	model_init(model);
	model->now = NOW;
	for (k = 0; k < KIND_COUNT; k++)
		model->summary.kind_available[k] = 1;
}

/* Append the gap text of rule `id` to a fresh buffer and return it. */
static char *describe(const struct model *model, const char *id,
		      const char *quote)
{
	struct buf out = BUF_INIT;

	policy_describe_gap(model, policy_rule_find(id), quote, &out);
	return buf_detach(&out, NULL);
}

static void gap_counts_skipped_credentials(void **state)
{
	struct model model;
	struct rule_gap gap;
	char *text;

	(void)state;
	model_with_all_tables(&model);
	model_add_missing(&model, "keys.last_used_at", KINDS_SSH,
			  FIELD_LAST_USED, 0);
	model_add_missing(&model, "keys.usage_type", KINDS_SSH,
			  FIELD_USAGE_TYPE, 0);
	count_creds(&model, KIND_SSH_KEY, STATE_ACTIVE, 3, "credential-unused");
	count_creds(&model, KIND_SSH_KEY, STATE_ACTIVE, 1, NULL);
	count_creds(&model, KIND_SSH_KEY, STATE_EXPIRED, 2, NULL);
	count_creds(&model, KIND_DEPLOY_KEY, STATE_ACTIVE, 2, "credential-unused");
	count_creds(&model, KIND_PERSONAL_TOKEN, STATE_ACTIVE, 5, NULL);

	policy_rule_gap(&model, policy_rule_find("credential-unused"), &gap);
	assert_int_equal(gap.not_checked,
			 KIND_BIT(KIND_SSH_KEY) | KIND_BIT(KIND_DEPLOY_KEY));
	assert_int_equal(gap.unread, 0);
	assert_int_equal(gap.skipped[KIND_SSH_KEY], 3);
	/* The rule judges active credentials, so the expired ones are not counted. */
	assert_int_equal(gap.total[KIND_SSH_KEY], 4);
	assert_int_equal(gap.skipped[KIND_DEPLOY_KEY], 2);
	assert_int_equal(gap.total[KIND_DEPLOY_KEY], 2);
	assert_true(gap.checked_some);

	/* keys.usage_type leaves nothing that credential-unused needs. */
	text = describe(&model, "credential-unused", "");
	assert_string_equal(text,
		"Not checked for 3 of 4 active SSH keys and all 2 active deploy keys: keys.last_used_at is not in this snapshot.");
	free(text);

	text = describe(&model, "token-admin-scope", "");
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(policy_rules_not_checked(&model), 1);
	model_release(&model);
}

static void gap_names_tables_and_columns(void **state)
{
	struct model model;
	struct rule_gap gap;
	char *text;

	(void)state;
	model_with_all_tables(&model);
	model.summary.kind_available[KIND_GPG_KEY] = 0;
	model_add_missing(&model, "gpg_keys", KIND_BIT(KIND_GPG_KEY), 0, 1);
	model_add_missing(&model, "members", KINDS_BOT_TOKEN, FIELD_RESOURCE, 0);
	model_add_missing(&model, "user_details", KINDS_BOT_TOKEN,
			  FIELD_RESOURCE, 0);
	model_add_missing(&model, "projects.project_namespace_id",
			  KINDS_BOT_TOKEN, FIELD_RESOURCE, 0);
	/* A name recorded again gains kinds, and is listed once. */
	model_add_missing(&model, "members", KIND_BIT(KIND_GROUP_TOKEN),
			  FIELD_RESOURCE, 0);
	assert_int_equal(model.missing_count, 4);
	count_creds(&model, KIND_PROJECT_TOKEN, STATE_EXPIRED, 1,
		    "token-resource-missing");
	count_creds(&model, KIND_GROUP_TOKEN, STATE_ACTIVE, 2,
		    "token-resource-missing");

	policy_rule_gap(&model, policy_rule_find("gpg-key-weak"), &gap);
	assert_int_equal(gap.not_checked, KIND_BIT(KIND_GPG_KEY));
	assert_int_equal(gap.unread, KIND_BIT(KIND_GPG_KEY));
	assert_false(gap.checked_some);
	text = describe(&model, "gpg-key-weak", "`");
	assert_string_equal(text,
		"Not checked for GPG keys: the `gpg_keys` table is not in this snapshot.");
	free(text);

	/* The bot tokens' rule judges every state; one kind has one token. */
	text = describe(&model, "token-resource-missing", "`");
	assert_string_equal(text,
		"Not checked for the one project access token and all 2 group access tokens: the `members` table, the `user_details` table and `projects.project_namespace_id` are not in this snapshot.");
	free(text);

	/* A rule that judges every kind names only the table it lacked. */
	text = describe(&model, "owner-inactive", "");
	assert_string_equal(text,
		"Not checked for GPG keys: the gpg_keys table is not in this snapshot.");
	free(text);
	policy_rule_gap(&model, policy_rule_find("owner-inactive"), &gap);
	assert_true(gap.checked_some);
	model_release(&model);
}

static void no_gap_without_missing_input(void **state)
{
	struct model model;
	size_t i;

	(void)state;
	model_with_all_tables(&model);
	count_creds(&model, KIND_PERSONAL_TOKEN, STATE_ACTIVE, 3, NULL);
	count_creds(&model, KIND_GPG_KEY, STATE_ACTIVE, 3, NULL);
	for (i = 0; i < policy_rule_count; i++) {
		struct rule_gap gap;
		char *text = describe(&model, policy_rules[i].id, "`");

		policy_rule_gap(&model, &policy_rules[i], &gap);
		assert_int_equal(gap.not_checked, 0);
		assert_string_equal(text, "");
		free(text);
	}
	assert_int_equal(policy_rules_not_checked(&model), 0);
	model_release(&model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_table_matches_checks),
		cmocka_unit_test(skips_rules_that_need_field),
		cmocka_unit_test(gap_counts_skipped_credentials),
		cmocka_unit_test(gap_names_tables_and_columns),
		cmocka_unit_test(no_gap_without_missing_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
