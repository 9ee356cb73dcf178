#ifndef CREDAUDIT_HTML_BUILD_H
#define CREDAUDIT_HTML_BUILD_H

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "render_core.h"

/*
 * Building blocks of the HTML pages, the overview (render_html.c) and the
 * inventory pages (render_inventory.c). Every value from the snapshot
 * enters a page as a text node or an attribute value after text_escape(),
 * so libxml2 escapes it on output and no value can become markup.
 */
struct html {
	const struct render_context *ctx;
	htmlDocPtr doc;
	struct buf scratch;
};

xmlNodePtr html_el(xmlNodePtr parent, const char *tag);
xmlNodePtr html_el_text(xmlNodePtr parent, const char *tag, const char *text);
void html_set_attr(xmlNodePtr node, const char *name, const char *value);
/* Append text that credaudit wrote itself: rule ids, labels, numbers. */
void html_add_text(xmlNodePtr node, const char *text);
void html_add_textf(xmlNodePtr node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
xmlNodePtr html_span(xmlNodePtr parent, const char *class_name,
		     const char *text);
/* A link to "#target" on the same page. */
xmlNodePtr html_add_link(xmlNodePtr parent, const char *target,
			 const char *text);
/* A link to another file of the report, relative to this page. */
xmlNodePtr html_add_file_link(xmlNodePtr parent, const char *href,
			      const char *text);
/* A mark that names the text_escape() flags of a value. */
void html_add_flags(xmlNodePtr parent, unsigned flags);
/*
 * Append untrusted text in its own <bdi>, so right-to-left text or a
 * stray direction cannot reorder what follows. NULL shows as "none".
 * Returns the text_escape() flags.
 */
unsigned html_add_bdi(struct html *h, xmlNodePtr parent, const char *text,
		      size_t max_chars);
/* html_add_bdi(), then a mark that names the escapes the text needed. */
unsigned html_add_user_text(struct html *h, xmlNodePtr parent,
			    const char *text, size_t max_chars);
xmlNodePtr html_add_severity(xmlNodePtr parent, enum severity sev);
/* A table with a header row; returns its <tbody>. */
xmlNodePtr html_add_table(xmlNodePtr parent, const char *class_name,
			  const char *const *headers, size_t count);
xmlNodePtr html_td(xmlNodePtr row, const char *class_name);
void html_td_text(xmlNodePtr row, const char *class_name, const char *text);
void html_td_unavailable(xmlNodePtr row);
void html_td_number(xmlNodePtr row, int64_t value);
/* A link "SSH key 12" to the row of `wc`, on `page` or on this page (NULL). */
void html_add_cred_link(xmlNodePtr parent, const struct worst_case *wc,
			const char *page);
void html_add_date_time(xmlNodePtr parent, const char *text);
/* A timestamp cell: date, "never"/"no expiry", raw text, or unavailable. */
void html_td_timestamp(struct html *h, xmlNodePtr row,
		       const struct credential *cred, unsigned field,
		       const struct timestamp *ts, const char *none_text);
/* One term and its text in a definition list. */
void html_fact(xmlNodePtr list, const char *term, const char *text);
/* Owner of a credential: username, name, state and user type. */
void html_add_owner(struct html *h, xmlNodePtr cell,
		    const struct owner *owner, int64_t owner_id,
		    unsigned unavailable);
/* Append ` "name"` in running text, or nothing when there is no name. */
void html_add_quoted_name(struct html *h, xmlNodePtr parent, const char *name);
/*
 * Drop libxml2's own messages: it would print them to stderr without the
 * program name, and every failure already reaches `err` with its reason.
 */
void html_ignore_error(void *data, xmlErrorPtr error);

#endif
