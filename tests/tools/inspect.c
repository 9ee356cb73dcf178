/*
 * inspect: parse credaudit's outputs back with the libraries their readers
 * use (libxml2 for HTML, cmark-gfm with GitHub's extensions for Markdown,
 * Jansson for JSON) and print facts, one per line, that the end-to-end
 * tests in tests/e2e/ compare. Each problem counted in a fact is also
 * named on stderr with its line, so a failing test can show the cause.
 *
 *   inspect html FILE [TEMPLATE]  inventory rows and what the page carries
 *   inspect html-cells FILE       the cells of every table body row
 *   inspect html-ids FILE         the text of every element with an id
 *   inspect md FILE               tables, cells per row, link and HTML nodes
 *   inspect md-cells FILE         the cells of every table body row
 *   inspect md-paragraphs FILE    every top-level paragraph under its heading
 *   inspect plan-md FILE          task items and their action ids
 *   inspect json FILE             credentials by kind and state; actions
 *   inspect inventory DIR [TEMPLATE]  every inventory page: rows, links
 *   inspect json-fields FILE      each credential's scalar fields and rules
 *
 * Exit status: 0 the file was parsed, 1 it cannot be read or parsed,
 * 2 usage error.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/hash.h>
#include <libxml/tree.h>

#define KIND_COUNT 6
#define STATE_COUNT 3

static const char *const kinds[KIND_COUNT] = {
	"personal_access_token", "project_access_token", "group_access_token",
	"ssh_key", "deploy_key", "gpg_key",
};

static const char *const states[STATE_COUNT] = {
	"active", "expired", "revoked",
};

static const char *program_file;

static int kind_index(const char *name)
{
	int i;

	for (i = 0; name && i < KIND_COUNT; i++)
		if (!strcmp(name, kinds[i]))
			return i;
	return -1;
}

static int state_index(const char *name)
{
	int i;

	for (i = 0; name && i < STATE_COUNT; i++)
		if (!strcmp(name, states[i]))
			return i;
	return -1;
}

/* Name one problem on stderr: "inspect: FILE:LINE: MESSAGE". */
static void problem(long line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(long line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "inspect: %s:%ld: ", program_file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void out_of_memory(void)
{
	fputs("inspect: out of memory\n", stderr);
	abort();
}

static void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

static char *xstrndup(const char *text, size_t len)
{
	char *copy = strndup(text, len);

	if (!copy)
		out_of_memory();
	return copy;
}

/*
 * Collapse every run of whitespace in `text` to one space and trim both
 * ends, in place, so that a cell prints on one line.
 */
static char *squeeze_space(char *text)
{
	char *in = text, *out = text;
	int pending = 0;

	for (; *in; in++) {
		if (isspace((unsigned char)*in)) {
			pending = out != text;
			continue;
		}
		if (pending)
			*out++ = ' ';
		pending = 0;
		*out++ = *in;
	}
	*out = '\0';
	return text;
}

/* HTML */

/*
 * The element and attribute names that render_html.c writes. The
 * template's own names join them at run time (see html_allow_template),
 * so anything else in a report came from neither.
 */
static const char *const renderer_elements[] = {
	"a", "bdi", "br", "code", "dd", "details", "dl", "dt", "h1", "h2",
	"h3", "head", "li", "meta", "ol", "p", "section", "span", "summary",
	"table", "tbody", "td", "th", "thead", "tr", "ul",
};

static const char *const renderer_attributes[] = {
	"charset", "class", "colspan", "content", "data-kind", "data-state",
	"href", "http-equiv", "id", "scope",
};

/* Attributes whose value is a URL (or, for srcset, a list of them). */
static const char *const url_attributes[] = {
	"action", "background", "cite", "codebase", "data", "formaction",
	"href", "longdesc", "manifest", "ping", "poster", "src", "srcset",
	"xlink:href",
};

struct html_facts {
	xmlHashTablePtr allowed_elements;
	xmlHashTablePtr allowed_attributes;
	xmlHashTablePtr ids;
	char **fragments;       /* href="#x" targets, checked after the walk */
	long *fragment_lines;
	size_t fragment_count, fragment_alloc;
	size_t rows[KIND_COUNT];
	size_t row_states[KIND_COUNT][STATE_COUNT];
	size_t unknown_kind_rows;
	size_t scripts;
	size_t event_handlers;
	size_t external_urls;
	size_t data_urls;
	size_t unknown_elements;
	size_t unknown_attributes;
	size_t csp_metas;
	size_t duplicate_ids;
	size_t broken_fragments;
	size_t bad_row_ids;
	const char *base_dir;   /* of the page, for relative links */
	size_t broken_file_links;
	size_t row_kinds[KIND_COUNT];  /* rows seen on the current page */
};

static void allow(xmlHashTablePtr set, const xmlChar *name)
{
	if (!xmlHashLookup(set, name))
		xmlHashAddEntry(set, name, (void *)1);
}

static htmlDocPtr html_read(const char *path)
{
	htmlDocPtr doc = htmlReadFile(path, "UTF-8",
				      HTML_PARSE_NONET | HTML_PARSE_NOERROR |
				      HTML_PARSE_NOWARNING);

	if (!doc || !xmlDocGetRootElement(doc)) {
		fprintf(stderr, "inspect: cannot parse '%s' as HTML\n", path);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

static void allow_names_below(xmlHashTablePtr elements,
			      xmlHashTablePtr attributes, xmlNodePtr node)
{
	for (; node; node = node->next) {
		xmlAttrPtr attr;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		allow(elements, node->name);
		for (attr = node->properties; attr; attr = attr->next)
			allow(attributes, attr->name);
		allow_names_below(elements, attributes, node->children);
	}
}

/* Add the names that the template itself uses to the allow-lists. */
static int html_allow_template(struct html_facts *facts, const char *path)
{
	htmlDocPtr doc = html_read(path);

	if (!doc)
		return -1;
	allow_names_below(facts->allowed_elements, facts->allowed_attributes,
			  xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return 0;
}

static int is_one_of(const xmlChar *name, const char *const *list,
		     size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!xmlStrcasecmp(name, BAD_CAST list[i]))
			return 1;
	return 0;
}

static void add_fragment(struct html_facts *facts, const char *target,
			 size_t len, long line)
{
	if (facts->fragment_count == facts->fragment_alloc) {
		facts->fragment_alloc = facts->fragment_alloc * 2 + 64;
		facts->fragments = xrealloc(facts->fragments,
					    facts->fragment_alloc * sizeof(char *));
		facts->fragment_lines = xrealloc(facts->fragment_lines,
						 facts->fragment_alloc * sizeof(long));
	}
	facts->fragments[facts->fragment_count] = xstrndup(target, len);
	facts->fragment_lines[facts->fragment_count] = line;
	facts->fragment_count++;
}

/*
 * Whether `url` is a relative path with no scheme, such as a link from
 * the overview to an inventory page: it names another file of the
 * report, which must exist next to the page.
 */
static int is_relative_path(const char *url, size_t len)
{
	size_t path = strcspn(url, "#?");

	if (!len || url[0] == '/' || url[0] == '#' || url[0] == '?')
		return 0;
	if (path > len)
		path = len;
	/* A ':' before any '/' starts a scheme, "data:" or "https:". */
	return !memchr(url, ':', strcspn(url, "/") < path ? strcspn(url, "/")
							   : path);
}

static void check_file_link(struct html_facts *facts, const char *url,
			    size_t len, long line)
{
	size_t path = strcspn(url, "#?");
	char full[4096];

	if (path > len)
		path = len;
	snprintf(full, sizeof(full), "%s/%.*s", facts->base_dir, (int)path, url);
	if (access(full, F_OK) == 0)
		return;
	facts->broken_file_links++;
	problem(line, "link to '%.*s', which is not a file of the report",
		(int)len, url);
}

/*
 * Count one URL value that leaves the page. A same-page fragment ("#x")
 * does not count, and it is kept to check later that its target exists.
 * A relative path to another file of the report does not count either,
 * but that file must exist.
 */
static void check_url(struct html_facts *facts, const char *url,
		      size_t len, int is_href, long line)
{
	while (len && isspace((unsigned char)*url)) {
		url++;
		len--;
	}
	if (len && url[0] == '#') {
		if (is_href && len > 1)
			add_fragment(facts, url + 1, len - 1, line);
		return;
	}
	if (is_href && facts->base_dir && is_relative_path(url, len)) {
		check_file_link(facts, url, len, line);
		return;
	}
	facts->external_urls++;
	if (len >= 5 && !strncasecmp(url, "data:", 5))
		facts->data_urls++;
	problem(line, "URL '%.*s' leaves the page", (int)len, url);
}

/* A srcset is a comma-separated list of "URL [descriptor]" candidates. */
static void check_srcset(struct html_facts *facts, const char *value,
			 long line)
{
	const char *p = value;

	while (*p) {
		size_t len;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		len = strcspn(p, " \t\r\n,");
		if (len)
			check_url(facts, p, len, 0, line);
		p += len;
		while (*p && *p != ',')
			p++;
	}
}

/* Count url(...) and @import in CSS, from a style attribute or element. */
static void check_css(struct html_facts *facts, const char *css, long line)
{
	const char *p;

	for (p = css; *p; p++) {
		if (!strncasecmp(p, "@import", 7)) {
			facts->external_urls++;
			problem(line, "CSS @import leaves the page");
			continue;
		}
		if (strncasecmp(p, "url(", 4))
			continue;
		p += 4;
		while (isspace((unsigned char)*p) || *p == '"' || *p == '\'')
			p++;
		check_url(facts, p, strcspn(p, "\"')"), 0, line);
	}
}

static void check_attribute(struct html_facts *facts, xmlNodePtr node,
			    xmlAttrPtr attr)
{
	long line = xmlGetLineNo(node);
	xmlChar *value = xmlNodeListGetString(node->doc, attr->children, 1);
	const char *text = value ? (const char *)value : "";

	if (!xmlHashLookup(facts->allowed_attributes, attr->name)) {
		facts->unknown_attributes++;
		problem(line, "attribute '%s' of <%s> is not in the allow-list",
			(const char *)attr->name, (const char *)node->name);
	}
	if (!xmlStrncasecmp(attr->name, BAD_CAST "on", 2)) {
		facts->event_handlers++;
		problem(line, "event handler attribute '%s' on <%s>",
			(const char *)attr->name, (const char *)node->name);
	}
	if (!xmlStrcasecmp(attr->name, BAD_CAST "srcset"))
		check_srcset(facts, text, line);
	else if (is_one_of(attr->name, url_attributes,
			   sizeof(url_attributes) / sizeof(*url_attributes)))
		check_url(facts, text, strlen(text),
			  !xmlStrcasecmp(attr->name, BAD_CAST "href"), line);
	if (!xmlStrcasecmp(attr->name, BAD_CAST "style"))
		check_css(facts, text, line);
	if (!xmlStrcasecmp(attr->name, BAD_CAST "id")) {
		if (xmlHashLookup(facts->ids, value)) {
			facts->duplicate_ids++;
			problem(line, "id '%s' is used twice", text);
		} else {
			xmlHashAddEntry(facts->ids, value, (void *)1);
		}
	}
	xmlFree(value);
}

static void check_meta(struct html_facts *facts, xmlNodePtr node)
{
	xmlChar *equiv = xmlGetProp(node, BAD_CAST "http-equiv");

	if (equiv && !xmlStrcasecmp(equiv, BAD_CAST "content-security-policy"))
		facts->csp_metas++;
	if (equiv && !xmlStrcasecmp(equiv, BAD_CAST "refresh")) {
		facts->external_urls++;
		problem(xmlGetLineNo(node), "<meta http-equiv=\"refresh\"> loads another page");
	}
	xmlFree(equiv);
}

static void html_append_text(xmlNodePtr node, xmlBufferPtr out)
{
	for (; node; node = node->next) {
		if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
			xmlBufferCat(out, node->content);
		else if (node->type == XML_ELEMENT_NODE &&
			 !xmlStrcasecmp(node->name, BAD_CAST "br"))
			xmlBufferCat(out, BAD_CAST " ");
		else if (node->type == XML_ELEMENT_NODE)
			html_append_text(node->children, out);
	}
}

/*
 * The text of a node as a reader sees it, with <br> as a space and
 * whitespace squeezed; the caller frees it.
 */
static char *html_text(xmlNodePtr node)
{
	xmlBufferPtr out = xmlBufferCreate();
	char *text;

	if (!out)
		out_of_memory();
	html_append_text(node->children, out);
	text = xstrndup((const char *)xmlBufferContent(out),
			(size_t)xmlBufferLength(out));
	xmlBufferFree(out);
	return squeeze_space(text);
}

static xmlNodePtr first_element(xmlNodePtr node, const char *name)
{
	for (; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    !xmlStrcasecmp(node->name, BAD_CAST name))
			return node;
	return NULL;
}

/*
 * Return whether `id` is "KIND-NUMBER" for the kind at index `k`, with
 * the NUMBER that the row's first cell shows. A row whose id is invalid
 * or repeated is "KIND-row-POSITION" instead, and its first cell shows
 * the number or the invalid value with "(invalid)".
 */
static int row_id_matches(int k, const char *id, const char *id_cell)
{
	size_t prefix = strlen(kinds[k]);
	const char *number;

	if (!id || !id_cell || strncmp(id, kinds[k], prefix) || id[prefix] != '-')
		return 0;
	number = id + prefix + 1;
	if (!strncmp(number, "row-", 4)) {
		size_t cell = strlen(id_cell);

		number += 4;
		return *number && strspn(number, "0123456789") == strlen(number) &&
		       ((*id_cell && strspn(id_cell, "0123456789") == cell) ||
			(cell > 10 && !strcmp(id_cell + cell - 10, " (invalid)")));
	}
	return *number && strspn(number, "0123456789") == strlen(number) &&
	       !strcmp(number, id_cell);
}

/*
 * Count an inventory row by its data-kind and data-state, and check that
 * its id is "KIND-ID" with the ID that its first cell shows.
 */
static void check_inventory_row(struct html_facts *facts, xmlNodePtr row)
{
	xmlChar *kind = xmlGetProp(row, BAD_CAST "data-kind");
	xmlChar *state = xmlGetProp(row, BAD_CAST "data-state");
	xmlChar *id = xmlGetProp(row, BAD_CAST "id");
	xmlNodePtr cell = first_element(row->children, "td");
	char *id_cell = cell ? html_text(cell) : NULL;
	long line = xmlGetLineNo(row);
	int k = kind_index((const char *)kind);
	int s = state_index((const char *)state);

	if (k < 0) {
		facts->unknown_kind_rows++;
		problem(line, "row with unknown data-kind '%s'",
			kind ? (const char *)kind : "");
		goto out;
	}
	facts->rows[k]++;
	facts->row_kinds[k]++;
	if (s >= 0)
		facts->row_states[k][s]++;
	else
		problem(line, "row with unknown data-state '%s'",
			state ? (const char *)state : "");

	if (!row_id_matches(k, (const char *)id, id_cell)) {
		facts->bad_row_ids++;
		problem(line, "row id '%s' does not match data-kind '%s' and the ID cell '%s'",
			id ? (const char *)id : "", (const char *)kind,
			id_cell ? id_cell : "");
	}
out:
	xmlFree(kind);
	xmlFree(state);
	xmlFree(id);
	free(id_cell);
}

static void html_walk(struct html_facts *facts, xmlNodePtr node,
		      int in_inventory)
{
	for (; node; node = node->next) {
		xmlAttrPtr attr;
		xmlChar *id;
		int inside = in_inventory;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlHashLookup(facts->allowed_elements, node->name)) {
			facts->unknown_elements++;
			problem(xmlGetLineNo(node), "element <%s> is not in the allow-list",
				(const char *)node->name);
		}
		if (!xmlStrcasecmp(node->name, BAD_CAST "script")) {
			facts->scripts++;
			problem(xmlGetLineNo(node), "<script> element");
		}
		if (!xmlStrcasecmp(node->name, BAD_CAST "meta"))
			check_meta(facts, node);
		if (!xmlStrcasecmp(node->name, BAD_CAST "style")) {
			xmlChar *css = xmlNodeGetContent(node);

			check_css(facts, css ? (const char *)css : "",
				  xmlGetLineNo(node));
			xmlFree(css);
		}
		for (attr = node->properties; attr; attr = attr->next)
			check_attribute(facts, node, attr);

		id = xmlGetProp(node, BAD_CAST "id");
		if (id && !xmlStrcmp(id, BAD_CAST "ca-inventory"))
			inside = 1;
		xmlFree(id);
		if (inside && !xmlStrcasecmp(node->name, BAD_CAST "tr") &&
		    xmlHasProp(node, BAD_CAST "data-kind"))
			check_inventory_row(facts, node);
		html_walk(facts, node->children, inside);
	}
}

/*
 * Print, for `inspect html`:
 *   kind KIND N            inventory rows of each kind (data-kind)
 *   state KIND STATE N     the same rows by data-state
 *   unknown-kind-rows N    inventory rows whose data-kind is not a kind
 *   bad-row-ids N          rows whose id is not KIND-ID of their ID cell
 *   scripts N              <script> elements
 *   event-handlers N       on* attributes
 *   external-urls N        URL values that are not "#fragment"
 *   data-urls N            those of them that are data: URLs
 *   unknown-elements N     element names outside the allow-list
 *   unknown-attributes N   attribute names outside the allow-list
 *   csp-meta N             Content-Security-Policy <meta> elements
 *   duplicate-ids N        id values used more than once
 *   broken-fragments N     href="#x" whose target id does not exist
 *   broken-file-links N    relative links to a file that does not exist
 */
static int cmd_html(const char *path, const char *template_path)
{
	struct html_facts facts = { 0 };
	htmlDocPtr doc = NULL;
	char *base = NULL;
	size_t i;
	int k, s, ret = 1;

	facts.allowed_elements = xmlHashCreate(64);
	facts.allowed_attributes = xmlHashCreate(64);
	facts.ids = xmlHashCreate(1024);
	for (i = 0; i < sizeof(renderer_elements) / sizeof(*renderer_elements); i++)
		allow(facts.allowed_elements, BAD_CAST renderer_elements[i]);
	for (i = 0; i < sizeof(renderer_attributes) / sizeof(*renderer_attributes); i++)
		allow(facts.allowed_attributes, BAD_CAST renderer_attributes[i]);
	if (template_path && html_allow_template(&facts, template_path) < 0)
		goto out;

	doc = html_read(path);
	if (!doc)
		goto out;
	base = xstrndup(path, strrchr(path, '/') ? (size_t)(strrchr(path, '/') - path) : 1);
	if (!strrchr(path, '/'))
		base[0] = '.';
	facts.base_dir = base;
	html_walk(&facts, xmlDocGetRootElement(doc), 0);
	for (i = 0; i < facts.fragment_count; i++) {
		if (xmlHashLookup(facts.ids, BAD_CAST facts.fragments[i]))
			continue;
		facts.broken_fragments++;
		problem(facts.fragment_lines[i], "link to '#%s', which no id names",
			facts.fragments[i]);
	}

	for (k = 0; k < KIND_COUNT; k++)
		printf("kind %s %zu\n", kinds[k], facts.rows[k]);
	for (k = 0; k < KIND_COUNT; k++)
		for (s = 0; s < STATE_COUNT; s++)
			printf("state %s %s %zu\n", kinds[k], states[s],
			       facts.row_states[k][s]);
	printf("unknown-kind-rows %zu\n", facts.unknown_kind_rows);
	printf("bad-row-ids %zu\n", facts.bad_row_ids);
	printf("scripts %zu\n", facts.scripts);
	printf("event-handlers %zu\n", facts.event_handlers);
	printf("external-urls %zu\n", facts.external_urls);
	printf("data-urls %zu\n", facts.data_urls);
	printf("unknown-elements %zu\n", facts.unknown_elements);
	printf("unknown-attributes %zu\n", facts.unknown_attributes);
	printf("csp-meta %zu\n", facts.csp_metas);
	printf("duplicate-ids %zu\n", facts.duplicate_ids);
	printf("broken-fragments %zu\n", facts.broken_fragments);
	printf("broken-file-links %zu\n", facts.broken_file_links);
	ret = 0;
out:
	free(base);
	for (i = 0; i < facts.fragment_count; i++)
		free(facts.fragments[i]);
	free(facts.fragments);
	free(facts.fragment_lines);
	xmlHashFree(facts.allowed_elements, NULL);
	xmlHashFree(facts.allowed_attributes, NULL);
	xmlHashFree(facts.ids, NULL);
	xmlFreeDoc(doc);
	return ret;
}

/* The place a table row belongs to: the nearest ancestor id "ca-...". */
static const char *html_row_place(xmlNodePtr row)
{
	static char place[64];
	xmlNodePtr node;

	for (node = row->parent; node && node->type == XML_ELEMENT_NODE;
	     node = node->parent) {
		xmlChar *id = xmlGetProp(node, BAD_CAST "id");
		int found = id && !xmlStrncmp(id, BAD_CAST "ca-", 3);

		if (found)
			snprintf(place, sizeof(place), "%s", (const char *)id + 3);
		xmlFree(id);
		if (found)
			return place;
	}
	return "page";
}

/* The number of tables printed so far, which names rows without an id. */
static size_t html_table_count;

static void html_print_row(xmlNodePtr row, size_t row_number,
			   char **columns, size_t column_count)
{
	xmlChar *kind = xmlGetProp(row, BAD_CAST "data-kind");
	xmlChar *id = xmlGetProp(row, BAD_CAST "id");
	const char *place = html_row_place(row);
	char name[64];
	xmlNodePtr cell;
	size_t column = 0;

	snprintf(name, sizeof(name), "table%zu-row%zu", html_table_count,
		 row_number);
	for (cell = row->children; cell; cell = cell->next) {
		xmlChar *span;
		char *text;

		if (cell->type != XML_ELEMENT_NODE ||
		    (xmlStrcasecmp(cell->name, BAD_CAST "td") &&
		     xmlStrcasecmp(cell->name, BAD_CAST "th")))
			continue;
		text = html_text(cell);
		printf("%s\t%s\t%s\t%s\t%s\n", place,
		       kind ? (const char *)kind : "-",
		       id ? (const char *)id : name,
		       column < column_count ? columns[column] : "?", text);
		free(text);
		span = xmlGetProp(cell, BAD_CAST "colspan");
		column += span && atoi((const char *)span) > 1
			  ? (size_t)atoi((const char *)span) : 1;
		xmlFree(span);
	}
	xmlFree(kind);
	xmlFree(id);
}

/* Print the body rows of one table under its column headers. */
static void html_print_table(xmlNodePtr table)
{
	xmlNodePtr head = first_element(table->children, "thead");
	xmlNodePtr body = first_element(table->children, "tbody");
	xmlNodePtr header = head ? first_element(head->children, "tr") : NULL;
	xmlNodePtr node;
	char **columns = NULL;
	size_t count = 0, rows = 0, i;

	html_table_count++;
	for (node = header ? header->children : NULL; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		columns = xrealloc(columns, (count + 1) * sizeof(*columns));
		columns[count++] = html_text(node);
	}
	for (node = body ? body->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    !xmlStrcasecmp(node->name, BAD_CAST "tr"))
			html_print_row(node, ++rows, columns, count);
	for (i = 0; i < count; i++)
		free(columns[i]);
	free(columns);
}

/* Print each term of a description list with the text of its <dd>. */
static void html_print_terms(xmlNodePtr list)
{
	const char *place = html_row_place(list);
	xmlNodePtr node;
	char *term = NULL;

	for (node = list->children; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcasecmp(node->name, BAD_CAST "dt")) {
			free(term);
			term = html_text(node);
		} else if (!xmlStrcasecmp(node->name, BAD_CAST "dd")) {
			char *text = html_text(node);

			printf("%s\t-\t-\t%s\t%s\n", place, term ? term : "?", text);
			free(text);
		}
	}
	free(term);
}

static void html_cells_walk(xmlNodePtr node)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcasecmp(node->name, BAD_CAST "table"))
			html_print_table(node);
		else if (!xmlStrcasecmp(node->name, BAD_CAST "dl"))
			html_print_terms(node);
		else
			html_cells_walk(node->children);
	}
}

/*
 * Print, for `inspect html-cells`, one line per cell of every table body
 * row, tab-separated: PLACE KIND ROW COLUMN TEXT. PLACE is the id of the
 * nearest "ca-" section without the prefix (inventory, summary), KIND the
 * row's data-kind or "-", ROW its id or "tableN-rowM" (both counted from
 * 1 in page order), COLUMN the header text of the cell's column, and
 * TEXT has its whitespace squeezed. Each <dt> and <dd> pair prints the
 * same way, with "-" for KIND and ROW and the term as COLUMN.
 */
static int cmd_html_cells(const char *path)
{
	htmlDocPtr doc = html_read(path);

	if (!doc)
		return 1;
	html_cells_walk(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return 0;
}

/* Print the id and text of each element with an id, from `node` down. */
static void html_ids_walk(xmlNodePtr node)
{
	for (; node; node = node->next) {
		xmlChar *id;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		id = xmlGetProp(node, BAD_CAST "id");
		if (id) {
			char *text = html_text(node);

			printf("%s\t%s\n", (const char *)id, text);
			free(text);
			xmlFree(id);
		}
		html_ids_walk(node->children);
	}
}

/*
 * Print, for `inspect html-ids`, one line per element with an id
 * attribute, in page order: ID, a tab, and the element's text with its
 * whitespace squeezed.
 */
static int cmd_html_ids(const char *path)
{
	htmlDocPtr doc = html_read(path);

	if (!doc)
		return 1;
	html_ids_walk(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return 0;
}

/* Markdown */

struct source {
	char *text;
	size_t len;
	char **lines;   /* lines[0] is line 1; each ends at its '\n' */
	size_t line_count;
};

static void source_release(struct source *src)
{
	free(src->text);
	free(src->lines);
}

static int source_read(struct source *src, const char *path)
{
	FILE *file = fopen(path, "rb");
	char chunk[65536];
	size_t n, i;

	memset(src, 0, sizeof(*src));
	if (!file) {
		fprintf(stderr, "inspect: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0) {
		src->text = xrealloc(src->text, src->len + n + 1);
		memcpy(src->text + src->len, chunk, n);
		src->len += n;
	}
	if (ferror(file)) {
		fprintf(stderr, "inspect: cannot read '%s': %s\n", path,
			strerror(errno));
		fclose(file);
		source_release(src);
		return -1;
	}
	fclose(file);
	src->text = xrealloc(src->text, src->len + 1);
	src->text[src->len] = '\0';

	/* A line starts at the beginning and after every '\n' but the last. */
	for (i = 0; i < src->len; i++) {
		if (i && src->text[i - 1] != '\n')
			continue;
		src->lines = xrealloc(src->lines,
				      (src->line_count + 1) * sizeof(char *));
		src->lines[src->line_count++] = src->text + i;
	}
	return 0;
}

/*
 * Parse Markdown as GitLab and GitHub read it: CommonMark with the GFM
 * extensions and footnotes.
 */
static cmark_node *md_parse(const struct source *src)
{
	static const char *const extensions[] = {
		"table", "autolink", "strikethrough", "tagfilter", "tasklist",
	};
	cmark_parser *parser;
	cmark_node *doc;
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_FOOTNOTES);
	for (i = 0; i < sizeof(extensions) / sizeof(*extensions); i++) {
		cmark_syntax_extension *ext =
			cmark_find_syntax_extension(extensions[i]);

		if (!ext || !cmark_parser_attach_syntax_extension(parser, ext)) {
			fprintf(stderr, "inspect: cmark-gfm has no '%s' extension\n",
				extensions[i]);
			cmark_parser_free(parser);
			return NULL;
		}
	}
	cmark_parser_feed(parser, src->text, src->len);
	doc = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return doc;
}

static int is_type(cmark_node *node, const char *type)
{
	return !strcmp(cmark_node_get_type_string(node), type);
}

/* Append the text of `node` and its descendants, as a reader sees it. */
static void md_text(cmark_node *node, char **text, size_t *len)
{
	cmark_node *child;
	const char *literal = NULL;
	cmark_node_type type = cmark_node_get_type(node);

	if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE ||
	    type == CMARK_NODE_HTML_INLINE)
		literal = cmark_node_get_literal(node);
	else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)
		literal = " ";
	if (literal) {
		size_t n = strlen(literal);

		*text = xrealloc(*text, *len + n + 1);
		memcpy(*text + *len, literal, n + 1);
		*len += n;
	}
	for (child = cmark_node_first_child(node); child;
	     child = cmark_node_next(child))
		md_text(child, text, len);
}

static char *md_node_text(cmark_node *node)
{
	char *text = xrealloc(NULL, 1);
	size_t len = 0;

	text[0] = '\0';
	md_text(node, &text, &len);
	return squeeze_space(text);
}

/*
 * Count the cells of a raw table row the way cmark-gfm splits it: at
 * every pipe without a backslash right before it ("\\|" escapes the pipe
 * too), not counting one leading and one trailing pipe. cmark-gfm pads
 * short rows and cuts long ones in its tree, so only the source shows a
 * row that is wrong.
 */
static size_t raw_cell_count(const char *line)
{
	const char *end = strchr(line, '\n');
	size_t len = end ? (size_t)(end - line) : strlen(line);
	size_t pipes = 0, i;
	int trailing_pipe = 0;

	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	for (i = 0; i < len; i++) {
		if (line[i] == '\\' && i + 1 < len && line[i + 1] == '|') {
			i++;
			continue;
		}
		if (line[i] == '|') {
			pipes++;
			trailing_pipe = i == len - 1 && i > 0;
		}
	}
	if (len && line[0] == '|')
		pipes--;
	if (trailing_pipe)
		pipes--;
	return pipes + 1;
}

static const char *source_line(const struct source *src, int line)
{
	if (line < 1 || (size_t)line > src->line_count)
		return "";
	return src->lines[line - 1];
}

/*
 * Count the text that GitLab would turn into a user mention: "@" then a
 * username character, in a text node (not code) and not right after a
 * word character, as in an e-mail address.
 */
static size_t count_mentions(cmark_node *node)
{
	const char *text = cmark_node_get_literal(node);
	cmark_node *before = cmark_node_previous(node);
	char previous = ' ';
	size_t count = 0, i;

	if (before && cmark_node_get_type(before) == CMARK_NODE_TEXT) {
		const char *prior = cmark_node_get_literal(before);

		if (prior && *prior)
			previous = prior[strlen(prior) - 1];
	}
	for (i = 0; text && text[i]; i++) {
		unsigned char next = (unsigned char)text[i + 1];

		if (text[i] == '@' && (isalnum(next) || next == '_') &&
		    !isalnum((unsigned char)previous) && previous != '_')
			count++;
		previous = text[i];
	}
	return count;
}

struct md_facts {
	size_t links, images, html_blocks, html_inlines, footnotes, mentions;
};

static void md_count(struct md_facts *facts, cmark_node *node)
{
	long line = cmark_node_get_start_line(node);

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_LINK:
		facts->links++;
		problem(line, "link to '%s'", cmark_node_get_url(node));
		break;
	case CMARK_NODE_IMAGE:
		facts->images++;
		problem(line, "image '%s'", cmark_node_get_url(node));
		break;
	case CMARK_NODE_HTML_BLOCK:
		facts->html_blocks++;
		problem(line, "HTML block '%.*s'",
			(int)strcspn(cmark_node_get_literal(node), "\n"),
			cmark_node_get_literal(node));
		break;
	case CMARK_NODE_HTML_INLINE:
		facts->html_inlines++;
		problem(line, "inline HTML '%s'", cmark_node_get_literal(node));
		break;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		facts->footnotes++;
		problem(line, "footnote reference");
		break;
	case CMARK_NODE_TEXT:
		if (count_mentions(node)) {
			facts->mentions += count_mentions(node);
			problem(line, "mention in '%s'", cmark_node_get_literal(node));
		}
		break;
	default:
		break;
	}
}

/*
 * Print one line per table, tab-separated:
 *   table HEADING ROWS BAD-ROWS
 * HEADING is the text of the nearest heading before the table ("-" for
 * none), ROWS the body rows in cmark-gfm's tree, BAD-ROWS the body rows
 * whose source has another number of cells than the header row.
 */
static void md_print_table(cmark_node *table, const char *heading,
			   const struct source *src)
{
	cmark_node *row;
	size_t header_cells = 0, rows = 0, bad_rows = 0;

	for (row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
		int line = cmark_node_get_start_line(row);
		size_t cells = raw_cell_count(source_line(src, line));

		if (cmark_gfm_extensions_get_table_row_is_header(row)) {
			header_cells = cells;
			continue;
		}
		rows++;
		if (cells != header_cells) {
			bad_rows++;
			problem(line, "row has %zu cells, the header %zu",
				cells, header_cells);
		}
	}
	printf("table\t%s\t%zu\t%zu\n", heading, rows, bad_rows);
}

static void md_print_cells(cmark_node *table, const char *heading)
{
	cmark_node *row, *cell;
	char **columns = NULL;
	size_t count = 0, row_number = 0, i;

	for (row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
		int header = cmark_gfm_extensions_get_table_row_is_header(row);
		size_t column = 0;

		if (!header)
			row_number++;
		for (cell = cmark_node_first_child(row); cell;
		     cell = cmark_node_next(cell), column++) {
			char *text = md_node_text(cell);

			if (header) {
				columns = xrealloc(columns,
						   (count + 1) * sizeof(*columns));
				columns[count++] = text;
				continue;
			}
			printf("%s\t%zu\t%s\t%s\n", heading, row_number,
			       column < count ? columns[column] : "?", text);
			free(text);
		}
	}
	for (i = 0; i < count; i++)
		free(columns[i]);
	free(columns);
}

/*
 * Walk the Markdown tree. With `cells` set print every body cell as
 * HEADING ROW COLUMN TEXT, tab-separated, where ROW counts the body rows
 * of the table from 1; otherwise print the tables and
 * then the counts of nodes that must not come from data:
 *   links N, images N, html-blocks N, html-inlines N, footnotes N,
 *   mentions N
 */
static int md_inspect(const char *path, int cells)
{
	struct source src;
	struct md_facts facts = { 0 };
	cmark_node *doc;
	cmark_iter *iter;
	cmark_event_type event;
	char *heading = NULL;

	if (source_read(&src, path) < 0)
		return 1;
	doc = md_parse(&src);
	if (!doc) {
		source_release(&src);
		return 1;
	}
	iter = cmark_iter_new(doc);
	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);

		if (event != CMARK_EVENT_ENTER)
			continue;
		if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
			free(heading);
			heading = md_node_text(node);
		} else if (is_type(node, "table")) {
			if (cells)
				md_print_cells(node, heading ? heading : "-");
			else
				md_print_table(node, heading ? heading : "-", &src);
		}
		if (!cells)
			md_count(&facts, node);
	}
	cmark_iter_free(iter);
	if (!cells) {
		printf("links %zu\n", facts.links);
		printf("images %zu\n", facts.images);
		printf("html-blocks %zu\n", facts.html_blocks);
		printf("html-inlines %zu\n", facts.html_inlines);
		printf("footnotes %zu\n", facts.footnotes);
		printf("mentions %zu\n", facts.mentions);
	}
	free(heading);
	cmark_node_free(doc);
	source_release(&src);
	return 0;
}

/*
 * Print, for `inspect md-paragraphs`, one line per paragraph that is not
 * inside a list, a quote or a table. A line has the text of the nearest
 * heading before it ("-" for none), a tab, and the paragraph's text as a
 * reader sees it: code spans as their text, whitespace squeezed.
 */
static int cmd_md_paragraphs(const char *path)
{
	struct source src;
	cmark_node *doc, *node;
	char *heading = NULL;

	if (source_read(&src, path) < 0)
		return 1;
	doc = md_parse(&src);
	if (!doc) {
		source_release(&src);
		return 1;
	}
	for (node = cmark_node_first_child(doc); node;
	     node = cmark_node_next(node)) {
		cmark_node_type type = cmark_node_get_type(node);

		if (type == CMARK_NODE_HEADING) {
			free(heading);
			heading = md_node_text(node);
		} else if (type == CMARK_NODE_PARAGRAPH) {
			char *text = md_node_text(node);

			printf("%s\t%s\n", heading ? heading : "-", text);
			free(text);
		}
	}
	free(heading);
	cmark_node_free(doc);
	source_release(&src);
	return 0;
}

/* The literal of the first code span in `item`, or NULL. */
static const char *first_code_span(cmark_node *item)
{
	cmark_iter *iter = cmark_iter_new(item);
	cmark_event_type event;
	const char *code = NULL;

	while (!code && (event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);

		if (event == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_CODE)
			code = cmark_node_get_literal(node);
	}
	cmark_iter_free(iter);
	return code;
}

/*
 * Print, for `inspect plan-md`:
 *   tasks N        task list items ("- [ ]" or "- [x]")
 *   checked N      those that are ticked
 *   task ID        per item in order, ID its first code span ("-" if none)
 */
static int cmd_plan_md(const char *path)
{
	struct source src;
	cmark_node *doc;
	cmark_iter *iter;
	cmark_event_type event;
	char **ids = NULL;
	size_t tasks = 0, checked = 0, i;

	if (source_read(&src, path) < 0)
		return 1;
	doc = md_parse(&src);
	if (!doc) {
		source_release(&src);
		return 1;
	}
	iter = cmark_iter_new(doc);
	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);
		const char *code;

		if (event != CMARK_EVENT_ENTER || !is_type(node, "tasklist"))
			continue;
		checked += cmark_gfm_extensions_get_tasklist_item_checked(node);
		code = first_code_span(node);
		if (!code)
			code = "-";
		ids = xrealloc(ids, (tasks + 1) * sizeof(*ids));
		ids[tasks++] = xstrndup(code, strlen(code));
	}
	cmark_iter_free(iter);

	printf("tasks %zu\n", tasks);
	printf("checked %zu\n", checked);
	for (i = 0; i < tasks; i++) {
		printf("task %s\n", ids[i]);
		free(ids[i]);
	}
	free(ids);
	cmark_node_free(doc);
	source_release(&src);
	return 0;
}

/* JSON */

/* A count of credentials by kind and name (a field or a rule id). */
struct tally {
	char **keys;    /* "KIND NAME" */
	size_t *counts;
	size_t count;
};

static void tally_add(struct tally *tally, const char *kind, const char *name)
{
	size_t i, len = strlen(kind) + strlen(name) + 2;
	char *key = xrealloc(NULL, len);

	snprintf(key, len, "%s %s", kind, name);
	for (i = 0; i < tally->count; i++) {
		if (!strcmp(tally->keys[i], key)) {
			tally->counts[i]++;
			free(key);
			return;
		}
	}
	tally->keys = xrealloc(tally->keys, (tally->count + 1) * sizeof(char *));
	tally->counts = xrealloc(tally->counts,
				 (tally->count + 1) * sizeof(size_t));
	tally->keys[tally->count] = key;
	tally->counts[tally->count++] = 1;
}

static void tally_print(struct tally *tally, const char *label)
{
	size_t i;

	for (i = 0; i < tally->count; i++) {
		printf("%s %s %zu\n", label, tally->keys[i], tally->counts[i]);
		free(tally->keys[i]);
	}
	free(tally->keys);
	free(tally->counts);
}

/*
 * Print what "summary" says of each kind: whether its table was in the
 * snapshot and the count of each state, an integer or "null". Then the
 * rules it lists as not checked for every credential.
 */
static void json_print_summary(json_t *summary)
{
	json_t *kinds_object = json_object_get(summary, "kinds");
	json_t *gaps = json_object_get(summary, "rules_not_checked");
	json_t *gap, *item;
	const char *kind_name;
	size_t i, j;
	int k, s;

	for (k = 0; k < KIND_COUNT; k++) {
		json_t *kind = json_object_get(kinds_object, kinds[k]);
		json_t *available = json_object_get(kind, "available");

		printf("available %s %s\n", kinds[k],
		       json_is_boolean(available)
		       ? (json_is_true(available) ? "true" : "false") : "invalid");
		for (s = 0; s < STATE_COUNT; s++) {
			json_t *n = json_object_get(kind, states[s]);

			if (json_is_integer(n))
				printf("summary %s %s %lld\n", kinds[k], states[s],
				       (long long)json_integer_value(n));
			else
				printf("summary %s %s %s\n", kinds[k], states[s],
				       json_is_null(n) ? "null" : "invalid");
		}
	}

	if (!json_is_array(gaps)) {
		printf("rules-not-checked %s\n", gaps ? "invalid" : "absent");
		return;
	}
	printf("rules-not-checked %zu\n", json_array_size(gaps));
	json_array_foreach(gaps, i, gap) {
		const char *id = json_string_value(json_object_get(gap, "id"));

		if (!id)
			id = "-";
		json_array_foreach(json_object_get(gap, "missing"), j, item)
			printf("not-checked-missing %s %s\n", id,
			       json_is_string(item) ? json_string_value(item)
						    : "invalid");
		json_object_foreach(json_object_get(gap, "not_checked"),
				    kind_name, item) {
			if (json_is_integer(item))
				printf("not-checked %s %s %lld\n", id, kind_name,
				       (long long)json_integer_value(item));
			else
				printf("not-checked %s %s %s\n", id, kind_name,
				       json_is_null(item) ? "null" : "invalid");
		}
	}
}

/*
 * Print the facts of report.json:
 *   credentials N              entries of "credentials"
 *   bad-credentials N          entries without a known kind, integer id
 *                              and known state; an id of null counts as
 *                              one when "invalid" has the raw id
 *   kind KIND N                entries per kind
 *   state KIND STATE N         entries per kind and state
 *   available KIND BOOL        whether "summary" says the kind's table
 *                              is in the snapshot
 *   summary KIND STATE N       the count that "summary" gives, or "null"
 *   rules-not-checked N        entries of "rules_not_checked" ("absent"
 *                              when the member is missing)
 *   not-checked-missing RULE NAME   a table or column that RULE lacked
 *   not-checked RULE KIND N    credentials of KIND that RULE skipped, or
 *                              "null" when the kind's table was not read
 *   unavailable KIND FIELD N   entries per kind that name FIELD in
 *                              "unavailable"
 *   finding KIND RULE N        findings per kind and rule
 *   cred KIND ID STATE         one line per entry
 *   settings absent|null|object  what "snapshot.application_settings" is
 *   setting NAME VALUE         each member of it but "unavailable", as
 *                              JSON ("null", "2048")
 *   setting-unavailable NAME   each entry of its "unavailable"
 */
static void json_print_settings(json_t *snapshot)
{
	json_t *settings = json_object_get(snapshot, "application_settings");
	const char *name;
	json_t *value, *item;
	size_t i;

	if (!settings) {
		printf("settings absent\n");
		return;
	}
	if (!json_is_object(settings)) {
		printf("settings %s\n", json_is_null(settings) ? "null" : "invalid");
		return;
	}
	printf("settings object\n");
	json_object_foreach(settings, name, value) {
		char *text;

		if (!strcmp(name, "unavailable"))
			continue;
		text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
		printf("setting %s %s\n", name, text ? text : "-");
		free(text);
	}
	json_array_foreach(json_object_get(settings, "unavailable"), i, item)
		printf("setting-unavailable %s\n",
		       json_is_string(item) ? json_string_value(item) : "-");
}

static void json_print_report(json_t *credentials, json_t *summary)
{
	size_t counts[KIND_COUNT] = { 0 };
	size_t by_state[KIND_COUNT][STATE_COUNT] = { { 0 } };
	struct tally unavailable = { 0 }, findings = { 0 };
	size_t i, j, bad = 0;
	json_t *cred;
	int k, s;

	json_array_foreach(credentials, i, cred) {
		const char *kind = json_string_value(json_object_get(cred, "kind"));
		const char *state = json_string_value(json_object_get(cred, "state"));
		json_t *id = json_object_get(cred, "id");
		json_t *item;

		k = kind_index(kind);
		s = state_index(state);
		if (k < 0 || s < 0 ||
		    !(json_is_integer(id) ||
		      (json_is_null(id) &&
		       json_object_get(json_object_get(cred, "invalid"), "id")))) {
			bad++;
			fprintf(stderr, "inspect: %s: credential %zu has no known kind, integer id and known state\n",
				program_file, i);
			continue;
		}
		counts[k]++;
		by_state[k][s]++;
		json_array_foreach(json_object_get(cred, "unavailable"), j, item)
			if (json_is_string(item))
				tally_add(&unavailable, kind, json_string_value(item));
		json_array_foreach(json_object_get(cred, "findings"), j, item) {
			const char *rule = json_string_value(json_object_get(item, "rule"));

			tally_add(&findings, kind, rule ? rule : "-");
		}
	}

	printf("credentials %zu\n", json_array_size(credentials));
	printf("bad-credentials %zu\n", bad);
	for (k = 0; k < KIND_COUNT; k++)
		printf("kind %s %zu\n", kinds[k], counts[k]);
	for (k = 0; k < KIND_COUNT; k++)
		for (s = 0; s < STATE_COUNT; s++)
			printf("state %s %s %zu\n", kinds[k], states[s],
			       by_state[k][s]);
	if (summary)
		json_print_summary(summary);
	tally_print(&unavailable, "unavailable");
	tally_print(&findings, "finding");
	json_array_foreach(credentials, i, cred) {
		const char *kind = json_string_value(json_object_get(cred, "kind"));
		const char *state = json_string_value(json_object_get(cred, "state"));
		json_t *id = json_object_get(cred, "id");

		if (kind_index(kind) >= 0 && state_index(state) >= 0 &&
		    json_is_integer(id))
			printf("cred %s %lld %s\n", kind,
			       (long long)json_integer_value(id), state);
	}
}

/*
 * Print the facts of plan.json:
 *   actions N      entries of "actions"
 *   action ID      one line per entry, in order
 */
static void json_print_plan(json_t *actions)
{
	json_t *action;
	size_t i;

	printf("actions %zu\n", json_array_size(actions));
	json_array_foreach(actions, i, action) {
		const char *id = json_string_value(json_object_get(action, "id"));

		printf("action %s\n", id ? id : "-");
	}
}

/*
 * Parse a JSON file strictly (no duplicate keys, nothing after the
 * value) and print the facts of report.json or plan.json, whichever
 * arrays it has.
 */
static int cmd_json(const char *path)
{
	json_error_t error;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
	json_t *credentials, *actions;

	if (!root) {
		fprintf(stderr, "inspect: %s:%d:%d: invalid JSON: %s\n", path,
			error.line, error.column, error.text);
		return 1;
	}
	credentials = json_object_get(root, "credentials");
	actions = json_object_get(root, "actions");
	if (!json_is_array(credentials) && !json_is_array(actions)) {
		fprintf(stderr, "inspect: %s has neither a \"credentials\" nor an \"actions\" array\n",
			path);
		json_decref(root);
		return 1;
	}
	if (json_is_array(credentials)) {
		json_print_report(credentials, json_object_get(root, "summary"));
		json_print_settings(json_object_get(root, "snapshot"));
	}
	if (json_is_array(actions))
		json_print_plan(actions);
	json_decref(root);
	return 0;
}

/* Longest value that json-fields prints; the rest becomes "...". */
#define FIELD_VALUE_MAX 300

/* Print one scalar JSON value as json-fields shows it. */
static void print_scalar(json_t *value)
{
	if (json_is_string(value)) {
		const char *text = json_string_value(value);
		size_t len = strlen(text);

		if (len > FIELD_VALUE_MAX)
			printf("%.*s...", FIELD_VALUE_MAX, text);
		else
			fputs(text, stdout);
	} else if (json_is_integer(value)) {
		printf("%lld", (long long)json_integer_value(value));
	} else if (json_is_true(value)) {
		fputs("true", stdout);
	} else if (json_is_false(value)) {
		fputs("false", stdout);
	} else if (json_is_null(value)) {
		fputs("null", stdout);
	}
}

/*
 * Print, for `inspect json-fields`, tab-separated lines per credential
 * of report.json:
 *   field KIND ID NAME VALUE   each member whose value is a string, an
 *                              integer, a boolean or null; a string longer
 *                              than FIELD_VALUE_MAX bytes is cut with "..."
 *   rule KIND ID RULE          each finding's rule, in report order
 *   message KIND ID RULE TEXT  each finding's message
 * ID is "null" for a credential whose id is invalid. Strings in
 * report.json are escaped by credaudit, so no value contains a tab or a
 * line break.
 */
static int cmd_json_fields(const char *path)
{
	json_error_t error;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
	json_t *cred;
	size_t i;

	if (!root) {
		fprintf(stderr, "inspect: %s:%d:%d: invalid JSON: %s\n", path,
			error.line, error.column, error.text);
		return 1;
	}
	json_array_foreach(json_object_get(root, "credentials"), i, cred) {
		const char *kind = json_string_value(json_object_get(cred, "kind"));
		json_t *id = json_object_get(cred, "id");
		json_t *value, *finding;
		const char *name;
		char id_text[32];
		size_t j;

		if (!kind || !(json_is_integer(id) || json_is_null(id)))
			continue;
		/* A credential whose id is invalid has "null" in place of it. */
		if (json_is_integer(id))
			snprintf(id_text, sizeof(id_text), "%lld",
				 (long long)json_integer_value(id));
		else
			snprintf(id_text, sizeof(id_text), "null");
		json_object_foreach(cred, name, value) {
			if (json_is_object(value) || json_is_array(value))
				continue;
			printf("field\t%s\t%s\t%s\t", kind, id_text, name);
			print_scalar(value);
			putchar('\n');
		}
		json_array_foreach(json_object_get(cred, "findings"), j, finding) {
			const char *rule = json_string_value(json_object_get(finding, "rule"));

			printf("rule\t%s\t%s\t%s\n", kind, id_text,
			       rule ? rule : "-");
			printf("message\t%s\t%s\t%s\t", kind, id_text,
			       rule ? rule : "-");
			print_scalar(json_object_get(finding, "message"));
			putchar('\n');
		}
	}
	json_decref(root);
	return 0;
}

/* The kind whose pages are named "KIND-NNNN.html", or -1. */
static int page_kind(const char *name)
{
	int k;

	for (k = 0; k < KIND_COUNT; k++) {
		size_t len = strlen(kinds[k]);

		if (!strncmp(name, kinds[k], len) && name[len] == '-' &&
		    strspn(name + len + 1, "0123456789") == 4 &&
		    !strcmp(name + len + 5, ".html"))
			return k;
	}
	return -1;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Print, for `inspect inventory DIR [TEMPLATE]`, facts over every page
 * in DIR, which must all be named KIND-NNNN.html:
 *   kind KIND N, state KIND STATE N   rows of all pages, as `html` prints
 *   pages N                  inventory pages
 *   pages-of KIND N          pages of each kind
 *   duplicate-rows N         row ids that occur on more than one row
 *   misplaced-rows N         rows on a page of another kind
 *   rows-over-page-size N    pages with more rows than MAX_ROWS
 *   bad-page-names N         files that are not KIND-NNNN.html
 *   pages-without-one-csp N  pages without exactly one policy <meta>
 * and the sums of the page facts of `html`: unknown-kind-rows,
 * bad-row-ids, scripts, event-handlers, external-urls, data-urls,
 * unknown-elements, unknown-attributes, duplicate-ids (within a page),
 * broken-fragments and broken-file-links.
 */
#define MAX_ROWS 1000

static int cmd_inventory(const char *dir, const char *template_path)
{
	struct html_facts facts = { 0 };
	xmlHashTablePtr rows = xmlHashCreate(4096);
	char **names = NULL;
	size_t name_count = 0, i, pages = 0, pages_of[KIND_COUNT] = { 0 };
	size_t duplicate_rows = 0, misplaced = 0, oversize = 0, bad_names = 0;
	size_t without_csp = 0;
	struct dirent *entry;
	DIR *folder = opendir(dir);
	int k, s, ret = 1;

	if (!folder) {
		fprintf(stderr, "inspect: cannot open folder '%s': %s\n", dir,
			strerror(errno));
		goto out;
	}
	while ((entry = readdir(folder))) {
		if (entry->d_name[0] == '.')
			continue;
		names = xrealloc(names, (name_count + 1) * sizeof(*names));
		names[name_count++] = xstrndup(entry->d_name, strlen(entry->d_name));
	}
	closedir(folder);
	qsort(names, name_count, sizeof(*names), compare_strings);

	facts.allowed_elements = xmlHashCreate(64);
	facts.allowed_attributes = xmlHashCreate(64);
	for (i = 0; i < sizeof(renderer_elements) / sizeof(*renderer_elements); i++)
		allow(facts.allowed_elements, BAD_CAST renderer_elements[i]);
	for (i = 0; i < sizeof(renderer_attributes) / sizeof(*renderer_attributes); i++)
		allow(facts.allowed_attributes, BAD_CAST renderer_attributes[i]);
	if (template_path && html_allow_template(&facts, template_path) < 0)
		goto out;
	facts.base_dir = dir;

	for (i = 0; i < name_count; i++) {
		char path[4096];
		htmlDocPtr doc;
		size_t f, csp_before = facts.csp_metas, page_rows = 0;
		int kind = page_kind(names[i]);

		if (kind < 0) {
			bad_names++;
			fprintf(stderr, "inspect: '%s' is not named KIND-NNNN.html\n",
				names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		program_file = path;
		doc = html_read(path);
		if (!doc)
			goto out;
		pages++;
		pages_of[kind]++;
		facts.ids = xmlHashCreate(1024);
		memset(facts.row_kinds, 0, sizeof(facts.row_kinds));
		html_walk(&facts, xmlDocGetRootElement(doc), 0);
		for (f = 0; f < facts.fragment_count; f++) {
			if (!xmlHashLookup(facts.ids, BAD_CAST facts.fragments[f])) {
				facts.broken_fragments++;
				problem(facts.fragment_lines[f],
					"link to '#%s', which no id names",
					facts.fragments[f]);
			}
			free(facts.fragments[f]);
		}
		facts.fragment_count = 0;
		for (k = 0; k < KIND_COUNT; k++) {
			page_rows += facts.row_kinds[k];
			if (k != kind && facts.row_kinds[k]) {
				misplaced += facts.row_kinds[k];
				problem(0, "%zu rows of kind %s on a page of %s",
					facts.row_kinds[k], kinds[k], kinds[kind]);
			}
		}
		if (page_rows > MAX_ROWS)
			oversize++;
		if (facts.csp_metas - csp_before != 1)
			without_csp++;
		/* Every row id of every page, to find one listed twice. */
		{
			xmlNodePtr stack[64];
			int depth = 0;
			xmlNodePtr node = xmlDocGetRootElement(doc);

			while (node || depth) {
				xmlChar *id;

				if (!node) {
					node = stack[--depth]->next;
					continue;
				}
				if (node->type == XML_ELEMENT_NODE &&
				    !xmlStrcasecmp(node->name, BAD_CAST "tr") &&
				    xmlHasProp(node, BAD_CAST "data-kind") &&
				    (id = xmlGetProp(node, BAD_CAST "id"))) {
					if (xmlHashLookup(rows, id)) {
						duplicate_rows++;
						problem(xmlGetLineNo(node),
							"row '%s' is also on an earlier page",
							(const char *)id);
					} else {
						xmlHashAddEntry(rows, id, (void *)1);
					}
					xmlFree(id);
				}
				if (node->type == XML_ELEMENT_NODE && node->children &&
				    depth < 64) {
					stack[depth++] = node;
					node = node->children;
				} else {
					node = node->next;
				}
			}
		}
		xmlHashFree(facts.ids, NULL);
		facts.ids = NULL;
		xmlFreeDoc(doc);
	}

	for (k = 0; k < KIND_COUNT; k++)
		printf("kind %s %zu\n", kinds[k], facts.rows[k]);
	for (k = 0; k < KIND_COUNT; k++)
		for (s = 0; s < STATE_COUNT; s++)
			printf("state %s %s %zu\n", kinds[k], states[s],
			       facts.row_states[k][s]);
	printf("pages %zu\n", pages);
	for (k = 0; k < KIND_COUNT; k++)
		printf("pages-of %s %zu\n", kinds[k], pages_of[k]);
	printf("duplicate-rows %zu\n", duplicate_rows);
	printf("misplaced-rows %zu\n", misplaced);
	printf("rows-over-page-size %zu\n", oversize);
	printf("bad-page-names %zu\n", bad_names);
	printf("pages-without-one-csp %zu\n", without_csp);
	printf("unknown-kind-rows %zu\n", facts.unknown_kind_rows);
	printf("bad-row-ids %zu\n", facts.bad_row_ids);
	printf("scripts %zu\n", facts.scripts);
	printf("event-handlers %zu\n", facts.event_handlers);
	printf("external-urls %zu\n", facts.external_urls);
	printf("data-urls %zu\n", facts.data_urls);
	printf("unknown-elements %zu\n", facts.unknown_elements);
	printf("unknown-attributes %zu\n", facts.unknown_attributes);
	printf("duplicate-ids %zu\n", facts.duplicate_ids);
	printf("broken-fragments %zu\n", facts.broken_fragments);
	printf("broken-file-links %zu\n", facts.broken_file_links);
	ret = 0;
out:
	for (i = 0; i < name_count; i++)
		free(names[i]);
	free(names);
	free(facts.fragments);
	free(facts.fragment_lines);
	xmlHashFree(facts.allowed_elements, NULL);
	xmlHashFree(facts.allowed_attributes, NULL);
	xmlHashFree(rows, NULL);
	return ret;
}

static int usage(void)
{
	fputs("usage: inspect html FILE [TEMPLATE] | html-cells FILE |\n"
	      "               html-ids FILE | md FILE | md-cells FILE |\n"
	      "               md-paragraphs FILE | plan-md FILE | json FILE |\n"
	      "               inventory DIR [TEMPLATE] | json-fields FILE\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *command;
	int ret;

	if (argc < 3)
		return usage();
	command = argv[1];
	program_file = argv[2];
	LIBXML_TEST_VERSION

	if (!strcmp(command, "html") && argc <= 4)
		ret = cmd_html(argv[2], argc == 4 ? argv[3] : NULL);
	else if (!strcmp(command, "html-cells") && argc == 3)
		ret = cmd_html_cells(argv[2]);
	else if (!strcmp(command, "html-ids") && argc == 3)
		ret = cmd_html_ids(argv[2]);
	else if (!strcmp(command, "md-paragraphs") && argc == 3)
		ret = cmd_md_paragraphs(argv[2]);
	else if (!strcmp(command, "md") && argc == 3)
		ret = md_inspect(argv[2], 0);
	else if (!strcmp(command, "md-cells") && argc == 3)
		ret = md_inspect(argv[2], 1);
	else if (!strcmp(command, "plan-md") && argc == 3)
		ret = cmd_plan_md(argv[2]);
	else if (!strcmp(command, "json") && argc == 3)
		ret = cmd_json(argv[2]);
	else if (!strcmp(command, "inventory") && argc <= 4)
		ret = cmd_inventory(argv[2], argc == 4 ? argv[3] : NULL);
	else if (!strcmp(command, "json-fields") && argc == 3)
		ret = cmd_json_fields(argv[2]);
	else
		ret = usage();
	xmlCleanupParser();
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "inspect: cannot write the output: %s\n",
			strerror(errno));
		return 1;
	}
	return ret;
}
