/*
 * The inventory: every credential in tables of a fixed number of rows,
 * one page per INVENTORY_PAGE_ROWS credentials of a kind, in the files
 * inventory/<kind>-NNNN.html. Each page is a whole document made from
 * the report.html template, with the template's style, links to the
 * overview and to the previous and next page of its kind.
 *
 * Rows arrive by table and then by id, and the three kinds of token
 * share a table, so a page of each kind stays open. A row is built as a
 * libxml2 subtree, serialized into its page's buffer at once and freed.
 * The page is written when it is full and the next row of its kind
 * arrives, or at the end: only then is it known whether a next page
 * exists. Memory is bounded by one page of rows per kind.
 */
#include "html_build.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/xmlIO.h>

#include "html_template.h"
#include "journal.h"
#include "text.h"

/* Items shown in one cell before "and N more". */
#define CELL_ITEMS_MAX 20

/* The comment in an empty table body where a page's rows go. */
#define ROWS_MARK HTML_ROWS_MARK "page"

struct page {
	size_t number;               /* from 1; 0 while no page is open */
	size_t rows;
	struct buf body;             /* the serialized rows */
};

struct inventory_sink {
	struct sink sink;
	struct html h;
	char *dir;
	struct page pages[KIND_COUNT];
	size_t total[KIND_COUNT];    /* pages written */
	xmlNodePtr parent;           /* where a row is built */
};

static void td_findings(struct html *h, xmlNodePtr row,
			const struct credential *cred)
{
	xmlNodePtr cell = html_td(row, "ca-findings"), list;
	size_t i;

	if (!cred->finding_count) {
		html_span(cell, "ca-none", "none");
		return;
	}
	list = html_el(cell, "ul");
	for (i = 0; i < cred->finding_count && i < CELL_ITEMS_MAX; i++) {
		const struct finding *finding = &cred->findings[i];
		struct buf target = BUF_INIT;
		xmlNodePtr item = html_el(list, "li");

		html_add_severity(item, finding->severity);
		html_add_text(item, " ");
		buf_addf(&target, "../report.html#findings-%s", finding->rule);
		html_add_file_link(item, target.data, finding->rule);
		buf_release(&target);
		html_add_text(item, ": ");
		html_add_user_text(h, item, finding->message, TEXT_MESSAGE_MAX);
	}
	if (cred->finding_count > CELL_ITEMS_MAX)
		html_add_textf(html_el(list, "li"), "and %zu more in report.json",
			       cred->finding_count - CELL_ITEMS_MAX);
}

static void td_plan(struct html *h, xmlNodePtr row,
		    const struct credential *cred,
		    const struct plan_decision *decision)
{
	const struct journal_entry *done =
		done_index_find(h->ctx->done, cred->kind, cred->id);
	xmlNodePtr cell = html_td(row, NULL), badge;
	char date[TS_TEXT_MAX];

	/* plan.md and plan.json list the action under this id. */
	if (decision->outcome == PLAN_ACTION)
		html_el_text(cell, "code", decision->action.id);
	else if (decision->outcome == PLAN_NOT_POSSIBLE)
		html_span(cell, "ca-badge", "not possible in GitLab");
	else if (!done)
		html_span(cell, "ca-none", "none");
	if (!done)
		return;

	/* An action of an earlier plan that credaudit apply carried out. */
	if (cell->children)
		html_add_text(cell, " ");
	badge = html_span(cell, "ca-badge", "done by apply: ");
	html_add_user_text(h, badge, done->action, TEXT_NAME_MAX);
	ts_format_date(done->time, date);
	html_add_textf(badge, ", %s", date);
}

static void td_state(xmlNodePtr row, const struct credential *cred)
{
	struct buf class_name = BUF_INIT;

	buf_addf(&class_name, "state-%s", state_id(cred->state));
	html_span(html_td(row, NULL), class_name.data, state_id(cred->state));
	buf_release(&class_name);
}

/*
 * NOTE: a damaged snapshot that repeats a kind and id gives two rows with
 * the same id attribute, and links go to the first.
 */
static xmlNodePtr start_row(xmlNodePtr body, const struct credential *cred)
{
	struct buf id = BUF_INIT;
	xmlNodePtr row = html_el(body, "tr");

	html_row_id(&id, cred->kind, cred->id);
	html_set_attr(row, "id", id.data);
	html_set_attr(row, "data-kind", kind_id(cred->kind));
	html_set_attr(row, "data-state", state_id(cred->state));
	if (cred->finding_count) {
		buf_reset(&id);
		buf_addf(&id, "worst-%s", severity_id(cred->worst));
		html_set_attr(row, "class", id.data);
	}
	buf_release(&id);
	html_td_number(row, cred->id);
	return row;
}

static void td_scopes(struct html *h, xmlNodePtr row,
		      const struct credential *cred)
{
	xmlNodePtr cell;
	size_t i;

	if (cred->unavailable & FIELD_SCOPES) {
		html_td_unavailable(row);
		return;
	}
	cell = html_td(row, NULL);
	if (cred->scopes_invalid) {
		html_span(cell, "ca-invalid", "cannot be parsed");
		return;
	}
	if (!cred->scopes.count) {
		html_span(cell, "ca-none", "none");
		return;
	}
	for (i = 0; i < cred->scopes.count && i < CELL_ITEMS_MAX; i++) {
		if (i)
			html_add_text(cell, " ");
		html_add_user_text(h, html_el(cell, "code"), cred->scopes.items[i],
			      TEXT_NAME_MAX);
	}
	if (cred->scopes.count > CELL_ITEMS_MAX)
		html_add_textf(cell, " and %zu more",
			  cred->scopes.count - CELL_ITEMS_MAX);
}

static void token_row(struct html *h, xmlNodePtr body,
		      const struct credential *cred,
		      const struct plan_decision *decision)
{
	xmlNodePtr row = start_row(body, cred), cell;
	char text[TS_TEXT_MAX];
	unsigned flags;

	cell = html_td(row, NULL);
	html_add_user_text(h, cell, cred->name, TEXT_NAME_MAX);
	if (cred->impersonation) {
		html_add_text(cell, " ");
		html_span(cell, "ca-badge", "impersonation");
	}
	if (cred->previous_id) {
		html_el(cell, "br");
		html_add_textf(html_span(cell, "muted", ""), "rotated from token %" PRId64,
			  cred->previous_id);
	}
	html_add_owner(h, html_td(row, NULL), cred->owner, cred->owner_id,
		       cred->unavailable);

	if (cred->kind != KIND_PERSONAL_TOKEN) {
		if (cred->unavailable & FIELD_RESOURCE) {
			html_td_unavailable(row);
		} else {
			cell = html_td(row, NULL);
			html_add_user_text(h, cell, cred->resource.path,
				      TEXT_NAME_MAX);
			html_el(cell, "br");
			html_add_textf(html_span(cell, "muted", ""), "id %" PRId64,
				  cred->resource.id);
		}
	}
	td_scopes(h, row, cred);
	html_td_timestamp(h, row, cred, FIELD_CREATED, &cred->created_at, "unknown");
	html_td_timestamp(h, row, cred, FIELD_LAST_USED, &cred->last_used_at, "never");
	html_td_timestamp(h, row, cred, FIELD_EXPIRES, &cred->expires_at, "no expiry");
	td_state(row, cred);

	if (cred->unavailable & FIELD_REVOKED) {
		html_td_unavailable(row);
	} else if (!cred->revoked) {
		html_span(html_td(row, NULL), "ca-none", "no");
	} else {
		switch (render_timestamp(cred, 0, &cred->revoked_at, text)) {
		case VALUE_SET:
			html_add_textf(html_td(row, "date"), "yes, %s", text);
			break;
		case VALUE_INVALID:
			cell = html_td(row, NULL);
			flags = html_add_bdi(h, html_span(cell, "ca-invalid", "yes, "),
					cred->revoked_at.raw, TEXT_NAME_MAX);
			html_span(cell, "ca-invalid", " (invalid)");
			if (flags)
				html_add_flags(cell, flags);
			break;
		case VALUE_NONE:
		case VALUE_UNAVAILABLE:
			html_td_text(row, NULL, "yes");
			break;
		}
	}
	td_findings(h, row, cred);
	td_plan(h, row, cred, decision);
}

static void ssh_row(struct html *h, xmlNodePtr body,
		    const struct credential *cred,
		    const struct plan_decision *decision)
{
	xmlNodePtr row = start_row(body, cred), cell;

	cell = html_td(row, NULL);
	html_add_user_text(h, cell, cred->name, TEXT_NAME_MAX);
	if (cred->ldap) {
		html_add_text(cell, " ");
		html_span(cell, "ca-badge", "LDAP");
	}
	if (cred->resource.type == RESOURCE_PROJECT) {
		html_el(cell, "br");
		html_add_text(cell, "project ");
		html_add_user_text(h, cell, cred->resource.path, TEXT_NAME_MAX);
	}
	html_add_owner(h, html_td(row, NULL), cred->owner, cred->owner_id,
		       cred->unavailable);

	if (!cred->ssh_ok) {
		cell = html_td(row, NULL);
		html_span(cell, "ca-invalid", "cannot be parsed: ");
		html_add_user_text(h, cell, cred->ssh.error, TEXT_MESSAGE_MAX);
		html_span(html_td(row, NULL), "ca-none", "none");
		html_span(html_td(row, NULL), "ca-none", "none");
	} else {
		cell = html_td(row, NULL);
		html_add_user_text(h, cell, cred->ssh.type, TEXT_NAME_MAX);
		if (cred->ssh.declared[0] &&
		    strcmp(cred->ssh.declared, cred->ssh.type)) {
			html_el(cell, "br");
			cell = html_span(cell, "ca-invalid", "the line says ");
			html_add_user_text(h, cell, cred->ssh.declared,
				      TEXT_NAME_MAX);
		}
		html_td_number(row, cred->ssh.bits);
		cell = html_td(row, "mono");
		html_add_user_text(h, cell, cred->ssh.sha256, TEXT_NAME_MAX);
		html_el(cell, "br");
		if (cred->ssh.md5[0]) {
			cell = html_span(cell, "muted", "MD5:");
			html_add_user_text(h, cell, cred->ssh.md5, TEXT_NAME_MAX);
		} else {
			html_span(cell, "ca-none", "no MD5");
		}
	}

	if (cred->unavailable & FIELD_USAGE_TYPE)
		html_td_unavailable(row);
	else
		html_add_user_text(h, html_td(row, NULL), cred->usage_type,
			      TEXT_NAME_MAX);
	html_td_timestamp(h, row, cred, FIELD_CREATED, &cred->created_at, "unknown");
	html_td_timestamp(h, row, cred, FIELD_LAST_USED, &cred->last_used_at, "never");
	html_td_timestamp(h, row, cred, FIELD_EXPIRES, &cred->expires_at, "no expiry");
	td_state(row, cred);
	td_findings(h, row, cred);
	td_plan(h, row, cred, decision);
}

static void gpg_row(struct html *h, xmlNodePtr body,
		    const struct credential *cred,
		    const struct plan_decision *decision)
{
	const struct gpg_key_info *gpg = &cred->gpg;
	xmlNodePtr row = start_row(body, cred), cell, list = NULL;
	char text[TS_TEXT_MAX];
	size_t i;

	html_add_owner(h, html_td(row, NULL), cred->owner, cred->owner_id,
		       cred->unavailable);
	if (!cred->gpg_ok) {
		html_span(html_td(row, NULL), "ca-none", "none");
		html_span(html_td(row, NULL), "ca-none", "none");
		html_span(html_td(row, NULL), "ca-none", "none");
		cell = html_td(row, NULL);
		html_span(cell, "ca-invalid", "cannot be read: ");
		html_add_user_text(h, cell, gpg->error, TEXT_MESSAGE_MAX);
	} else {
		html_add_user_text(h, html_td(row, "mono"), gpg->keyid, TEXT_NAME_MAX);
		html_add_user_text(h, html_td(row, "mono"), gpg->fingerprint,
			      TEXT_NAME_MAX);
		cell = html_td(row, NULL);
		if (!gpg->uid_count)
			html_span(cell, "ca-none", "none");
		else
			list = html_el(cell, "ul");
		for (i = 0; i < gpg->uid_count && i < CELL_ITEMS_MAX; i++) {
			xmlNodePtr item = html_el(list, "li");

			html_add_user_text(h, item, gpg->uids[i].uid, TEXT_NAME_MAX);
			if (gpg->uids[i].revoked) {
				html_add_text(item, " ");
				html_span(item, "ca-badge", "revoked");
			}
			if (gpg->uids[i].invalid) {
				html_add_text(item, " ");
				html_span(item, "ca-badge", "invalid");
			}
		}
		if (gpg->uid_count > CELL_ITEMS_MAX)
			html_add_textf(html_el(list, "li"), "and %zu more",
				  gpg->uid_count - CELL_ITEMS_MAX);
		cell = html_td(row, NULL);
		html_add_user_text(h, cell, gpg->algorithm, TEXT_NAME_MAX);
		if (gpg->bits)
			html_add_textf(cell, " %u", gpg->bits);
		if (gpg->curve[0]) {
			html_add_text(cell, " ");
			html_add_user_text(h, cell, gpg->curve, TEXT_NAME_MAX);
		}
		if (gpg->extra_keys) {
			html_el(cell, "br");
			html_add_textf(html_span(cell, "ca-badge", ""),
				  "%zu more key%s in the armor", gpg->extra_keys,
				  gpg->extra_keys == 1 ? "" : "s");
		}
	}

	html_td_timestamp(h, row, cred, FIELD_CREATED, &cred->created_at, "unknown");
	if (!cred->gpg_ok) {
		html_span(html_td(row, NULL), "ca-none", "unknown");
		html_span(html_td(row, NULL), "ca-none", "unknown");
		html_span(html_td(row, NULL), "ca-none", "unknown");
	} else {
		if (gpg->created) {
			ts_format_date(gpg->created, text);
			html_td_text(row, "date", text);
		} else {
			html_span(html_td(row, NULL), "ca-none", "unknown");
		}
		if (gpg->expires) {
			ts_format_date(gpg->expires, text);
			html_td_text(row, "date", text);
		} else {
			html_span(html_td(row, "date"), "ca-none", "no expiry");
		}
		if (gpg->revoked)
			html_td_text(row, "ca-invalid", "revoked");
		else if (gpg->expired)
			html_td_text(row, "ca-invalid", "expired");
		else
			html_td_text(row, NULL, "valid");
	}

	if (cred->unavailable & FIELD_VERIFICATION) {
		html_td_unavailable(row);
	} else {
		cell = html_td(row, NULL);
		html_add_text(cell, cred->verification == GPG_VERIFIED
			 ? "verified" : "unverified");
		if (cred->verification == GPG_VERIFIED &&
		    cred->verified_by_revoked_uid) {
			html_el(cell, "br");
			html_span(cell, "ca-invalid", "only through a revoked user ID");
		}
	}
	td_findings(h, row, cred);
	td_plan(h, row, cred, decision);
}
static const char *const pat_headers[] = {
	"ID", "Name", "Owner", "Scopes", "Created", "Last used",
	"Expires", "State", "Revoked", "Findings", "Plan",
};
static const char *const bot_headers[] = {
	"ID", "Name", "Owner", "Resource", "Scopes", "Created",
	"Last used", "Expires", "State", "Revoked", "Findings", "Plan",
};
static const char *const ssh_headers[] = {
	"ID", "Title", "Owner", "Type", "Bits", "Fingerprints",
	"Usage", "Created", "Last used", "Expires", "State",
	"Findings", "Plan",
};
static const char *const gpg_headers[] = {
	"ID", "Owner", "Primary key ID", "Fingerprint", "User IDs",
	"Algorithm", "Added", "Key created", "Key expires",
	"Key status", "Verification", "Findings", "Plan",
};

static const char *const *kind_headers(enum cred_kind kind, size_t *count)
{
	switch (kind) {
	case KIND_PERSONAL_TOKEN:
		*count = sizeof(pat_headers) / sizeof(*pat_headers);
		return pat_headers;
	case KIND_PROJECT_TOKEN:
	case KIND_GROUP_TOKEN:
		*count = sizeof(bot_headers) / sizeof(*bot_headers);
		return bot_headers;
	case KIND_SSH_KEY:
	case KIND_DEPLOY_KEY:
		*count = sizeof(ssh_headers) / sizeof(*ssh_headers);
		return ssh_headers;
	default:
		*count = sizeof(gpg_headers) / sizeof(*gpg_headers);
		return gpg_headers;
	}
}

static void remove_node(xmlNodePtr node)
{
	if (!node)
		return;
	xmlUnlinkNode(node);
	xmlFreeNode(node);
}

/* Set the text of the template's <title>, when it has one. */
static void set_title(htmlDocPtr doc, const char *text)
{
	xmlNodePtr node = xmlDocGetRootElement(doc);

	for (node = node ? node->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    !xmlStrcasecmp(node->name, BAD_CAST "head"))
			break;
	for (node = node ? node->children : NULL; node; node = node->next) {
		if (node->type == XML_ELEMENT_NODE &&
		    !xmlStrcasecmp(node->name, BAD_CAST "title")) {
			xmlNodeSetContent(node, NULL);
			html_add_text(node, text);
			return;
		}
	}
}

/* Links to the overview and to the neighbours of page `number`. */
static void fill_navigation(xmlNodePtr nav, enum cred_kind kind,
			    size_t number, int has_next)
{
	xmlNodePtr list = html_el(nav, "ul");
	struct buf href = BUF_INIT;

	html_add_file_link(html_el(list, "li"), "../report.html",
			   "Overview");
	if (number > 1) {
		inventory_page_name(&href, kind, number - 1, 0);
		html_add_file_link(html_el(list, "li"), href.data,
				   "Previous page");
		buf_reset(&href);
	}
	if (has_next) {
		inventory_page_name(&href, kind, number + 1, 0);
		html_add_file_link(html_el(list, "li"), href.data, "Next page");
	}
	buf_release(&href);
}

static void fill_page_header(struct html *h, xmlNodePtr header,
			     enum cred_kind kind, size_t number, size_t rows)
{
	const struct model *model = h->ctx->model;
	struct buf text = BUF_INIT;
	char now[TS_TEXT_MAX];
	xmlNodePtr facts;
	size_t first = (number - 1) * INVENTORY_PAGE_ROWS + 1;

	buf_addf(&text, "%s, page %zu", kind_label(kind), number);
	html_el_text(header, "h1", text.data);
	facts = html_el(header, "dl");
	html_set_attr(facts, "class", "ca-facts");
	buf_reset(&text);
	buf_addf(&text, "%zu to %zu, by id", first, first + rows - 1);
	html_fact(facts, "Rows", text.data);
	html_el_text(facts, "dt", "Snapshot");
	html_add_user_text(h, html_el(facts, "dd"), model->snapshot_path, 1000);
	ts_format(model->now, now);
	html_fact(facts, "As of", now);
	buf_release(&text);
}

/*
 * Write page `page` of `kind` to the folder: the template filled around
 * an empty table, then the rows in place of the mark in its body.
 */
static int write_page(struct inventory_sink *inv, enum cred_kind kind,
		      struct page *page, int has_next, struct buf *err)
{
	static const char mark[] = "<!--" ROWS_MARK "-->";
	struct html *h = &inv->h;
	xmlNodePtr found[PH_COUNT], body, section;
	xmlOutputBufferPtr text = NULL;
	const char *start, *at, *end;
	const char *const *headers;
	struct buf path = BUF_INIT, title = BUF_INIT;
	htmlDocPtr doc;
	FILE *file = NULL;
	size_t header_count;
	int ret = -1;

	doc = html_template_load(h->ctx, found, err);
	if (!doc)
		goto out;
	buf_addf(&title, "%s, page %zu - GitLab credential audit",
		 kind_label(kind), page->number);
	set_title(doc, title.data);
	remove_node(found[PH_SUMMARY]);
	remove_node(found[PH_FINDINGS]);
	remove_node(found[PH_PLAN]);
	fill_page_header(h, found[PH_HEADER], kind, page->number, page->rows);
	if (found[PH_CONTENTS])
		fill_navigation(found[PH_CONTENTS], kind, page->number, has_next);
	section = html_el(found[PH_INVENTORY], "section");
	buf_reset(&path);
	buf_addf(&path, "inventory-%s", kind_id(kind));
	html_set_attr(section, "id", path.data);
	html_set_attr(section, "data-kind", kind_id(kind));
	headers = kind_headers(kind, &header_count);
	body = html_add_table(section, "ca-inventory-table", headers,
			      header_count);
	xmlAddChild(body, xmlNewDocComment(doc, BAD_CAST ROWS_MARK));
	if (found[PH_FOOTER])
		fill_navigation(found[PH_FOOTER], kind, page->number, has_next);

	text = xmlAllocOutputBuffer(NULL);
	if (!text) {
		buf_adds(err, "cannot build an inventory page: out of memory");
		goto out;
	}
	htmlDocContentDumpFormatOutput(text, doc, "UTF-8", 1);
	start = (const char *)xmlOutputBufferGetContent(text);
	end = start + xmlOutputBufferGetSize(text);
	at = memmem(start, (size_t)(end - start), mark, sizeof(mark) - 1);
	if (!at) {
		buf_adds(err, "cannot build an inventory page: the row mark is missing");
		goto out;
	}

	buf_reset(&path);
	buf_addf(&path, "%s/", inv->dir);
	inventory_page_name(&path, kind, page->number, 0);
	file = fopen(path.data, "w");
	if (!file) {
		buf_addf(err, "cannot create '%s': %s", path.data, strerror(errno));
		goto out;
	}
	if (fwrite(start, 1, (size_t)(at - start), file) != (size_t)(at - start) ||
	    fputc('\n', file) == EOF ||
	    fwrite(page->body.data, 1, page->body.len, file) != page->body.len ||
	    fwrite(at + sizeof(mark) - 1, 1,
		   (size_t)(end - at) - (sizeof(mark) - 1), file) !=
	    (size_t)(end - at) - (sizeof(mark) - 1) ||
	    fflush(file)) {
		buf_addf(err, "cannot write '%s': %s", path.data, strerror(errno));
		goto out;
	}
	inv->total[kind]++;
	ret = 0;
out:
	if (file && fclose(file) && !ret) {
		buf_addf(err, "cannot write '%s': %s", path.data, strerror(errno));
		ret = -1;
	}
	if (text)
		xmlOutputBufferClose(text);
	if (doc)
		xmlFreeDoc(doc);
	buf_release(&path);
	buf_release(&title);
	return ret;
}

static int close_page(struct inventory_sink *inv, enum cred_kind kind,
		      int has_next, struct buf *err)
{
	struct page *page = &inv->pages[kind];
	int ret;

	if (!page->number)
		return 0;
	ret = write_page(inv, kind, page, has_next, err);
	buf_reset(&page->body);
	page->rows = 0;
	return ret;
}

/*
 * Append `text` with the characters that HTML gives a meaning escaped as
 * entities: & < > always, and " within an attribute value.
 */
static void escape_html(struct buf *out, const xmlChar *text, int attribute)
{
	const char *p = (const char *)text, *start = p;

	for (; *p; p++) {
		const char *entity;

		switch (*p) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"':
			if (!attribute)
				continue;
			entity = "&quot;";
			break;
		default:
			continue;
		}
		buf_add(out, start, (size_t)(p - start));
		buf_adds(out, entity);
		start = p + 1;
	}
	buf_add(out, start, (size_t)(p - start));
}

/*
 * Append the HTML of a row subtree built by the row functions above:
 * elements with attributes, text, and <br> as the only void element.
 * libxml2's HTML serializer looks every element up in its table of HTML
 * elements, which costs more than building the row; this writer knows
 * the few elements a row has, and every value still comes from a text
 * node or an attribute of the tree.
 */
static void serialize(struct buf *out, xmlNodePtr node)
{
	for (; node; node = node->next) {
		xmlAttrPtr attr;

		if (node->type == XML_TEXT_NODE) {
			if (node->content)
				escape_html(out, node->content, 0);
			continue;
		}
		if (node->type != XML_ELEMENT_NODE)
			continue;
		buf_addch(out, '<');
		buf_adds(out, (const char *)node->name);
		for (attr = node->properties; attr; attr = attr->next) {
			buf_addch(out, ' ');
			buf_adds(out, (const char *)attr->name);
			buf_adds(out, "=\"");
			if (attr->children && attr->children->content)
				escape_html(out, attr->children->content, 1);
			buf_addch(out, '"');
		}
		buf_addch(out, '>');
		if (!xmlStrcmp(node->name, BAD_CAST "br"))
			continue;
		serialize(out, node->children);
		buf_adds(out, "</");
		buf_adds(out, (const char *)node->name);
		buf_addch(out, '>');
	}
}

static int inventory_credential(struct sink *sink,
				const struct credential *cred,
				const struct plan_decision *decision,
				struct buf *err)
{
	struct inventory_sink *inv = (struct inventory_sink *)sink;
	struct page *page = &inv->pages[cred->kind];
	xmlNodePtr row;

	if (page->number && page->rows == INVENTORY_PAGE_ROWS) {
		size_t next = page->number + 1;

		if (close_page(inv, cred->kind, 1, err) < 0)
			return -1;
		page->number = next;
	} else if (!page->number) {
		page->number = 1;
	}

	if (cred->kind == KIND_SSH_KEY || cred->kind == KIND_DEPLOY_KEY)
		ssh_row(&inv->h, inv->parent, cred, decision);
	else if (cred->kind == KIND_GPG_KEY)
		gpg_row(&inv->h, inv->parent, cred, decision);
	else
		token_row(&inv->h, inv->parent, cred, decision);
	row = inv->parent->children;
	serialize(&page->body, row);
	buf_addch(&page->body, '\n');
	remove_node(row);
	page->rows++;
	return 0;
}

static int inventory_end(struct sink *sink, struct buf *err)
{
	struct inventory_sink *inv = (struct inventory_sink *)sink;
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		if (close_page(inv, (enum cred_kind)k, 0, err) < 0)
			return -1;
	return 0;
}

void render_inventory_pages(const struct sink *sink, size_t pages[KIND_COUNT])
{
	const struct inventory_sink *inv = (const struct inventory_sink *)sink;
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		pages[k] = inv->total[k];
}

static void inventory_free(struct sink *sink)
{
	struct inventory_sink *inv = (struct inventory_sink *)sink;
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		buf_release(&inv->pages[k].body);
	if (inv->h.doc)
		xmlFreeDoc(inv->h.doc);
	buf_release(&inv->h.scratch);
	free(inv->dir);
	free(inv);
}

struct sink *render_inventory_sink(const struct render_context *ctx,
				   const char *dir, struct buf *err)
{
	struct inventory_sink *inv = xcalloc(1, sizeof(*inv));
	xmlNodePtr found[PH_COUNT];
	htmlDocPtr check;
	int k;

	inv->sink.name = "the inventory pages";
	inv->sink.credential = inventory_credential;
	inv->sink.end = inventory_end;
	inv->sink.free = inventory_free;
	inv->h.ctx = ctx;
	buf_init(&inv->h.scratch);
	for (k = 0; k < KIND_COUNT; k++)
		buf_init(&inv->pages[k].body);
	inv->dir = xstrdup(dir);

	/* Reject a template that cannot be used before any row is read. */
	check = html_template_load(ctx, found, err);
	if (!check) {
		inventory_free(&inv->sink);
		return NULL;
	}
	xmlFreeDoc(check);

	/* Rows are built in a document of their own and moved out as text. */
	inv->h.doc = htmlNewDocNoDtD(NULL, NULL);
	inv->parent = xmlNewDocNode(inv->h.doc, NULL, BAD_CAST "tbody", NULL);
	xmlDocSetRootElement(inv->h.doc, inv->parent);
	return &inv->sink;
}
