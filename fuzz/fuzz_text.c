/*
 * Fuzz target for the display escaping in text.c: text_escape(),
 * text_markdown() and text_scan(). The first input byte picks the length
 * cap (0 means TEXT_NO_LIMIT, else 1 to 255 characters); the other bytes
 * are the untrusted text.
 *
 * Properties of the text_escape() output: it is valid UTF-8; it contains
 * no C0 or C1 control, line or paragraph separator, bidi control or
 * zero-width character; undoing the \\, \xNN and \u{N} escapes, here and
 * with text_unescape(), gives back the input, or its first max_chars
 * characters followed by the "... (N bytes, M cut)" note with the right
 * numbers; the flags match text_scan() and what the input contains.
 *
 * Properties of the text_markdown() output: every character that text.h
 * lists as special is escaped with a backslash, and '@' only appears in
 * a code span. Removing those escapes gives the text_escape() output.
 * Put into a table cell and parsed by cmark-gfm with the GFM extensions,
 * it gives exactly one cell that holds only text and code spans, and
 * reads as the text_escape() output. Put into an HTML element through
 * libxml2, as the HTML report does, it parses back as one text node.
 */
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include "buf.h"
#include "fuzz.h"
#include "text.h"

#define ELLIPSIS "\xE2\x80\xA6"
/* The flags whose code points text.h lists completely. */
#define EXACT_FLAGS (TEXT_INVALID_UTF8 | TEXT_CONTROL | TEXT_BIDI)

/* The characters that text_markdown() escapes, as text.h lists them. */
static const char markdown_special[] = "\\`*_~[]!<>&|#:.$%^{}";

/*
 * Decode one well-formed UTF-8 sequence (Unicode table 3-7) at `s`.
 * Returns its length, or 0 when `s` does not start one.
 */
static size_t utf8_next(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t need, i;
	unsigned char lo = 0x80, hi = 0xBF;

	/* text.c reads C0 80 as U+0000, the form a stored NUL byte takes. */
	if (left >= 2 && s[0] == 0xC0 && s[1] == 0x80) {
		*cp = 0;
		return 2;
	}
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 2;
		*cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 3;
		*cp = s[0] & 0x0F;
		lo = s[0] == 0xE0 ? 0xA0 : 0x80;
		hi = s[0] == 0xED ? 0x9F : 0xBF;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 4;
		*cp = s[0] & 0x07;
		lo = s[0] == 0xF0 ? 0x90 : 0x80;
		hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (left < need)
		return 0;
	for (i = 1; i < need; i++) {
		unsigned char min = i == 1 ? lo : 0x80;
		unsigned char max = i == 1 ? hi : 0xBF;

		if (s[i] < min || s[i] > max)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3F);
	}
	return need;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
	       cp == 0x2029;
}

static int is_bidi(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static int is_zero_width(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) ||
	       (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
	       (cp >= 0xE0000 && cp <= 0xE007F);
}

/* Count characters as text.h does: a code point or an invalid byte. */
static size_t count_chars(const unsigned char *s, size_t len)
{
	size_t pos = 0, chars = 0, n;
	uint32_t cp;

	while (pos < len) {
		n = utf8_next(s + pos, len - pos, &cp);
		pos += n ? n : 1;
		chars++;
	}
	return chars;
}

/* The flags that the input needs, from this file's own tables. */
static unsigned expected_flags(const unsigned char *s, size_t len)
{
	size_t pos = 0, n;
	unsigned flags = 0;
	uint32_t cp;

	while (pos < len) {
		n = utf8_next(s + pos, len - pos, &cp);
		if (!n) {
			flags |= TEXT_INVALID_UTF8;
			pos++;
			continue;
		}
		if (is_control(cp))
			flags |= TEXT_CONTROL;
		if (is_bidi(cp))
			flags |= TEXT_BIDI;
		if (is_zero_width(cp))
			flags |= TEXT_ZERO_WIDTH;
		pos += n;
	}
	return flags;
}

static void check_shown_characters(const unsigned char *s, size_t len)
{
	size_t pos = 0, n;
	uint32_t cp;

	while (pos < len) {
		n = utf8_next(s + pos, len - pos, &cp);
		fuzz_require(n > 0, "the output is valid UTF-8");
		fuzz_require(!is_control(cp), "the output has no control");
		fuzz_require(!is_bidi(cp), "the output has no bidi control");
		fuzz_require(!is_zero_width(cp),
			     "the output has no zero-width character");
		pos += n;
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void add_utf8(struct buf *out, uint32_t cp)
{
	if (cp < 0x80) {
		buf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		buf_addch(out, (int)(0xC0 | cp >> 6));
		buf_addch(out, (int)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_addch(out, (int)(0xE0 | cp >> 12));
		buf_addch(out, (int)(0x80 | (cp >> 6 & 0x3F)));
		buf_addch(out, (int)(0x80 | (cp & 0x3F)));
	} else {
		buf_addch(out, (int)(0xF0 | cp >> 18));
		buf_addch(out, (int)(0x80 | (cp >> 12 & 0x3F)));
		buf_addch(out, (int)(0x80 | (cp >> 6 & 0x3F)));
		buf_addch(out, (int)(0x80 | (cp & 0x3F)));
	}
}

/* Undo the escapes of text.h in `len` bytes at `s`, appending to `out`. */
static void unescape(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, digits;
	uint32_t cp;
	int high, low;

	while (i < len) {
		if (s[i] != '\\') {
			buf_addch(out, s[i++]);
			continue;
		}
		fuzz_require(i + 1 < len, "a backslash starts an escape");
		if (s[i + 1] == '\\') {
			buf_addch(out, '\\');
			i += 2;
		} else if (s[i + 1] == 'x') {
			fuzz_require(i + 3 < len, "\\x has two digits");
			high = hex_value(s[i + 2]);
			low = hex_value(s[i + 3]);
			fuzz_require(high >= 0 && low >= 0,
				     "\\x has two uppercase hex digits");
			fuzz_require(high >= 8,
				     "\\x is only used for non-ASCII bytes");
			buf_addch(out, high << 4 | low);
			i += 4;
		} else {
			fuzz_require(s[i + 1] == 'u' && i + 2 < len &&
				     s[i + 2] == '{',
				     "a backslash starts \\\\, \\x or \\u{");
			i += 3;
			cp = 0;
			for (digits = 0; i < len && s[i] != '}'; digits++) {
				fuzz_require(hex_value(s[i]) >= 0 && digits < 6,
					     "\\u{} has up to six hex digits");
				cp = cp << 4 | (uint32_t)hex_value(s[i++]);
			}
			fuzz_require(i < len && digits >= 4,
				     "\\u{} has at least four digits and '}'");
			fuzz_require(cp <= 0x10FFFF &&
				     !(cp >= 0xD800 && cp <= 0xDFFF),
				     "\\u{} holds a Unicode scalar value");
			add_utf8(out, cp);
			i++;
		}
	}
}

/* Find the start of the last "... (" note in `s`, or return `len`. */
static size_t find_note(const char *s, size_t len)
{
	size_t i, note = len, mark = strlen(ELLIPSIS " (");

	for (i = 0; i + mark <= len; i++)
		if (!memcmp(s + i, ELLIPSIS " (", mark))
			note = i;
	return note;
}

/*
 * Append the `len` bytes at `s` to `out` with each C0 80 pair as the byte
 * 00: text.c shows that pair, a stored NUL byte, as \u{0000}, which
 * unescapes to 00.
 */
static void stored_nul_to_byte(const unsigned char *s, size_t len,
			       struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == 0xC0 && i + 1 < len && s[i + 1] == 0x80) {
			buf_addch(out, 0);
			i++;
		} else {
			buf_addch(out, s[i]);
		}
	}
}

static void check_escape(const unsigned char *in, size_t len,
			 size_t max_chars, const struct buf *out,
			 unsigned flags)
{
	struct buf decoded = BUF_INIT, library = BUF_INIT, plain = BUF_INIT;
	size_t body_len = out->len, total = 0, cut = 0, shown_len, chars;
	int consumed = 0;
	unsigned expected;
	unsigned truncated = flags & TEXT_TRUNCATED;

	check_shown_characters((const unsigned char *)out->data, out->len);
	chars = count_chars(in, len);
	fuzz_require((flags & ~TEXT_TRUNCATED) == text_scan((const char *)in,
							    len),
		     "the flags match text_scan()");
	/* text.c flags more invisible characters than this file lists. */
	expected = expected_flags(in, len);
	fuzz_require((flags & EXACT_FLAGS) == (expected & EXACT_FLAGS),
		     "the flags match the characters of the input");
	fuzz_require(!(expected & TEXT_ZERO_WIDTH) ||
		     (flags & TEXT_ZERO_WIDTH),
		     "the flags include zero-width characters");
	fuzz_require(!truncated == (max_chars == TEXT_NO_LIMIT ||
				    chars <= max_chars),
		     "the text is cut when it has more than max_chars");

	if (truncated) {
		body_len = find_note(out->data, out->len);
		fuzz_require(body_len < out->len, "a cut text has the note");
		fuzz_require(sscanf(out->data + body_len,
				    ELLIPSIS " (%zu bytes, %zu cut)%n",
				    &total, &cut, &consumed) == 2 &&
			     (size_t)consumed == out->len - body_len,
			     "the note reads \"... (N bytes, M cut)\"");
		fuzz_require(total == len, "the note has the input length");
		fuzz_require(cut > 0 && cut <= len, "the note has the cut");
	}
	shown_len = len - cut;

	unescape(out->data, body_len, &decoded);
	stored_nul_to_byte(in, shown_len, &plain);
	fuzz_require(decoded.len == plain.len &&
		     !memcmp(decoded.data, plain.data, plain.len),
		     "unescaping gives back the shown part of the input");
	fuzz_require(text_unescape(&library, out->data, body_len) == 0 &&
		     library.len == decoded.len &&
		     !memcmp(library.data, decoded.data, decoded.len),
		     "text_unescape() gives back the shown part of the input");
	if (truncated)
		fuzz_require(count_chars(in, shown_len) == max_chars,
			     "a cut text shows max_chars characters");
	buf_release(&decoded);
	buf_release(&library);
	buf_release(&plain);
}

/*
 * Remove the Markdown escapes: a backslash before ASCII punctuation and a
 * code span around a run of '@'. Checks that nothing special is left.
 */
static void markdown_literal(const char *s, size_t len, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		fuzz_require(c != '\n' && c != '\r',
			     "the Markdown has no line break");
		if (c == '\\') {
			fuzz_require(i + 1 < len &&
				     strchr(markdown_special, s[i + 1]),
				     "a Markdown backslash escapes a special "
				     "character");
			buf_addch(out, s[i + 1]);
			i += 2;
		} else if (c == '`') {
			i++;
			fuzz_require(i < len && s[i] == '@',
				     "a code span holds '@'");
			while (i < len && s[i] == '@')
				buf_addch(out, s[i++]);
			fuzz_require(i < len && s[i] == '`',
				     "a code span is closed");
			i++;
		} else {
			fuzz_require(c >= 0x80 || !strchr(markdown_special, c),
				     "no special character is left unescaped");
			fuzz_require(c != '@', "'@' is inside a code span");
			buf_addch(out, (int)c);
			i++;
		}
	}
}

static cmark_node *parse_markdown(const char *text, size_t len,
				  cmark_parser **parser)
{
	static const char *const extensions[] = {
		"table", "autolink", "tasklist", "strikethrough", "tagfilter",
	};
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	*parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		cmark_parser_attach_syntax_extension(*parser,
			cmark_find_syntax_extension(extensions[i]));
	cmark_parser_feed(*parser, text, len);
	return cmark_parser_finish(*parser);
}

static int is_type(cmark_node *node, const char *type)
{
	return node && !strcmp(cmark_node_get_type_string(node), type);
}

/* Parse `cell` as the one cell of a table row and compare what it reads. */
static void check_cmark(const struct buf *cell, const struct buf *expected)
{
	struct buf doc = BUF_INIT, seen = BUF_INIT;
	cmark_parser *parser;
	cmark_node *root, *table, *row, *child;
	const char *want = expected->data;
	size_t want_len = expected->len;

	buf_adds(&doc, "| value |\n| --- |\n| ");
	buf_add(&doc, cell->data, cell->len);
	buf_adds(&doc, " |\n");
	root = parse_markdown(doc.data, doc.len, &parser);

	table = cmark_node_first_child(root);
	fuzz_require(is_type(table, "table") && !cmark_node_next(table),
		     "the document is one table");
	row = cmark_node_next(cmark_node_first_child(table));
	fuzz_require(is_type(row, "table_row") && !cmark_node_next(row),
		     "the table has one data row");
	child = cmark_node_first_child(row);
	fuzz_require(is_type(child, "table_cell") && !cmark_node_next(child),
		     "the row has one cell");

	for (child = cmark_node_first_child(child); child;
	     child = cmark_node_next(child)) {
		fuzz_require(cmark_node_get_type(child) == CMARK_NODE_TEXT ||
			     cmark_node_get_type(child) == CMARK_NODE_CODE,
			     "the cell holds only text and code spans");
		buf_adds(&seen, cmark_node_get_literal(child));
	}

	/* GFM drops the blanks around a cell's content. */
	while (want_len && want[0] == ' ') {
		want++;
		want_len--;
	}
	while (want_len && want[want_len - 1] == ' ')
		want_len--;
	fuzz_require(seen.len == want_len && !memcmp(seen.data, want, want_len),
		     "the cell reads as the text_escape() output");

	cmark_node_free(root);
	cmark_parser_free(parser);
	buf_release(&doc);
	buf_release(&seen);
}

/* Add `text` to an element as the HTML report does, and parse it back. */
static void check_html(const struct buf *text)
{
	htmlDocPtr doc = htmlNewDoc(NULL, NULL), back;
	xmlNodePtr html, body, bdi, node;
	xmlChar *serialized = NULL, *content;
	int size = 0;

	html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(doc, html);
	body = xmlNewChild(html, NULL, BAD_CAST "body", NULL);
	bdi = xmlNewChild(body, NULL, BAD_CAST "bdi", NULL);
	xmlNodeAddContentLen(bdi, BAD_CAST text->data, (int)text->len);
	htmlDocDumpMemoryFormat(doc, &serialized, &size, 0);
	xmlFreeDoc(doc);
	fuzz_require(serialized != NULL, "libxml2 writes the document");

	back = htmlReadMemory((const char *)serialized, size, NULL, "UTF-8",
			      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			      HTML_PARSE_NONET);
	fuzz_require(back != NULL, "libxml2 reads the document back");
	node = xmlDocGetRootElement(back);
	for (node = node ? node->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    !xmlStrcmp(node->name, BAD_CAST "body"))
			break;
	fuzz_require(node && node->children && !node->children->next,
		     "the body holds one element");
	bdi = node->children;
	fuzz_require(!xmlStrcmp(bdi->name, BAD_CAST "bdi"),
		     "the element is the <bdi>");
	if (text->len) {
		node = bdi->children;
		fuzz_require(node && node->type == XML_TEXT_NODE && !node->next,
			     "the <bdi> holds one text node");
		content = xmlNodeGetContent(node);
		fuzz_require(content && !xmlStrcmp(content, BAD_CAST text->data),
			     "the text node reads as the text_escape() output");
		xmlFree(content);
	}
	xmlFreeDoc(back);
	xmlFree(serialized);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf escaped = BUF_INIT, markdown = BUF_INIT, literal = BUF_INIT;
	const unsigned char *in;
	size_t len, max_chars;
	unsigned flags, markdown_flags;

	if (size < 1)
		return 0;
	max_chars = data[0] ? data[0] : TEXT_NO_LIMIT;
	in = data + 1;
	len = size - 1;

	flags = text_escape(&escaped, (const char *)in, len, max_chars);
	check_escape(in, len, max_chars, &escaped, flags);

	markdown_flags = text_markdown(&markdown, (const char *)in, len,
				       max_chars);
	fuzz_require(markdown_flags == flags,
		     "text_markdown() returns the text_escape() flags");
	markdown_literal(markdown.data, markdown.len, &literal);
	fuzz_require(literal.len == escaped.len &&
		     !memcmp(literal.data, escaped.data, escaped.len),
		     "the Markdown reads as the text_escape() output");
	check_cmark(&markdown, &escaped);
	check_html(&escaped);

	buf_release(&escaped);
	buf_release(&markdown);
	buf_release(&literal);
	return 0;
}
