#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

static int needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* Append `len` bytes of a string body, escaping what JSON requires. */
static void quote_escaped(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char seq[6];

		if (!needs_escape(c))
			continue;
		buf_add(out, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': buf_addlit(out, "\\\""); break;
		case '\\': buf_addlit(out, "\\\\"); break;
		case '\b': buf_addlit(out, "\\b"); break;
		case '\f': buf_addlit(out, "\\f"); break;
		case '\n': buf_addlit(out, "\\n"); break;
		case '\r': buf_addlit(out, "\\r"); break;
		case '\t': buf_addlit(out, "\\t"); break;
		default:
			/* Jansson writes other controls as \u00XX in uppercase. */
			memcpy(seq, "\\u00", 4);
			seq[4] = hex[c >> 4];
			seq[5] = hex[c & 15];
			buf_add(out, seq, sizeof(seq));
			break;
		}
	}
	buf_add(out, s + start, len - start);
}

void json_quote(struct buf *out, const char *s, size_t len)
{
	size_t plain = 0;
	char *end;

	while (plain < len && !needs_escape((unsigned char)s[plain]))
		plain++;
	/*
	 * Most strings need no escape, so one grow makes room for the whole
	 * string with its quotes, and the plain prefix is copied at once.
	 */
	buf_grow(out, len + 2);
	end = out->data + out->len;
	*end++ = '"';
	memcpy(end, s, plain);
	out->len += 1 + plain;
	if (plain < len)
		quote_escaped(out, s + plain, len - plain);
	buf_addch(out, '"');
}

size_t json_int_text(int64_t value, char *text)
{
	char digits[JSON_INT_MAX];
	/* Negate in unsigned arithmetic, where INT64_MIN does not overflow. */
	uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
	size_t count = 0, len = 0;

	do {
		digits[count++] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	if (value < 0)
		text[len++] = '-';
	while (count)
		text[len++] = digits[--count];
	return len;
}

void jsonw_init(struct jsonw *w, struct buf *out, int base_indent)
{
	/*
	 * The level arrays are not cleared, because open_container() sets
	 * each level before anything reads it. A writer is started for every
	 * small array of a credential, so clearing would cost.
	 */
	w->out = out;
	w->depth = 0;
	w->after_key = 0;
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

void jsonw_key_quoted(struct jsonw *w, const char *json, size_t len)
{
	before_value(w);
	buf_add(w->out, json, len);
	if (w->depth && w->compact[w->depth - 1])
		buf_addch(w->out, ':');
	else
		buf_addlit(w->out, ": ");
	w->after_key = 1;
}

void jsonw_keyn(struct jsonw *w, const char *key, size_t len)
{
	before_value(w);
	json_quote(w->out, key, len);
	if (w->depth && w->compact[w->depth - 1])
		buf_addch(w->out, ':');
	else
		buf_addlit(w->out, ": ");
	w->after_key = 1;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_keyn(w, key, strlen(key));
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
	char text[JSON_INT_MAX];

	before_value(w);
	buf_add(w->out, text, json_int_text(value, text));
}

void jsonw_bool(struct jsonw *w, int value)
{
	before_value(w);
	if (value)
		buf_addlit(w->out, "true");
	else
		buf_addlit(w->out, "false");
}

void jsonw_raw(struct jsonw *w, const char *json, size_t len)
{
	before_value(w);
	buf_add(w->out, json, len);
}

void jsonw_null(struct jsonw *w)
{
	before_value(w);
	buf_addlit(w->out, "null");
}
