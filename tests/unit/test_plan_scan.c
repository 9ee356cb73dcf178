/* Unit tests for plan_scan.c: approval found in an old plan, as a stream. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "buf.h"
#include "plan_scan.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void scan_markdown(const struct buf *text, struct plan_scan *scan)
{
	FILE *file = fmemopen(text->data, text->len, "r");

	assert_non_null(file);
	memset(scan, 0x55, sizeof(*scan));
	assert_int_equal(plan_scan_markdown(file, scan), 0);
	fclose(file);
}

static size_t scan_json(const struct buf *text)
{
	struct plan_scan scan;
	FILE *file = fmemopen(text->data, text->len, "r");

	assert_non_null(file);
	memset(&scan, 0x55, sizeof(scan));
	assert_int_equal(plan_scan_json(file, &scan), 0);
	fclose(file);
	return scan.json_approved;
}

/*
 * Return 1 when cmark-gfm with the tasklist extension, set up as
 * plan_read.c sets it up, reads a ticked task item in `text`.
 */
static int cmark_finds_tick(const char *text)
{
	cmark_parser *parser;
	cmark_node *document;
	cmark_iter *iter;
	cmark_event_type event;
	int ticked = 0;

	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_parser_attach_syntax_extension(parser,
		cmark_find_syntax_extension("tasklist"));
	cmark_parser_feed(parser, text, strlen(text));
	document = cmark_parser_finish(parser);
	iter = cmark_iter_new(document);
	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);

		if (event == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_ITEM &&
		    cmark_gfm_extensions_get_tasklist_item_checked(node))
			ticked = 1;
	}
	cmark_iter_free(iter);
	cmark_node_free(document);
	cmark_parser_free(parser);
	return ticked;
}

enum box { NO_BOX, EMPTY, TICKED, DAMAGED };

static const struct {
	const char *line;
	enum box box;
} box_cases[] = {
	{ "- [ ] `revoke-pat-1` Revoke token 1", EMPTY },
	{ "- [x] `revoke-pat-1` Revoke token 1", TICKED },
	{ "- [X] `revoke-pat-1` Revoke token 1", TICKED },
	{ "* [x] a", TICKED },
	{ "+ [x] a", TICKED },
	{ "1. [x] a", TICKED },
	{ "12) [x] a", TICKED },
	{ "123456789. [x] a", TICKED },
	{ "-\t[x]\ta", TICKED },
	{ "-  [x] a", TICKED },
	{ "   - [x] a", TICKED },
	{ "  - [x] nested", TICKED },
	{ "> - [x] quoted", TICKED },
	{ "- [x]", TICKED },
	{ "- [x]\r", TICKED },
	/* cmark-gfm 0.29 ticks an item whose line has "[x]" after the box. */
	{ "- [ ] a [x] b", TICKED },
	{ "- [ ] a [X]", TICKED },
	{ "- [ ] a \\[x\\] escaped", EMPTY },
	{ "- []", DAMAGED },
	{ "- [ x] a", DAMAGED },
	{ "- [x ] a", DAMAGED },
	{ "- [\t] a", DAMAGED },
	{ "- [x]a", DAMAGED },
	{ "- [v] a", DAMAGED },
	{ "- `revoke-pat-1` no box", NO_BOX },
	{ "-[x] a", NO_BOX },
	{ "x [x] a", NO_BOX },
	{ "1234567890. [x] a", NO_BOX },
	{ "(`- [x]`); leave the box empty to reject it.", NO_BOX },
	{ "- Plan digest: `" DIGEST "`", NO_BOX },
	{ "", NO_BOX },
};

static void scan_finds_boxes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(box_cases) / sizeof(box_cases[0]); i++) {
		struct buf text = BUF_INIT;
		struct plan_scan scan;
		enum box box = box_cases[i].box;

		buf_addf(&text, "# Plan\n\n%s\n", box_cases[i].line);
		scan_markdown(&text, &scan);
		if (scan.ticked_line != (box == TICKED ? 3 : 0))
			fail_msg("'%s': ticked line %ld, expected %d",
				 box_cases[i].line, scan.ticked_line,
				 box == TICKED ? 3 : 0);
		if (scan.damaged_line != (box == DAMAGED ? 3 : 0))
			fail_msg("'%s': damaged line %ld, expected %d",
				 box_cases[i].line, scan.damaged_line,
				 box == DAMAGED ? 3 : 0);
		/* Every tick that plan_read.c would see is found. */
		if (cmark_finds_tick(text.data) && scan.ticked_line != 3)
			fail_msg("'%s': cmark-gfm reads a ticked box, the scan does not",
				 box_cases[i].line);
		buf_release(&text);
	}
}

static void scan_reads_header(void **state)
{
	struct buf text = BUF_INIT;
	struct plan_scan scan;

	(void)state;
	buf_adds(&text, "# Revocation plan\n\n"
		 "- Snapshot digest: `sha256:aa`\n"
		 "- Plan digest: `" DIGEST "`\n"
		 "- Created: 2026-12-04T12:00:00Z\n"
		 "- Plan digest: `sha256:" "ffffffffffffffffffffffffffffffff"
		 "ffffffffffffffffffffffffffffffff`\n"
		 "- Created: 2027-01-01T00:00:00Z\n"
		 "\n- [ ] `revoke-pat-1` a\n");
	scan_markdown(&text, &scan);
	assert_string_equal(scan.digest, "0123456789ab");
	assert_string_equal(scan.created, "2026-12-04T12:00:00Z");
	assert_int_equal(scan.ticked_line, 0);
	assert_int_equal(scan.damaged_line, 0);
	buf_release(&text);
}

/* The name of a kept plan's folder comes from these, so only valid values count. */
static void scan_rejects_bad_header(void **state)
{
	static const char *const lines[] = {
		"- Plan digest: `sha256:0123`\n- Created: yesterday\n",
		"- Plan digest: `sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef`\n"
		"- Created: ../../etc\n",
		"- Plan digest: `sha1:0123456789abcdef0123456789abcdef01234567`\n",
		"- Plan digest: `" DIGEST "\n- Created:\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct buf text = BUF_INIT;
		struct plan_scan scan;

		buf_adds(&text, lines[i]);
		scan_markdown(&text, &scan);
		assert_string_equal(scan.digest, "");
		assert_string_equal(scan.created, "");
		buf_release(&text);
	}
}

/* Another form of a valid time is written as ts_format() writes it. */
static void scan_normalizes_created(void **state)
{
	struct buf text = BUF_INIT;
	struct plan_scan scan;

	(void)state;
	buf_adds(&text, "- Created: 2026-12-04 13:00:00+01:00\r\n");
	scan_markdown(&text, &scan);
	assert_string_equal(scan.created, "2026-12-04T12:00:00Z");
	buf_release(&text);
}

/*
 * Lines end at LF, CR LF and a lone CR. A line longer than any buffer
 * still has its "[x]" found, wherever it is.
 */
static void scan_counts_lines(void **state)
{
	struct buf text = BUF_INIT;
	struct plan_scan scan;
	size_t i;

	(void)state;
	buf_adds(&text, "a\r\nb\rc\n- [ ] ");
	for (i = 0; i < 3 * PLAN_SCAN_CHUNK; i++)
		buf_addch(&text, 'y');
	buf_adds(&text, " [x]\n\n- [ x] damaged\n");
	scan_markdown(&text, &scan);
	assert_int_equal(scan.ticked_line, 4);
	assert_int_equal(scan.damaged_line, 6);
	buf_release(&text);
}

static void scan_reads_last_line(void **state)
{
	struct buf text = BUF_INIT;
	struct plan_scan scan;

	(void)state;
	buf_adds(&text, "# Plan\n- [x] no line break at the end");
	scan_markdown(&text, &scan);
	assert_int_equal(scan.ticked_line, 2);
	buf_release(&text);
}

/* A box read in two chunks is found as in one. */
static void scan_box_across_chunks(void **state)
{
	size_t offset;

	(void)state;
	for (offset = 0; offset < 8; offset++) {
		struct buf text = BUF_INIT;
		struct plan_scan scan;

		/* The second line starts `offset` bytes before the chunk ends. */
		while (text.len < PLAN_SCAN_CHUNK - offset - 1)
			buf_addch(&text, 'p');
		buf_adds(&text, "\n- [x] b\n");
		scan_markdown(&text, &scan);
		assert_int_equal(scan.ticked_line, 2);
		buf_release(&text);
	}
}

static const struct {
	const char *json;
	size_t approved;
} json_cases[] = {
	{ "{\"actions\": [{\"id\": \"a\", \"approved\": false}]}", 0 },
	{ "{\"actions\": [{\"id\": \"a\", \"approved\": true}]}", 1 },
	{ "{\"actions\":[{\"approved\":true},{\"approved\":false},{\"approved\":true}]}", 2 },
	{ "{\"actions\": [{\"approved\"\n\t :\r\n true}]}", 1 },
	{ "{\"appro\\u0076ed\": true}", 1 },
	{ "{\"appro\\u0076Ed\": true}", 0 },
	{ "{\"approved\\n\": true}", 0 },
	{ "{\"approvedx\": true}", 0 },
	{ "{\"xapproved\": true}", 0 },
	{ "{\"approved\": \"true\"}", 0 },
	{ "{\"approved\": 1}", 0 },
	{ "{\"approved\": tru}", 0 },
	{ "{\"name\": \"\\\"approved\\\": true\"}", 0 },
	{ "{\"name\": \"approved\", \"x\": true}", 0 },
	{ "[\"approved\", true]", 0 },
	{ "{\"approved\": \"x\", \"approved\": true}", 1 },
	{ "{\"a\": \"\\\\\", \"approved\": true}", 1 },
	{ "{\"approved\": true", 1 },
	{ "", 0 },
};

static void scan_counts_json_approval(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		struct buf text = BUF_INIT;
		size_t approved;

		buf_adds(&text, json_cases[i].json);
		approved = scan_json(&text);
		if (approved != json_cases[i].approved)
			fail_msg("'%s': %zu approved, expected %zu",
				 json_cases[i].json, approved,
				 json_cases[i].approved);
		buf_release(&text);
	}
}

/* A member read in two chunks is found as in one, even inside a long string. */
static void scan_json_across_chunks(void **state)
{
	size_t shift;

	(void)state;
	for (shift = 0; shift < 24; shift++) {
		struct buf text = BUF_INIT;

		buf_adds(&text, "{\"padding\": \"");
		while (text.len < PLAN_SCAN_CHUNK - shift)
			buf_addch(&text, 'x');
		buf_adds(&text, "\", \"approved\" : true}");
		assert_int_equal(scan_json(&text), 1);
		buf_release(&text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_finds_boxes),
		cmocka_unit_test(scan_reads_header),
		cmocka_unit_test(scan_rejects_bad_header),
		cmocka_unit_test(scan_normalizes_created),
		cmocka_unit_test(scan_counts_lines),
		cmocka_unit_test(scan_reads_last_line),
		cmocka_unit_test(scan_box_across_chunks),
		cmocka_unit_test(scan_counts_json_approval),
		cmocka_unit_test(scan_json_across_chunks),
	};

	return cmocka_run_group_tests_name("plan_scan", tests, NULL, NULL);
}
