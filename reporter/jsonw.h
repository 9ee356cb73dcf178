#ifndef CREDAUDIT_JSONW_H
#define CREDAUDIT_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * A JSON writer that appends to a buffer as it goes, for documents too
 * large to build as a tree. Its output is byte for byte what Jansson's
 * json_dumps() writes for the same values: with JSON_INDENT(2) for a
 * pretty container, with JSON_COMPACT for a compact one, and with
 * Jansson's escaping of strings. The caller writes keys and values in a
 * valid order; the writer adds separators and indentation.
 */
#define JSONW_DEPTH_MAX 32

struct jsonw {
	struct buf *out;
	int depth;                    /* open containers */
	int compact[JSONW_DEPTH_MAX]; /* container at this depth is compact */
	int empty[JSONW_DEPTH_MAX];   /* nothing written in it yet */
	char close[JSONW_DEPTH_MAX];  /* '}' or ']' */
	int after_key;
	int base_indent;              /* levels of indentation outside the writer */
};

/*
 * Start writing to `out`. `base_indent` is the depth at which the first
 * value sits in an enclosing pretty document, for values written apart
 * from it, as the elements of a streamed array are.
 */
void jsonw_init(struct jsonw *w, struct buf *out, int base_indent);

/* Open an object or array; `compact` writes it and all inside on one line. */
void jsonw_object(struct jsonw *w, int compact);
void jsonw_array(struct jsonw *w, int compact);
void jsonw_end(struct jsonw *w);

void jsonw_key(struct jsonw *w, const char *key);
void jsonw_keyn(struct jsonw *w, const char *key, size_t len);
/* A key already written as a JSON string, with its quotes. */
void jsonw_key_quoted(struct jsonw *w, const char *json, size_t len);
/*
 * A key given as a string literal, quoted and measured at compile time.
 * The literal must need no JSON escapes, as is true of field names.
 */
#define jsonw_keylit(w, lit) \
	jsonw_key_quoted((w), "\"" lit "\"", sizeof(lit) + 1)
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_stringn(struct jsonw *w, const char *s, size_t len);
void jsonw_int(struct jsonw *w, int64_t value);
void jsonw_bool(struct jsonw *w, int value);
void jsonw_null(struct jsonw *w);
/* A string, or null for NULL. */
void jsonw_string_or_null(struct jsonw *w, const char *s);
/* A value already written as JSON text, such as one built aside. */
void jsonw_raw(struct jsonw *w, const char *json, size_t len);

/* Append `len` bytes of UTF-8 as a JSON string with quotes, as Jansson does. */
void json_quote(struct buf *out, const char *s, size_t len);

/* Maximum length of the JSON text of an int64_t: a sign and 19 digits. */
#define JSON_INT_MAX 20

/*
 * Write the decimal JSON text of `value` into `text` (JSON_INT_MAX bytes,
 * not NUL-terminated) and return its length.
 */
size_t json_int_text(int64_t value, char *text);

#endif
