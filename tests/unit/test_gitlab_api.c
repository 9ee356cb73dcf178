/*
 * Unit tests for gitlab_api.c: Retry-After, the GitLab URL check and the
 * redaction of the token in responses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gitlab_api.h"

/* 2015-10-21T07:28:00Z, the date in RFC 9110's Retry-After example. */
#define EXAMPLE_DATE 1445412480LL

static void retry_after_seconds(void **state)
{
	(void)state;
	assert_int_equal(gitlab_parse_retry_after("120", 0), 120000);
	assert_int_equal(gitlab_parse_retry_after("0", 0), 0);
	assert_int_equal(gitlab_parse_retry_after(" 5\r\n", 0), 5000);
}

static void retry_after_http_date(void **state)
{
	(void)state;
	assert_int_equal(gitlab_parse_retry_after(" Wed, 21 Oct 2015 07:28:00 GMT\r\n",
						  EXAMPLE_DATE - 30), 30000);
	/* A date in the past means: retry now. */
	assert_int_equal(gitlab_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT",
						  EXAMPLE_DATE + 60), 0);
}

static void retry_after_invalid(void **state)
{
	(void)state;
	assert_int_equal(gitlab_parse_retry_after("", 0), -1);
	assert_int_equal(gitlab_parse_retry_after("soon", 0), -1);
	assert_int_equal(gitlab_parse_retry_after("-5", 0), -1);
	assert_int_equal(gitlab_parse_retry_after("5s", 0), -1);
	assert_int_equal(gitlab_parse_retry_after("99999999999", 0), -1);
}

struct url_case {
	const char *url;
	const char *base;      /* NULL when the URL is rejected */
	const char *problem;   /* part of the message when rejected */
};

static const struct url_case url_cases[] = {
	{ "https://gitlab.example.com", "https://gitlab.example.com", NULL },
	{ "https://gitlab.example.com/", "https://gitlab.example.com", NULL },
	{ "https://example.com/gitlab/", "https://example.com/gitlab", NULL },
	{ "https://gitlab.example.com:8443", "https://gitlab.example.com:8443", NULL },
	{ "http://127.0.0.1:8080", "http://127.0.0.1:8080", NULL },
	{ "http://localhost", "http://localhost", NULL },
	{ "http://[::1]:81", "http://[::1]:81", NULL },
	{ "http://127.255.0.9", "http://127.255.0.9", NULL },
	{ "http://[::1]", "http://[::1]", NULL },
	{ "http://gitlab.example.com", NULL, "unencrypted" },
	/* Names are never resolved, so none counts as loopback but localhost. */
	{ "http://127.attacker.example", NULL, "unencrypted" },
	{ "http://127.0.0.1.nip.io", NULL, "unencrypted" },
	{ "http://localhost.attacker.example", NULL, "unencrypted" },
	{ "http://128.0.0.1", NULL, "unencrypted" },
	{ "http://[::2]", NULL, "unencrypted" },
	{ "http://[::ffff:10.0.0.1]", NULL, "unencrypted" },
	{ "ftp://gitlab.example.com", NULL, "http:// or https://" },
	{ "https://root:secret@gitlab.example.com", NULL, "user name or password" },
	{ "https://gitlab.example.com/?private_token=x", NULL, "query" },
	{ "https://gitlab.example.com/api/v4", NULL, "without /api/v4" },
	{ "https://gitlab.example.com/api/v4/", NULL, "without /api/v4" },
};

static void url_check_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];
		struct buf err = BUF_INIT;
		char *base = gitlab_url_check(c->url, &err);

		if (c->base && (!base || strcmp(base, c->base) != 0))
			fail_msg("%s: got %s (%s), expected %s", c->url,
				 base ? base : "rejection", err.data, c->base);
		if (!c->base && (base || !strstr(err.data, c->problem)))
			fail_msg("%s: got %s (%s), expected a message with '%s'",
				 c->url, base ? base : "rejection", err.data,
				 c->problem);
		/* No message may repeat a password from the URL. */
		assert_null(strstr(err.data, "secret"));
		free(base);
		buf_release(&err);
	}
}

struct redact_case {
	const char *secret;
	const char *text;
	const char *redacted;
	size_t count;
};

static const struct redact_case redact_cases[] = {
	{ "glpat-abc", "bad request from glpat-abc",
	  "bad request from [REDACTED]", 1 },
	{ "glpat-abc", "glpat-abc and glpat-abc", "[REDACTED] and [REDACTED]", 2 },
	{ "glpat-abc", "glpat-ab and glpat-abd", "glpat-ab and glpat-abd", 0 },
	/* Percent-encoded, in part or whole, with either case of hex digits. */
	{ "glpat-abc", "token=glpat%2Dabc", "token=[REDACTED]", 1 },
	{ "glpat-abc", "%67%6c%70%61%74%2d%61%62%63", "[REDACTED]", 1 },
	/* JSON escapes, which a JSON parser decodes into the token. */
	{ "glpat-abc", "{\"message\":\"\\u0067lpat\\u002Dabc\"}",
	  "{\"message\":\"[REDACTED]\"}", 1 },
	{ "a/b\"c\\d", "{\"m\":\"a\\/b\\\"c\\\\d\"}", "{\"m\":\"[REDACTED]\"}", 1 },
	/* HTML character references. */
	{ "glpat-abc", "<p>glpat&#45;abc</p>", "<p>[REDACTED]</p>", 1 },
	{ "glpat-abc", "<p>&#x67;lpat&#X2d;abc</p>", "<p>[REDACTED]</p>", 1 },
	{ "a<b&c", "a&lt;b&AMP;c", "[REDACTED]", 1 },
	/* A '%' of the secret may be itself or %25, so both must be tried. */
	{ "x%41y", "x%41y x%2541y", "[REDACTED] [REDACTED]", 2 },
	{ "glpat-abc", "", "", 0 },
};

static void redact_cases_all(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(redact_cases) / sizeof(redact_cases[0]); i++) {
		const struct redact_case *c = &redact_cases[i];
		struct buf text = BUF_INIT;
		size_t count;

		buf_adds(&text, c->text);
		count = gitlab_redact(&text, c->secret);
		if (strcmp(text.data, c->redacted) != 0 || count != c->count)
			fail_msg("'%s' in '%s': got '%s' (%zu), expected '%s' (%zu)",
				 c->secret, c->text, text.data, count,
				 c->redacted, c->count);
		buf_release(&text);
	}
}

/* A NUL byte in a body does not end the search. */
static void redact_after_nul(void **state)
{
	struct buf text = BUF_INIT;

	(void)state;
	buf_add(&text, "a\0glpat-abc", 11);
	assert_int_equal(gitlab_redact(&text, "glpat-abc"), 1);
	assert_int_equal(text.len, 2 + strlen(GITLAB_REDACTED));
	assert_memory_equal(text.data, "a\0" GITLAB_REDACTED, text.len);
	buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retry_after_seconds),
		cmocka_unit_test(retry_after_http_date),
		cmocka_unit_test(retry_after_invalid),
		cmocka_unit_test(url_check_cases),
		cmocka_unit_test(redact_cases_all),
		cmocka_unit_test(redact_after_nul),
	};

	return cmocka_run_group_tests_name("gitlab_api", tests, NULL, NULL);
}
