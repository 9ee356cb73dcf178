/* Unit tests for gitlab_api.c: Retry-After and the GitLab URL check. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retry_after_seconds),
		cmocka_unit_test(retry_after_http_date),
		cmocka_unit_test(retry_after_invalid),
		cmocka_unit_test(url_check_cases),
	};

	return cmocka_run_group_tests_name("gitlab_api", tests, NULL, NULL);
}
