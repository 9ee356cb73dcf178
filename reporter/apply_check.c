#include "apply_check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"

/* Characters of a GitLab error message shown and journaled. */
#define GITLAB_MESSAGE_MAX 200

void cred_check_init(struct cred_check *check)
{
	memset(check, 0, sizeof(*check));
	buf_init(&check->detail);
}

void cred_check_release(struct cred_check *check)
{
	buf_release(&check->detail);
	cred_check_init(check);
}

void gitlab_error_message(const struct gitlab_response *resp,
			  struct buf *out)
{
	json_t *root = json_loadb(resp->body.data, resp->body.len, 0, NULL);
	json_t *message = json_object_get(root, "message");
	char *text;

	if (!message)
		message = json_object_get(root, "error");
	if (json_is_string(message)) {
		buf_adds(out, ": ");
		text_escape_str(out, json_string_value(message),
				GITLAB_MESSAGE_MAX);
	} else if (message) {
		text = json_dumps(message, JSON_COMPACT);
		if (text) {
			buf_adds(out, ": ");
			text_escape_str(out, text, GITLAB_MESSAGE_MAX);
			free(text);
		}
	}
	json_decref(root);
}

/* Record a failed request in `check`; returns 1 when `resp` failed. */
static int request_failed(struct cred_check *check, enum gitlab_outcome outcome,
			  const struct gitlab_response *resp, const char *path)
{
	check->outcome = outcome;
	check->http_status = resp->status;
	check->attempts += resp->attempts;
	switch (outcome) {
	case GITLAB_ANSWERED:
		break;
	case GITLAB_INTERRUPTED:
		buf_addf(&check->detail, "GET %s was interrupted", path);
		check->status = CRED_CHECK_FAILED;
		return 1;
	case GITLAB_WAIT_TOO_LONG:
		buf_addf(&check->detail, "GET %s: GitLab asks to wait %ld s before the next request, longer than --max-wait",
			 path, resp->retry_after_ms / 1000);
		check->status = CRED_CHECK_FAILED;
		return 1;
	case GITLAB_UNREACHABLE:
		if (resp->status)
			buf_addf(&check->detail, "GET %s returned %ld on every attempt (%u)",
				 path, resp->status, resp->attempts);
		else
			buf_addf(&check->detail, "GET %s failed on every attempt (%u): %s",
				 path, resp->attempts, resp->error);
		check->status = CRED_CHECK_FAILED;
		return 1;
	}
	if (resp->status == 200 || resp->status == 404)
		return 0;
	buf_addf(&check->detail, "GET %s returned %ld", path, resp->status);
	gitlab_error_message(resp, &check->detail);
	check->status = CRED_CHECK_FAILED;
	return 1;
}

/* The JSON type of `value` with its article, for messages. */
static const char *json_type_phrase(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a JSON value";
}

/*
 * Append what the member `name` of `object` is, when it is not the
 * `expected` kind of value: `no "user_id"`, or `"user_id" as a string
 * ("11"), not an integer`. The value is escaped and cut for display.
 */
static void describe_member(struct buf *out, const json_t *object,
			    const char *name, const char *expected)
{
	json_t *value = json_object_get(object, name);
	char *text;

	if (!value) {
		buf_addf(out, "no \"%s\"", name);
		return;
	}
	buf_addf(out, "\"%s\" as %s", name, json_type_phrase(value));
	if (!json_is_null(value)) {
		text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
		if (text) {
			buf_adds(out, " (");
			text_escape_str(out, text, GITLAB_MESSAGE_MAX);
			buf_adds(out, ")");
			free(text);
		}
	}
	buf_addf(out, ", not %s", expected);
}

/* The JSON object of a 200 response, or NULL with `check` failed. */
static json_t *response_object(struct cred_check *check,
			     const struct gitlab_response *resp,
			     const char *path)
{
	json_t *root = json_loadb(resp->body.data, resp->body.len, 0, NULL);

	if (json_is_object(root))
		return root;
	json_decref(root);
	buf_addf(&check->detail, "GET %s returned 200 without a JSON object: is --gitlab-url the GitLab instance?",
		 path);
	check->status = CRED_CHECK_FAILED;
	return NULL;
}

static void check_token(struct gitlab_client *client,
			const struct plan_item *item, struct cred_check *check,
			struct gitlab_response *resp)
{
	enum gitlab_outcome outcome;
	json_t *root, *user_id, *active;

	outcome = gitlab_request(client, "GET", item->path, resp);
	if (request_failed(check, outcome, resp, item->path))
		return;
	if (resp->status == 404) {
		buf_adds(&check->detail, "the token no longer exists (its owner or resource was deleted)");
		check->status = CRED_GONE;
		return;
	}
	root = response_object(check, resp, item->path);
	if (!root)
		return;
	user_id = json_object_get(root, "user_id");
	active = json_object_get(root, "active");
	if (json_is_true(json_object_get(root, "revoked"))) {
		buf_adds(&check->detail, "the token is already revoked (revoked or rotated since the plan)");
		check->status = CRED_GONE;
	} else if (json_is_integer(user_id) &&
		   json_integer_value(user_id) != item->owner_id) {
		buf_addf(&check->detail, "the token now belongs to user %" JSON_INTEGER_FORMAT ", not %" PRId64,
			 json_integer_value(user_id), item->owner_id);
		check->status = CRED_CHANGED;
	} else if (json_is_false(active)) {
		buf_adds(&check->detail, "the token is no longer active (it expired since the plan)");
		check->status = CRED_CHANGED;
	} else if (!json_is_true(active) || !json_is_integer(user_id)) {
		/* "active" false was handled above. */
		buf_addf(&check->detail, "GET %s returned ", item->path);
		if (!json_is_true(active))
			describe_member(&check->detail, root, "active",
					"true or false");
		if (!json_is_true(active) && !json_is_integer(user_id))
			buf_adds(&check->detail, ", and ");
		if (!json_is_integer(user_id))
			describe_member(&check->detail, root, "user_id",
					"an integer");
		buf_adds(&check->detail, ": is --gitlab-url the GitLab instance?");
		check->status = CRED_CHECK_FAILED;
	} else {
		buf_adds(&check->detail, "the token is active");
		check->status = CRED_AS_PLANNED;
	}
	json_decref(root);
}

/*
 * A user's key that GET /users/:id/keys/:key_id does not find was either
 * deleted or moved to another user. GET /keys/:id (admin only) returns
 * its current owner.
 */
static void check_missing_user_key(struct gitlab_client *client,
				   const struct plan_item *item,
				   struct cred_check *check,
				   struct gitlab_response *resp)
{
	struct buf path = BUF_INIT;
	enum gitlab_outcome outcome;
	json_t *root, *user;

	buf_addf(&path, "/api/v4/keys/%" PRId64, item->cred_id);
	outcome = gitlab_request(client, "GET", path.data, resp);
	if (request_failed(check, outcome, resp, path.data))
		goto out;
	if (resp->status == 404) {
		buf_adds(&check->detail, "the key no longer exists (deleted since the plan)");
		check->status = CRED_GONE;
		goto out;
	}
	root = response_object(check, resp, path.data);
	if (!root)
		goto out;
	user = json_object_get(json_object_get(root, "user"), "id");
	if (json_is_integer(user))
		buf_addf(&check->detail, "the key now belongs to user %" JSON_INTEGER_FORMAT ", not %" PRId64,
			 json_integer_value(user), item->owner_id);
	else
		buf_addf(&check->detail, "the key is no longer a key of user %" PRId64,
			 item->owner_id);
	check->status = CRED_CHANGED;
	json_decref(root);
out:
	buf_release(&path);
}

static void check_key(struct gitlab_client *client,
		      const struct plan_item *item, struct cred_check *check,
		      struct gitlab_response *resp)
{
	enum gitlab_outcome outcome;
	json_t *root;

	outcome = gitlab_request(client, "GET", item->path, resp);
	if (request_failed(check, outcome, resp, item->path))
		return;
	if (resp->status == 404) {
		if (item->kind && !strcmp(item->kind, "ssh_key")) {
			check_missing_user_key(client, item, check, resp);
			return;
		}
		buf_adds(&check->detail, "the key no longer exists (deleted since the plan)");
		check->status = CRED_GONE;
		return;
	}
	root = response_object(check, resp, item->path);
	if (!root)
		return;
	buf_adds(&check->detail, "the key exists");
	check->status = CRED_AS_PLANNED;
	json_decref(root);
}

/* Append the name of the user that GET /api/v4/user returned. */
static void describe_user(struct buf *detail, json_t *user)
{
	json_t *username = json_object_get(user, "username");

	buf_adds(detail, "user @");
	text_escape_str(detail, json_string_value(username),
			GITLAB_MESSAGE_MAX);
	buf_addf(detail, " (id %" JSON_INTEGER_FORMAT ")",
		 json_integer_value(json_object_get(user, "id")));
}

/* Append the members of GET /api/v4/user that are missing or of the
   wrong type. */
static void describe_user_members(struct buf *detail, const char *path,
				  const json_t *user)
{
	int id_ok = json_is_integer(json_object_get(user, "id"));

	buf_addf(detail, "GET %s returned 200 with ", path);
	if (!id_ok)
		describe_member(detail, user, "id", "an integer");
	if (!json_is_string(json_object_get(user, "username"))) {
		if (!id_ok)
			buf_adds(detail, ", and ");
		describe_member(detail, user, "username", "a string");
	}
}

enum server_status check_gitlab_server(struct gitlab_client *client,
				       struct buf *detail, long *http_status)
{
	static const char path[] = "/api/v4/user";
	struct gitlab_response resp;
	enum gitlab_outcome outcome;
	enum server_status status;
	json_t *user = NULL;

	gitlab_response_init(&resp);
	outcome = gitlab_request(client, "GET", path, &resp);
	*http_status = resp.status;
	if (outcome == GITLAB_INTERRUPTED) {
		buf_addf(detail, "GET %s was interrupted", path);
		status = SERVER_INTERRUPTED;
		goto out;
	}
	if (outcome != GITLAB_ANSWERED) {
		if (resp.status)
			buf_addf(detail, "GET %s returned %ld on every attempt (%u)",
				 path, resp.status, resp.attempts);
		else
			buf_addf(detail, "GET %s failed on every attempt (%u): %s",
				 path, resp.attempts, resp.error);
		status = SERVER_UNREACHABLE;
		goto out;
	}
	if (resp.status == 401 || resp.status == 403) {
		buf_addf(detail, "GET %s returned %ld", path, resp.status);
		gitlab_error_message(&resp, detail);
		status = SERVER_REJECTED;
		goto out;
	}
	if (resp.status == 200)
		user = json_loadb(resp.body.data, resp.body.len, 0, NULL);
	if (!json_is_object(user)) {
		buf_addf(detail, "GET %s returned %ld%s", path, resp.status,
			 resp.status == 200 ? " without a user object" : "");
		status = SERVER_NOT_GITLAB;
		goto out;
	}
	if (!json_is_integer(json_object_get(user, "id")) ||
	    !json_is_string(json_object_get(user, "username"))) {
		describe_user_members(detail, path, user);
		status = SERVER_NOT_GITLAB;
		goto out;
	}
	describe_user(detail, user);
	/* A non-admin user has "is_admin": false, or no "is_admin" at all. */
	status = json_is_true(json_object_get(user, "is_admin")) ?
		 SERVER_ADMIN : SERVER_NOT_ADMIN;
out:
	json_decref(user);
	gitlab_response_release(&resp);
	return status;
}

void check_credential(struct gitlab_client *client,
		      const struct plan_item *item, struct cred_check *check)
{
	struct gitlab_response resp;

	buf_reset(&check->detail);
	check->attempts = 0;
	check->http_status = 0;
	gitlab_response_init(&resp);
	if (item->type && !strcmp(item->type, "revoke_token"))
		check_token(client, item, check, &resp);
	else
		check_key(client, item, check, &resp);
	gitlab_response_release(&resp);
}
