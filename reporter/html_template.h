#ifndef CREDAUDIT_HTML_TEMPLATE_H
#define CREDAUDIT_HTML_TEMPLATE_H

#include <libxml/HTMLparser.h>

#include "buf.h"
#include "render.h"

/*
 * The report.html template of the HTML report: the built-in copy or the
 * one in ctx->template_dir, checked and parsed into a libxml2 document
 * whose placeholder elements render_html.c fills.
 */

enum placeholder {
	PH_HEADER,
	PH_SUMMARY,
	PH_FINDINGS,
	PH_INVENTORY,
	PH_PLAN,
	PH_CONTENTS,
	PH_FOOTER,
	PH_COUNT
};

/*
 * Comments whose text starts with this mark where render_html.c streams
 * rows into the page, so a template may not carry such a comment.
 */
#define HTML_ROWS_MARK "credaudit-rows-"

/*
 * Read and parse the template, check it, empty its placeholders and set
 * credaudit's Content-Security-Policy. Returns the document, with
 * `found` set to the placeholder elements (NULL for a missing optional
 * one), or NULL with a reason in `err`. The caller frees the document
 * with xmlFreeDoc().
 */
htmlDocPtr html_template_load(const struct render_context *ctx,
			      xmlNodePtr found[PH_COUNT], struct buf *err);

#endif
