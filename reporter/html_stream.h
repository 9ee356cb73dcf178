#ifndef CREDAUDIT_HTML_STREAM_H
#define CREDAUDIT_HTML_STREAM_H

#include <stdint.h>

#include "buf.h"
#include "render_core.h"

/*
 * HTML written straight into a buffer as text, for the inventory rows:
 * a libxml2 tree costs allocations for every element, attribute and
 * string, and a large snapshot has a million rows. The functions below
 * write the same markup as their counterparts in html_build.h. Text has
 * & < > written as entities, and attribute values also ". Untrusted
 * values pass through text_escape() first, as in html_build.c, so no
 * value can become markup.
 *
 * The caller writes elements in document order and closes each one
 * itself, because nothing checks that tags nest.
 */
struct html_stream {
	struct buf *out;        /* borrowed; the caller may change it */
	struct buf scratch;     /* text_escape() output before HTML escaping */
};

void html_stream_init(struct html_stream *hs, struct buf *out);
void html_stream_release(struct html_stream *hs);

/* Append `len` bytes of text with & < > written as entities. */
void html_stream_text_len(struct html_stream *hs, const char *text,
			  size_t len);
/* The same for a NUL-terminated string that credaudit wrote itself. */
void html_stream_text(struct html_stream *hs, const char *text);
void html_stream_textf(struct html_stream *hs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append `value` in decimal, as printf's "%" PRId64 writes it. */
void html_stream_number(struct html_stream *hs, int64_t value);
/* Size of a buffer for an int64_t in decimal, with its sign and the NUL. */
#define HTML_DECIMAL_MAX 21
/* Write `value` to `out` as html_stream_number() does; returns its length. */
size_t html_stream_decimal(char out[HTML_DECIMAL_MAX], int64_t value);

/*
 * Append "<tag": attributes follow with html_stream_attr(), and
 * html_stream_start_tag_end() closes the start tag.
 */
void html_stream_start_tag(struct html_stream *hs, const char *tag);
/* Append ` name="value"`, with & < > " in the value as entities. */
void html_stream_attr(struct html_stream *hs, const char *name,
		      const char *value);
/* The same for a value made of two parts, such as "state-" and an id. */
void html_stream_attr_join(struct html_stream *hs, const char *name,
			   const char *prefix, const char *value);
void html_stream_start_tag_end(struct html_stream *hs);
/* Append "<tag>", or "<tag class=...>" when class_name is not NULL. */
void html_stream_open(struct html_stream *hs, const char *tag,
		      const char *class_name);
/* Append the end tag "</tag>". */
void html_stream_close(struct html_stream *hs, const char *tag);
/* Append an element with `text`, as html_el_text() and html_span() do. */
void html_stream_element(struct html_stream *hs, const char *tag,
			 const char *class_name, const char *text);
void html_stream_span(struct html_stream *hs, const char *class_name,
		      const char *text);
/* Append "<br>", which has no end tag. */
void html_stream_br(struct html_stream *hs);

/* Append what html_add_flags(), html_add_bdi(), html_add_user_text() add. */
void html_stream_flags(struct html_stream *hs, unsigned flags);
unsigned html_stream_bdi(struct html_stream *hs, const char *text,
			 size_t max_chars);
unsigned html_stream_user_text(struct html_stream *hs, const char *text,
			       size_t max_chars);

/* Append what the html_build.h function of the same last name builds. */
void html_stream_severity(struct html_stream *hs, enum severity sev);
void html_stream_td_text(struct html_stream *hs, const char *class_name,
			 const char *text);
void html_stream_td_unavailable(struct html_stream *hs);
void html_stream_td_number(struct html_stream *hs, int64_t value);
void html_stream_date_time(struct html_stream *hs, const char *text);
void html_stream_td_timestamp(struct html_stream *hs,
			      const struct credential *cred, unsigned field,
			      const struct timestamp *ts,
			      const char *none_text);
/* Append the content of an owner cell, without the <td> around it. */
void html_stream_owner(struct html_stream *hs, const struct owner *owner,
		       int64_t owner_id, unsigned unavailable);

#endif
