#include "html_template.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "embedded.h"

/* The policy the renderer writes, whatever the template contains. */
#define CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
	    "base-uri 'none'; form-action 'none'"

/* Templates above this size are rejected. The built-in one is under 10 KiB. */
#define TEMPLATE_MAX (4 << 20)

static const struct {
	const char *id;
	int required;
} placeholders[PH_COUNT] = {
	{ "ca-header", 1 },
	{ "ca-summary", 1 },
	{ "ca-findings", 1 },
	{ "ca-inventory", 1 },
	{ "ca-plan", 0 },
	{ "ca-contents", 0 },
	{ "ca-footer", 0 },
};

static int read_template(const struct render_context *ctx, struct buf *out,
			 struct buf *err)
{
	const struct embedded_file *builtin;
	struct buf path = BUF_INIT;
	FILE *file;
	char chunk[8192];
	size_t n;
	int ret = -1;

	if (!ctx->template_dir) {
		builtin = embedded_file("report.html");
		if (!builtin) {
			buf_adds(err, "the built-in report.html template is missing; rebuild credaudit");
			return -1;
		}
		buf_add(out, builtin->data, builtin->size);
		return 0;
	}

	buf_addf(&path, "%s/report.html", ctx->template_dir);
	file = fopen(path.data, "rb");
	if (!file) {
		buf_addf(err, "cannot open template '%s': %s", path.data,
			 strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0) {
		buf_add(out, chunk, n);
		if (out->len > TEMPLATE_MAX) {
			buf_addf(err, "template '%s' is larger than %d bytes",
				 path.data, TEMPLATE_MAX);
			goto out;
		}
	}
	if (ferror(file)) {
		buf_addf(err, "cannot read template '%s': %s", path.data,
			 strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (file)
		fclose(file);
	buf_release(&path);
	return ret;
}

static int is_meta(xmlNodePtr node, const char *attr, const char *value)
{
	xmlChar *got;
	int match;

	if (node->type != XML_ELEMENT_NODE ||
	    xmlStrcasecmp(node->name, BAD_CAST "meta"))
		return 0;
	got = xmlGetProp(node, BAD_CAST attr);
	match = got && (!value || !xmlStrcasecmp(got, BAD_CAST value));
	xmlFree(got);
	return match;
}

/*
 * Record the placeholder elements and reject what the page must never
 * carry: script elements, event handler attributes, and a refresh that
 * would take the reader to another page, which the policy cannot stop.
 * A comment that looks like a row mark is rejected too.
 */
static int scan_template(xmlNodePtr node, xmlNodePtr *found, struct buf *err)
{
	for (; node; node = node->next) {
		xmlAttrPtr attr;
		size_t i;

		if (node->type == XML_COMMENT_NODE && node->content &&
		    !xmlStrncmp(node->content, BAD_CAST HTML_ROWS_MARK,
				(int)strlen(HTML_ROWS_MARK))) {
			buf_adds(err, "the template has a comment that starts with \"" HTML_ROWS_MARK "\", which credaudit keeps for itself; remove it");
			return -1;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcasecmp(node->name, BAD_CAST "script")) {
			buf_adds(err, "the template has a <script> element, and the report allows no script; remove it");
			return -1;
		}
		if (is_meta(node, "http-equiv", "refresh")) {
			buf_adds(err, "the template has a <meta http-equiv=\"refresh\">, which could send the reader to another page; remove it");
			return -1;
		}
		for (attr = node->properties; attr; attr = attr->next) {
			if (!xmlStrncasecmp(attr->name, BAD_CAST "on", 2)) {
				buf_addf(err, "the template has an event handler attribute '%s', and the report allows no script; remove it",
					 (const char *)attr->name);
				return -1;
			}
		}
		for (i = 0; i < PH_COUNT; i++) {
			xmlChar *id = xmlGetProp(node, BAD_CAST "id");

			if (id && !xmlStrcmp(id, BAD_CAST placeholders[i].id) &&
			    !found[i])
				found[i] = node;
			xmlFree(id);
		}
		if (scan_template(node->children, found, err) < 0)
			return -1;
	}
	return 0;
}

static xmlNodePtr find_child(xmlNodePtr parent, const char *tag)
{
	xmlNodePtr node;

	for (node = parent ? parent->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    !xmlStrcasecmp(node->name, BAD_CAST tag))
			return node;
	return NULL;
}


/*
 * Replace any Content-Security-Policy of the template with ours, placed
 * right after the charset so that it governs the whole page.
 */
static void set_policy(htmlDocPtr doc)
{
	xmlNodePtr head = find_child(xmlDocGetRootElement(doc), "head");
	xmlNodePtr node, next, charset = NULL, meta;

	if (!head)
		head = xmlNewChild(xmlDocGetRootElement(doc), NULL,
				   BAD_CAST "head", NULL);
	for (node = head->children; node; node = next) {
		next = node->next;
		if (is_meta(node, "http-equiv", "content-security-policy")) {
			xmlUnlinkNode(node);
			xmlFreeNode(node);
		} else if (!charset && is_meta(node, "charset", NULL)) {
			charset = node;
		}
	}

	if (!charset) {
		charset = xmlNewDocNode(doc, NULL, BAD_CAST "meta", NULL);
		xmlSetProp(charset, BAD_CAST "charset", BAD_CAST "utf-8");
	} else {
		xmlUnlinkNode(charset);
	}
	/*
	 * The charset and then the policy come first in <head>: a browser
	 * loads what comes before the policy without it, so a template's
	 * <link> above its <meta charset> must not come first.
	 */
	if (head->children)
		xmlAddPrevSibling(head->children, charset);
	else
		xmlAddChild(head, charset);
	meta = xmlNewDocNode(doc, NULL, BAD_CAST "meta", NULL);
	xmlSetProp(meta, BAD_CAST "http-equiv", BAD_CAST "Content-Security-Policy");
	xmlSetProp(meta, BAD_CAST "content", BAD_CAST CSP);
	xmlAddNextSibling(charset, meta);
}

static void clear_children(xmlNodePtr node)
{
	xmlNodePtr child = node->children;

	while (child) {
		xmlNodePtr next = child->next;

		xmlUnlinkNode(child);
		xmlFreeNode(child);
		child = next;
	}
}

htmlDocPtr html_template_load(const struct render_context *ctx,
			      xmlNodePtr found[PH_COUNT], struct buf *err)
{
	struct buf text = BUF_INIT;
	htmlDocPtr doc = NULL;
	size_t i;

	for (i = 0; i < PH_COUNT; i++)
		found[i] = NULL;
	if (read_template(ctx, &text, err) < 0)
		goto fail;
	doc = htmlReadMemory(text.data, (int)text.len, "report.html", "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR |
			     HTML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		buf_adds(err, "the report.html template cannot be parsed as HTML");
		goto fail;
	}
	if (scan_template(xmlDocGetRootElement(doc), found, err) < 0)
		goto fail;
	for (i = 0; i < PH_COUNT; i++) {
		if (found[i]) {
			clear_children(found[i]);
		} else if (placeholders[i].required) {
			buf_addf(err, "the report.html template has no element with id=\"%s\"; add one where that part of the report belongs",
				 placeholders[i].id);
			goto fail;
		}
	}
	set_policy(doc);
	buf_release(&text);
	return doc;
fail:
	if (doc)
		xmlFreeDoc(doc);
	buf_release(&text);
	return NULL;
}
