#include "jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_quote(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = 0;

	buf_grow(out, len + 2);
	buf_addch(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *escape;
		char seq[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(out, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': escape = "\\\""; break;
		case '\\': escape = "\\\\"; break;
		case '\b': escape = "\\b"; break;
		case '\f': escape = "\\f"; break;
		case '\n': escape = "\\n"; break;
		case '\r': escape = "\\r"; break;
		case '\t': escape = "\\t"; break;
		default:
			/* Jansson writes other controls as \u00XX in uppercase. */
			memcpy(seq, "\\u00", 4);
			seq[4] = hex[c >> 4];
			seq[5] = hex[c & 15];
			seq[6] = '\0';
			escape = seq;
			break;
		}
		buf_adds(out, escape);
	}
	buf_add(out, s + start, len - start);
	buf_addch(out, '"');
}

void jsonw_init(struct jsonw *w, struct buf *out, int base_indent)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->base_indent = base_indent;
}

static void newline(struct jsonw *w, int depth)
{
	int spaces = 2 * (w->base_indent + depth);

	buf_grow(w->out, (size_t)spaces + 1);
	w->out->data[w->out->len++] = '\n';
	memset(w->out->data + w->out->len, ' ', (size_t)spaces);
	w->out->len += (size_t)spaces;
	w->out->data[w->out->len] = '\0';
}

/* Write what goes before a value: a separator and indentation. */
static void before_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->depth)
		return;
	if (!w->empty[w->depth - 1])
		buf_addch(w->out, ',');
	w->empty[w->depth - 1] = 0;
	if (!w->compact[w->depth - 1])
		newline(w, w->depth);
}

static void open_container(struct jsonw *w, char bracket, char close,
			   int compact)
{
	/* The documents credaudit writes nest a few levels; more is a bug. */
	if (w->depth == JSONW_DEPTH_MAX)
		abort();
	before_value(w);
	buf_addch(w->out, bracket);
	w->compact[w->depth] = compact || (w->depth && w->compact[w->depth - 1]);
	w->empty[w->depth] = 1;
	w->close[w->depth] = close;
	w->depth++;
}

void jsonw_object(struct jsonw *w, int compact)
{
	open_container(w, '{', '}', compact);
}

void jsonw_array(struct jsonw *w, int compact)
{
	open_container(w, '[', ']', compact);
}

void jsonw_end(struct jsonw *w)
{
	int d = --w->depth;

	if (!w->empty[d] && !w->compact[d])
		newline(w, d);
	buf_addch(w->out, w->close[d]);
}

void jsonw_key(struct jsonw *w, const char *key)
{
	before_value(w);
	json_quote(w->out, key, strlen(key));
	buf_adds(w->out, w->depth && w->compact[w->depth - 1] ? ":" : ": ");
	w->after_key = 1;
}

void jsonw_stringn(struct jsonw *w, const char *s, size_t len)
{
	before_value(w);
	json_quote(w->out, s, len);
}

void jsonw_string(struct jsonw *w, const char *s)
{
	jsonw_stringn(w, s, strlen(s));
}

void jsonw_string_or_null(struct jsonw *w, const char *s)
{
	if (s)
		jsonw_string(w, s);
	else
		jsonw_null(w);
}

void jsonw_int(struct jsonw *w, int64_t value)
{
	char text[24];

	before_value(w);
	snprintf(text, sizeof(text), "%" PRId64, value);
	buf_adds(w->out, text);
}

void jsonw_bool(struct jsonw *w, int value)
{
	before_value(w);
	buf_adds(w->out, value ? "true" : "false");
}

void jsonw_raw(struct jsonw *w, const char *json, size_t len)
{
	before_value(w);
	buf_add(w->out, json, len);
}

void jsonw_null(struct jsonw *w)
{
	before_value(w);
	buf_adds(w->out, "null");
}
