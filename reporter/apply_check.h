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

/* What GET /api/v4/user showed about the GitLab URL and the token. */
enum server_status {
	SERVER_ADMIN,         /* GitLab, and the token is an administrator's */
	SERVER_NOT_ADMIN,     /* GitLab, but the token is not an admin's */
	SERVER_REJECTED,      /* 401 or 403: the token is invalid or expired */
	SERVER_NOT_GITLAB,    /* a response, but not GitLab's API v4 */
	SERVER_UNREACHABLE,   /* no response, 5xx or 429 to the end */
	SERVER_INTERRUPTED,
};

/*
 * Check that the client's URL is GitLab's REST API v4 and that the token
 * belongs to an administrator, with GET /api/v4/user (retried as
 * gitlab_request() does). `detail` gets one line for a message: the
 * user's name, or what was wrong. `http_status` gets the last status.
 * Until this returns SERVER_ADMIN, a 404 proves nothing about a
 * credential, because the URL may not be GitLab's.
 */
enum server_status check_gitlab_server(struct gitlab_client *client,
				       struct buf *detail, long *http_status);

/*
 * Append GitLab's error message from a response body ({"message": ...}
 * or {"error": ...}) to `out`, escaped and cut for display, or nothing
 * when the body has none.
 */
void gitlab_error_message(const struct gitlab_response *resp,
			  struct buf *out);

#endif
