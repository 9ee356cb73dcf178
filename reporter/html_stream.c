/*
 * HTML written as text into a buffer (html_stream.h). The markup of each
 * function matches its html_build.c counterpart, so a change there must
 * be made here too for the inventory pages to follow.
 */
#include "html_stream.h"

#include <stdarg.h>
#include <string.h>

#include "text.h"

void html_stream_init(struct html_stream *hs, struct buf *out)
{
	hs->out = out;
	buf_init(&hs->scratch);
}

void html_stream_release(struct html_stream *hs)
{
	buf_release(&hs->scratch);
}

/* Bytes that escape() writes as entities: in text, and in attribute values. */
#define SPECIAL_TEXT 1
#define SPECIAL_ATTRIBUTE 2

static const unsigned char special[256] = {
	['&'] = SPECIAL_TEXT | SPECIAL_ATTRIBUTE,
	['<'] = SPECIAL_TEXT | SPECIAL_ATTRIBUTE,
	['>'] = SPECIAL_TEXT | SPECIAL_ATTRIBUTE,
	['"'] = SPECIAL_ATTRIBUTE,
};

/*
 * Append `len` bytes with the characters that HTML gives a meaning
 * written as entities: & < > always, and " within an attribute value.
 */
static void escape(struct buf *out, const char *text, size_t len,
		   int attribute)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	unsigned mask = attribute ? SPECIAL_ATTRIBUTE : SPECIAL_TEXT;

	for (;;) {
		const unsigned char *run = p;

		while (p < end && !(special[*p] & mask))
			p++;
		buf_add(out, run, (size_t)(p - run));
		if (p == end)
			return;
		switch (*p++) {
		case '&':
			buf_addlit(out, "&amp;");
			break;
		case '<':
			buf_addlit(out, "&lt;");
			break;
		case '>':
			buf_addlit(out, "&gt;");
			break;
		default:
			buf_addlit(out, "&quot;");
			break;
		}
	}
}

void html_stream_text_len(struct html_stream *hs, const char *text,
			  size_t len)
{
	escape(hs->out, text, len, 0);
}

void html_stream_text(struct html_stream *hs, const char *text)
{
	escape(hs->out, text, strlen(text), 0);
}

/* Formats in the scratch buffer, so no argument may point into it. */
void html_stream_textf(struct html_stream *hs, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&hs->scratch);
	va_start(ap, fmt);
	buf_vaddf(&hs->scratch, fmt, ap);
	va_end(ap);
	escape(hs->out, hs->scratch.data, hs->scratch.len, 0);
}

void html_stream_number(struct html_stream *hs, int64_t value)
{
	char digits[HTML_DECIMAL_MAX];

	buf_add(hs->out, digits, html_stream_decimal(digits, value));
}

size_t html_stream_decimal(char out[HTML_DECIMAL_MAX], int64_t value)
{
	char digits[HTML_DECIMAL_MAX];
	char *start = digits + sizeof(digits);
	/* Negate as unsigned, so that INT64_MIN does not overflow. */
	uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
	size_t len;

	do {
		*--start = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	if (value < 0)
		*--start = '-';
	len = (size_t)(digits + sizeof(digits) - start);
	memcpy(out, start, len);
	out[len] = '\0';
	return len;
}

void html_stream_start_tag(struct html_stream *hs, const char *tag)
{
	buf_addch(hs->out, '<');
	buf_add(hs->out, tag, strlen(tag));
}

void html_stream_attr_join(struct html_stream *hs, const char *name,
			   const char *prefix, const char *value)
{
	buf_addch(hs->out, ' ');
	buf_add(hs->out, name, strlen(name));
	buf_addlit(hs->out, "=\"");
	escape(hs->out, prefix, strlen(prefix), 1);
	escape(hs->out, value, strlen(value), 1);
	buf_addch(hs->out, '"');
}

void html_stream_attr(struct html_stream *hs, const char *name,
		      const char *value)
{
	html_stream_attr_join(hs, name, "", value);
}

void html_stream_start_tag_end(struct html_stream *hs)
{
	buf_addch(hs->out, '>');
}

void html_stream_open(struct html_stream *hs, const char *tag,
		      const char *class_name)
{
	html_stream_start_tag(hs, tag);
	if (class_name)
		html_stream_attr(hs, "class", class_name);
	html_stream_start_tag_end(hs);
}

void html_stream_close(struct html_stream *hs, const char *tag)
{
	buf_addlit(hs->out, "</");
	buf_add(hs->out, tag, strlen(tag));
	buf_addch(hs->out, '>');
}

void html_stream_element(struct html_stream *hs, const char *tag,
			 const char *class_name, const char *text)
{
	html_stream_open(hs, tag, class_name);
	html_stream_text(hs, text);
	html_stream_close(hs, tag);
}

void html_stream_span(struct html_stream *hs, const char *class_name,
		      const char *text)
{
	html_stream_element(hs, "span", class_name, text);
}

void html_stream_br(struct html_stream *hs)
{
	buf_addlit(hs->out, "<br>");
}

void html_stream_flags(struct html_stream *hs, unsigned flags)
{
	buf_reset(&hs->scratch);
	text_flag_labels(&hs->scratch, flags);
	html_stream_text(hs, " ");
	html_stream_span(hs, "ca-text-flag", hs->scratch.data);
}

unsigned html_stream_bdi(struct html_stream *hs, const char *text,
			 size_t max_chars)
{
	unsigned flags;

	if (!text) {
		html_stream_span(hs, "ca-none", "none");
		return 0;
	}
	if (!*text) {
		html_stream_span(hs, "ca-none", "empty");
		return 0;
	}
	buf_reset(&hs->scratch);
	flags = text_escape_str(&hs->scratch, text, max_chars);
	buf_addlit(hs->out, "<bdi>");
	escape(hs->out, hs->scratch.data, hs->scratch.len, 0);
	buf_addlit(hs->out, "</bdi>");
	return flags;
}

unsigned html_stream_user_text(struct html_stream *hs, const char *text,
			       size_t max_chars)
{
	unsigned flags = html_stream_bdi(hs, text, max_chars);

	if (flags)
		html_stream_flags(hs, flags);
	return flags;
}

void html_stream_severity(struct html_stream *hs, enum severity sev)
{
	html_stream_start_tag(hs, "span");
	html_stream_attr_join(hs, "class", "sev sev-", severity_id(sev));
	html_stream_start_tag_end(hs);
	html_stream_text(hs, severity_id(sev));
	html_stream_close(hs, "span");
}

void html_stream_td_text(struct html_stream *hs, const char *class_name,
			 const char *text)
{
	html_stream_element(hs, "td", class_name, text);
}

void html_stream_td_unavailable(struct html_stream *hs)
{
	html_stream_open(hs, "td", NULL);
	html_stream_span(hs, "ca-unavailable", NOT_AVAILABLE);
	html_stream_close(hs, "td");
}

void html_stream_td_number(struct html_stream *hs, int64_t value)
{
	html_stream_open(hs, "td", "num");
	html_stream_number(hs, value);
	html_stream_close(hs, "td");
}

/* Append the date and the time as two unbreakable parts. */
void html_stream_date_time(struct html_stream *hs, const char *text)
{
	const char *time_part = strchr(text, 'T');

	if (!time_part) {
		html_stream_span(hs, "ca-nowrap", text);
		return;
	}
	html_stream_open(hs, "span", "ca-nowrap");
	html_stream_text_len(hs, text, (size_t)(time_part - text));
	html_stream_close(hs, "span");
	html_stream_span(hs, "ca-nowrap", time_part);
}

void html_stream_td_timestamp(struct html_stream *hs,
			      const struct credential *cred, unsigned field,
			      const struct timestamp *ts,
			      const char *none_text)
{
	char text[TS_TEXT_MAX];
	unsigned flags;

	switch (render_timestamp(cred, field, ts, text)) {
	case VALUE_SET:
		html_stream_open(hs, "td", "date");
		html_stream_date_time(hs, text);
		html_stream_close(hs, "td");
		break;
	case VALUE_NONE:
		html_stream_open(hs, "td", "date");
		html_stream_span(hs, "ca-none", none_text);
		html_stream_close(hs, "td");
		break;
	case VALUE_INVALID:
		html_stream_open(hs, "td", NULL);
		html_stream_open(hs, "span", "ca-invalid");
		flags = html_stream_bdi(hs, ts->raw ? ts->raw : "",
					TEXT_NAME_MAX);
		html_stream_close(hs, "span");
		html_stream_span(hs, "ca-invalid", " (invalid)");
		if (flags)
			html_stream_flags(hs, flags);
		html_stream_close(hs, "td");
		break;
	case VALUE_UNAVAILABLE:
		html_stream_td_unavailable(hs);
		break;
	}
}

void html_stream_owner(struct html_stream *hs, const struct owner *owner,
		       int64_t owner_id, unsigned unavailable)
{
	/* Without the user_id column, no owner id was read, not even 0. */
	if (unavailable & FIELD_OWNER_UNKNOWN) {
		html_stream_span(hs, "ca-unavailable", NOT_AVAILABLE);
		return;
	}
	if (!owner) {
		html_stream_text(hs, "user ");
		html_stream_number(hs, owner_id);
		html_stream_text(hs, " ");
		html_stream_span(hs, "ca-badge", "not in the snapshot");
		return;
	}
	html_stream_user_text(hs, owner->username, TEXT_NAME_MAX);
	if (owner->name) {
		html_stream_br(hs);
		html_stream_open(hs, "span", "muted");
		html_stream_user_text(hs, owner->name, TEXT_NAME_MAX);
		html_stream_close(hs, "span");
	}
	html_stream_br(hs);
	html_stream_open(hs, "span", "muted");
	if (owner->state)
		html_stream_user_text(hs, owner->state, TEXT_NAME_MAX);
	else if (unavailable & FIELD_OWNER_STATE)
		html_stream_text(hs, "state " NOT_AVAILABLE);
	else
		html_stream_text(hs, "state unknown");
	html_stream_text(hs, " \xC2\xB7 ");
	html_stream_text(hs, user_type_id(owner->user_type));
	if (owner->admin == 1)
		html_stream_text(hs, " \xC2\xB7 administrator");
	html_stream_close(hs, "span");
}
