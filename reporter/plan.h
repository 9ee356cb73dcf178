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
	char *method;                 /* "DELETE", or NULL for a review */
	char *api_path;               /* path under /api/v4, or NULL */
	const char *consequence;      /* what GitLab does besides */
};

struct plan {
	struct plan_action *actions;
	size_t count;
	int64_t created;              /* model->now */
	int64_t valid_until;
};

const char *action_type_id(enum action_type type);  /* "revoke_token" */
void plan_build(struct plan *plan, const struct model *model,
		int valid_days);
void plan_release(struct plan *plan);

#endif
