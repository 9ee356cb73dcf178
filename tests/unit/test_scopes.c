/* Unit tests for scopes.c: the YAML scope lists GitLab stores. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "scopes.h"

#define MAX_ITEMS 4

struct accepted {
	const char *text;
	size_t count;
	const char *items[MAX_ITEMS];
};

static const struct accepted accepted[] = {
	{ "---\n- api\n- read_user\n", 2, { "api", "read_user" } },
	{ "---\n- :api\n- :read_user\n", 2, { "api", "read_user" } },
	{ "--- []\n", 0, { NULL } },
	{ "--- []", 0, { NULL } },
	{ "---  [ ]  \n", 0, { NULL } },
	{ "--- [api, read_user]\n", 2, { "api", "read_user" } },
	{ "--- [api,read_user]", 2, { "api", "read_user" } },
	{ "--- [ :api , 'read_user' , \"sudo\" ]\n", 3,
	  { "api", "read_user", "sudo" } },
	{ "--- [\"api\"]\n", 1, { "api" } },
	{ "--- [:'api', :\"sudo\"]\n", 2, { "api", "sudo" } },
	{ "---\r\n- api\r\n- read_user\r\n", 2, { "api", "read_user" } },
	{ "--- [api]\r\n", 1, { "api" } },
	{ "---\n- api", 1, { "api" } },
	{ "---\n- api\n\n\n", 1, { "api" } },
	{ "\n\n---\n- api\n", 1, { "api" } },
	{ "---\n-   api   \n", 1, { "api" } },
	{ "---\n- api\t\n", 1, { "api" } },
	{ "---   \n- api\n", 1, { "api" } },
	{ "---\n\n- api\n  \n- sudo\n", 2, { "api", "sudo" } },
	{ "- api\n- sudo\n", 2, { "api", "sudo" } },
	{ "[api]\n", 1, { "api" } },
	{ "---\n- 'api'\n- \"read_api\"\n", 2, { "api", "read_api" } },
	{ "---\n- :'admin_mode'\n", 1, { "admin_mode" } },
	{ "---\n- api\n- api\n", 2, { "api", "api" } },
	{ "---\n- unknown_scope\n", 1, { "unknown_scope" } },
	{ "---\n- read-api.v2\n", 1, { "read-api.v2" } },
	{ "---\n- Read_API\n", 1, { "Read_API" } },
};

struct rejected {
	const char *text;
	const char *reason;   /* a part of the expected message */
};

static const struct rejected rejected[] = {
	{ "", "empty" },
	{ "\n\n  \n", "blank" },
	{ "\r\n", "blank" },
	{ "---\n", "no list after '---'" },
	{ "--- \n\n", "no list after '---'" },
	{ "--- api\n", "line 1: expected a list after '---'" },
	{ "--- - api\n", "line 1: expected a list after '---'" },
	{ "--- ~\n", "line 1" },
	{ "~\n", "line 1" },
	{ "api\n", "line 1: expected a list item" },
	{ "---\n-api\n", "line 2: expected a space after '-'" },
	{ "---\n-\tapi\n", "line 2: expected a space after '-'" },
	{ "---\n-\n", "line 2: empty list item" },
	{ "---\n- \n", "line 2: empty list item" },
	{ "---\n  - api\n", "line 2: expected a list item" },
	{ "---\n- api # comment\n", "line 2: unexpected character ' '" },
	{ "# comment\n---\n- api\n", "line 1: expected a list item" },
	{ "---\n- api\n- - read_user\n", "line 3" },
	{ "---\n- [api]\n", "line 2" },
	{ "---\n- {a: b}\n", "line 2" },
	{ "---\napi: true\n", "line 2" },
	{ "---\n- api: true\n", "line 2" },
	{ "---\n- &a api\n", "line 2" },
	{ "---\n- *a\n", "line 2" },
	{ "---\n- !ruby/symbol api\n", "line 2" },
	{ "---\n- |\n  api\n", "line 2" },
	{ "---\n- 'api\n", "line 2: missing closing ' quote" },
	{ "---\n- \"api\n", "line 2: missing closing \" quote" },
	{ "---\n- 'a''pi'\n", "line 2" },
	{ "---\n- \"a\\\"pi\"\n", "line 2" },
	{ "---\n- ''\n", "line 2: empty scope" },
	{ "---\n- :\n", "line 2: empty scope" },
	{ "---\n- ::api\n", "line 2" },
	{ "---\n- 'api'x\n", "line 2" },
	{ "---\n- read user\n", "line 2" },
	{ "--- [api, ]\n", "line 1: empty scope" },
	{ "--- [, api]\n", "line 1: empty scope" },
	{ "--- [api,, sudo]\n", "line 1: empty scope" },
	{ "--- [api\n", "line 1: missing ']'" },
	{ "--- [api\n, sudo]\n", "line 1: missing ']'" },
	{ "--- [api] x\n", "line 1: unexpected character ' '" },
	{ "--- [api]]\n", "line 1" },
	{ "--- [api]\n- sudo\n", "line 2: unexpected text after the flow" },
	{ "--- []\n--- []\n", "line 2" },
	{ "---\n- api\n---\n- sudo\n", "line 3" },
	{ "---\n- api\n...\n", "line 3" },
	{ "---\n- api\rx\n", "line 2: unexpected character byte 0x0d" },
	{ "\xef\xbb\xbf---\n- api\n", "line 1" },
	{ "---\n- ap\xc3\xa9\n", "line 2: unexpected character byte 0xc3" },
	{ "---\n- api\nfoo\n", "line 3" },
	{ "---\n- api\n- sudo\n- a,b\n", "line 4" },
};

static void check_items(const char *text, const struct strlist *list,
			size_t count, const char *const *items)
{
	size_t i;

	if (list->count != count)
		fail_msg("\"%s\": %zu items, expected %zu", text, list->count,
			 count);
	for (i = 0; i < count; i++)
		if (strcmp(list->items[i], items[i]))
			fail_msg("\"%s\": item %zu is \"%s\", expected \"%s\"",
				 text, i, list->items[i], items[i]);
}

static void scopes_accepts_forms(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		struct strlist list = STRLIST_INIT;
		struct buf err = BUF_INIT;
		const char *text = accepted[i].text;

		if (scopes_parse(text, strlen(text), &list, &err))
			fail_msg("\"%s\": rejected: %s", text, err.data);
		assert_int_equal(err.len, 0);
		check_items(text, &list, accepted[i].count,
			    accepted[i].items);
		strlist_release(&list);
		buf_release(&err);
	}
}

/*
 * Each rejected text gives -1, a one-line reason that contains the
 * expected words, and leaves the list as it was.
 */
static void scopes_rejects_forms(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		struct strlist list = STRLIST_INIT;
		struct buf err = BUF_INIT;
		const char *text = rejected[i].text;

		strlist_add(&list, "kept", 4);
		if (scopes_parse(text, strlen(text), &list, &err) != -1)
			fail_msg("\"%s\": accepted", text);
		if (!strstr(err.data, rejected[i].reason))
			fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", text,
				 err.data, rejected[i].reason);
		assert_null(strchr(err.data, '\n'));
		assert_int_equal(list.count, 1);
		assert_string_equal(list.items[0], "kept");
		strlist_release(&list);
		buf_release(&err);
	}
}

static void scopes_rejects_nul(void **state)
{
	static const char text[] = "---\n- api\0\n";
	struct strlist list = STRLIST_INIT;
	struct buf err = BUF_INIT;

	assert_int_equal(scopes_parse(text, sizeof(text) - 1, &list, &err), -1);
	assert_non_null(strstr(err.data, "NUL byte at offset 9"));
	assert_int_equal(list.count, 0);
	strlist_release(&list);
	buf_release(&err);
}

static void scopes_error_removes_items(void **state)
{
	static const char text[] = "---\n- api\n- sudo\n- bad item\n";
	struct strlist list = STRLIST_INIT;
	struct buf err = BUF_INIT;

	assert_int_equal(scopes_parse(text, strlen(text), &list, &err), -1);
	assert_int_equal(list.count, 0);
	assert_non_null(strstr(err.data, "line 4"));
	strlist_release(&list);
	buf_release(&err);
}

static void scopes_appends_to_list(void **state)
{
	static const char text[] = "--- [api]\n";
	struct strlist list = STRLIST_INIT;

	strlist_add(&list, "first", 5);
	assert_int_equal(scopes_parse(text, strlen(text), &list, NULL), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0], "first");
	assert_string_equal(list.items[1], "api");
	strlist_release(&list);
}

static void scopes_null_err(void **state)
{
	static const char text[] = "--- api\n";
	struct strlist list = STRLIST_INIT;

	assert_int_equal(scopes_parse(text, strlen(text), &list, NULL), -1);
	assert_int_equal(scopes_parse(NULL, 0, &list, NULL), -1);
	assert_int_equal(list.count, 0);
	strlist_release(&list);
}

/* The text need not end with NUL; bytes past `len` are never read. */
static void scopes_stops_at_len(void **state)
{
	static const char text[] = "---\n- api\n- sudo\n";
	struct strlist list = STRLIST_INIT;
	size_t len = strlen("---\n- api\n");
	char *copy = malloc(len);

	assert_non_null(copy);
	memcpy(copy, text, len);
	assert_int_equal(scopes_parse(copy, len, &list, NULL), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0], "api");
	strlist_release(&list);

	/* Cut inside the item: "- ap". */
	assert_int_equal(scopes_parse(copy, len - 2, &list, NULL), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0], "ap");
	strlist_release(&list);
	free(copy);
}

static void scopes_error_message(void **state)
{
	static const char text[] = "---\n- api\n- api # x\n";
	struct strlist list = STRLIST_INIT;
	struct buf err = BUF_INIT;

	buf_adds(&err, "earlier: ");
	assert_int_equal(scopes_parse(text, strlen(text), &list, &err), -1);
	assert_string_equal(err.data, "earlier: line 3: unexpected character "
			    "' ' after the scope");
	strlist_release(&list);
	buf_release(&err);
}

static void strlist_basics(void **state)
{
	struct strlist list = STRLIST_INIT;
	char name[16];
	int i;

	strlist_add(&list, "read_user_extra", 9);
	assert_string_equal(list.items[0], "read_user");
	assert_true(strlist_has(&list, "read_user"));
	assert_false(strlist_has(&list, "read_use"));
	assert_false(strlist_has(&list, "read_user_extra"));

	for (i = 0; i < 1000; i++) {
		int n = snprintf(name, sizeof(name), "s%d", i);

		strlist_add(&list, name, (size_t)n);
	}
	assert_int_equal(list.count, 1001);
	assert_true(list.cap >= 1001);
	assert_string_equal(list.items[1000], "s999");
	assert_true(strlist_has(&list, "s500"));

	strlist_release(&list);
	assert_null(list.items);
	assert_int_equal(list.count, 0);
	assert_int_equal(list.cap, 0);
	assert_false(strlist_has(&list, "s500"));
}

static void scope_known_list(void **state)
{
	static const char *const known[] = {
		"api", "read_api", "read_user", "create_runner",
		"manage_runner", "k8s_proxy", "self_rotate",
		"read_repository", "write_repository", "read_registry",
		"write_registry", "read_virtual_registry",
		"write_virtual_registry", "read_observability",
		"write_observability", "ai_features", "ai_workflows", "sudo",
		"admin_mode", "read_service_ping",
	};
	static const char *const unknown[] = {
		"", "API", "api ", " api", ":api", "read_api2", "openid",
		"profile", "email", "read", "admin",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!scope_is_known(known[i]))
			fail_msg("\"%s\" is not known", known[i]);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (scope_is_known(unknown[i]))
			fail_msg("\"%s\" is known", unknown[i]);
}

static void scope_admin_only(void **state)
{
	assert_true(scope_is_admin_only("sudo"));
	assert_true(scope_is_admin_only("admin_mode"));
	assert_true(scope_is_admin_only("read_service_ping"));
	assert_true(scope_is_known("sudo"));
	assert_true(scope_is_known("admin_mode"));
	assert_true(scope_is_known("read_service_ping"));
	assert_false(scope_is_admin_only("api"));
	assert_false(scope_is_admin_only("read_api"));
	assert_false(scope_is_admin_only("SUDO"));
	assert_false(scope_is_admin_only(""));
}

/*
 * Inputs of over a million characters are parsed correctly. Their cost is
 * measured by the benchmark, not timed here.
 */
static void scopes_long_input(void **state)
{
	struct strlist list = STRLIST_INIT;
	struct buf text = BUF_INIT, err = BUF_INIT;
	size_t i, n = 200000;

	buf_adds(&text, "---\n");
	for (i = 0; i < n; i++)
		buf_adds(&text, "- api\n");
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), 0);
	assert_int_equal(list.count, n);
	strlist_release(&list);

	buf_reset(&text);
	buf_adds(&text, "--- [");
	for (i = 0; i < n; i++)
		buf_adds(&text, "read_api, ");
	buf_adds(&text, "sudo]\n");
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), 0);
	assert_int_equal(list.count, n + 1);
	strlist_release(&list);

	buf_reset(&text);
	buf_adds(&text, "- ");
	for (i = 0; i < 1000000; i++)
		buf_addch(&text, 'a');
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(strlen(list.items[0]), 1000000);
	strlist_release(&list);

	/* Rejected after a long run: blanks, dashes, an open flow list. */
	buf_reset(&text);
	for (i = 0; i < 1000000; i++)
		buf_addch(&text, ' ');
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), -1);

	buf_reset(&text);
	for (i = 0; i < 1000000; i++)
		buf_addch(&text, '-');
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), -1);

	buf_reset(&text);
	buf_adds(&text, "--- [");
	for (i = 0; i < n; i++)
		buf_adds(&text, "api, ");
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), -1);
	assert_int_equal(list.count, 0);

	buf_reset(&text);
	for (i = 0; i < 1000000; i++)
		buf_addch(&text, '\n');
	assert_int_equal(scopes_parse(text.data, text.len, &list, &err), -1);

	strlist_release(&list);
	buf_release(&text);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scopes_accepts_forms),
		cmocka_unit_test(scopes_rejects_forms),
		cmocka_unit_test(scopes_rejects_nul),
		cmocka_unit_test(scopes_error_removes_items),
		cmocka_unit_test(scopes_appends_to_list),
		cmocka_unit_test(scopes_null_err),
		cmocka_unit_test(scopes_stops_at_len),
		cmocka_unit_test(scopes_error_message),
		cmocka_unit_test(strlist_basics),
		cmocka_unit_test(scope_known_list),
		cmocka_unit_test(scope_admin_only),
		cmocka_unit_test(scopes_long_input),
	};

	return cmocka_run_group_tests_name("scopes", tests, NULL, NULL);
}
