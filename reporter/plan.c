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
static const char consequence_deploy_key[] =
	"GitLab removes the key from the project and deletes it when no other project uses it";
static const char consequence_gpg_key[] =
	"review first: deleting keeps commits signed with the key verified; "
	"a POST to the same path plus /revoke also marks them unverified";

static const char skip_ldap[] =
	"cannot be deleted in GitLab (LDAP): the key is synced from the LDAP directory, "
	"so remove it there";
static const char skip_no_owner[] =
	"the snapshot records no owner user for this key, and GitLab deletes a user's key only through the user";

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

static char *format_path(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *format_path(const char *fmt, ...)
{
	struct buf path = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&path, fmt, ap);
	va_end(ap);
	return buf_detach(&path, NULL);
}

static struct plan_action *add_action(struct plan *plan, size_t *cap,
				      const struct credential *cred,
				      enum action_type type, const char *prefix)
{
	struct plan_action *action;

	if (plan->count == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		plan->actions = xrealloc(plan->actions,
					 *cap * sizeof(*plan->actions));
	}
	action = &plan->actions[plan->count++];
	memset(action, 0, sizeof(*action));
	snprintf(action->id, sizeof(action->id), "%s-%" PRId64, prefix,
		 cred->id);
	action->type = type;
	action->cred = cred;
	return action;
}

static void add_skip(struct plan *plan, size_t *cap,
		     const struct credential *cred, const char *reason)
{
	if (plan->skipped_count == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		plan->skipped = xrealloc(plan->skipped,
					 *cap * sizeof(*plan->skipped));
	}
	plan->skipped[plan->skipped_count].cred = cred;
	plan->skipped[plan->skipped_count].reason = reason;
	plan->skipped_count++;
}

static void plan_token(struct plan *plan, size_t *cap,
		       const struct credential *cred)
{
	struct plan_action *action;
	const char *prefix, *collection;

	/* GitLab revokes only active tokens, and the others cannot be used anyway. */
	if (cred->state != STATE_ACTIVE)
		return;

	if (cred->kind == KIND_PERSONAL_TOKEN) {
		action = add_action(plan, cap, cred, ACTION_REVOKE_TOKEN,
				    "revoke-pat");
		action->method = xstrdup("DELETE");
		action->api_path = format_path("/personal_access_tokens/%" PRId64,
					       cred->id);
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
	action = add_action(plan, cap, cred, ACTION_REVOKE_TOKEN, prefix);
	action->consequence = consequence_bot_token;
	if (cred->resource.type != RESOURCE_NONE) {
		action->method = xstrdup("DELETE");
		action->api_path = format_path("/%s/%" PRId64 "/access_tokens/%" PRId64,
					       collection, cred->resource.id,
					       cred->id);
		return;
	}
	action->manual = format_path(
		"the snapshot does not record the bot user's %s: find it with "
		"GET /api/v4/users/%" PRId64 "/memberships, then send "
		"DELETE /api/v4/%s/:id/access_tokens/%" PRId64,
		cred->kind == KIND_PROJECT_TOKEN ? "project" : "group",
		cred->owner_id, collection, cred->id);
}

static void plan_ssh_key(struct plan *plan, size_t *cap, size_t *skip_cap,
			 const struct credential *cred)
{
	struct plan_action *action;

	if (cred->ldap) {
		add_skip(plan, skip_cap, cred, skip_ldap);
		return;
	}

	if (cred->kind == KIND_SSH_KEY) {
		if (cred->owner_id <= 0) {
			add_skip(plan, skip_cap, cred, skip_no_owner);
			return;
		}
		action = add_action(plan, cap, cred, ACTION_DELETE_SSH_KEY,
				    "delete-ssh-key");
		action->method = xstrdup("DELETE");
		action->api_path = format_path("/users/%" PRId64 "/keys/%" PRId64,
					       cred->owner_id, cred->id);
		action->consequence = consequence_ssh_key;
		return;
	}

	/*
	 * GitLab has no instance-wide DELETE for deploy keys, and the users
	 * endpoint only finds user keys: a deploy key is removed per project.
	 */
	action = add_action(plan, cap, cred, ACTION_DELETE_SSH_KEY,
			    "delete-deploy-key");
	action->consequence = consequence_deploy_key;
	if (cred->resource.type == RESOURCE_PROJECT) {
		action->method = xstrdup("DELETE");
		action->api_path = format_path("/projects/%" PRId64 "/deploy_keys/%" PRId64,
					       cred->resource.id, cred->id);
		return;
	}
	action->manual = format_path(
		"the snapshot does not record which projects use this deploy key: "
		"find them with GET /api/v4/deploy_keys, then send "
		"DELETE /api/v4/projects/:id/deploy_keys/%" PRId64 " for each",
		cred->id);
}

static void plan_gpg_key(struct plan *plan, size_t *cap, size_t *skip_cap,
			 const struct credential *cred)
{
	struct plan_action *action;

	if (cred->owner_id <= 0) {
		add_skip(plan, skip_cap, cred, skip_no_owner);
		return;
	}
	action = add_action(plan, cap, cred, ACTION_REVIEW_GPG_KEY,
			    "review-gpg-key");
	action->method = xstrdup("DELETE");
	action->api_path = format_path("/users/%" PRId64 "/gpg_keys/%" PRId64,
				       cred->owner_id, cred->id);
	action->consequence = consequence_gpg_key;
}

static int compare_key(const struct credential *a, const struct credential *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int compare_actions(const void *a, const void *b)
{
	const struct plan_action *x = a, *y = b;

	return compare_key(x->cred, y->cred);
}

static int compare_skips(const void *a, const void *b)
{
	const struct plan_skip *x = a, *y = b;

	return compare_key(x->cred, y->cred);
}

void plan_build(struct plan *plan, const struct model *model, int valid_days)
{
	size_t cap = 0, skip_cap = 0;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	plan->created = model->now;
	plan->valid_until = model->now + (int64_t)valid_days * DAY;

	for (i = 0; i < model->cred_count; i++) {
		const struct credential *cred = &model->creds[i];

		if (!plan_credential_flagged(cred))
			continue;
		switch (cred->kind) {
		case KIND_PERSONAL_TOKEN:
		case KIND_PROJECT_TOKEN:
		case KIND_GROUP_TOKEN:
			plan_token(plan, &cap, cred);
			break;
		case KIND_SSH_KEY:
		case KIND_DEPLOY_KEY:
			plan_ssh_key(plan, &cap, &skip_cap, cred);
			break;
		case KIND_GPG_KEY:
			plan_gpg_key(plan, &cap, &skip_cap, cred);
			break;
		case KIND_COUNT:
			break;
		}
	}

	/* plan_find() searches by kind and id. */
	if (plan->count)
		qsort(plan->actions, plan->count, sizeof(*plan->actions),
		      compare_actions);
	if (plan->skipped_count)
		qsort(plan->skipped, plan->skipped_count,
		      sizeof(*plan->skipped), compare_skips);
}

void plan_release(struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->count; i++) {
		free(plan->actions[i].method);
		free(plan->actions[i].api_path);
		free(plan->actions[i].manual);
	}
	free(plan->actions);
	free(plan->skipped);
	memset(plan, 0, sizeof(*plan));
}

const struct plan_action *plan_find(const struct plan *plan,
				    const struct credential *cred)
{
	size_t lo = 0, hi = plan->count, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (compare_key(plan->actions[mid].cred, cred) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* A damaged snapshot may repeat an id: match the credential itself. */
	for (i = lo; i < plan->count; i++) {
		if (compare_key(plan->actions[i].cred, cred) != 0)
			break;
		if (plan->actions[i].cred == cred)
			return &plan->actions[i];
	}
	return NULL;
}
