#include "plan.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define DAY 86400

/*
 * What GitLab does besides the request itself, as its documentation
 * describes it. The GPG signed commits page states that removing a key
 * keeps signed commits verified and that revoking it unverifies them.
 */
static const char consequence_pat[] =
	"GitLab e-mails the owner, and anything that uses the token stops working";
static const char consequence_bot_token[] =
	"the bot user is scheduled for deletion, and anything that uses the token stops working";
static const char consequence_ssh_key[] =
	"GitLab e-mails the owner, and Git over SSH with this key stops working";
/* A key of usage type signing never served Git over SSH. */
static const char consequence_ssh_signing_key[] =
	"GitLab e-mails the owner, and commits signed with this key from now on are not verified";
static const char consequence_deploy_key[] =
	"GitLab removes the key from the project and deletes it when no other project uses it";
static const char consequence_gpg_key[] =
	"review first: deleting keeps commits signed with the key verified; "
	"a POST to the same path plus /revoke also marks them unverified";

static const char skip_ldap[] =
	"cannot be deleted in GitLab (LDAP): the key is synced from the LDAP directory, "
	"so remove it there";
static const char skip_no_owner[] =
	"the snapshot records no owner user for this GPG key, and GitLab deletes a user's GPG key only through the user";

const char *action_type_id(enum action_type type)
{
	switch (type) {
	case ACTION_REVOKE_TOKEN: return "revoke_token";
	case ACTION_DELETE_SSH_KEY: return "delete_ssh_key";
	case ACTION_REVIEW_GPG_KEY: return "review_gpg_key";
	}
	return "unknown";
}

int plan_credential_flagged(const struct credential *cred)
{
	size_t i;

	for (i = 0; i < cred->finding_count; i++) {
		const struct policy_rule *rule =
			policy_rule_find(cred->findings[i].rule);

		if (rule && rule->proposes_action)
			return 1;
	}
	return 0;
}

static char *format_text(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *format_text(const char *fmt, ...)
{
	struct buf text = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	return buf_detach(&text, NULL);
}

static struct plan_action *set_action(struct plan_decision *out,
				      const struct credential *cred,
				      enum action_type type, const char *prefix)
{
	struct plan_action *action = &out->action;

	out->outcome = PLAN_ACTION;
	snprintf(action->id, sizeof(action->id), "%s-%" PRId64, prefix,
		 cred->id);
	action->type = type;
	return action;
}

static void set_skip(struct plan_decision *out, const char *reason)
{
	out->outcome = PLAN_NOT_POSSIBLE;
	out->reason = reason;
}

static void plan_token(const struct credential *cred, struct plan_decision *out)
{
	struct plan_action *action;
	const char *prefix, *collection;

	/* GitLab revokes only active tokens, and the others cannot be used anyway. */
	if (cred->state != STATE_ACTIVE)
		return;

	if (cred->kind == KIND_PERSONAL_TOKEN) {
		action = set_action(out, cred, ACTION_REVOKE_TOKEN, "revoke-pat");
		action->method = "DELETE";
		snprintf(action->api_path, sizeof(action->api_path),
			 "/personal_access_tokens/%" PRId64, cred->id);
		action->consequence = consequence_pat;
		return;
	}

	if (cred->kind == KIND_PROJECT_TOKEN) {
		prefix = "revoke-project-token";
		collection = "projects";
	} else {
		prefix = "revoke-group-token";
		collection = "groups";
	}
	action = set_action(out, cred, ACTION_REVOKE_TOKEN, prefix);
	action->consequence = consequence_bot_token;
	if (cred->resource.type != RESOURCE_NONE && cred->resource.missing) {
		action->manual = format_text(
			"the snapshot has no %s %" PRId64 ", which the bot user "
			"is a member of: find the bot user's %s with "
			"GET /api/v4/users/%" PRId64 "/memberships, then send "
			"DELETE /api/v4/%s/:id/access_tokens/%" PRId64,
			cred->kind == KIND_PROJECT_TOKEN ? "project" : "group",
			cred->resource.id,
			cred->kind == KIND_PROJECT_TOKEN ? "project" : "group",
			cred->owner_id, collection, cred->id);
		return;
	}
	if (cred->resource.type != RESOURCE_NONE) {
		action->method = "DELETE";
		snprintf(action->api_path, sizeof(action->api_path),
			 "/%s/%" PRId64 "/access_tokens/%" PRId64, collection,
			 cred->resource.id, cred->id);
		return;
	}
	action->manual = format_text(
		"the snapshot does not record the bot user's %s: find it with "
		"GET /api/v4/users/%" PRId64 "/memberships, then send "
		"DELETE /api/v4/%s/:id/access_tokens/%" PRId64,
		cred->kind == KIND_PROJECT_TOKEN ? "project" : "group",
		cred->owner_id, collection, cred->id);
}

static void plan_ssh_key(const struct credential *cred,
			 struct plan_decision *out)
{
	struct plan_action *action;

	if (cred->ldap) {
		set_skip(out, skip_ldap);
		return;
	}

	if (cred->kind == KIND_SSH_KEY) {
		action = set_action(out, cred, ACTION_DELETE_SSH_KEY,
				    "delete-ssh-key");
		action->consequence = cred->usage_type &&
				      !strcmp(cred->usage_type, "signing")
				      ? consequence_ssh_signing_key
				      : consequence_ssh_key;
		/* An admin can look a key's owner up by the key's id. */
		if (cred->owner_id <= 0) {
			action->manual = format_text(
				"the snapshot does not record the key's owner: find it "
				"with GET /api/v4/keys/%" PRId64 ", then send "
				"DELETE /api/v4/users/:user_id/keys/%" PRId64,
				cred->id, cred->id);
			return;
		}
		action->method = "DELETE";
		snprintf(action->api_path, sizeof(action->api_path),
			 "/users/%" PRId64 "/keys/%" PRId64, cred->owner_id,
			 cred->id);
		return;
	}

	/*
	 * GitLab has no instance-wide DELETE for deploy keys, and the users
	 * endpoint only finds user keys: a deploy key is removed per project.
	 */
	action = set_action(out, cred, ACTION_DELETE_SSH_KEY, "delete-deploy-key");
	action->consequence = consequence_deploy_key;
	if (cred->resource.type == RESOURCE_PROJECT) {
		action->method = "DELETE";
		snprintf(action->api_path, sizeof(action->api_path),
			 "/projects/%" PRId64 "/deploy_keys/%" PRId64,
			 cred->resource.id, cred->id);
		return;
	}
	action->manual = format_text(
		"the snapshot does not record which projects use this deploy key: "
		"find them with GET /api/v4/deploy_keys, then send "
		"DELETE /api/v4/projects/:id/deploy_keys/%" PRId64 " for each",
		cred->id);
}

static void plan_gpg_key(const struct credential *cred,
			 struct plan_decision *out)
{
	struct plan_action *action;

	if (cred->owner_id <= 0) {
		set_skip(out, skip_no_owner);
		return;
	}
	action = set_action(out, cred, ACTION_REVIEW_GPG_KEY, "review-gpg-key");
	action->method = "DELETE";
	snprintf(action->api_path, sizeof(action->api_path),
		 "/users/%" PRId64 "/gpg_keys/%" PRId64, cred->owner_id,
		 cred->id);
	action->consequence = consequence_gpg_key;
}

/* Return 1 when a finding of `cred` passes the filter of `plan`. */
static int passes_filter(const struct plan *plan,
			 const struct credential *cred)
{
	size_t i;

	for (i = 0; i < cred->finding_count; i++)
		if (plan_filter_passes(&plan->filter, &cred->findings[i]))
			return 1;
	return 0;
}

static int is_token(const struct credential *cred)
{
	return cred->kind == KIND_PERSONAL_TOKEN ||
	       cred->kind == KIND_PROJECT_TOKEN || cred->kind == KIND_GROUP_TOKEN;
}

static enum plan_table plan_table_of(enum cred_kind kind)
{
	switch (kind) {
	case KIND_SSH_KEY:
	case KIND_DEPLOY_KEY:
		return PLAN_TABLE_KEYS;
	case KIND_GPG_KEY:
		return PLAN_TABLE_GPG_KEYS;
	default:
		return PLAN_TABLE_TOKENS;
	}
}

void plan_init(struct plan *plan, int64_t now, int valid_days)
{
	memset(plan, 0, sizeof(*plan));
	plan->created = now;
	plan->valid_until = now + (int64_t)valid_days * DAY;
}

/* The decision for `cred`, which has a valid id that no earlier row planned. */
static void decide(struct plan *plan, const struct credential *cred,
		   struct plan_decision *out)
{
	if (!plan_credential_flagged(cred))
		return;
	/*
	 * apply checks that a token still belongs to the owner the plan
	 * names, so a token whose owner id is invalid could never be revoked.
	 */
	if ((cred->unavailable & FIELD_OWNER_INVALID) && is_token(cred))
		return;
	/* The owner's user_type decides which kind of token, so which request. */
	if (cred->owner && cred->owner->user_type_invalid && is_token(cred))
		return;
	/* A key of no type GitLab defines may be a user key or a deploy key. */
	if (cred->key_type_raw)
		return;
	switch (cred->kind) {
	case KIND_PERSONAL_TOKEN:
	case KIND_PROJECT_TOKEN:
	case KIND_GROUP_TOKEN:
		plan_token(cred, out);
		break;
	case KIND_SSH_KEY:
	case KIND_DEPLOY_KEY:
		plan_ssh_key(cred, out);
		break;
	case KIND_GPG_KEY:
		plan_gpg_key(cred, out);
		break;
	case KIND_COUNT:
		break;
	}
	/*
	 * The filter applies after the decision, so that the plan can count
	 * the actions and "not possible" entries that it left out.
	 */
	if (out->outcome != PLAN_NOTHING && !passes_filter(plan, cred)) {
		if (out->outcome == PLAN_ACTION)
			plan->left_out_count++;
		else
			plan->left_out_skipped_count++;
		plan_decision_release(out);
		out->left_out = 1;
		return;
	}
	if (out->outcome == PLAN_ACTION) {
		plan->count++;
		plan->by_type[out->action.type]++;
	} else if (out->outcome == PLAN_NOT_POSSIBLE) {
		plan->skipped_count++;
	}
}

void plan_decide(struct plan *plan, const struct credential *cred,
		 struct plan_decision *out)
{
	enum plan_table table = plan_table_of(cred->kind);

	memset(out, 0, sizeof(*out));
	/* GitLab's API could not be given the credential. */
	if (cred->invalid_id)
		return;
	/*
	 * Rows of one id are adjacent (snapshot.c). The first of them that
	 * gets an action or a "not possible" entry is the one in the plan,
	 * so that action ids stay unique and apply acts on an id once.
	 */
	if (!cred->duplicate) {
		plan->id_in_plan[table] = 0;
	} else if (plan->id_in_plan[table]) {
		out->earlier_row_in_plan = 1;
		return;
	}
	decide(plan, cred, out);
	if (out->outcome != PLAN_NOTHING)
		plan->id_in_plan[table] = 1;
}

void plan_note_repeated_id(struct credential *cred,
			   const struct plan_decision *decision)
{
	static const char *const tables[PLAN_TABLE_COUNT] = {
		"personal_access_tokens", "keys", "gpg_keys",
	};
	const char *table = tables[plan_table_of(cred->kind)];
	long long id = (long long)cred->id;

	if (!cred->duplicate)
		return;
	if (decision->earlier_row_in_plan)
		finding_add(cred, "value-invalid",
		    "id %lld occurs more than once in table %s; an earlier row of that id is in the plan, so this one is not",
		    id, table);
	else if (decision->outcome != PLAN_NOTHING)
		finding_add(cred, "value-invalid",
		    "id %lld occurs more than once in table %s; this row is the one of that id in the plan",
		    id, table);
	else
		finding_add(cred, "value-invalid",
		    "id %lld occurs more than once in table %s; this row is not in the plan, and neither is an earlier row of that id",
		    id, table);
}

void plan_decision_release(struct plan_decision *decision)
{
	free(decision->action.manual);
	memset(decision, 0, sizeof(*decision));
}
