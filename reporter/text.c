#include "text.h"

#include <stdint.h>
#include <string.h>

static const char *const flag_ids[TEXT_FLAG_COUNT] = {
	"invalid_utf8", "control", "bidi", "zero_width", "truncated",
};

/*
 * ASCII punctuation that can start Markdown or GitLab syntax in the middle
 * of a line: emphasis, code, links, images, HTML, entities, cell breaks,
 * URL autolinks (':' of a scheme, '.' after "www"), GitLab references
 * (#1, !1, ~label, %milestone, $snippet), emoji (:name:), math ($),
 * inline diffs ({+ +}) and footnotes (^). The other ASCII punctuation,
 * " ' ( ) + , - / ; = ?, only has a meaning at the start of a line or
 * after one of these, and an escaped value never starts a line.
 */
static const char markdown_special[] = "\\`*_~[]!<>&|#:.$%^{}";

static const char *const flag_labels[TEXT_FLAG_COUNT] = {
	"invalid UTF-8", "control characters", "bidi controls",
	"invisible characters", "shortened",
};

/*
 * Decode one UTF-8 sequence at `s` (with `left` bytes available). Only the
 * well-formed sequences of Unicode's table 3-7 are accepted: no overlong
 * forms, no surrogates, nothing above U+10FFFF. Returns the length of the
 * sequence, or 0 when the first byte does not start a valid one.
 */
static size_t utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t value;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
		value = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		value = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		value = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (left < need)
		return 0;
	/* Only the second byte has a narrower range; the rest are 80..BF. */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < need; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
			return 0;
		value = (value << 6) | (s[i] & 0x3F);
	}
	*cp = value;
	return need;
}

/*
 * The flag of a code point that must not be shown as it is, or 0. The
 * invisible set is Unicode's Default_Ignorable_Code_Point property plus
 * the interlinear annotation marks U+FFF9-U+FFFB and the noncharacters.
 * It leaves out the variation selectors, which emoji use, and the bidi
 * marks, which have their own flag. Noncharacters have no glyph, and
 * libxml2 2.9 writes U+FFFE and U+FFFF as character references that its
 * own parser rejects.
 */
static unsigned classify(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
	    cp == 0x2028 || cp == 0x2029)
		return TEXT_CONTROL;
	if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return TEXT_BIDI;
	if (cp < 0xAD)
		return 0;
	if (cp == 0x00AD || cp == 0x034F || cp == 0x115F || cp == 0x1160 ||
	    cp == 0x17B4 || cp == 0x17B5 ||
	    (cp >= 0x180B && cp <= 0x180F) ||
	    (cp >= 0x200B && cp <= 0x200D) ||
	    (cp >= 0x2060 && cp <= 0x2065) ||
	    (cp >= 0x206A && cp <= 0x206F) ||
	    cp == 0x3164 || cp == 0xFEFF || cp == 0xFFA0 ||
	    (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE ||
	    (cp >= 0xFFF0 && cp <= 0xFFFB) ||
	    (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
	    (cp >= 0x1D173 && cp <= 0x1D17A) ||
	    (cp >= 0xE0000 && cp <= 0xE00FF) ||
	    (cp >= 0xE01F0 && cp <= 0xE0FFF))
		return TEXT_ZERO_WIDTH;
	return 0;
}

/*
 * Return whether `c` is printable ASCII other than the backslash: a whole
 * character that the display form shows as it is.
 */
static inline int is_plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '\\';
}

/*
 * Return the end of the run of plain ASCII that starts at `pos`, stopping
 * where the characters shown so far, `chars`, would reach `max_chars`.
 */
static size_t skip_plain_ascii(const unsigned char *s, size_t pos,
			       size_t len, size_t max_chars, size_t chars)
{
	size_t end = len;

	if (max_chars != TEXT_NO_LIMIT && max_chars - chars < len - pos)
		end = pos + (max_chars - chars);
	while (pos < end && is_plain_ascii(s[pos]))
		pos++;
	return pos;
}

/*
 * Scan `len` bytes and, when `out` is not NULL, append the display form of
 * at most `max_chars` characters (all of them for TEXT_NO_LIMIT). Returns
 * the flags of the whole input. `*shown_len` is set to the number of input
 * bytes that were shown.
 */
static unsigned escape_scan(struct buf *out, const char *text, size_t len,
			    size_t max_chars, size_t *shown_len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t pos = 0, chars = 0;
	size_t run_start = 0, run_len = 0;   /* plain bytes not yet copied */
	unsigned flags = 0;

	*shown_len = 0;
	while (pos < len) {
		uint32_t cp = 0;
		size_t n;
		unsigned kind;

		/* A run of plain ASCII is copied without decoding each byte. */
		if (is_plain_ascii(s[pos]) &&
		    (max_chars == TEXT_NO_LIMIT || chars < max_chars)) {
			size_t start = pos;

			pos = skip_plain_ascii(s, pos, len, max_chars, chars);
			chars += pos - start;
			if (out) {
				if (!run_len)
					run_start = start;
				run_len += pos - start;
				*shown_len = pos;
			}
			continue;
		}

		n = utf8_decode(s + pos, len - pos, &cp);
		/*
		 * The snapshot reader stores a NUL byte of a value as the
		 * overlong pair C0 80, so it is shown as the control character
		 * U+0000. NOTE: a value whose bytes really are C0 80 shows the
		 * same, flagged as a control character, not as invalid UTF-8.
		 */
		if (!n && s[pos] == 0xC0 && pos + 1 < len && s[pos + 1] == 0x80) {
			cp = 0;
			n = 2;
		}
		kind = n ? classify(cp) : TEXT_INVALID_UTF8;

		flags |= kind;
		if (!n)
			n = 1;
		if (max_chars != TEXT_NO_LIMIT && chars >= max_chars) {
			flags |= TEXT_TRUNCATED;
		} else if (out && !kind && s[pos] != '\\') {
			if (!run_len)
				run_start = pos;
			run_len += n;
			*shown_len = pos + n;
		} else if (out) {
			buf_add(out, s + run_start, run_len);
			run_len = 0;
			if (kind == TEXT_INVALID_UTF8)
				buf_addf(out, "\\x%02X", s[pos]);
			else if (kind)
				buf_addf(out, "\\u{%04X}", (unsigned)cp);
			else
				buf_adds(out, "\\\\");
			*shown_len = pos + n;
		}
		chars++;
		pos += n;
	}
	if (out)
		buf_add(out, s + run_start, run_len);
	return flags;
}

unsigned text_escape(struct buf *out, const char *s, size_t len,
		     size_t max_chars)
{
	size_t shown_len;
	unsigned flags = escape_scan(out, s, len, max_chars,
					     &shown_len);

	if (flags & TEXT_TRUNCATED)
		buf_addf(out, "\xE2\x80\xA6 (%zu bytes, %zu cut)", len,
			 len - shown_len);
	return flags;
}

unsigned text_escape_str(struct buf *out, const char *s, size_t max_chars)
{
	if (!s)
		return 0;
	return text_escape(out, s, strlen(s), max_chars);
}

/* The value of an uppercase hex digit, as text_escape() writes them, or -1. */
static int upper_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append code point `cp` (at most U+10FFFF) in UTF-8. */
static void utf8_encode(struct buf *out, uint32_t cp)
{
	if (cp < 0x80) {
		buf_addch(out, (char)cp);
	} else if (cp < 0x800) {
		buf_addch(out, (char)(0xC0 | (cp >> 6)));
		buf_addch(out, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_addch(out, (char)(0xE0 | (cp >> 12)));
		buf_addch(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(out, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addch(out, (char)(0xF0 | (cp >> 18)));
		buf_addch(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_addch(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(out, (char)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Decode the escape "\u{HEX}" at `s` (4 to 6 uppercase hex digits, at
 * most 10FFFF) into `*cp`. Returns its length, or 0 when it is not one.
 */
static size_t decode_code_point_escape(const char *s, size_t len,
				       uint32_t *cp)
{
	size_t i = 3;

	if (len < 3 || memcmp(s, "\\u{", 3) != 0)
		return 0;
	*cp = 0;
	while (i < len && i < 9 && upper_hex_value(s[i]) >= 0)
		*cp = *cp * 16 + (uint32_t)upper_hex_value(s[i++]);
	if (i < 7 || i >= len || s[i] != '}' || *cp > 0x10FFFF)
		return 0;
	return i + 1;
}

int text_unescape(struct buf *out, const char *s, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *backslash = memchr(s + pos, '\\', len - pos);
		size_t end = backslash ? (size_t)(backslash - s) : len;
		uint32_t cp;
		size_t n;

		buf_add(out, s + pos, end - pos);
		pos = end;
		if (pos == len)
			break;
		if (pos + 1 < len && s[pos + 1] == '\\') {
			buf_addch(out, '\\');
			pos += 2;
		} else if (pos + 3 < len && s[pos + 1] == 'x' &&
			   upper_hex_value(s[pos + 2]) >= 0 &&
			   upper_hex_value(s[pos + 3]) >= 0) {
			buf_addch(out, (char)(upper_hex_value(s[pos + 2]) * 16 +
					      upper_hex_value(s[pos + 3])));
			pos += 4;
		} else if ((n = decode_code_point_escape(s + pos, len - pos,
							 &cp))) {
			utf8_encode(out, cp);
			pos += n;
		} else {
			return -1;
		}
	}
	return 0;
}

unsigned text_scan(const char *s, size_t len)
{
	size_t shown_len;

	return escape_scan(NULL, s, len, TEXT_NO_LIMIT, &shown_len);
}

unsigned text_markdown(struct buf *out, const char *s, size_t len,
		       size_t max_chars)
{
	struct buf safe = BUF_INIT;
	unsigned flags = text_escape(&safe, s, len, max_chars);
	size_t i;

	buf_grow(out, safe.len + safe.len / 4);
	for (i = 0; i < safe.len; i++) {
		unsigned char c = (unsigned char)safe.data[i];

		/*
		 * The autolink extension finds e-mail addresses in the text
		 * after escapes are resolved, so a backslash does not stop
		 * it. A code span splits the text around the '@'.
		 */
		if (c == '@') {
			/* One span per run: "`@``@`" would read as one span. */
			buf_addch(out, '`');
			while (i < safe.len && safe.data[i] == '@')
				buf_addch(out, safe.data[i++]);
			buf_addch(out, '`');
			i--;
			continue;
		}
		if (c < 0x80 && strchr(markdown_special, c))
			buf_addch(out, '\\');
		buf_addch(out, c);
	}
	buf_release(&safe);
	return flags;
}

unsigned text_markdown_str(struct buf *out, const char *s, size_t max_chars)
{
	if (!s)
		return 0;
	return text_markdown(out, s, strlen(s), max_chars);
}

const char *text_flag_id(unsigned flag)
{
	unsigned i;

	for (i = 0; i < TEXT_FLAG_COUNT; i++)
		if (flag == 1u << i)
			return flag_ids[i];
	return "unknown";
}

const char *text_flag_label(unsigned flag)
{
	unsigned i;

	for (i = 0; i < TEXT_FLAG_COUNT; i++)
		if (flag == 1u << i)
			return flag_labels[i];
	return "unknown";
}

void text_flag_labels(struct buf *out, unsigned flags)
{
	unsigned i;
	int first = 1;

	for (i = 0; i < TEXT_FLAG_COUNT; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (!first)
			buf_adds(out, ", ");
		buf_adds(out, flag_labels[i]);
		first = 0;
	}
}
