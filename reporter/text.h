#ifndef CREDAUDIT_TEXT_H
#define CREDAUDIT_TEXT_H

#include <stddef.h>

#include "buf.h"

/*
 * Display-safe text from untrusted bytes: token names, key titles, user
 * names, GPG user IDs, paths. Every report writes such values through
 * text_escape(), so a value cannot break the layout of a report, hide
 * characters, or reorder the text around it.
 *
 * The output is always valid UTF-8 and uses one convention:
 *
 *   \\          a literal backslash (always doubled, so the form is reversible)
 *   \xNN        a byte that is not part of valid UTF-8 (uppercase hex)
 *   \u{NNNN}    a control, bidi or invisible code point (uppercase hex,
 *               at least four digits), e.g. \u{000A}, \u{202E}, \u{E0041}
 *
 * Every other character, right-to-left letters included, is copied as it
 * is. All functions run in time linear in the input.
 */

/* Kinds of input that text_escape() escaped or cut. Renderers flag such rows. */
enum text_flag {
	TEXT_INVALID_UTF8 = 1u << 0,  /* bytes that are not valid UTF-8 */
	TEXT_CONTROL = 1u << 1,       /* C0, DEL, C1, U+2028, U+2029 */
	TEXT_BIDI = 1u << 2,          /* U+061C, U+200E, U+200F, U+202A-U+202E,
					 U+2066-U+2069 */
	TEXT_ZERO_WIDTH = 1u << 3,    /* U+200B-U+200D, U+2060-U+2064, U+FEFF,
					 tag characters, other invisible
					 format characters and noncharacters
					 (U+FDD0-U+FDEF, U+FFFE, U+FFFF and
					 the same in every plane) */
	TEXT_TRUNCATED = 1u << 4,     /* more than max_chars characters */
};

#define TEXT_FLAG_COUNT 5

/* Characters of a name, title or user ID shown in the HTML and Markdown. */
#define TEXT_NAME_MAX 200
/* Characters of the snapshot path shown in the HTML and Markdown. */
#define TEXT_PATH_MAX 1000
/* Characters of a finding message shown in the HTML and Markdown. */
#define TEXT_MESSAGE_MAX 500
/* max_chars value that shows the whole text (the JSON report uses it). */
#define TEXT_NO_LIMIT 0

/*
 * Append the display form of `len` bytes at `s` to `out` and return the
 * enum text_flag bits that describe the input. A character is a code
 * point or an invalid byte. When the input has more than `max_chars`
 * characters (and max_chars is not TEXT_NO_LIMIT), only the first
 * max_chars are shown, followed by "… (N bytes, M cut)" where N is the
 * input length and M the number of input bytes left out. The flags cover
 * the whole input, the part that was cut included.
 */
unsigned text_escape(struct buf *out, const char *s, size_t len,
		     size_t max_chars);
/* text_escape() of a NUL-terminated string; NULL appends nothing. */
unsigned text_escape_str(struct buf *out, const char *s, size_t max_chars);
/* The flags that text_escape() would return with TEXT_NO_LIMIT. */
unsigned text_scan(const char *s, size_t len);

/*
 * Append the bytes whose text_escape() with TEXT_NO_LIMIT is the `len`
 * bytes at `s`, so that a value that plan.json stores in display form can
 * be rendered again. Returns 0, or -1 when a backslash in `s` starts no
 * escape of the three forms above; `out` then has the bytes before it.
 */
int text_unescape(struct buf *out, const char *s, size_t len);

/*
 * Append `s` so that GitHub-flavoured Markdown shows it literally inside a
 * table cell or a list item, where it never starts a line. A backslash
 * escapes the ASCII punctuation that can start syntax in mid-line
 * (\ ` * _ ~ [ ] ! < > & | # : . $ % ^ { }), which stops emphasis, links,
 * URL autolinks (the ':' of a scheme, the '.' after "www"), raw HTML,
 * entities, code spans, cell separators and GitLab references (#1, !1,
 * ~label). An '@' is written as the code span `@`, because the autolink
 * extension of cmark-gfm 0.29 finds e-mail addresses after escapes are
 * resolved. The span also stops GitLab @mentions. Line breaks and other
 * controls are escaped by the text_escape() step first. Returns the
 * text_escape() flags.
 *
 * NOTE: the tests check this with cmark-gfm and its GFM extensions only.
 * GitLab's own renderer and reference filters were not run.
 */
unsigned text_markdown(struct buf *out, const char *s, size_t len,
		       size_t max_chars);
unsigned text_markdown_str(struct buf *out, const char *s, size_t max_chars);

/* The name of one flag bit as the JSON report writes it: "bidi". */
const char *text_flag_id(unsigned flag);
/* The same for people: "bidi controls". */
const char *text_flag_label(unsigned flag);
/* Append the labels of all bits in `flags`, separated by ", ". */
void text_flag_labels(struct buf *out, unsigned flags);

#endif
