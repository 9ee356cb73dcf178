#ifndef CREDAUDIT_PLAN_H
#define CREDAUDIT_PLAN_H

#include <stddef.h>

#include "model.h"

/*
 * The revocation plan: one proposed action per credential that a finding
 * marks for action. Only what GitLab allows is proposed: revoke an active
 * token, delete an SSH key or deploy key that is not synced from LDAP,
 * review a GPG key. Nothing here talks to GitLab.
 */
enum action_type {
	ACTION_REVOKE_TOKEN,
	ACTION_DELETE_SSH_KEY,
	ACTION_REVIEW_GPG_KEY,
};

struct plan_action {
	char id[48];                  /* stable: "revoke-pat-123" */
	enum action_type type;
	const struct credential *cred;  /* borrowed from the model */
	char *method;                 /* "DELETE", or NULL when `manual` */
	char *api_path;               /* path under /api/v4, or NULL */
	char *manual;                 /* steps when the snapshot lacks an id
					 that the request needs, else NULL */
	const char *consequence;      /* what GitLab does besides */
};

/* A credential that findings mark for action but that GitLab cannot change. */
struct plan_skip {
	const struct credential *cred;
	const char *reason;           /* static text */
};

struct plan {
	struct plan_action *actions;  /* by kind, then id */
	size_t count;
	struct plan_skip *skipped;     /* by kind, then id */
	size_t skipped_count;
	int64_t created;              /* model->now */
	int64_t valid_until;          /* created + valid_days days */
};

const char *action_type_id(enum action_type type);  /* "revoke_token" */

/* Return 1 when a finding of `cred` has a rule that proposes an action. */
int plan_credential_flagged(const struct credential *cred);

/*
 * Fill `plan` with one action for each flagged credential that GitLab
 * can act on, and list the flagged ones it cannot. Active tokens are
 * revoked, and expired or revoked tokens need nothing. SSH keys and
 * deploy keys are deleted unless synced from LDAP. GPG keys are only
 * reviewed.
 * The plan borrows credentials from `model`, which must outlive it.
 */
void plan_build(struct plan *plan, const struct model *model,
		int valid_days);
/* Free what plan_build() allocated. A zeroed plan may be released too. */
void plan_release(struct plan *plan);
/* Find the action of `cred` by kind and id. Returns NULL when it has none. */
const struct plan_action *plan_find(const struct plan *plan,
				    const struct credential *cred);

#endif
