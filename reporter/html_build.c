/*
 * Building blocks of the HTML pages (html_build.h): elements, cells and
 * untrusted text as libxml2 nodes.
 */
#include "html_build.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* Tree building. */

xmlNodePtr html_el(xmlNodePtr parent, const char *tag)
{
	return xmlNewChild(parent, NULL, BAD_CAST tag, NULL);
}

void html_set_attr(xmlNodePtr node, const char *name, const char *value)
{
	xmlSetProp(node, BAD_CAST name, BAD_CAST value);
}

/* Append text that credaudit wrote itself: rule ids, labels, numbers. */
void html_add_text(xmlNodePtr node, const char *text)
{
	xmlNodeAddContent(node, BAD_CAST text);
}

void html_add_textf(xmlNodePtr node, const char *fmt, ...)
{
	struct buf text = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	html_add_text(node, text.data);
	buf_release(&text);
}

xmlNodePtr html_el_text(xmlNodePtr parent, const char *tag,
			  const char *text)
{
	xmlNodePtr node = html_el(parent, tag);

	html_add_text(node, text);
	return node;
}

xmlNodePtr html_span(xmlNodePtr parent, const char *class_name,
		       const char *text)
{
	xmlNodePtr node = html_el_text(parent, "span", text);

	html_set_attr(node, "class", class_name);
	return node;
}

xmlNodePtr html_add_link(xmlNodePtr parent, const char *target,
			   const char *text)
{
	struct buf href = BUF_INIT;
	xmlNodePtr node = html_el_text(parent, "a", text);

	buf_addf(&href, "#%s", target);
	html_set_attr(node, "href", href.data);
	buf_release(&href);
	return node;
}

xmlNodePtr html_add_file_link(xmlNodePtr parent, const char *href,
			      const char *text)
{
	xmlNodePtr node = html_el_text(parent, "a", text);

	html_set_attr(node, "href", href);
	return node;
}

void html_add_flags(xmlNodePtr parent, unsigned flags)
{
	struct buf labels = BUF_INIT;

	text_flag_labels(&labels, flags);
	html_add_text(parent, " ");
	html_span(parent, "ca-text-flag", labels.data);
	buf_release(&labels);
}

/*
 * Append untrusted text in its own <bdi>, so right-to-left text or a
 * stray direction cannot reorder what follows. NULL shows as "none".
 * Returns the text_escape() flags.
 */
unsigned html_add_bdi(struct html *h, xmlNodePtr parent, const char *text,
			size_t max_chars)
{
	xmlNodePtr bdi;
	unsigned flags;

	if (!text) {
		html_span(parent, "ca-none", "none");
		return 0;
	}
	if (!*text) {
		html_span(parent, "ca-none", "empty");
		return 0;
	}
	buf_reset(&h->scratch);
	flags = text_escape_str(&h->scratch, text, max_chars);
	bdi = html_el(parent, "bdi");
	xmlNodeAddContentLen(bdi, BAD_CAST h->scratch.data, (int)h->scratch.len);
	return flags;
}

/* html_add_bdi(), then a mark that names the escapes the text needed. */
unsigned html_add_user_text(struct html *h, xmlNodePtr parent,
			      const char *text, size_t max_chars)
{
	unsigned flags = html_add_bdi(h, parent, text, max_chars);

	if (flags)
		html_add_flags(parent, flags);
	return flags;
}

xmlNodePtr html_add_severity(xmlNodePtr parent, enum severity sev)
{
	struct buf class_name = BUF_INIT;
	xmlNodePtr node;

	buf_addf(&class_name, "sev sev-%s", severity_id(sev));
	node = html_span(parent, class_name.data, severity_id(sev));
	buf_release(&class_name);
	return node;
}

xmlNodePtr html_add_table(xmlNodePtr parent, const char *class_name,
			    const char *const *headers, size_t count)
{
	xmlNodePtr table = html_el(parent, "table");
	xmlNodePtr row;
	size_t i;

	if (class_name)
		html_set_attr(table, "class", class_name);
	row = html_el(html_el(table, "thead"), "tr");
	for (i = 0; i < count; i++) {
		xmlNodePtr th = html_el_text(row, "th", headers[i]);

		html_set_attr(th, "scope", "col");
	}
	return html_el(table, "tbody");
}

xmlNodePtr html_td(xmlNodePtr row, const char *class_name)
{
	xmlNodePtr cell = html_el(row, "td");

	if (class_name)
		html_set_attr(cell, "class", class_name);
	return cell;
}

void html_td_text(xmlNodePtr row, const char *class_name, const char *text)
{
	html_add_text(html_td(row, class_name), text);
}

void html_td_unavailable(xmlNodePtr row)
{
	html_span(html_td(row, NULL), "ca-unavailable", NOT_AVAILABLE);
}

void html_td_number(xmlNodePtr row, int64_t value)
{
	html_add_textf(html_td(row, "num"), "%" PRId64, value);
}

void html_add_cred_link(xmlNodePtr parent, const struct worst_case *wc,
			const char *page)
{
	struct buf target = BUF_INIT, text = BUF_INIT;
	xmlNodePtr link;

	if (page)
		buf_addf(&target, "%s", page);
	buf_addch(&target, '#');
	render_row_anchor(&target, wc->kind, wc->id, wc->row);
	render_cred_label(&text, wc->kind, wc->id, wc->invalid_id, wc->row);
	text.data[0] = (char)toupper((unsigned char)text.data[0]);
	link = html_el_text(parent, "a", text.data);
	html_set_attr(link, "href", target.data);
	buf_release(&target);
	buf_release(&text);
}

/*
 * Append "2026-12-04T12:00:00Z" as two unbreakable parts, so that a narrow
 * column wraps after the date and nowhere else.
 */
void html_add_date_time(xmlNodePtr parent, const char *text)
{
	const char *time_part = strchr(text, 'T');
	xmlNodePtr date;

	if (!time_part) {
		html_span(parent, "ca-nowrap", text);
		return;
	}
	date = html_span(parent, "ca-nowrap", "");
	xmlNodeAddContentLen(date, BAD_CAST text, (int)(time_part - text));
	html_span(parent, "ca-nowrap", time_part);
}

/* A timestamp cell: date, "never"/"no expiry", raw text, or unavailable. */
void html_td_timestamp(struct html *h, xmlNodePtr row,
			 const struct credential *cred, unsigned field,
			 const struct timestamp *ts, const char *none_text)
{
	char text[TS_TEXT_MAX];
	xmlNodePtr cell;
	unsigned flags;

	switch (render_timestamp(cred, field, ts, text)) {
	case VALUE_SET:
		html_add_date_time(html_td(row, "date"), text);
		break;
	case VALUE_NONE:
		html_span(html_td(row, "date"), "ca-none", none_text);
		break;
	case VALUE_INVALID:
		cell = html_td(row, NULL);
		flags = html_add_bdi(h, html_span(cell, "ca-invalid", ""),
				ts->raw ? ts->raw : "", TEXT_NAME_MAX);
		html_span(cell, "ca-invalid", " (invalid)");
		if (flags)
			html_add_flags(cell, flags);
		break;
	case VALUE_UNAVAILABLE:
		html_td_unavailable(row);
		break;
	}
}

/* Header: what was audited, when, with what, under which rules. */

void html_fact(xmlNodePtr list, const char *term, const char *text)
{
	html_el_text(list, "dt", term);
	html_add_text(html_el(list, "dd"), text);
}

/* Owner of a credential: username, name, state and user type. */
void html_add_owner(struct html *h, xmlNodePtr cell,
		    const struct owner *owner, int64_t owner_id,
		    unsigned unavailable)
{
	xmlNodePtr details;

	/* Without the user_id column, no owner id was read, not even 0. */
	if (unavailable & FIELD_OWNER_UNKNOWN) {
		html_span(cell, "ca-unavailable", NOT_AVAILABLE);
		return;
	}
	if (!owner) {
		html_add_textf(cell, "user %" PRId64 " ", owner_id);
		html_span(cell, "ca-badge", "not in the snapshot");
		return;
	}
	html_add_user_text(h, cell, owner->username, TEXT_NAME_MAX);
	if (owner->name) {
		html_el(cell, "br");
		details = html_span(cell, "muted", "");
		html_add_user_text(h, details, owner->name, TEXT_NAME_MAX);
	}
	html_el(cell, "br");
	details = html_span(cell, "muted", "");
	if (owner->state)
		html_add_user_text(h, details, owner->state, TEXT_NAME_MAX);
	else if (unavailable & FIELD_OWNER_STATE)
		html_add_text(details, "state " NOT_AVAILABLE);
	else
		html_add_text(details, "state unknown");
	html_add_textf(details, " \xC2\xB7 %s", user_type_id(owner->user_type));
	if (owner->admin == 1)
		html_add_text(details, " \xC2\xB7 administrator");
}

/* Append ` "name"` in running text, or nothing when there is no name. */
void html_add_quoted_name(struct html *h, xmlNodePtr parent, const char *name)
{
	unsigned flags;

	if (!name)
		return;
	html_add_text(parent, " \"");
	flags = html_add_bdi(h, parent, name, TEXT_NAME_MAX);
	html_add_text(parent, "\"");
	if (flags)
		html_add_flags(parent, flags);
}

/*
 * Drop libxml2's own messages: it would print them to stderr without the
 * program name, and every failure already reaches `err` with its reason.
 */
void html_ignore_error(void *data, xmlErrorPtr error)
{
}
