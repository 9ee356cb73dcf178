/*
 * Unit tests for jsonw.c: the streaming JSON writer must write what
 * Jansson's json_dumps() writes for the same values, so each case builds
 * the value with Jansson too and compares the bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonw.h"

/* Assert that `got` equals json_dumps() of `value`, and release `value`. */
static void assert_dumps(const struct buf *got, json_t *value, size_t flags)
{
	char *want = json_dumps(value, flags | JSON_ENCODE_ANY);

	assert_non_null(want);
	assert_string_equal(got->data, want);
	free(want);
	json_decref(value);
}

static void assert_quotes_like_jansson(const char *s, size_t len)
{
	struct buf got = BUF_INIT;

	json_quote(&got, s, len);
	assert_dumps(&got, json_stringn(s, len), JSON_COMPACT);
	buf_release(&got);
}

static void quote_each_ascii_byte(void **state)
{
	char text[3];
	int c;

	(void)state;
	for (c = 0; c < 0x80; c++) {
		text[0] = (char)c;
		assert_quotes_like_jansson(text, 1);
		/* The same byte between plain ones. */
		text[0] = 'a';
		text[1] = (char)c;
		text[2] = 'b';
		assert_quotes_like_jansson(text, 3);
	}
}

static void quote_mixed_strings(void **state)
{
	static const char *const cases[] = {
		"",
		"plain",
		"\"quoted\"",
		"back\\slash at the end\\",
		"tab\there, newline\nthere, \x01 and \x1f",
		"caf\xC3\xA9 \xE2\x80\xAE \xF0\x9F\x94\x91 \x7F",
		"\\u{202E} is how text.c shows a bidi control",
	};
	struct buf nul = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_quotes_like_jansson(cases[i], strlen(cases[i]));
	assert_quotes_like_jansson("a\0b", 3);
	/* Longer than any buffer's first allocation, escapes at both ends. */
	buf_addch(&nul, '"');
	for (i = 0; i < 5000; i++)
		buf_addlit(&nul, "x\ny");
	buf_addch(&nul, '\\');
	assert_quotes_like_jansson(nul.data, nul.len);
	buf_release(&nul);
}

/*
 * Bytes that are not UTF-8 pass unchanged. Jansson rejects such text, so
 * the expected bytes are written out.
 */
static void quote_invalid_utf8(void **state)
{
	struct buf got = BUF_INIT;

	(void)state;
	json_quote(&got, "\xFF\xC3(\x80", 4);
	assert_int_equal(got.len, 6);
	assert_memory_equal(got.data, "\"\xFF\xC3(\x80\"", 6);
	buf_release(&got);
}

static void int_text_like_jansson(void **state)
{
	static const int64_t cases[] = {
		0, 1, -1, 9, 10, -10, 99, 100, 1234567890,
		999999999999999999, 1000000000000000000, -1000000000000000000,
		INT64_MAX, INT64_MIN, INT64_MIN + 1,
	};
	char text[JSON_INT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf got = BUF_INIT;
		struct jsonw w;

		jsonw_init(&w, &got, 0);
		jsonw_int(&w, cases[i]);
		assert_dumps(&got, json_integer(cases[i]), JSON_COMPACT);
		assert_int_equal(json_int_text(cases[i], text), got.len);
		assert_memory_equal(text, got.data, got.len);
		buf_release(&got);
	}
}

/* One document with every kind of value, written with `compact`. */
static void write_document(struct jsonw *w, int compact)
{
	jsonw_object(w, compact);
	jsonw_keylit(w, "id");
	jsonw_int(w, 42);
	jsonw_keyn(w, "na\"me", 5);
	jsonw_string(w, "value");
	jsonw_key(w, "list");
	jsonw_array(w, compact);
	jsonw_bool(w, 1);
	jsonw_bool(w, 0);
	jsonw_null(w);
	jsonw_string_or_null(w, NULL);
	jsonw_string_or_null(w, "text");
	jsonw_stringn(w, "a\0b", 3);
	jsonw_end(w);
	jsonw_keylit(w, "empty_object");
	jsonw_object(w, compact);
	jsonw_end(w);
	jsonw_keylit(w, "empty_array");
	jsonw_array(w, compact);
	jsonw_end(w);
	jsonw_keylit(w, "raw");
	jsonw_raw(w, "17", 2);
	jsonw_end(w);
}

static json_t *build_document(void)
{
	json_t *list = json_array();

	json_array_append_new(list, json_true());
	json_array_append_new(list, json_false());
	json_array_append_new(list, json_null());
	json_array_append_new(list, json_null());
	json_array_append_new(list, json_string("text"));
	json_array_append_new(list, json_stringn("a\0b", 3));
	return json_pack("{s:i, s:s, s:o, s:{}, s:[], s:i}",
			 "id", 42, "na\"me", "value", "list", list,
			 "empty_object", "empty_array", "raw", 17);
}

static void document_like_jansson(void **state)
{
	struct buf got = BUF_INIT;
	struct jsonw w;

	(void)state;
	jsonw_init(&w, &got, 0);
	write_document(&w, 0);
	assert_dumps(&got, build_document(), JSON_INDENT(2));

	buf_reset(&got);
	jsonw_init(&w, &got, 0);
	write_document(&w, 1);
	assert_dumps(&got, build_document(), JSON_COMPACT);
	buf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_each_ascii_byte),
		cmocka_unit_test(quote_mixed_strings),
		cmocka_unit_test(quote_invalid_utf8),
		cmocka_unit_test(int_text_like_jansson),
		cmocka_unit_test(document_like_jansson),
	};

	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
