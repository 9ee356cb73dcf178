/*
 * The HTML stream of the inventory rows against the libxml2 trees that
 * html_build.c builds for the overview: each piece that both write must
 * give the same markup, so a value reads the same on every page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/HTMLtree.h>

#include "html_build.h"
#include "html_stream.h"
#include "text.h"

struct fixture {
	struct render_context ctx;
	struct html h;
	xmlNodePtr parent;           /* parent of each case's tree */
	struct buf streamed;
	struct html_stream hs;       /* stream into `streamed` */
	struct buf serialized;       /* the tree serialized as text */
};

static const char hostile[] = "\"><img src=x onerror=alert(1)>&amp;";
static const char bidi[] = "laptop\xE2\x80\xAEgnp.exe";
static const char invalid_utf8[] = "x\xFFy";

/* Append `text` with & < > as entities, and " too in an attribute value. */
static void escape(struct buf *out, const char *text, int attribute)
{
	for (; *text; text++) {
		if (*text == '&')
			buf_adds(out, "&amp;");
		else if (*text == '<')
			buf_adds(out, "&lt;");
		else if (*text == '>')
			buf_adds(out, "&gt;");
		else if (*text == '"' && attribute)
			buf_adds(out, "&quot;");
		else
			buf_addch(out, *text);
	}
}

/*
 * Append the nodes from `node` on as HTML text, by the rules that
 * html_stream.h states: elements with their attributes in order, text
 * escaped, and no end tag for <br>.
 */
static void serialize(struct buf *out, xmlNodePtr node)
{
	for (; node; node = node->next) {
		xmlAttrPtr attr;

		if (node->type == XML_TEXT_NODE) {
			escape(out, (const char *)node->content, 0);
			continue;
		}
		buf_addf(out, "<%s", (const char *)node->name);
		for (attr = node->properties; attr; attr = attr->next) {
			buf_addf(out, " %s=\"", (const char *)attr->name);
			if (attr->children)
				escape(out, (const char *)attr->children->content, 1);
			buf_addch(out, '"');
		}
		buf_addch(out, '>');
		if (!strcmp((const char *)node->name, "br"))
			continue;
		serialize(out, node->children);
		buf_addf(out, "</%s>", (const char *)node->name);
	}
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->h.ctx = &f->ctx;
	buf_init(&f->h.scratch);
	f->h.doc = htmlNewDocNoDtD(NULL, NULL);
	f->parent = xmlNewDocNode(f->h.doc, NULL, BAD_CAST "tr", NULL);
	xmlDocSetRootElement(f->h.doc, f->parent);
	buf_init(&f->streamed);
	html_stream_init(&f->hs, &f->streamed);
	buf_init(&f->serialized);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	xmlFreeDoc(f->h.doc);
	buf_release(&f->h.scratch);
	html_stream_release(&f->hs);
	buf_release(&f->streamed);
	buf_release(&f->serialized);
	free(f);
	return 0;
}

/* Empty the tree and the stream for the next case. */
static void clear(struct fixture *f)
{
	xmlNodePtr child = f->parent->children;

	while (child) {
		xmlNodePtr next = child->next;

		xmlUnlinkNode(child);
		xmlFreeNode(child);
		child = next;
	}
	buf_reset(&f->streamed);
	buf_reset(&f->serialized);
}

/* Check that the stream wrote what the tree serializes to. */
static void assert_same_markup(struct fixture *f)
{
	serialize(&f->serialized, f->parent->children);
	assert_string_equal(f->streamed.data, f->serialized.data);
}

static void owner_matches_tree(void **state)
{
	struct fixture *f = *state;
	const struct owner owners[] = {
		{ 1, "alice", "Alice Example", "active", 0, 0, NULL, 0, 0, 0, NULL, 0 },
		{ 2, hostile, bidi, invalid_utf8, 1, 1, NULL, 0, 1, 0, NULL, 0 },
		{ 3, "", NULL, NULL, -1, 0, NULL, 0, 1, 1, NULL, 0 },
		{ 4, NULL, "", "blocked", 6, 1, NULL, 0, 0, 0, NULL, 0 },
		{ 5, "eve", "Eve", "active", 0, -1, NULL, 0, 0, 0, NULL, 0 },   /* admin unknown */
	};
	const unsigned unavailable[] = {
		0, FIELD_OWNER_STATE, FIELD_OWNER, FIELD_OWNER_INVALID,
	};
	size_t i, u;

	for (i = 0; i < sizeof(owners) / sizeof(*owners); i++) {
		for (u = 0; u < sizeof(unavailable) / sizeof(*unavailable); u++) {
			clear(f);
			html_add_owner(&f->h, f->parent, &owners[i], owners[i].id,
				       unavailable[u]);
			html_stream_owner(&f->hs, &owners[i], owners[i].id,
					  unavailable[u]);
			assert_same_markup(f);
		}
	}

	clear(f);
	html_add_owner(&f->h, f->parent, NULL, -42, 0);
	html_stream_owner(&f->hs, NULL, -42, 0);
	assert_same_markup(f);
}

static void user_text_matches_tree(void **state)
{
	struct fixture *f = *state;
	char long_name[TEXT_MESSAGE_MAX + 50];
	const char *texts[] = {
		NULL, "", "deploy token", hostile, bidi, invalid_utf8,
		"tab\there", "back\\slash", long_name,
	};
	const size_t caps[] = { TEXT_NAME_MAX, TEXT_MESSAGE_MAX };
	size_t i, c;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		for (c = 0; c < 2; c++) {
			unsigned built, streamed;

			clear(f);
			built = html_add_user_text(&f->h, f->parent, texts[i],
						   caps[c]);
			streamed = html_stream_user_text(&f->hs, texts[i],
							 caps[c]);
			assert_int_equal(streamed, built);
			assert_same_markup(f);
		}
	}
}

static void timestamp_cell_matches_tree(void **state)
{
	struct fixture *f = *state;
	char raw_hostile[] = "<b>2026</b>\xE2\x80\xAE";
	char raw_plain[] = "yesterday";
	const struct timestamp stamps[] = {
		{ TS_SET, 0, 1796385600, NULL },
		{ TS_SET, 1, 1796342400, NULL },
		{ TS_SET, 0, -86400, NULL },
		{ TS_NONE, 0, 0, NULL },
		{ TS_INVALID, 0, 0, raw_hostile },
		{ TS_INVALID, 0, 0, raw_plain },
		{ TS_INVALID, 0, 0, NULL },
		{ TS_UNAVAILABLE, 0, 0, NULL },
	};
	const unsigned unavailable[] = { 0, FIELD_CREATED };
	struct credential cred;
	size_t i, u;

	memset(&cred, 0, sizeof(cred));
	for (i = 0; i < sizeof(stamps) / sizeof(*stamps); i++) {
		for (u = 0; u < 2; u++) {
			cred.unavailable = unavailable[u];
			clear(f);
			html_td_timestamp(&f->h, f->parent, &cred, FIELD_CREATED,
					  &stamps[i], "never");
			html_stream_td_timestamp(&f->hs, &cred, FIELD_CREATED,
						 &stamps[i], "never");
			assert_same_markup(f);
		}
	}
}

static void small_cells_match_tree(void **state)
{
	struct fixture *f = *state;
	const int64_t numbers[] = { 0, 7, -1, INT64_MIN, INT64_MAX };
	const char *dates[] = { "2026-12-04T12:00:00Z", "2026-12-04", "T", "" };
	size_t i;
	int s;

	for (s = 0; s < SEV_COUNT; s++) {
		clear(f);
		html_add_severity(f->parent, (enum severity)s);
		html_stream_severity(&f->hs, (enum severity)s);
		assert_same_markup(f);
	}
	for (i = 0; i < sizeof(numbers) / sizeof(*numbers); i++) {
		clear(f);
		html_td_number(f->parent, numbers[i]);
		html_stream_td_number(&f->hs, numbers[i]);
		assert_same_markup(f);
	}
	for (i = 0; i < sizeof(dates) / sizeof(*dates); i++) {
		clear(f);
		html_add_date_time(f->parent, dates[i]);
		html_stream_date_time(&f->hs, dates[i]);
		assert_same_markup(f);
	}

	clear(f);
	html_td_unavailable(f->parent);
	html_stream_td_unavailable(&f->hs);
	assert_same_markup(f);

	clear(f);
	html_td_text(f->parent, "ca-invalid", "a<b>&\"c\"");
	html_td_text(f->parent, NULL, "valid");
	html_stream_td_text(&f->hs, "ca-invalid", "a<b>&\"c\"");
	html_stream_td_text(&f->hs, NULL, "valid");
	assert_same_markup(f);

	clear(f);
	html_add_flags(f->parent, TEXT_BIDI | TEXT_TRUNCATED);
	html_stream_flags(&f->hs, TEXT_BIDI | TEXT_TRUNCATED);
	assert_same_markup(f);
}

static void number_matches_printf(void **state)
{
	struct fixture *f = *state;
	const int64_t values[] = {
		0, 1, -1, 9, 10, -10, 123456789, INT64_MAX, INT64_MIN,
		INT64_MIN + 1,
	};
	char expected[32], decimal[HTML_DECIMAL_MAX];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(*values); i++) {
		snprintf(expected, sizeof(expected), "%" PRId64, values[i]);
		assert_int_equal(html_stream_decimal(decimal, values[i]),
				 strlen(expected));
		assert_string_equal(decimal, expected);

		buf_reset(&f->streamed);
		html_stream_number(&f->hs, values[i]);
		assert_string_equal(f->streamed.data, expected);
	}
}

static void attribute_escapes_quote(void **state)
{
	struct fixture *f = *state;

	buf_reset(&f->streamed);
	html_stream_start_tag(&f->hs, "tr");
	html_stream_attr(&f->hs, "title", "a\"b&<c>");
	html_stream_attr_join(&f->hs, "class", "state-", "\"x\"");
	html_stream_start_tag_end(&f->hs);
	html_stream_text(&f->hs, "a\"b&<c>");
	html_stream_close(&f->hs, "tr");
	assert_string_equal(f->streamed.data,
			    "<tr title=\"a&quot;b&amp;&lt;c&gt;\" "
			    "class=\"state-&quot;x&quot;\">"
			    "a\"b&amp;&lt;c&gt;</tr>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(owner_matches_tree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(user_text_matches_tree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(timestamp_cell_matches_tree,
						setup, teardown),
		cmocka_unit_test_setup_teardown(small_cells_match_tree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(number_matches_printf, setup,
						teardown),
		cmocka_unit_test_setup_teardown(attribute_escapes_quote, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
