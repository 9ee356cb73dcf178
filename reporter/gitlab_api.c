#include "gitlab_api.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#ifndef CREDAUDIT_VERSION
#define CREDAUDIT_VERSION "0.0.0"
#endif

struct gitlab_client {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	struct gitlab_options opts;
	struct gitlab_response *current;   /* filled by the callbacks */
	struct buf request_url;
};

/*
 * Return 1 when `host` (as libcurl's URL parser returns it, IPv6 in
 * brackets) is a loopback address written out: an IPv4 literal in
 * 127.0.0.0/8, ::1, or the name "localhost". Any other name is rejected
 * without being resolved, because a name such as 127.0.0.1.nip.io can
 * resolve to any address.
 */
static int loopback_host(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;
	char inner[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(host);

	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']' &&
	    len - 2 < sizeof(inner)) {
		memcpy(inner, host + 1, len - 2);
		inner[len - 2] = '\0';
		host = inner;
	}
	return inet_pton(AF_INET6, host, &v6) == 1 &&
	       IN6_IS_ADDR_LOOPBACK(&v6);
}

char *gitlab_url_check(const char *url, struct buf *err)
{
	CURLU *parts = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
	char *query = NULL, *fragment = NULL, *port = NULL, *path = NULL;
	struct buf base = BUF_INIT;
	char *result = NULL;
	size_t len;

	if (!parts) {
		buf_adds(err, "cannot parse --gitlab-url: out of memory");
		return NULL;
	}
	if (curl_url_set(parts, CURLUPART_URL, url, 0) != CURLUE_OK) {
		/* The URL is not shown when it may hold a password. */
		if (strchr(url, '@'))
			buf_adds(err, "invalid --gitlab-url: use the address of the GitLab instance, such as https://gitlab.example.com, without a user name or password");
		else
			buf_addf(err, "invalid --gitlab-url '%s': use the address of the GitLab instance, such as https://gitlab.example.com",
				 url);
		goto out;
	}
	curl_url_get(parts, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(parts, CURLUPART_HOST, &host, 0);
	curl_url_get(parts, CURLUPART_USER, &user, 0);
	curl_url_get(parts, CURLUPART_PASSWORD, &password, 0);
	curl_url_get(parts, CURLUPART_QUERY, &query, 0);
	curl_url_get(parts, CURLUPART_FRAGMENT, &fragment, 0);
	curl_url_get(parts, CURLUPART_PORT, &port, 0);
	curl_url_get(parts, CURLUPART_PATH, &path, 0);

	if (!scheme || !host ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)) {
		buf_adds(err, "invalid --gitlab-url: use an http:// or https:// address");
		goto out;
	}
	if (user || password) {
		buf_adds(err, "invalid --gitlab-url: it holds a user name or password; pass the admin token in GITLAB_TOKEN or --token-file");
		goto out;
	}
	if (query || fragment) {
		buf_adds(err, "invalid --gitlab-url: remove the query or fragment ('?' or '#' part)");
		goto out;
	}
	if (!strcmp(scheme, "http") && !loopback_host(host)) {
		buf_addf(err, "--gitlab-url uses plain http to '%s', which would send the admin token unencrypted: use https",
			 host);
		goto out;
	}

	buf_addf(&base, "%s://%s", scheme, host);
	if (port)
		buf_addf(&base, ":%s", port);
	buf_adds(&base, path ? path : "");
	len = base.len;
	while (len > 0 && base.data[len - 1] == '/')
		len--;
	base.data[len] = '\0';
	base.len = len;
	if (base.len >= 7 && !strcmp(base.data + base.len - 7, "/api/v4")) {
		buf_addf(err, "pass --gitlab-url without /api/v4, such as %.*s",
			 (int)(base.len - 7), base.data);
		goto out;
	}
	result = buf_detach(&base, NULL);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_free(query);
	curl_free(fragment);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(parts);
	buf_release(&base);
	return result;
}

long gitlab_parse_retry_after(const char *value, long long now)
{
	const char *p = value;
	long long seconds = 0;
	time_t when;

	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p)) {
			seconds = seconds * 10 + (*p - '0');
			if (seconds > 86400L * 365)
				return -1;
			p++;
		}
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		return *p ? -1 : (long)(seconds * 1000);
	}
	when = curl_getdate(p, NULL);
	if (when == (time_t)-1)
		return -1;
	if ((long long)when <= now)
		return 0;
	if ((long long)when - now > 86400LL * 365)
		return -1;
	return (long)(((long long)when - now) * 1000);
}

/* The value of `count` hex digits at `p`, or -1 when one is not a digit. */
static long hex_value(const char *p, size_t count)
{
	long value = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		value = value * 16 + (isdigit((unsigned char)p[i]) ?
				      p[i] - '0' :
				      tolower((unsigned char)p[i]) - 'a' + 10);
	}
	return value;
}

/* The length of an HTML character reference at `p` that stands for `want`. */
static size_t html_reference(const char *p, size_t len, unsigned char want)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&quot;", '"' }, { "&amp;", '&' }, { "&lt;", '<' },
		{ "&gt;", '>' }, { "&apos;", '\'' },
	};
	size_t i, digits, start;
	long value = 0;
	int hex;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t n = strlen(named[i].name);

		if (named[i].c == want && len >= n &&
		    !strncasecmp(p, named[i].name, n))
			return n;
	}
	if (len < 4 || p[0] != '&' || p[1] != '#')
		return 0;
	hex = p[2] == 'x' || p[2] == 'X';
	start = digits = hex ? 3 : 2;
	/* Eight digits allow leading zeros; a longer number is no character. */
	while (digits < len && digits - start < 8 &&
	       (hex ? isxdigit((unsigned char)p[digits]) :
		      isdigit((unsigned char)p[digits]))) {
		value = value * (hex ? 16 : 10) +
			(hex ? hex_value(p + digits, 1) : p[digits] - '0');
		digits++;
	}
	if (digits == start || digits >= len || p[digits] != ';' ||
	    value != want)
		return 0;
	return digits + 1;
}

/* The length of an escaped form at `p` that stands for `want`, or 0. */
static size_t escaped_char(const char *p, size_t len, unsigned char want)
{
	if (len >= 3 && p[0] == '%' && hex_value(p + 1, 2) == want)
		return 3;
	if (len >= 6 && p[0] == '\\' && p[1] == 'u' &&
	    hex_value(p + 2, 4) == want)
		return 6;
	if (len >= 2 && p[0] == '\\' && (unsigned char)p[1] == want &&
	    (want == '"' || want == '\\' || want == '/'))
		return 2;
	if (len >= 4 && p[0] == '&')
		return html_reference(p, len, want);
	return 0;
}

/*
 * Return 1 and set `*used` to the length of the text at `p` that spells
 * `secret`, or return 0. Both a character and an escaped form can match
 * only where the secret contains '%', '\\' or '&', so for other secrets the
 * recursion never goes back.
 */
static int spells_secret(const char *p, size_t len, const char *secret,
			 size_t *used)
{
	unsigned char want = (unsigned char)*secret;
	size_t form, rest;

	if (!want) {
		*used = 0;
		return 1;
	}
	if (len == 0)
		return 0;
	form = escaped_char(p, len, want);
	if (form && spells_secret(p + form, len - form, secret + 1, &rest)) {
		*used = form + rest;
		return 1;
	}
	if ((unsigned char)p[0] == want &&
	    spells_secret(p + 1, len - 1, secret + 1, &rest)) {
		*used = 1 + rest;
		return 1;
	}
	return 0;
}

size_t gitlab_redact(struct buf *text, const char *secret)
{
	struct buf out = BUF_INIT;
	size_t i = 0, used, count = 0;

	if (!secret || !*secret)
		return 0;
	while (i < text->len) {
		if (spells_secret(text->data + i, text->len - i, secret,
				  &used)) {
			buf_addlit(&out, GITLAB_REDACTED);
			i += used;
			count++;
		} else {
			buf_addch(&out, text->data[i]);
			i++;
		}
	}
	if (count) {
		memset(text->data, 0, text->len);
		buf_release(text);
		*text = out;
	} else {
		buf_release(&out);
	}
	return count;
}

/*
 * Redact the token in everything of `resp` that came from the server or
 * from libcurl, the one place that every response passes through.
 * NOTE: a body cut at GITLAB_BODY_MAX may end in the first part of the
 * token, which is not redacted. Such a body is never valid JSON, and only
 * JSON members of a body are shown. A token so short that it occurs in
 * ordinary JSON, such as "id", is replaced there too, and the response
 * then fails its checks. GitLab's personal access tokens are longer.
 */
static void redact_response(const struct gitlab_client *client,
			    struct gitlab_response *resp)
{
	struct buf error = BUF_INIT;

	gitlab_redact(&resp->body, client->opts.token);
	if (!resp->error[0])
		return;
	buf_adds(&error, resp->error);
	if (gitlab_redact(&error, client->opts.token)) {
		memset(resp->error, 0, sizeof(resp->error));
		snprintf(resp->error, sizeof(resp->error), "%s", error.data);
	}
	buf_release(&error);
}

static size_t write_body(char *data, size_t size, size_t count, void *arg)
{
	struct gitlab_client *client = arg;
	struct buf *body = &client->current->body;
	size_t len = size * count;

	if (body->len < GITLAB_BODY_MAX)
		buf_add(body, data, len < GITLAB_BODY_MAX - body->len ?
			len : GITLAB_BODY_MAX - body->len);
	return len;
}

static size_t read_header(char *data, size_t size, size_t count, void *arg)
{
	struct gitlab_client *client = arg;
	size_t len = size * count;
	static const char name[] = "retry-after:";
	char value[128];

	if (len > sizeof(name) - 1 && len - (sizeof(name) - 1) < sizeof(value) &&
	    !strncasecmp(data, name, sizeof(name) - 1)) {
		memcpy(value, data + sizeof(name) - 1,
		       len - (sizeof(name) - 1));
		value[len - (sizeof(name) - 1)] = '\0';
		client->current->retry_after_ms =
			gitlab_parse_retry_after(value, (long long)time(NULL));
	}
	return len;
}

/*
 * Abort the transfer after a second signal. The first lets the request
 * in flight finish, because GitLab may carry out a request whose client
 * went away, and then only its response shows what happened. libcurl
 * calls this about once a second while it waits for data
 * (CURLOPT_XFERINFOFUNCTION(3)).
 */
static int check_interrupt(void *arg, curl_off_t dltotal, curl_off_t dlnow,
			   curl_off_t ultotal, curl_off_t ulnow)
{
	struct gitlab_client *client = arg;

	return client->opts.interrupted && *client->opts.interrupted >= 2;
}

struct gitlab_client *gitlab_client_new(const struct gitlab_options *opts,
					struct buf *err)
{
	struct gitlab_client *client;
	struct buf header = BUF_INIT;
	long connect_ms;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_adds(err, "cannot start libcurl");
		return NULL;
	}
	client = xcalloc(1, sizeof(*client));
	client->opts = *opts;
	client->url = xstrdup(opts->url);
	buf_init(&client->request_url);
	client->curl = curl_easy_init();
	if (!client->curl) {
		buf_adds(err, "cannot start libcurl");
		gitlab_client_free(client);
		return NULL;
	}

	buf_addf(&header, "PRIVATE-TOKEN: %s", opts->token);
	client->headers = curl_slist_append(NULL, header.data);
	/* Scrub the only copy outside libcurl's list and the caller's. */
	memset(header.data, 0, header.len);
	buf_release(&header);
	client->headers = curl_slist_append(client->headers,
					    "Accept: application/json");
	if (!client->headers) {
		buf_adds(err, "cannot set up the request headers: out of memory");
		gitlab_client_free(client);
		return NULL;
	}

	connect_ms = opts->timeout_ms < 10000 ? opts->timeout_ms : 10000;
	curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, client->headers);
	curl_easy_setopt(client->curl, CURLOPT_USERAGENT,
			 "credaudit/" CREDAUDIT_VERSION);
	curl_easy_setopt(client->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(client->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(client->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(client->curl, CURLOPT_TIMEOUT_MS, opts->timeout_ms);
	curl_easy_setopt(client->curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(client->curl, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(client->curl, CURLOPT_WRITEDATA, client);
	curl_easy_setopt(client->curl, CURLOPT_HEADERFUNCTION, read_header);
	curl_easy_setopt(client->curl, CURLOPT_HEADERDATA, client);
	curl_easy_setopt(client->curl, CURLOPT_XFERINFOFUNCTION,
			 check_interrupt);
	curl_easy_setopt(client->curl, CURLOPT_XFERINFODATA, client);
	curl_easy_setopt(client->curl, CURLOPT_NOPROGRESS, 0L);
	if (opts->ca_file)
		curl_easy_setopt(client->curl, CURLOPT_CAINFO, opts->ca_file);
	return client;
}

void gitlab_client_free(struct gitlab_client *client)
{
	if (!client)
		return;
	if (client->curl)
		curl_easy_cleanup(client->curl);
	curl_slist_free_all(client->headers);
	free(client->url);
	buf_release(&client->request_url);
	free(client);
	curl_global_cleanup();
}

void gitlab_response_init(struct gitlab_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body);
	resp->retry_after_ms = -1;
}

void gitlab_response_release(struct gitlab_response *resp)
{
	buf_release(&resp->body);
	gitlab_response_init(resp);
}

/* Transport errors that the same request cannot fix by being sent again. */
static int permanent_curl_error(CURLcode code)
{
	switch (code) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CIPHER:
	case CURLE_ABORTED_BY_CALLBACK:
		return 1;
	default:
		return 0;
	}
}

enum gitlab_outcome gitlab_send(struct gitlab_client *client,
				const char *method, const char *path,
				struct gitlab_response *resp)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	unsigned attempts = resp->attempts;
	enum gitlab_outcome outcome;
	CURLcode code;

	buf_release(&resp->body);
	gitlab_response_init(resp);
	resp->attempts = attempts + 1;
	client->current = resp;

	buf_reset(&client->request_url);
	buf_addf(&client->request_url, "%s%s", client->url, path);
	curl_easy_setopt(client->curl, CURLOPT_URL, client->request_url.data);
	curl_easy_setopt(client->curl, CURLOPT_ERRORBUFFER, errbuf);
	if (!strcmp(method, "GET")) {
		curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(client->curl, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(client->curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST, method);
	}

	code = curl_easy_perform(client->curl);
	curl_easy_setopt(client->curl, CURLOPT_ERRORBUFFER, NULL);
	client->current = NULL;
	if (code == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(resp->error, sizeof(resp->error), "interrupted");
		outcome = GITLAB_INTERRUPTED;
	} else if (code != CURLE_OK) {
		snprintf(resp->error, sizeof(resp->error), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(code));
		resp->retryable = !permanent_curl_error(code);
		outcome = GITLAB_UNREACHABLE;
	} else {
		curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE,
				  &resp->status);
		resp->retryable = resp->status == 429 || resp->status >= 500;
		outcome = GITLAB_ANSWERED;
	}
	redact_response(client, resp);
	return outcome;
}

/* Sleep `ms` milliseconds unless interrupted; returns -1 if interrupted. */
static int wait_ms(struct gitlab_client *client, long ms)
{
	struct timespec step;

	while (ms > 0) {
		long now = ms < 100 ? ms : 100;

		if (client->opts.interrupted && *client->opts.interrupted)
			return -1;
		step.tv_sec = 0;
		step.tv_nsec = now * 1000000L;
		while (nanosleep(&step, &step) < 0 && errno == EINTR) {
			if (client->opts.interrupted &&
			    *client->opts.interrupted)
				return -1;
		}
		ms -= now;
	}
	return client->opts.interrupted && *client->opts.interrupted ? -1 : 0;
}

enum gitlab_outcome gitlab_backoff(struct gitlab_client *client,
				   unsigned attempt,
				   const struct gitlab_response *resp)
{
	long wait = client->opts.retry_wait_ms;
	unsigned i;

	for (i = 2; i < attempt && wait < client->opts.max_wait_ms; i++)
		wait *= 2;
	if (wait > client->opts.max_wait_ms)
		wait = client->opts.max_wait_ms;
	if (resp->retry_after_ms >= 0) {
		if (resp->retry_after_ms > client->opts.max_wait_ms)
			return GITLAB_WAIT_TOO_LONG;
		wait = resp->retry_after_ms;
	}
	if (wait_ms(client, wait) < 0)
		return GITLAB_INTERRUPTED;
	return GITLAB_ANSWERED;
}

unsigned gitlab_retries(const struct gitlab_client *client)
{
	return client->opts.retries;
}

enum gitlab_outcome gitlab_request(struct gitlab_client *client,
				   const char *method, const char *path,
				   struct gitlab_response *resp)
{
	enum gitlab_outcome outcome;
	unsigned attempt;

	resp->attempts = 0;
	for (attempt = 1; ; attempt++) {
		outcome = gitlab_send(client, method, path, resp);
		if (outcome == GITLAB_INTERRUPTED || !resp->retryable)
			return outcome;
		if (attempt > client->opts.retries)
			return GITLAB_UNREACHABLE;
		outcome = gitlab_backoff(client, attempt + 1, resp);
		if (outcome != GITLAB_ANSWERED)
			return outcome;
	}
}
