/*
 * Display-safe text: each kind of hostile input, the length cap, and
 * Markdown escaping checked by parsing the result with cmark-gfm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "buf.h"
#include "text.h"

struct escape_case {
	const char *name;
	const char *input;
	size_t len;          /* 0: strlen(input) */
	const char *expected;
	unsigned flags;
};

#define CASE(name, input, expected, flags) \
	{ name, input, sizeof(input) - 1, expected, flags }

static const struct escape_case escape_cases[] = {
	CASE("plain ascii", "deploy token", "deploy token", 0),
	CASE("empty", "", "", 0),
	CASE("backslash doubled", "C:\\temp\\x41", "C:\\\\temp\\\\x41", 0),
	CASE("html stays text", "\"><img src=x onerror=alert(1)>",
	     "\"><img src=x onerror=alert(1)>", 0),
	CASE("lone invalid byte", "a\xFFz", "a\\xFFz", TEXT_INVALID_UTF8),
	CASE("lone continuation", "\x80", "\\x80", TEXT_INVALID_UTF8),
	CASE("overlong slash", "\xC0\xAF", "\\xC0\\xAF", TEXT_INVALID_UTF8),
	CASE("stored NUL byte", "abc\xC0\x80zz", "abc\\u{0000}zz", TEXT_CONTROL),
	CASE("C0 at the end", "abc\xC0", "abc\\xC0", TEXT_INVALID_UTF8),
	CASE("overlong three byte", "\xE0\x80\xAF", "\\xE0\\x80\\xAF",
	     TEXT_INVALID_UTF8),
	CASE("surrogate", "\xED\xA0\x80", "\\xED\\xA0\\x80", TEXT_INVALID_UTF8),
	CASE("above u+10ffff", "\xF4\x90\x80\x80", "\\xF4\\x90\\x80\\x80",
	     TEXT_INVALID_UTF8),
	CASE("cut sequence at end", "ok\xE2\x82", "ok\\xE2\\x82",
	     TEXT_INVALID_UTF8),
	CASE("cut sequence in middle", "\xE2\x82z", "\\xE2\\x82z",
	     TEXT_INVALID_UTF8),
	CASE("four byte emoji", "key \xF0\x9F\x94\x91", "key \xF0\x9F\x94\x91", 0),
	CASE("emoji with variation selector", "\xE2\x9D\xA4\xEF\xB8\x8F",
	     "\xE2\x9D\xA4\xEF\xB8\x8F", 0),
	CASE("newline", "a\nb", "a\\u{000A}b", TEXT_CONTROL),
	CASE("carriage return and tab", "\r\t", "\\u{000D}\\u{0009}",
	     TEXT_CONTROL),
	CASE("nul byte", "a\0b", "a\\u{0000}b", TEXT_CONTROL),
	CASE("escape sequence", "\x1B[31mred", "\\u{001B}[31mred", TEXT_CONTROL),
	CASE("delete", "\x7F", "\\u{007F}", TEXT_CONTROL),
	CASE("c1 next line", "\xC2\x85", "\\u{0085}", TEXT_CONTROL),
	CASE("line separator", "\xE2\x80\xA8", "\\u{2028}", TEXT_CONTROL),
	CASE("right-to-left override", "laptop\xE2\x80\xAEgnp.exe",
	     "laptop\\u{202E}gnp.exe", TEXT_BIDI),
	CASE("left-to-right embedding", "\xE2\x80\xAA", "\\u{202A}", TEXT_BIDI),
	CASE("pop directional formatting", "\xE2\x80\xAC", "\\u{202C}",
	     TEXT_BIDI),
	CASE("isolates", "\xE2\x81\xA6x\xE2\x81\xA9", "\\u{2066}x\\u{2069}",
	     TEXT_BIDI),
	CASE("right-to-left mark", "\xE2\x80\x8F", "\\u{200F}", TEXT_BIDI),
	CASE("arabic letter mark", "\xD8\x9C", "\\u{061C}", TEXT_BIDI),
	CASE("zero width space", "ad\xE2\x80\x8Bmin", "ad\\u{200B}min",
	     TEXT_ZERO_WIDTH),
	CASE("zero width joiner", "\xE2\x80\x8D", "\\u{200D}", TEXT_ZERO_WIDTH),
	CASE("word joiner", "\xE2\x81\xA0", "\\u{2060}", TEXT_ZERO_WIDTH),
	CASE("byte order mark", "\xEF\xBB\xBFname", "\\u{FEFF}name",
	     TEXT_ZERO_WIDTH),
	CASE("soft hyphen", "ro\xC2\xADot", "ro\\u{00AD}ot", TEXT_ZERO_WIDTH),
	CASE("tag character", "a\xF3\xA0\x81\x81", "a\\u{E0041}",
	     TEXT_ZERO_WIDTH),
	CASE("hebrew stays", "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",
	     "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", 0),
	CASE("arabic stays", "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7",
	     "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", 0),
	CASE("mixed hostile", "\xFF\n\xE2\x80\xAE\xE2\x80\x8B",
	     "\\xFF\\u{000A}\\u{202E}\\u{200B}",
	     TEXT_INVALID_UTF8 | TEXT_CONTROL | TEXT_BIDI | TEXT_ZERO_WIDTH),
};

static void escape_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++) {
		const struct escape_case *c = &escape_cases[i];
		struct buf out = BUF_INIT;
		unsigned flags;

		flags = text_escape(&out, c->input, c->len, TEXT_NAME_MAX);
		if (strcmp(out.data, c->expected) || flags != c->flags)
			print_error("case '%s': got \"%s\" flags %#x, expected \"%s\" flags %#x\n",
				    c->name, out.data, flags, c->expected,
				    c->flags);
		assert_string_equal(out.data, c->expected);
		assert_int_equal(flags, c->flags);
		assert_int_equal(text_scan(c->input, c->len), c->flags);
		buf_release(&out);
	}
}

/*
 * Noncharacters are escaped. A fuzz target found U+FFFF passed through,
 * and libxml2 wrote it as "&#65535;", which its parser drops.
 */
static void unescape_reverses_escape(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++) {
		const struct escape_case *c = &escape_cases[i];
		struct buf raw = BUF_INIT, again = BUF_INIT;

		if (text_unescape(&raw, c->expected, strlen(c->expected)) < 0)
			fail_msg("%s: '%s' does not unescape", c->name,
				 c->expected);
		/* The stored NUL byte C0 80 comes back as the byte 00. */
		if (strcmp(c->name, "stored NUL byte") != 0 &&
		    (raw.len != c->len || memcmp(raw.data, c->input, c->len)))
			fail_msg("%s: unescaped to other bytes", c->name);
		text_escape(&again, raw.data, raw.len, TEXT_NO_LIMIT);
		if (strcmp(again.data, c->expected) != 0)
			fail_msg("%s: escaped again as '%s'", c->name,
				 again.data);
		buf_release(&raw);
		buf_release(&again);
	}
}

static void unescape_rejects_malformed(void **state)
{
	static const char *const malformed[] = {
		"ends in \\", "a\\qb", "\\x4", "\\xff", "\\x4G",
		"\\u{41}", "\\u{0041", "\\u{110000}", "\\u{1234567}",
		"\\u{00e9}", "\\u0041",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct buf out = BUF_INIT;

		if (text_unescape(&out, malformed[i], strlen(malformed[i])) != -1)
			fail_msg("'%s' unescaped to '%s'", malformed[i],
				 out.data);
		buf_release(&out);
	}
}

static void escape_noncharacters(void **state)
{
	static const struct escape_case cases[] = {
		CASE("u+fdd0", "\xEF\xB7\x90", "\\u{FDD0}", TEXT_ZERO_WIDTH),
		CASE("u+fdef", "\xEF\xB7\xAF", "\\u{FDEF}", TEXT_ZERO_WIDTH),
		CASE("u+fffe", "\xEF\xBF\xBE", "\\u{FFFE}", TEXT_ZERO_WIDTH),
		CASE("u+ffff", "\xEF\xBF\xBF", "\\u{FFFF}", TEXT_ZERO_WIDTH),
		CASE("u+1fffe", "\xF0\x9F\xBF\xBE", "\\u{1FFFE}",
		     TEXT_ZERO_WIDTH),
		CASE("u+10ffff", "\xF4\x8F\xBF\xBF", "\\u{10FFFF}",
		     TEXT_ZERO_WIDTH),
		CASE("u+fdcf stays", "\xEF\xB7\x8F", "\xEF\xB7\x8F", 0),
		CASE("u+fdf0 stays", "\xEF\xB7\xB0", "\xEF\xB7\xB0", 0),
		CASE("replacement character stays", "\xEF\xBF\xBD",
		     "\xEF\xBF\xBD", 0),
		CASE("fuzz input", "|rIo\xE2) \0\0\x8D\xE2 \xA0\xEF\xBF\xBF",
		     "|rIo\\xE2) \\u{0000}\\u{0000}\\x8D\\xE2 \\xA0\\u{FFFF}",
		     TEXT_INVALID_UTF8 | TEXT_CONTROL | TEXT_ZERO_WIDTH),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		unsigned flags;

		flags = text_escape(&out, cases[i].input, cases[i].len,
				    TEXT_NO_LIMIT);
		if (strcmp(out.data, cases[i].expected))
			print_error("case '%s': got \"%s\"\n", cases[i].name,
				    out.data);
		assert_string_equal(out.data, cases[i].expected);
		assert_int_equal(flags, cases[i].flags);
		buf_release(&out);
	}
}

static void escape_appends(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	buf_adds(&out, "name: ");
	text_escape_str(&out, "x\ty", TEXT_NAME_MAX);
	assert_string_equal(out.data, "name: x\\u{0009}y");
	buf_release(&out);
}

static void escape_null_appends_nothing(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(text_escape_str(&out, NULL, TEXT_NAME_MAX), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(text_markdown_str(&out, NULL, TEXT_NAME_MAX), 0);
	assert_int_equal(out.len, 0);
}

static void escape_output_is_valid_utf8(void **state)
{
	unsigned char input[256];
	struct buf out = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(input); i++)
		input[i] = (unsigned char)i;
	text_escape(&out, (const char *)input, sizeof(input), TEXT_NO_LIMIT);
	assert_int_equal(text_scan(out.data, out.len), 0);
	assert_int_equal(strlen(out.data), out.len);
	buf_release(&out);
}

static void truncate_long_ascii(void **state)
{
	char *input = malloc(102400);
	struct buf out = BUF_INIT, expected = BUF_INIT;
	unsigned flags;

	(void)state;
	memset(input, 'a', 102400);
	flags = text_escape(&out, input, 102400, 200);
	assert_int_equal(flags, TEXT_TRUNCATED);
	buf_add(&expected, input, 200);
	buf_adds(&expected, "\xE2\x80\xA6 (102400 bytes, 102200 cut)");
	assert_string_equal(out.data, expected.data);
	free(input);
	buf_release(&out);
	buf_release(&expected);
}

static void truncate_counts_characters(void **state)
{
	struct buf input = BUF_INIT, out = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 201; i++)
		buf_adds(&input, "\xC3\xA9");
	text_escape(&out, input.data, input.len, 200);
	assert_int_equal(out.len, 400 + strlen("\xE2\x80\xA6 (402 bytes, 2 cut)"));
	assert_string_equal(out.data + 400, "\xE2\x80\xA6 (402 bytes, 2 cut)");
	buf_release(&input);
	buf_release(&out);
}

static void truncate_exact_length_kept(void **state)
{
	char input[200];
	struct buf out = BUF_INIT;

	(void)state;
	memset(input, 'b', sizeof(input));
	assert_int_equal(text_escape(&out, input, sizeof(input), 200), 0);
	assert_int_equal(out.len, 200);
	buf_release(&out);
}

static void truncate_flags_cover_cut_part(void **state)
{
	struct buf input = BUF_INIT, out = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10; i++)
		buf_addch(&input, 'c');
	buf_adds(&input, "\xE2\x80\xAE");
	assert_int_equal(text_escape(&out, input.data, input.len, 5),
			 TEXT_BIDI | TEXT_TRUNCATED);
	assert_null(strstr(out.data, "202E"));
	assert_string_equal(out.data, "ccccc\xE2\x80\xA6 (13 bytes, 8 cut)");
	buf_release(&input);
	buf_release(&out);
}

static void truncate_escape_counts_once(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	/* Two input characters shown, each as one escape. */
	text_escape(&out, "\xFF\n\xFF", 3, 2);
	assert_string_equal(out.data, "\\xFF\\u{000A}\xE2\x80\xA6 (3 bytes, 1 cut)");
	buf_release(&out);
}

static void escape_large_input_linear(void **state)
{
	size_t size = 8u << 20, i;
	char *input = malloc(size);
	struct buf out = BUF_INIT;

	(void)state;
	/* Every fourth byte is invalid, so the output grows to 7/4 of the input. */
	for (i = 0; i < size; i++)
		input[i] = (char)(i % 4 == 3 ? 0xFF : 'a' + i % 26);
	text_escape(&out, input, size, TEXT_NO_LIMIT);
	assert_int_equal(out.len, size / 4 * 3 + size / 4 * 4);
	free(input);
	buf_release(&out);
}

static void flag_names(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_string_equal(text_flag_id(TEXT_BIDI), "bidi");
	assert_string_equal(text_flag_id(TEXT_INVALID_UTF8), "invalid_utf8");
	assert_string_equal(text_flag_id(TEXT_ZERO_WIDTH), "zero_width");
	assert_string_equal(text_flag_label(TEXT_CONTROL), "control characters");
	text_flag_labels(&out, TEXT_BIDI | TEXT_TRUNCATED);
	assert_string_equal(out.data, "bidi controls, shortened");
	buf_release(&out);
}

/* Markdown, parsed back with cmark-gfm as GitLab-flavoured Markdown. */

static cmark_node *parse_gfm(const char *text, cmark_parser **parser_out)
{
	static const char *const extensions[] = {
		"table", "autolink", "tasklist", "strikethrough", "tagfilter",
	};
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		assert_int_equal(cmark_parser_attach_syntax_extension(parser,
			cmark_find_syntax_extension(extensions[i])), 1);
	cmark_parser_feed(parser, text, strlen(text));
	*parser_out = parser;
	return cmark_parser_finish(parser);
}

/*
 * Append what a reader sees in `node`: text and code literals. Fail on
 * anything else, since an escaped value may only produce plain text and
 * the code spans around '@'.
 */
static void visible_text(cmark_node *node, struct buf *out)
{
	cmark_node *child;

	for (child = cmark_node_first_child(node); child;
	     child = cmark_node_next(child)) {
		cmark_node_type type = cmark_node_get_type(child);

		if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) {
			buf_adds(out, cmark_node_get_literal(child));
			continue;
		}
		print_error("unexpected %s node in an escaped value\n",
			    cmark_node_get_type_string(child));
		fail();
	}
}

static const char *const hostile_values[] = {
	"\"><img src=x onerror=alert(1)>",
	"</td><script>alert(1)</script>",
	"a|b",
	"a\\|b",
	"[x](javascript:alert(1))",
	"![x](https://evil.example/p.png)",
	"<https://evil.example>",
	"https://evil.example/path_(x)",
	"http://evil.example",
	"ftp://evil.example",
	"www.evil.example/login",
	"WWW.EVIL.EXAMPLE",
	"user@evil.example",
	"a@@b.example",
	"x@`@y.example",
	"`@`",
	"\\@q.example",
	"mailto:a@b.example",
	"xmpp:a@b.example",
	"*emphasis* _emphasis_ **strong** __strong__",
	"~~strike~~ ~label",
	"`code` ``code``",
	"&amp; &#x41; &lt;b&gt;",
	"<!-- comment -->",
	"#1 !2 %3 $4 &5 ^6",
	"{+ added +} [- removed -]",
	":smile: :+1:",
	"[^1] [ ] [x]",
	"- item",
	"1. item",
	"> quote",
	"Title\n===",
	"line\nbreak",
	"two  \nspaces",
	"tab\there",
	"\\",
	"trailing \\",
	"laptop\xE2\x80\xAEgnp.exe",
	"bad \xFF byte",
	"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",
	"[x]: https://evil.example",
};

static void markdown_cell_stays_one_text_cell(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile_values) / sizeof(hostile_values[0]); i++) {
		struct buf md = BUF_INIT, seen = BUF_INIT, expected = BUF_INIT;
		cmark_parser *parser;
		cmark_node *doc, *table, *row, *cell;

		buf_adds(&md, "| value | after |\n| --- | --- |\n| ");
		text_markdown_str(&md, hostile_values[i], TEXT_NAME_MAX);
		buf_adds(&md, " | end |\n");
		text_escape_str(&expected, hostile_values[i], TEXT_NAME_MAX);

		doc = parse_gfm(md.data, &parser);
		table = cmark_node_first_child(doc);
		assert_non_null(table);
		assert_string_equal(cmark_node_get_type_string(table), "table");
		assert_null(cmark_node_next(table));
		row = cmark_node_next(cmark_node_first_child(table));
		assert_non_null(row);
		assert_null(cmark_node_next(row));
		cell = cmark_node_first_child(row);
		visible_text(cell, &seen);
		if (strcmp(seen.data, expected.data))
			print_error("value '%s': markdown \"%s\" shows \"%s\"\n",
				    hostile_values[i], md.data, seen.data);
		assert_string_equal(seen.data, expected.data);
		buf_reset(&seen);
		visible_text(cmark_node_next(cell), &seen);
		assert_string_equal(seen.data, "end");
		assert_null(cmark_node_next(cmark_node_next(cell)));

		cmark_node_free(doc);
		cmark_parser_free(parser);
		buf_release(&md);
		buf_release(&seen);
		buf_release(&expected);
	}
}

static void markdown_task_stays_one_item(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile_values) / sizeof(hostile_values[0]); i++) {
		struct buf md = BUF_INIT, seen = BUF_INIT, expected = BUF_INIT;
		cmark_parser *parser;
		cmark_node *doc, *list, *item, *paragraph;

		buf_adds(&md, "- [ ] name ");
		text_markdown_str(&md, hostile_values[i], TEXT_NAME_MAX);
		buf_adds(&md, " end\n");
		buf_adds(&expected, "name ");
		text_escape_str(&expected, hostile_values[i], TEXT_NAME_MAX);
		buf_adds(&expected, " end");

		doc = parse_gfm(md.data, &parser);
		list = cmark_node_first_child(doc);
		assert_int_equal(cmark_node_get_type(list), CMARK_NODE_LIST);
		assert_null(cmark_node_next(list));
		item = cmark_node_first_child(list);
		assert_string_equal(cmark_node_get_type_string(item), "tasklist");
		assert_false(cmark_gfm_extensions_get_tasklist_item_checked(item));
		assert_null(cmark_node_next(item));
		paragraph = cmark_node_first_child(item);
		assert_int_equal(cmark_node_get_type(paragraph),
				 CMARK_NODE_PARAGRAPH);
		assert_null(cmark_node_next(paragraph));
		visible_text(paragraph, &seen);
		if (strcmp(seen.data, expected.data))
			print_error("value '%s': markdown \"%s\" shows \"%s\"\n",
				    hostile_values[i], md.data, seen.data);
		assert_string_equal(seen.data, expected.data);

		cmark_node_free(doc);
		cmark_parser_free(parser);
		buf_release(&md);
		buf_release(&seen);
		buf_release(&expected);
	}
}

static void markdown_keeps_harmless_punctuation(void **state)
{
	struct buf md = BUF_INIT;

	(void)state;
	text_markdown_str(&md, "never-used (limit 90), a/b; c=d? 'e' \"f\" +g",
			  TEXT_NAME_MAX);
	assert_string_equal(md.data,
			    "never-used (limit 90), a/b; c=d? 'e' \"f\" +g");
	buf_release(&md);
}

static void markdown_returns_flags(void **state)
{
	struct buf md = BUF_INIT;

	(void)state;
	assert_int_equal(text_markdown_str(&md, "a\xE2\x80\xAE", TEXT_NAME_MAX),
			 TEXT_BIDI);
	assert_string_equal(md.data, "a\\\\u\\{202E\\}");
	buf_release(&md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_table),
		cmocka_unit_test(unescape_reverses_escape),
		cmocka_unit_test(unescape_rejects_malformed),
		cmocka_unit_test(escape_noncharacters),
		cmocka_unit_test(escape_appends),
		cmocka_unit_test(escape_null_appends_nothing),
		cmocka_unit_test(escape_output_is_valid_utf8),
		cmocka_unit_test(truncate_long_ascii),
		cmocka_unit_test(truncate_counts_characters),
		cmocka_unit_test(truncate_exact_length_kept),
		cmocka_unit_test(truncate_flags_cover_cut_part),
		cmocka_unit_test(truncate_escape_counts_once),
		cmocka_unit_test(escape_large_input_linear),
		cmocka_unit_test(flag_names),
		cmocka_unit_test(markdown_cell_stays_one_text_cell),
		cmocka_unit_test(markdown_task_stays_one_item),
		cmocka_unit_test(markdown_keeps_harmless_punctuation),
		cmocka_unit_test(markdown_returns_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
