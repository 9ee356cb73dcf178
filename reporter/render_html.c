/*
 * The HTML report: one self-contained page. The page is a libxml2 tree
 * made from the report.html template. Every value from the snapshot enters
 * it as a text node or an attribute value after text_escape(), so libxml2
 * escapes it on output and no value can become markup.
 */
#include "render_core.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>

#include "html_template.h"
#include "journal.h"
#include "text.h"

/* Items shown in one cell before "and N more". */
#define CELL_ITEMS_MAX 20

/*
 * Rows are not kept in the page. Each table body or list gets a comment
 * that marks a hole, and write_document() builds, writes and frees its
 * rows one at a time, so memory does not grow with the number of
 * credentials.
 */
enum hole_type {
	HOLE_FINDINGS,      /* rows of one rule group */
	HOLE_PLAN,          /* items of the plan */
	HOLE_SKIPPED,       /* items of the flagged but not possible list */
	HOLE_INVENTORY,     /* rows of one kind */
};

struct hole {
	enum hole_type type;
	size_t index;       /* rule group or kind */
};

struct html {
	const struct render_context *ctx;
	const struct model *model;
	htmlDocPtr doc;
	struct buf scratch;
	struct rule_groups groups;
	struct hole *holes;
	size_t hole_count;
};

/* Tree building. */

static xmlNodePtr el(xmlNodePtr parent, const char *tag)
{
	return xmlNewChild(parent, NULL, BAD_CAST tag, NULL);
}

static void set_attr(xmlNodePtr node, const char *name, const char *value)
{
	xmlSetProp(node, BAD_CAST name, BAD_CAST value);
}

/* Append text that credaudit wrote itself: rule ids, labels, numbers. */
static void add_text(xmlNodePtr node, const char *text)
{
	xmlNodeAddContent(node, BAD_CAST text);
}

static void add_textf(xmlNodePtr node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_textf(xmlNodePtr node, const char *fmt, ...)
{
	struct buf text = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	add_text(node, text.data);
	buf_release(&text);
}

static xmlNodePtr el_text(xmlNodePtr parent, const char *tag,
			  const char *text)
{
	xmlNodePtr node = el(parent, tag);

	add_text(node, text);
	return node;
}

static xmlNodePtr span(xmlNodePtr parent, const char *class_name,
		       const char *text)
{
	xmlNodePtr node = el_text(parent, "span", text);

	set_attr(node, "class", class_name);
	return node;
}

static xmlNodePtr add_link(xmlNodePtr parent, const char *target,
			   const char *text)
{
	struct buf href = BUF_INIT;
	xmlNodePtr node = el_text(parent, "a", text);

	buf_addf(&href, "#%s", target);
	set_attr(node, "href", href.data);
	buf_release(&href);
	return node;
}

static void add_flags(xmlNodePtr parent, unsigned flags)
{
	struct buf labels = BUF_INIT;

	text_flag_labels(&labels, flags);
	add_text(parent, " ");
	span(parent, "ca-text-flag", labels.data);
	buf_release(&labels);
}

/*
 * Append untrusted text in its own <bdi>, so right-to-left text or a
 * stray direction cannot reorder what follows. NULL shows as "none".
 * Returns the text_escape() flags.
 */
static unsigned add_bdi(struct html *h, xmlNodePtr parent, const char *text,
			size_t max_chars)
{
	xmlNodePtr bdi;
	unsigned flags;

	if (!text) {
		span(parent, "ca-none", "none");
		return 0;
	}
	if (!*text) {
		span(parent, "ca-none", "empty");
		return 0;
	}
	buf_reset(&h->scratch);
	flags = text_escape_str(&h->scratch, text, max_chars);
	bdi = el(parent, "bdi");
	xmlNodeAddContentLen(bdi, BAD_CAST h->scratch.data, (int)h->scratch.len);
	return flags;
}

/* add_bdi(), then a mark that names the escapes the text needed. */
static unsigned add_user_text(struct html *h, xmlNodePtr parent,
			      const char *text, size_t max_chars)
{
	unsigned flags = add_bdi(h, parent, text, max_chars);

	if (flags)
		add_flags(parent, flags);
	return flags;
}

static xmlNodePtr add_severity(xmlNodePtr parent, enum severity sev)
{
	struct buf class_name = BUF_INIT;
	xmlNodePtr node;

	buf_addf(&class_name, "sev sev-%s", severity_id(sev));
	node = span(parent, class_name.data, severity_id(sev));
	buf_release(&class_name);
	return node;
}

static xmlNodePtr add_table(xmlNodePtr parent, const char *class_name,
			    const char *const *headers, size_t count)
{
	xmlNodePtr table = el(parent, "table");
	xmlNodePtr row;
	size_t i;

	if (class_name)
		set_attr(table, "class", class_name);
	row = el(el(table, "thead"), "tr");
	for (i = 0; i < count; i++) {
		xmlNodePtr th = el_text(row, "th", headers[i]);

		set_attr(th, "scope", "col");
	}
	return el(table, "tbody");
}

static xmlNodePtr td(xmlNodePtr row, const char *class_name)
{
	xmlNodePtr cell = el(row, "td");

	if (class_name)
		set_attr(cell, "class", class_name);
	return cell;
}

static void td_text(xmlNodePtr row, const char *class_name, const char *text)
{
	add_text(td(row, class_name), text);
}

static void td_unavailable(xmlNodePtr row)
{
	span(td(row, NULL), "ca-unavailable", NOT_AVAILABLE);
}

static void td_number(xmlNodePtr row, int64_t value)
{
	add_textf(td(row, "num"), "%" PRId64, value);
}

static void row_id(struct buf *out, const struct credential *cred)
{
	buf_addf(out, "%s-%" PRId64, kind_id(cred->kind), cred->id);
}

/* Link to the inventory row of `cred`, e.g. "SSH key 12". */
static void add_cred_link(xmlNodePtr parent, const struct credential *cred)
{
	struct buf target = BUF_INIT, text = BUF_INIT;

	row_id(&target, cred);
	buf_addf(&text, "%s %" PRId64, kind_noun(cred->kind), cred->id);
	text.data[0] = (char)toupper((unsigned char)text.data[0]);
	add_link(parent, target.data, text.data);
	buf_release(&target);
	buf_release(&text);
}

/*
 * Append "2026-12-04T12:00:00Z" as two unbreakable parts, so that a narrow
 * column wraps after the date and nowhere else.
 */
static void add_date_time(xmlNodePtr parent, const char *text)
{
	const char *time_part = strchr(text, 'T');
	xmlNodePtr date;

	if (!time_part) {
		span(parent, "ca-nowrap", text);
		return;
	}
	date = span(parent, "ca-nowrap", "");
	xmlNodeAddContentLen(date, BAD_CAST text, (int)(time_part - text));
	span(parent, "ca-nowrap", time_part);
}

/* A timestamp cell: date, "never"/"no expiry", raw text, or unavailable. */
static void td_timestamp(struct html *h, xmlNodePtr row,
			 const struct credential *cred, unsigned field,
			 const struct timestamp *ts, const char *none_text)
{
	char text[TS_TEXT_MAX];
	xmlNodePtr cell;
	unsigned flags;

	switch (render_timestamp(cred, field, ts, text)) {
	case VALUE_SET:
		add_date_time(td(row, "date"), text);
		break;
	case VALUE_NONE:
		span(td(row, "date"), "ca-none", none_text);
		break;
	case VALUE_INVALID:
		cell = td(row, NULL);
		flags = add_bdi(h, span(cell, "ca-invalid", ""),
				ts->raw ? ts->raw : "", TEXT_NAME_MAX);
		span(cell, "ca-invalid", " (invalid)");
		if (flags)
			add_flags(cell, flags);
		break;
	case VALUE_UNAVAILABLE:
		td_unavailable(row);
		break;
	}
}

/* Header: what was audited, when, with what, under which rules. */

static void fact(xmlNodePtr list, const char *term, const char *text)
{
	el_text(list, "dt", term);
	add_text(el(list, "dd"), text);
}

static void fill_header(struct html *h, xmlNodePtr header)
{
	static const char *const rule_headers[] = {
		"Rule", "Severity", "What it flags", "Source", "Plan",
	};
	const struct model *model = h->model;
	const struct policy_rule **rules;
	struct buf libraries = BUF_INIT;
	char now[TS_TEXT_MAX];
	xmlNodePtr facts, body, row, dd;
	size_t i;

	el_text(header, "h1", "GitLab credential audit");
	facts = el(header, "dl");
	set_attr(facts, "class", "ca-facts");

	el_text(facts, "dt", "Snapshot");
	add_user_text(h, el(facts, "dd"), model->snapshot_path, 1000);
	el_text(facts, "dt", "Snapshot digest");
	dd = el(facts, "dd");
	if (model->snapshot_digest)
		el_text(dd, "code", model->snapshot_digest);
	else
		span(dd, "ca-none", "none");
	ts_format(model->now, now);
	fact(facts, "As of", now);
	if (model->gitlab_version) {
		el_text(facts, "dt", "GitLab version");
		add_user_text(h, el(facts, "dd"), model->gitlab_version,
			      TEXT_NAME_MAX);
	}
	buf_addf(&libraries, "credaudit %s",
		 h->ctx->tool_version ? h->ctx->tool_version : "unknown");
	fact(facts, "Generated by", libraries.data);
	buf_reset(&libraries);
	render_library_versions(h->ctx, &libraries);
	fact(facts, "Libraries", libraries.data);
	buf_release(&libraries);

	set_attr(el_text(header, "h2", "Rules"), "id", "rules");
	body = add_table(header, "ca-rules", rule_headers,
			 sizeof(rule_headers) / sizeof(rule_headers[0]));
	rules = xcalloc(policy_rule_count, sizeof(*rules));
	render_rules_sorted(rules);
	for (i = 0; i < policy_rule_count; i++) {
		struct buf id = BUF_INIT;

		row = el(body, "tr");
		buf_addf(&id, "rule-%s", rules[i]->id);
		set_attr(row, "id", id.data);
		buf_release(&id);
		el_text(td(row, NULL), "code", rules[i]->id);
		add_severity(td(row, NULL), rules[i]->severity);
		td_text(row, NULL, rules[i]->summary);
		td_text(row, "muted", rules[i]->source);
		td_text(row, NULL, rules[i]->proposes_action
			? "proposes an action" : "report only");
	}
	free(rules);
}

static void fill_contents(xmlNodePtr nav, int with_plan)
{
	xmlNodePtr list = el(nav, "ul");

	add_link(el(list, "li"), "ca-summary", "Summary");
	add_link(el(list, "li"), "ca-findings", "Findings");
	if (with_plan)
		add_link(el(list, "li"), "ca-plan", "Revocation plan");
	add_link(el(list, "li"), "ca-inventory", "Inventory");
	add_link(el(list, "li"), "rules", "Rules");
}

/* Summary: counts by kind and state, findings by severity. */

static void fill_summary(struct html *h, xmlNodePtr section)
{
	static const char *const kind_headers[] = {
		"Kind", "Active", "Expired", "Revoked", "Total",
	};
	static const char *const severity_headers[] = {
		"Severity", "Findings",
	};
	const struct summary *sum = &h->model->summary;
	xmlNodePtr body, row, cell;
	int k, s;

	el_text(section, "h2", "Summary");
	body = add_table(section, "ca-summary-table", kind_headers, 5);
	for (k = 0; k < KIND_COUNT; k++) {
		size_t total = 0;
		struct buf target = BUF_INIT;

		row = el(body, "tr");
		buf_addf(&target, "inventory-%s", kind_id((enum cred_kind)k));
		add_link(td(row, NULL), target.data, kind_label((enum cred_kind)k));
		buf_release(&target);
		if (!sum->kind_available[k]) {
			cell = td(row, NULL);
			set_attr(cell, "colspan", "4");
			span(cell, "ca-unavailable", NOT_AVAILABLE);
			continue;
		}
		for (s = 0; s < STATE_COUNT; s++) {
			td_number(row, (int64_t)sum->by_kind_state[k][s]);
			total += sum->by_kind_state[k][s];
		}
		td_number(row, (int64_t)total);
	}

	el_text(section, "h3", "Findings by severity");
	body = add_table(section, "ca-summary-table", severity_headers, 2);
	for (s = SEV_COUNT - 1; s >= 0; s--) {
		row = el(body, "tr");
		add_severity(td(row, NULL), (enum severity)s);
		td_number(row, (int64_t)sum->by_severity[s]);
	}
	row = el(body, "tr");
	td_text(row, NULL, "All");
	td_number(row, (int64_t)sum->findings);

	if (h->ctx->plan) {
		const struct plan *plan = h->ctx->plan;
		xmlNodePtr p = el(section, "p");

		add_textf(p, "The revocation plan proposes %zu action%s", plan->count,
			  plan->count == 1 ? "" : "s");
		if (plan->skipped_count)
			add_textf(p, "; %zu flagged credential%s cannot be changed in GitLab",
				  plan->skipped_count,
				  plan->skipped_count == 1 ? "" : "s");
		add_text(p, ".");
	}
}

/* Owner of a credential: username, name, state and user type. */
static void add_owner(struct html *h, xmlNodePtr cell,
		      const struct credential *cred)
{
	const struct owner *owner = cred->owner;
	xmlNodePtr details;

	if (!owner) {
		add_textf(cell, "user %" PRId64 " ", cred->owner_id);
		span(cell, "ca-badge", "not in the snapshot");
		return;
	}
	add_user_text(h, cell, owner->username, TEXT_NAME_MAX);
	if (owner->name) {
		el(cell, "br");
		details = span(cell, "muted", "");
		add_user_text(h, details, owner->name, TEXT_NAME_MAX);
	}
	el(cell, "br");
	details = span(cell, "muted", "");
	if (owner->state)
		add_user_text(h, details, owner->state, TEXT_NAME_MAX);
	else if (cred->unavailable & FIELD_OWNER_STATE)
		add_text(details, "state " NOT_AVAILABLE);
	else
		add_text(details, "state unknown");
	add_textf(details, " \xC2\xB7 %s", user_type_id(owner->user_type));
	if (owner->admin)
		add_text(details, " \xC2\xB7 administrator");
}

/* Append ` "name"` in running text, or nothing when there is no name. */
static void add_quoted_name(struct html *h, xmlNodePtr parent,
			    const struct credential *cred)
{
	unsigned flags;

	if (!cred->name)
		return;
	add_text(parent, " \"");
	flags = add_bdi(h, parent, cred->name, TEXT_NAME_MAX);
	add_text(parent, "\"");
	if (flags)
		add_flags(parent, flags);
}

static void add_action_text(struct html *h, xmlNodePtr parent,
			    const struct plan_action *action)
{
	const struct credential *cred = action->cred;
	static const char *const verbs[] = { "Revoke", "Delete", "Review" };

	add_textf(parent, " %s %s %" PRId64, verbs[action->type],
		  kind_noun(cred->kind), cred->id);
	add_quoted_name(h, parent, cred);
	if (cred->owner) {
		add_text(parent, " of ");
		add_user_text(h, parent, cred->owner->username, TEXT_NAME_MAX);
	}
	add_text(parent, ": ");
	if (action->method) {
		add_textf(el(parent, "code"), "%s /api/v4%s", action->method,
			  action->api_path);
		add_text(parent, "; ");
	} else {
		add_text(parent, "manual step: ");
		add_text(parent, action->manual);
		add_text(parent, "; ");
	}
	add_text(parent, action->consequence);
	add_text(parent, ".");
}

/* Mark the place of rows that write_document() builds and writes. */
static void add_hole(struct html *h, xmlNodePtr parent, enum hole_type type,
		     size_t index)
{
	struct buf text = BUF_INIT;

	h->holes = xrealloc(h->holes, (h->hole_count + 1) * sizeof(*h->holes));
	h->holes[h->hole_count].type = type;
	h->holes[h->hole_count].index = index;
	buf_addf(&text, HTML_ROWS_MARK "%zu", h->hole_count++);
	xmlAddChild(parent, xmlNewDocComment(h->doc, BAD_CAST text.data));
	buf_release(&text);
}

/* Findings: one table per rule, highest severity first. */

static void fill_findings(struct html *h, xmlNodePtr section)
{
	static const char *const headers[] = {
		"Credential", "Owner", "Finding", "Plan",
	};
	size_t g;

	el_text(section, "h2", "Findings");
	if (!h->model->summary.findings) {
		span(el(section, "p"), "ca-none", "No findings.");
		return;
	}
	for (g = 0; g < h->groups.count; g++) {
		const struct rule_group *group = &h->groups.groups[g];
		struct buf id = BUF_INIT;
		xmlNodePtr heading, body;

		if (!group->count)
			continue;
		heading = el(section, "h3");
		buf_addf(&id, "findings-%s", group->id);
		set_attr(heading, "id", id.data);
		buf_release(&id);
		add_severity(heading, group->severity);
		add_text(heading, " ");
		el_text(heading, "code", group->id);
		if (group->rule)
			add_textf(heading, " %s", group->rule->summary);
		add_textf(heading, " (%zu)", group->count);

		body = add_table(section, "ca-findings-table", headers, 4);
		add_hole(h, body, HOLE_FINDINGS, g);
	}
}

static void findings_row(struct html *h, xmlNodePtr body,
			 const struct finding_ref *ref)
{
	const struct plan_action *action = NULL;
	xmlNodePtr row = el(body, "tr"), cell;

	cell = td(row, NULL);
	add_cred_link(cell, ref->cred);
	el(cell, "br");
	add_user_text(h, cell, ref->cred->name, TEXT_NAME_MAX);
	add_owner(h, td(row, NULL), ref->cred);
	add_user_text(h, td(row, NULL), ref->finding->message,
		      TEXT_MESSAGE_MAX);
	if (h->ctx->plan)
		action = plan_find(h->ctx->plan, ref->cred);
	cell = td(row, NULL);
	if (action)
		add_link(cell, action->id, action->id);
	else
		span(cell, "ca-none", "none");
}

/* Revocation plan: the proposed actions and what cannot be done. */

static void fill_plan(struct html *h, xmlNodePtr section)
{
	const struct plan *plan = h->ctx->plan;
	char until[TS_TEXT_MAX];
	xmlNodePtr p, list;

	el_text(section, "h2", "Revocation plan");
	if (!plan) {
		span(el(section, "p"), "ca-none", "No plan was made.");
		return;
	}
	ts_format(plan->valid_until, until);
	p = el(section, "p");
	add_textf(p, "%zu proposed action%s, valid until %s. To approve an action, tick its box in plan.md; nothing is sent to GitLab by this report.",
		  plan->count, plan->count == 1 ? "" : "s", until);

	if (plan->count) {
		list = el(section, "ol");
		set_attr(list, "class", "ca-actions");
		add_hole(h, list, HOLE_PLAN, 0);
	}

	if (!plan->skipped_count)
		return;
	el_text(section, "h3", "Flagged but not possible in GitLab");
	list = el(section, "ul");
	set_attr(list, "class", "ca-skipped");
	add_hole(h, list, HOLE_SKIPPED, 0);
}

static void plan_item(struct html *h, xmlNodePtr list,
		      const struct plan_action *action)
{
	struct buf target = BUF_INIT;
	xmlNodePtr item = el(list, "li");

	set_attr(item, "id", action->id);
	el_text(item, "code", action->id);
	add_action_text(h, item, action);
	add_text(item, " ");
	row_id(&target, action->cred);
	add_link(item, target.data, "inventory row");
	buf_release(&target);
}

static void skipped_item(struct html *h, xmlNodePtr list,
			 const struct plan_skip *skip)
{
	xmlNodePtr item = el(list, "li");

	add_cred_link(item, skip->cred);
	add_quoted_name(h, item, skip->cred);
	add_textf(item, ": %s.", skip->reason);
}

/* Inventory: one table per kind. */

static void td_findings(struct html *h, xmlNodePtr row,
			const struct credential *cred)
{
	xmlNodePtr cell = td(row, "ca-findings"), list;
	size_t i;

	if (!cred->finding_count) {
		span(cell, "ca-none", "none");
		return;
	}
	list = el(cell, "ul");
	for (i = 0; i < cred->finding_count && i < CELL_ITEMS_MAX; i++) {
		const struct finding *finding = &cred->findings[i];
		struct buf target = BUF_INIT;
		xmlNodePtr item = el(list, "li");

		add_severity(item, finding->severity);
		add_text(item, " ");
		buf_addf(&target, "findings-%s", finding->rule);
		add_link(item, target.data, finding->rule);
		buf_release(&target);
		add_text(item, ": ");
		add_user_text(h, item, finding->message, TEXT_MESSAGE_MAX);
	}
	if (cred->finding_count > CELL_ITEMS_MAX)
		add_textf(el(list, "li"), "and %zu more under Findings",
			  cred->finding_count - CELL_ITEMS_MAX);
}

static void td_plan(struct html *h, xmlNodePtr row,
		    const struct credential *cred)
{
	const struct plan *plan = h->ctx->plan;
	const struct plan_action *action = plan ? plan_find(plan, cred) : NULL;
	const struct journal_entry *done = h->ctx->journal ?
		journal_find_done_credential(h->ctx->journal,
					     kind_id(cred->kind), cred->id) :
		NULL;
	xmlNodePtr cell = td(row, NULL), badge;
	char date[TS_TEXT_MAX];

	if (action)
		add_link(cell, action->id, action->id);
	else if (plan && render_find_skip(plan, cred))
		span(cell, "ca-badge", "not possible in GitLab");
	else if (!done)
		span(cell, "ca-none", "none");
	if (!done)
		return;

	/* An action of an earlier plan that credaudit apply carried out. */
	if (cell->children)
		add_text(cell, " ");
	badge = span(cell, "ca-badge", "done by apply: ");
	add_user_text(h, badge, done->action, TEXT_NAME_MAX);
	ts_format_date(done->time, date);
	add_textf(badge, ", %s", date);
}

static void td_state(xmlNodePtr row, const struct credential *cred)
{
	struct buf class_name = BUF_INIT;

	buf_addf(&class_name, "state-%s", state_id(cred->state));
	span(td(row, NULL), class_name.data, state_id(cred->state));
	buf_release(&class_name);
}

/*
 * NOTE: a damaged snapshot that repeats a kind and id gives two rows with
 * the same id attribute, and links go to the first.
 */
static xmlNodePtr start_row(xmlNodePtr body, const struct credential *cred)
{
	struct buf id = BUF_INIT;
	xmlNodePtr row = el(body, "tr");

	row_id(&id, cred);
	set_attr(row, "id", id.data);
	set_attr(row, "data-kind", kind_id(cred->kind));
	set_attr(row, "data-state", state_id(cred->state));
	if (cred->finding_count) {
		buf_reset(&id);
		buf_addf(&id, "worst-%s", severity_id(cred->worst));
		set_attr(row, "class", id.data);
	}
	buf_release(&id);
	td_number(row, cred->id);
	return row;
}

static void td_scopes(struct html *h, xmlNodePtr row,
		      const struct credential *cred)
{
	xmlNodePtr cell;
	size_t i;

	if (cred->unavailable & FIELD_SCOPES) {
		td_unavailable(row);
		return;
	}
	cell = td(row, NULL);
	if (cred->scopes_invalid) {
		span(cell, "ca-invalid", "cannot be parsed");
		return;
	}
	if (!cred->scopes.count) {
		span(cell, "ca-none", "none");
		return;
	}
	for (i = 0; i < cred->scopes.count && i < CELL_ITEMS_MAX; i++) {
		if (i)
			add_text(cell, " ");
		add_user_text(h, el(cell, "code"), cred->scopes.items[i],
			      TEXT_NAME_MAX);
	}
	if (cred->scopes.count > CELL_ITEMS_MAX)
		add_textf(cell, " and %zu more",
			  cred->scopes.count - CELL_ITEMS_MAX);
}

static void token_row(struct html *h, xmlNodePtr body,
		      const struct credential *cred)
{
	xmlNodePtr row = start_row(body, cred), cell;
	char text[TS_TEXT_MAX];
	unsigned flags;

	cell = td(row, NULL);
	add_user_text(h, cell, cred->name, TEXT_NAME_MAX);
	if (cred->impersonation) {
		add_text(cell, " ");
		span(cell, "ca-badge", "impersonation");
	}
	if (cred->previous_id) {
		el(cell, "br");
		add_textf(span(cell, "muted", ""), "rotated from token %" PRId64,
			  cred->previous_id);
	}
	add_owner(h, td(row, NULL), cred);

	if (cred->kind != KIND_PERSONAL_TOKEN) {
		if (cred->unavailable & FIELD_RESOURCE) {
			td_unavailable(row);
		} else {
			cell = td(row, NULL);
			add_user_text(h, cell, cred->resource.path,
				      TEXT_NAME_MAX);
			el(cell, "br");
			add_textf(span(cell, "muted", ""), "id %" PRId64,
				  cred->resource.id);
		}
	}
	td_scopes(h, row, cred);
	td_timestamp(h, row, cred, FIELD_CREATED, &cred->created_at, "unknown");
	td_timestamp(h, row, cred, FIELD_LAST_USED, &cred->last_used_at, "never");
	td_timestamp(h, row, cred, FIELD_EXPIRES, &cred->expires_at, "no expiry");
	td_state(row, cred);

	if (cred->unavailable & FIELD_REVOKED) {
		td_unavailable(row);
	} else if (!cred->revoked) {
		span(td(row, NULL), "ca-none", "no");
	} else {
		switch (render_timestamp(cred, 0, &cred->revoked_at, text)) {
		case VALUE_SET:
			add_textf(td(row, "date"), "yes, %s", text);
			break;
		case VALUE_INVALID:
			cell = td(row, NULL);
			flags = add_bdi(h, span(cell, "ca-invalid", "yes, "),
					cred->revoked_at.raw, TEXT_NAME_MAX);
			span(cell, "ca-invalid", " (invalid)");
			if (flags)
				add_flags(cell, flags);
			break;
		case VALUE_NONE:
		case VALUE_UNAVAILABLE:
			td_text(row, NULL, "yes");
			break;
		}
	}
	td_findings(h, row, cred);
	td_plan(h, row, cred);
}

static void ssh_row(struct html *h, xmlNodePtr body,
		    const struct credential *cred)
{
	xmlNodePtr row = start_row(body, cred), cell;

	cell = td(row, NULL);
	add_user_text(h, cell, cred->name, TEXT_NAME_MAX);
	if (cred->ldap) {
		add_text(cell, " ");
		span(cell, "ca-badge", "LDAP");
	}
	if (cred->resource.type == RESOURCE_PROJECT) {
		el(cell, "br");
		add_text(cell, "project ");
		add_user_text(h, cell, cred->resource.path, TEXT_NAME_MAX);
	}
	add_owner(h, td(row, NULL), cred);

	if (!cred->ssh_ok) {
		cell = td(row, NULL);
		span(cell, "ca-invalid", "cannot be parsed: ");
		add_user_text(h, cell, cred->ssh.error, TEXT_MESSAGE_MAX);
		span(td(row, NULL), "ca-none", "none");
		span(td(row, NULL), "ca-none", "none");
	} else {
		cell = td(row, NULL);
		add_user_text(h, cell, cred->ssh.type, TEXT_NAME_MAX);
		if (cred->ssh.declared[0] &&
		    strcmp(cred->ssh.declared, cred->ssh.type)) {
			el(cell, "br");
			cell = span(cell, "ca-invalid", "the line says ");
			add_user_text(h, cell, cred->ssh.declared,
				      TEXT_NAME_MAX);
		}
		td_number(row, cred->ssh.bits);
		cell = td(row, "mono");
		add_user_text(h, cell, cred->ssh.sha256, TEXT_NAME_MAX);
		el(cell, "br");
		if (cred->ssh.md5[0]) {
			cell = span(cell, "muted", "MD5:");
			add_user_text(h, cell, cred->ssh.md5, TEXT_NAME_MAX);
		} else {
			span(cell, "ca-none", "no MD5");
		}
	}

	if (cred->unavailable & FIELD_USAGE_TYPE)
		td_unavailable(row);
	else
		add_user_text(h, td(row, NULL), cred->usage_type,
			      TEXT_NAME_MAX);
	td_timestamp(h, row, cred, FIELD_CREATED, &cred->created_at, "unknown");
	td_timestamp(h, row, cred, FIELD_LAST_USED, &cred->last_used_at, "never");
	td_timestamp(h, row, cred, FIELD_EXPIRES, &cred->expires_at, "no expiry");
	td_state(row, cred);
	td_findings(h, row, cred);
	td_plan(h, row, cred);
}

static void gpg_row(struct html *h, xmlNodePtr body,
		    const struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;
	xmlNodePtr row = start_row(body, cred), cell, list = NULL;
	char text[TS_TEXT_MAX];
	size_t i;

	add_owner(h, td(row, NULL), cred);
	if (!cred->gpg_ok) {
		span(td(row, NULL), "ca-none", "none");
		span(td(row, NULL), "ca-none", "none");
		span(td(row, NULL), "ca-none", "none");
		cell = td(row, NULL);
		span(cell, "ca-invalid", "cannot be read: ");
		add_user_text(h, cell, gpg->error, TEXT_MESSAGE_MAX);
	} else {
		add_user_text(h, td(row, "mono"), gpg->keyid, TEXT_NAME_MAX);
		add_user_text(h, td(row, "mono"), gpg->fingerprint,
			      TEXT_NAME_MAX);
		cell = td(row, NULL);
		if (!gpg->uid_count)
			span(cell, "ca-none", "none");
		else
			list = el(cell, "ul");
		for (i = 0; i < gpg->uid_count && i < CELL_ITEMS_MAX; i++) {
			xmlNodePtr item = el(list, "li");

			add_user_text(h, item, gpg->uids[i].uid, TEXT_NAME_MAX);
			if (gpg->uids[i].revoked) {
				add_text(item, " ");
				span(item, "ca-badge", "revoked");
			}
			if (gpg->uids[i].invalid) {
				add_text(item, " ");
				span(item, "ca-badge", "invalid");
			}
		}
		if (gpg->uid_count > CELL_ITEMS_MAX)
			add_textf(el(list, "li"), "and %zu more",
				  gpg->uid_count - CELL_ITEMS_MAX);
		cell = td(row, NULL);
		add_user_text(h, cell, gpg->algorithm, TEXT_NAME_MAX);
		if (gpg->bits)
			add_textf(cell, " %u", gpg->bits);
		if (gpg->curve[0]) {
			add_text(cell, " ");
			add_user_text(h, cell, gpg->curve, TEXT_NAME_MAX);
		}
		if (gpg->extra_keys) {
			el(cell, "br");
			add_textf(span(cell, "ca-badge", ""),
				  "%zu more key%s in the armor", gpg->extra_keys,
				  gpg->extra_keys == 1 ? "" : "s");
		}
	}

	td_timestamp(h, row, cred, FIELD_CREATED, &cred->created_at, "unknown");
	if (!cred->gpg_ok) {
		span(td(row, NULL), "ca-none", "unknown");
		span(td(row, NULL), "ca-none", "unknown");
		span(td(row, NULL), "ca-none", "unknown");
	} else {
		if (gpg->created) {
			ts_format_date(gpg->created, text);
			td_text(row, "date", text);
		} else {
			span(td(row, NULL), "ca-none", "unknown");
		}
		if (gpg->expires) {
			ts_format_date(gpg->expires, text);
			td_text(row, "date", text);
		} else {
			span(td(row, "date"), "ca-none", "no expiry");
		}
		if (gpg->revoked)
			td_text(row, "ca-invalid", "revoked");
		else if (gpg->expired)
			td_text(row, "ca-invalid", "expired");
		else
			td_text(row, NULL, "valid");
	}

	if (cred->unavailable & FIELD_VERIFICATION) {
		td_unavailable(row);
	} else {
		cell = td(row, NULL);
		add_text(cell, cred->verification == GPG_VERIFIED
			 ? "verified" : "unverified");
		if (cred->verification == GPG_VERIFIED &&
		    cred->verified_by_revoked_uid) {
			el(cell, "br");
			span(cell, "ca-invalid", "only through a revoked user ID");
		}
	}
	td_findings(h, row, cred);
	td_plan(h, row, cred);
}

static void fill_inventory(struct html *h, xmlNodePtr section)
{
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
	const struct model *model = h->model;
	size_t i;
	int k;

	el_text(section, "h2", "Inventory");
	for (k = 0; k < KIND_COUNT; k++) {
		enum cred_kind kind = (enum cred_kind)k;
		const char *const *headers;
		size_t header_count, count = 0;
		struct buf id = BUF_INIT;
		xmlNodePtr part, heading, body;

		for (i = 0; i < model->cred_count; i++)
			count += model->creds[i].kind == kind;

		part = el(section, "section");
		buf_addf(&id, "inventory-%s", kind_id(kind));
		set_attr(part, "id", id.data);
		set_attr(part, "data-kind", kind_id(kind));
		buf_release(&id);
		heading = el_text(part, "h3", kind_label(kind));
		if (!model->summary.kind_available[k]) {
			span(el(part, "p"), "ca-unavailable", NOT_AVAILABLE);
			continue;
		}
		add_textf(heading, " (%zu)", count);
		if (!count) {
			span(el(part, "p"), "ca-none", "None.");
			continue;
		}

		switch (kind) {
		case KIND_PERSONAL_TOKEN:
			headers = pat_headers;
			header_count = sizeof(pat_headers) / sizeof(*pat_headers);
			break;
		case KIND_PROJECT_TOKEN:
		case KIND_GROUP_TOKEN:
			headers = bot_headers;
			header_count = sizeof(bot_headers) / sizeof(*bot_headers);
			break;
		case KIND_SSH_KEY:
		case KIND_DEPLOY_KEY:
			headers = ssh_headers;
			header_count = sizeof(ssh_headers) / sizeof(*ssh_headers);
			break;
		case KIND_GPG_KEY:
		default:
			headers = gpg_headers;
			header_count = sizeof(gpg_headers) / sizeof(*gpg_headers);
			break;
		}
		body = add_table(part, "ca-inventory-table", headers,
				 header_count);
		add_hole(h, body, HOLE_INVENTORY, kind);
	}
}

static void fill_footer(struct html *h, xmlNodePtr footer)
{
	char now[TS_TEXT_MAX];
	xmlNodePtr p = el(footer, "p");

	ts_format(h->model->now, now);
	add_textf(p, "Written by credaudit %s from the snapshot as of %s. Times are UTC.",
		  h->ctx->tool_version ? h->ctx->tool_version : "unknown", now);
}

/* Write the rows under `parent` and free them. */
static void flush_rows(struct html *h, xmlNodePtr parent,
		       xmlOutputBufferPtr output)
{
	xmlNodePtr row = parent->children;

	while (row) {
		xmlNodePtr next = row->next;

		htmlNodeDumpFormatOutput(output, h->doc, row, "UTF-8", 1);
		xmlOutputBufferWrite(output, 1, "\n");
		xmlUnlinkNode(row);
		xmlFreeNode(row);
		row = next;
	}
}

static void write_hole(struct html *h, const struct hole *hole,
		       xmlOutputBufferPtr output)
{
	const struct model *model = h->model;
	const struct plan *plan = h->ctx->plan;
	xmlNodePtr parent = xmlNewDocNode(h->doc, NULL, BAD_CAST "tbody", NULL);
	const struct rule_group *group;
	size_t i;

	xmlOutputBufferWrite(output, 1, "\n");
	switch (hole->type) {
	case HOLE_FINDINGS:
		group = &h->groups.groups[hole->index];
		for (i = 0; i < group->count; i++) {
			findings_row(h, parent, &group->refs[i]);
			flush_rows(h, parent, output);
		}
		break;
	case HOLE_PLAN:
		for (i = 0; i < plan->count; i++) {
			plan_item(h, parent, &plan->actions[i]);
			flush_rows(h, parent, output);
		}
		break;
	case HOLE_SKIPPED:
		for (i = 0; i < plan->skipped_count; i++) {
			skipped_item(h, parent, &plan->skipped[i]);
			flush_rows(h, parent, output);
		}
		break;
	case HOLE_INVENTORY:
		for (i = 0; i < model->cred_count; i++) {
			const struct credential *cred = &model->creds[i];

			if (cred->kind != (enum cred_kind)hole->index)
				continue;
			if (cred->kind == KIND_SSH_KEY ||
			    cred->kind == KIND_DEPLOY_KEY)
				ssh_row(h, parent, cred);
			else if (cred->kind == KIND_GPG_KEY)
				gpg_row(h, parent, cred);
			else
				token_row(h, parent, cred);
			flush_rows(h, parent, output);
		}
		break;
	}
	xmlFreeNode(parent);
}

/*
 * Write the page: the serialized tree, with the rows of each hole written
 * in place of its comment. Neither the template nor a value can make such
 * a comment, because html_template.c rejects it and text is escaped.
 */
static int write_document(struct html *h, FILE *out, struct buf *err)
{
	static const char mark[] = "<!--" HTML_ROWS_MARK;
	xmlOutputBufferPtr page = xmlAllocOutputBuffer(NULL);
	xmlOutputBufferPtr output = xmlOutputBufferCreateFile(out, NULL);
	const char *text, *at, *end;
	int ret = -1;

	if (!page || !output) {
		buf_adds(err, "cannot set up the output of the HTML report: out of memory");
		goto out;
	}
	htmlDocContentDumpFormatOutput(page, h->doc, "UTF-8", 1);
	text = (const char *)xmlOutputBufferGetContent(page);
	end = text + xmlOutputBufferGetSize(page);
	while ((at = memmem(text, (size_t)(end - text), mark,
			    sizeof(mark) - 1))) {
		char *after;
		unsigned long index = strtoul(at + sizeof(mark) - 1, &after, 10);

		xmlOutputBufferWrite(output, (int)(at - text), text);
		if (index >= h->hole_count || strncmp(after, "-->", 3)) {
			buf_adds(err, "cannot write the HTML report: a row mark is damaged");
			goto out;
		}
		write_hole(h, &h->holes[index], output);
		text = after + 3;
	}
	xmlOutputBufferWrite(output, (int)(end - text), text);
	ret = 0;
out:
	if (page)
		xmlOutputBufferClose(page);
	if (output && xmlOutputBufferClose(output) < 0 && !ret) {
		buf_addf(err, "cannot write the HTML report: %s", strerror(errno));
		ret = -1;
	}
	if (!ret && (fflush(out) || ferror(out))) {
		buf_addf(err, "cannot write the HTML report: %s", strerror(errno));
		ret = -1;
	}
	return ret;
}

/*
 * Drop libxml2's own messages: it would print them to stderr without the
 * program name, and every failure already reaches `err` with its reason.
 */
static void ignore_xml_error(void *data, xmlErrorPtr error)
{
}

int render_html(const struct render_context *ctx, FILE *out, struct buf *err)
{
	xmlStructuredErrorFunc old_handler = xmlStructuredError;
	void *old_data = xmlStructuredErrorContext;
	struct html h;
	xmlNodePtr found[PH_COUNT];
	int ret = -1;

	xmlSetStructuredErrorFunc(NULL, ignore_xml_error);
	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.model = ctx->model;
	buf_init(&h.scratch);
	h.doc = html_template_load(ctx, found, err);
	if (!h.doc)
		goto out;
	rule_groups_build(&h.groups, h.model);

	fill_header(&h, found[PH_HEADER]);
	if (found[PH_CONTENTS])
		fill_contents(found[PH_CONTENTS], found[PH_PLAN] != NULL);
	fill_summary(&h, found[PH_SUMMARY]);
	fill_findings(&h, found[PH_FINDINGS]);
	if (found[PH_PLAN])
		fill_plan(&h, found[PH_PLAN]);
	fill_inventory(&h, found[PH_INVENTORY]);
	if (found[PH_FOOTER])
		fill_footer(&h, found[PH_FOOTER]);

	ret = write_document(&h, out, err);
out:
	if (h.doc)
		xmlFreeDoc(h.doc);
	rule_groups_release(&h.groups);
	free(h.holes);
	buf_release(&h.scratch);
	xmlSetStructuredErrorFunc(old_data, old_handler);
	return ret;
}
