#ifndef CREDAUDIT_GITLAB_API_H
#define CREDAUDIT_GITLAB_API_H

#include <signal.h>
#include <stddef.h>

#include "buf.h"

/*
 * Requests to GitLab's REST API v4 through libcurl, for `apply`.
 *
 * The admin token goes only into the PRIVATE-TOKEN header of requests to
 * the GitLab URL. It is never part of a URL, a message or an error, and
 * redirects are not followed, so it cannot reach another host. A proxy
 * or server may echo the header in a response, so gitlab_send() replaces
 * the token in the body and the transport error of every response before
 * anyone reads them (see gitlab_redact()).
 */

struct gitlab_options {
	const char *url;           /* GitLab URL as checked by gitlab_url_check() */
	const char *token;         /* admin token, printable ASCII */
	const char *ca_file;       /* CA bundle for https, or NULL */
	long timeout_ms;           /* whole request, connection included */
	unsigned retries;          /* further attempts after the first */
	long retry_wait_ms;        /* first wait before a retry; doubles */
	long max_wait_ms;          /* maximum single wait, Retry-After too */
	/*
	 * The number of signals that a handler counted, or NULL. From 1 on,
	 * waits before a retry end at once. From 2 on, a request in flight
	 * ends too, within about a second, while 1 lets it finish.
	 */
	volatile sig_atomic_t *interrupted;
};

struct gitlab_response {
	long status;               /* HTTP status, 0 when no response came */
	struct buf body;           /* the first GITLAB_BODY_MAX bytes, with
				      the token redacted */
	long retry_after_ms;       /* from Retry-After, -1 when absent */
	char error[256];           /* transport error, "" when a response
				      came; the token redacted */
	int retryable;             /* a network error, timeout, 429 or 5xx */
	unsigned attempts;         /* requests sent for this response */
};

#define GITLAB_BODY_MAX (64 * 1024)

enum gitlab_outcome {
	GITLAB_ANSWERED,           /* see `status`; may be an error status */
	GITLAB_UNREACHABLE,        /* network errors or timeouts to the end,
				      or 5xx/429 on every attempt */
	GITLAB_WAIT_TOO_LONG,      /* Retry-After requests more than max_wait_ms */
	GITLAB_INTERRUPTED,        /* a signal stopped a wait before a retry,
				      or a second signal the request */
};

struct gitlab_client;

/*
 * Check `url` and return the base URL that request paths ("/api/v4/...")
 * are appended to, or NULL with a reason in `err`. The URL must be http
 * or https without user name, password, query or fragment. Plain http is
 * accepted only for 127.0.0.0/8, ::1 or "localhost", written out, because
 * the token would otherwise cross the network unencrypted. No name is
 * resolved. The caller frees the result.
 */
char *gitlab_url_check(const char *url, struct buf *err);

/* Returns NULL with a reason in `err` when libcurl cannot be set up. */
struct gitlab_client *gitlab_client_new(const struct gitlab_options *opts,
					struct buf *err);
void gitlab_client_free(struct gitlab_client *client);

void gitlab_response_init(struct gitlab_response *resp);
void gitlab_response_release(struct gitlab_response *resp);

/* Send one request, without retries; `resp` is reset first. */
enum gitlab_outcome gitlab_send(struct gitlab_client *client,
				const char *method, const char *path,
				struct gitlab_response *resp);

/*
 * Send a request that is safe to repeat (GET), retrying network errors,
 * timeouts, 429 and 5xx responses up to `retries` times with exponential
 * backoff, or after the time that Retry-After asks for.
 */
enum gitlab_outcome gitlab_request(struct gitlab_client *client,
				   const char *method, const char *path,
				   struct gitlab_response *resp);

/*
 * Wait before attempt `attempt` (2 for the first retry) of a request
 * whose last response is `resp`. Returns GITLAB_ANSWERED after waiting,
 * GITLAB_WAIT_TOO_LONG without waiting, or GITLAB_INTERRUPTED.
 */
enum gitlab_outcome gitlab_backoff(struct gitlab_client *client,
				   unsigned attempt,
				   const struct gitlab_response *resp);

/* The retry limit that the client was made with. */
unsigned gitlab_retries(const struct gitlab_client *client);

/* The text that gitlab_redact() puts in place of the token. */
#define GITLAB_REDACTED "[REDACTED]"

/*
 * Replace every spelling of `secret` in `text` with GITLAB_REDACTED and
 * return the number of replacements. Each character of `secret` may
 * appear as itself, percent-encoded (%2D or %2d), as a JSON escape
 * (\u002D, \" \\ \/) or as an HTML character reference (&#45;, &#x2D;,
 * &quot;, &amp;, &lt;, &gt;, &apos;), in any mix. A proxy that echoes the
 * PRIVATE-TOKEN header may encode it in any of these ways, and a JSON
 * parser decodes the escapes. A text that contained the secret is zeroed
 * before its memory is freed.
 */
size_t gitlab_redact(struct buf *text, const char *secret);

/* Parse a Retry-After value (seconds or an HTTP date) into milliseconds
   from `now`; -1 when it is neither. */
long gitlab_parse_retry_after(const char *value, long long now);

#endif
