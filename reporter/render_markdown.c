/*
 * The Markdown overview, report.md, for a GitLab issue, a merge request
 * or an e-mail digest. It has the content of the HTML overview in
 * GitLab-flavoured Markdown: the snapshot and rules, the counts, each
 * rule's findings with its count and worst cases and what the snapshot
 * kept it from checking, the plan in numbers, and the names of the
 * inventory pages. Every value from the snapshot
 * passes through text_markdown(), and credaudit itself writes no links
 * and no HTML, so a link or raw HTML in the output could only come from
 * data and is a bug.
 */
#include "render_core.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "text.h"

/* Write the buffer out when it grows past this. */
#define FLUSH_SIZE (64 * 1024)

struct md {
	const struct render_context *ctx;
	FILE *file;
	struct buf out;
	int failed;
};

static void flush(struct md *md)
{
	if (md->out.len &&
	    fwrite(md->out.data, 1, md->out.len, md->file) != md->out.len)
		md->failed = 1;
	buf_reset(&md->out);
}

static void maybe_flush(struct md *md)
{
	if (md->out.len > FLUSH_SIZE)
		flush(md);
}

/*
 * Append untrusted text, escaped for a table cell or a list line, and name
 * the escapes it needed. NULL shows as "none".
 */
static void user_text(struct md *md, const char *text, size_t max_chars)
{
	unsigned flags;

	if (!text) {
		buf_adds(&md->out, "none");
		return;
	}
	if (!*text) {
		buf_adds(&md->out, "empty");
		return;
	}
	flags = text_markdown_str(&md->out, text, max_chars);
	if (flags) {
		buf_adds(&md->out, " (\xE2\x9A\xA0 ");
		text_flag_labels(&md->out, flags);
		buf_adds(&md->out, ")");
	}
}

/*
 * Append text that credaudit wrote itself as a code span when it is made
 * of characters that need no escape, else as escaped text.
 */
static void code(struct md *md, const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./: ", *p))
			break;
	if (*text && !*p) {
		buf_addf(&md->out, "`%s`", text);
		return;
	}
	text_markdown_str(&md->out, text, TEXT_NO_LIMIT);
}

static void table_header(struct md *md, const char *const *headers,
			 size_t count, unsigned numeric_columns)
{
	size_t i;

	buf_adds(&md->out, "|");
	for (i = 0; i < count; i++)
		buf_addf(&md->out, " %s |", headers[i]);
	buf_adds(&md->out, "\n|");
	for (i = 0; i < count; i++)
		buf_adds(&md->out, numeric_columns & (1u << i) ? " ---: |"
							      : " --- |");
	buf_adds(&md->out, "\n");
}

static void cell_sep(struct md *md)
{
	buf_adds(&md->out, " | ");
}
static void cred_label(struct md *md, const struct worst_case *wc)
{
	size_t start = md->out.len;

	render_cred_label(&md->out, wc->kind, wc->id, wc->invalid_id, wc->row);
	md->out.data[start] = (char)toupper((unsigned char)md->out.data[start]);
}

/* Append ` "name"` in running text, or nothing when there is no name. */
static void quoted_name(struct md *md, const char *name)
{
	unsigned flags;

	if (!name)
		return;
	buf_adds(&md->out, " \"");
	flags = text_markdown_str(&md->out, name, TEXT_NAME_MAX);
	buf_adds(&md->out, "\"");
	if (flags) {
		buf_adds(&md->out, " (\xE2\x9A\xA0 ");
		text_flag_labels(&md->out, flags);
		buf_adds(&md->out, ")");
	}
}

static void owner_cell(struct md *md, const struct worst_case *wc)
{
	const struct owner *owner = wc->owner;

	if (wc->unavailable & FIELD_OWNER_UNKNOWN) {
		buf_adds(&md->out, NOT_AVAILABLE);
		return;
	}
	if (!owner) {
		buf_addf(&md->out, "user %" PRId64 " (not in the snapshot)",
			 wc->owner_id);
		return;
	}
	/* No "@" in front: in a GitLab issue that would mention the user. */
	user_text(md, owner->username, TEXT_NAME_MAX);
	buf_adds(&md->out, " (");
	if (owner->name) {
		user_text(md, owner->name, TEXT_NAME_MAX);
		buf_adds(&md->out, "; ");
	}
	if (owner->state)
		user_text(md, owner->state, TEXT_NAME_MAX);
	else if (wc->unavailable & FIELD_OWNER_STATE)
		buf_adds(&md->out, "state " NOT_AVAILABLE);
	else
		buf_adds(&md->out, "state unknown");
	buf_addf(&md->out, "; %s", user_type_id(owner->user_type));
	if (owner->admin == 1)
		buf_adds(&md->out, "; administrator");
	buf_adds(&md->out, ")");
}

static void plan_cell(struct md *md, const struct worst_case *wc)
{
	const struct journal_entry *done =
		done_index_find(md->ctx->done, wc->kind, wc->id);
	struct buf host = BUF_INIT;
	char date[TS_TEXT_MAX];

	if (wc->plan_action[0])
		code(md, wc->plan_action);
	else if (wc->plan_mark == PLAN_MARK_NOT_POSSIBLE)
		buf_adds(&md->out, "not possible in GitLab");
	else if (wc->plan_mark == PLAN_MARK_LEFT_OUT)
		buf_adds(&md->out, PLAN_LEFT_OUT_TEXT);
	else if (!done)
		buf_adds(&md->out, "none");
	if (!done)
		return;

	/* An action of an earlier plan that credaudit apply carried out. */
	if (wc->plan_action[0] || wc->plan_mark != PLAN_MARK_NONE)
		buf_adds(&md->out, "; ");
	buf_adds(&md->out, "done by apply");
	if (render_done_elsewhere(md->ctx, done, &host)) {
		buf_adds(&md->out, " on ");
		user_text(md, host.data, TEXT_NAME_MAX);
	}
	buf_release(&host);
	buf_adds(&md->out, ": ");
	user_text(md, done->action, TEXT_NAME_MAX);
	ts_format_date(done->time, date);
	buf_addf(&md->out, ", %s", date);
}

/* Header, rules and summary. */

static void write_header(struct md *md)
{
	const struct model *model = md->ctx->model;
	const struct policy_rule **rules;
	char now[TS_TEXT_MAX];
	size_t i;
	static const char *const rule_headers[] = {
		"Rule", "Severity", "What it flags", "Source", "Plan",
	};

	buf_adds(&md->out, "# GitLab credential audit\n\n- Snapshot: ");
	user_text(md, model->snapshot_path, TEXT_PATH_MAX);
	buf_adds(&md->out, "\n- Snapshot digest: ");
	if (model->snapshot_digest)
		code(md, model->snapshot_digest);
	else
		buf_adds(&md->out, "none");
	ts_format(model->now, now);
	buf_addf(&md->out, "\n- As of: %s\n", now);
	if (model->gitlab_version) {
		buf_adds(&md->out, "- GitLab version: ");
		user_text(md, model->gitlab_version, TEXT_NAME_MAX);
		buf_adds(&md->out, "\n");
	}
	buf_adds(&md->out, "- Instance settings: ");
	/* credaudit's own words and numbers: nothing that Markdown reads. */
	render_settings(&model->settings, &md->out);
	buf_adds(&md->out, "\n");
	buf_addf(&md->out, "- Generated by: credaudit %s\n- Libraries: ",
		 md->ctx->tool_version ? md->ctx->tool_version : "unknown");
	render_library_versions(md->ctx, &md->out);
	buf_adds(&md->out, "\n\nTimes are UTC. Values from the snapshot are shown with \\\\xNN for bytes that are not UTF\\-8 and \\\\u\\{NNNN\\} for control, bidi and invisible characters.\n");

	buf_adds(&md->out, "\n## Rules\n\n");
	table_header(md, rule_headers, 5, 0);
	rules = xcalloc(policy_rule_count, sizeof(*rules));
	render_rules_sorted(rules);
	for (i = 0; i < policy_rule_count; i++) {
		buf_adds(&md->out, "| ");
		code(md, rules[i]->id);
		cell_sep(md);
		buf_adds(&md->out, severity_id(rules[i]->severity));
		cell_sep(md);
		text_markdown_str(&md->out, rules[i]->summary, TEXT_NO_LIMIT);
		cell_sep(md);
		text_markdown_str(&md->out, rules[i]->source, TEXT_NO_LIMIT);
		cell_sep(md);
		buf_adds(&md->out, rules[i]->proposes_action
			 ? "proposes an action" : "report only");
		buf_adds(&md->out, " |\n");
	}
	free(rules);
}

static void write_summary(struct md *md)
{
	static const char *const kind_headers[] = {
		"Kind", "Active", "Expired", "Revoked", "Total",
	};
	static const char *const severity_headers[] = {
		"Severity", "Findings",
	};
	const struct summary *sum = &md->ctx->model->summary;
	int k, s;

	buf_adds(&md->out, "\n## Summary\n\n");
	table_header(md, kind_headers, 5, 0x1e);
	for (k = 0; k < KIND_COUNT; k++) {
		size_t total = 0;

		buf_addf(&md->out, "| %s | ", kind_label((enum cred_kind)k));
		if (!sum->kind_available[k]) {
			buf_adds(&md->out, NOT_AVAILABLE " | | | |\n");
			continue;
		}
		for (s = 0; s < STATE_COUNT; s++) {
			total += sum->by_kind_state[k][s];
			if (!kind_has_state((enum cred_kind)k, (enum cred_state)s)) {
				buf_adds(&md->out, "\u2014 | ");
				continue;
			}
			buf_addf(&md->out, "%zu | ", sum->by_kind_state[k][s]);
		}
		buf_addf(&md->out, "%zu |\n", total);
	}

	buf_adds(&md->out, "\n### Findings by severity\n\n");
	table_header(md, severity_headers, 2, 0x2);
	for (s = SEV_COUNT - 1; s >= 0; s--)
		buf_addf(&md->out, "| %s | %zu |\n", severity_id((enum severity)s),
			 sum->by_severity[s]);
	buf_addf(&md->out, "| all | %zu |\n", sum->findings);
}

static void write_findings(struct md *md)
{
	static const char *const headers[] = {
		"Credential", "Owner", "Finding", "Plan",
	};
	const struct model *model = md->ctx->model;
	size_t g, i, gaps;

	buf_adds(&md->out, "\n## Findings\n\n");
	gaps = policy_rules_not_checked(model);
	if (!model->summary.findings && !gaps) {
		buf_adds(&md->out, "No findings.\n");
		return;
	}
	if (!model->summary.findings)
		buf_adds(&md->out, "No findings among the credentials that were checked. The rules below could not check every credential, because the snapshot lacks tables or columns that they need.\n\n");
	else
		buf_addf(&md->out, "Each rule lists up to its %d worst findings: highest severity of the credential first, then by kind and id. report.json, credentials.csv and the inventory pages have every finding.%s\n\n",
			 WORST_CASES_MAX,
			 gaps ? " A rule that could not check every credential, because the snapshot lacks tables or columns that it needs, says which credentials it skipped." : "");
	for (g = 0; g < model->group_count; g++) {
		const struct finding_group *group = &model->groups[g];
		struct rule_gap gap = { 0 };

		if (group->rule)
			policy_rule_gap(model, group->rule, &gap);
		if (!group->count && !gap.not_checked)
			continue;
		buf_addf(&md->out, "### %s: ", severity_id(group->severity));
		code(md, group->id);
		buf_adds(&md->out, " (");
		policy_count_label(&gap, group->count, &md->out);
		buf_adds(&md->out, ")\n\n");
		if (group->rule) {
			text_markdown_str(&md->out, group->rule->summary,
					  TEXT_NO_LIMIT);
			buf_adds(&md->out, ".\n\n");
		}
		if (gap.not_checked) {
			/* Only credaudit's words and GitLab's names: no escape. */
			policy_describe_gap(model, group->rule, "`", &md->out);
			buf_adds(&md->out, "\n\n");
		}
		if (!group->count)
			continue;
		table_header(md, headers, 4, 0);
		for (i = 0; i < group->case_count; i++) {
			const struct worst_case *wc = &group->cases[i];

			buf_adds(&md->out, "| ");
			cred_label(md, wc);
			quoted_name(md, wc->name);
			cell_sep(md);
			owner_cell(md, wc);
			cell_sep(md);
			user_text(md, wc->message, TEXT_MESSAGE_MAX);
			cell_sep(md);
			plan_cell(md, wc);
			buf_adds(&md->out, " |\n");
			maybe_flush(md);
		}
		if (group->count > group->case_count)
			buf_addf(&md->out, "\n%zu more finding%s of this rule.\n",
				 group->count - group->case_count,
				 group->count - group->case_count == 1 ? "" : "s");
		buf_adds(&md->out, "\n");
	}
}

static void write_plan(struct md *md)
{
	static const char *const type_labels[] = {
		"Revoke a token", "Delete an SSH or deploy key",
		"Review a GPG key",
	};
	const struct plan *plan = md->ctx->plan;
	char until[TS_TEXT_MAX];
	size_t t;

	buf_adds(&md->out, "\n## Revocation plan\n\n");
	if (!plan) {
		buf_adds(&md->out, "No plan was made.\n");
		return;
	}
	ts_format(plan->valid_until, until);
	buf_addf(&md->out, "%zu proposed action%s, valid until %s. Approve them in plan.md, which plan.json matches; this report sends nothing to GitLab.\n",
		 plan->count, plan->count == 1 ? "" : "s", until);
	if (plan->count) {
		buf_adds(&md->out, "\n");
		for (t = 0; t < sizeof(type_labels) / sizeof(*type_labels); t++)
			if (plan->by_type[t])
				buf_addf(&md->out, "- %s: %zu\n", type_labels[t],
					 plan->by_type[t]);
	}
	if (plan_filter_active(&plan->filter)) {
		buf_adds(&md->out, "\n");
		render_plan_filter_note(plan, "`", &md->out);
		buf_adds(&md->out, "\n");
	}
	if (plan->skipped_count)
		buf_addf(&md->out, "\n%zu flagged credential%s cannot be changed in GitLab; plan.md lists %s.\n",
			 plan->skipped_count,
			 plan->skipped_count == 1 ? "" : "s",
			 plan->skipped_count == 1 ? "it" : "them");
}

/* Inventory: the files of each kind, named but not linked. */
static void write_inventory(struct md *md)
{
	const struct model *model = md->ctx->model;
	struct buf name = BUF_INIT;
	int k, s;

	buf_addf(&md->out, "\n## Inventory\n\nEvery credential is in report.json and credentials.csv, and in the HTML inventory pages, %d to a page, by kind and then by id.\n",
		 INVENTORY_PAGE_ROWS);
	for (k = 0; k < KIND_COUNT; k++) {
		enum cred_kind kind = (enum cred_kind)k;
		size_t count = 0, pages = md->ctx->pages[k];

		for (s = 0; s < STATE_COUNT; s++)
			count += model->summary.by_kind_state[k][s];
		buf_addf(&md->out, "\n### %s", kind_label(kind));
		if (!model->summary.kind_available[k]) {
			buf_adds(&md->out, "\n\n" NOT_AVAILABLE "\n");
			continue;
		}
		buf_addf(&md->out, " (%zu)\n\n", count);
		if (!count || !pages) {
			buf_adds(&md->out, "None.\n");
			continue;
		}
		buf_reset(&name);
		inventory_page_name(&name, kind, 1, 1);
		buf_adds(&md->out, "HTML pages: ");
		code(md, name.data);
		if (pages > 1) {
			buf_reset(&name);
			inventory_page_name(&name, kind, pages, 1);
			buf_adds(&md->out, " to ");
			code(md, name.data);
			buf_addf(&md->out, " (%zu pages)", pages);
		}
		buf_adds(&md->out, "\n");
	}
	buf_release(&name);
}

int render_markdown(const struct render_context *ctx, FILE *out,
		    struct buf *err)
{
	struct md md = { ctx, out, BUF_INIT, 0 };

	write_header(&md);
	write_summary(&md);
	write_findings(&md);
	write_plan(&md);
	write_inventory(&md);
	flush(&md);
	buf_release(&md.out);
	if (md.failed || fflush(out) || ferror(out)) {
		buf_addf(err, "cannot write the Markdown report: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}
