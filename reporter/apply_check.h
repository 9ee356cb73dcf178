#ifndef CREDAUDIT_APPLY_CHECK_H
#define CREDAUDIT_APPLY_CHECK_H

#include "buf.h"
#include "gitlab_api.h"
#include "plan_read.h"

/*
 * The current state of a plan action's credential in GitLab, read with
 * GET before the action is carried out and again when a DELETE got no
 * clear response.
 */
enum cred_status {
	CRED_AS_PLANNED,      /* still there, with the owner the plan names */
	CRED_CHANGED,         /* changed otherwise: expired, owner changed */
	CRED_GONE,            /* revoked or deleted, as the action would do */
	CRED_CHECK_FAILED,    /* no usable response; see outcome and http_status */
};

struct cred_check {
	enum cred_status status;
	enum gitlab_outcome outcome;   /* of the last request */
	long http_status;              /* of the last request, 0 if none */
	unsigned attempts;             /* requests sent, retries included */
	struct buf detail;             /* one line for the person and journal */
};

void cred_check_init(struct cred_check *check);
void cred_check_release(struct cred_check *check);

/*
 * Read the state of the credential of `item` with GET requests (retried
 * as gitlab_request() does) and fill `check`. A personal, project or
 * group access token is read itself. A user's SSH key is read under its
 * owner and, when that fails, under /keys/:id, which tells a deleted key
 * from one that moved to another user. A deploy key or GPG key is read
 * under its project or owner.
 */
void check_credential(struct gitlab_client *client,
		      const struct plan_item *item, struct cred_check *check);

/*
 * Append GitLab's error message from a response body ({"message": ...}
 * or {"error": ...}) to `out`, escaped and cut for display, or nothing
 * when the body has none.
 */
void gitlab_error_message(const struct gitlab_response *resp,
			  struct buf *out);

#endif
