/*
 * The Markdown report, for a GitLab issue or a merge request. It has the
 * content of the HTML report in GitLab-flavoured Markdown: headings,
 * lists and one table row per credential. Every value from the snapshot
 * passes through text_markdown(), and credaudit itself writes no links
 * and no HTML, so a link or raw HTML in the output could only come from
 * data and is a bug.
 *
 * NOTE: GitLab limits the size of an issue description, and the report of
 * a large instance may not fit in one; its tables are then for a file.
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

/* Items shown in one cell before "and N more". */
#define CELL_ITEMS_MAX 20

struct md {
	const struct render_context *ctx;
	const struct model *model;
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

static void cred_label(struct md *md, const struct credential *cred)
{
	size_t start = md->out.len;

	buf_addf(&md->out, "%s %" PRId64, kind_noun(cred->kind), cred->id);
	md->out.data[start] = (char)toupper((unsigned char)md->out.data[start]);
}

/* Append ` "name"` in running text, or nothing when there is no name. */
static void quoted_name(struct md *md, const struct credential *cred)
{
	unsigned flags;

	if (!cred->name)
		return;
	buf_adds(&md->out, " \"");
	flags = text_markdown_str(&md->out, cred->name, TEXT_NAME_MAX);
	buf_adds(&md->out, "\"");
	if (flags) {
		buf_adds(&md->out, " (\xE2\x9A\xA0 ");
		text_flag_labels(&md->out, flags);
		buf_adds(&md->out, ")");
	}
}

static void timestamp_cell(struct md *md, const struct credential *cred,
			   unsigned field, const struct timestamp *ts,
			   const char *none_text)
{
	char text[TS_TEXT_MAX];

	switch (render_timestamp(cred, field, ts, text)) {
	case VALUE_SET:
		buf_adds(&md->out, text);
		break;
	case VALUE_NONE:
		buf_adds(&md->out, none_text);
		break;
	case VALUE_INVALID:
		user_text(md, ts->raw ? ts->raw : "", TEXT_NAME_MAX);
		buf_adds(&md->out, " (invalid)");
		break;
	case VALUE_UNAVAILABLE:
		buf_adds(&md->out, NOT_AVAILABLE);
		break;
	}
}

static void owner_cell(struct md *md, const struct credential *cred)
{
	const struct owner *owner = cred->owner;

	if (!owner) {
		buf_addf(&md->out, "user %" PRId64 " (not in the snapshot)",
			 cred->owner_id);
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
	else if (cred->unavailable & FIELD_OWNER_STATE)
		buf_adds(&md->out, "state " NOT_AVAILABLE);
	else
		buf_adds(&md->out, "state unknown");
	buf_addf(&md->out, "; %s", user_type_id(owner->user_type));
	if (owner->admin)
		buf_adds(&md->out, "; administrator");
	buf_adds(&md->out, ")");
}

static void plan_cell(struct md *md, const struct credential *cred)
{
	const struct plan *plan = md->ctx->plan;
	const struct plan_action *action = plan ? plan_find(plan, cred) : NULL;
	const struct journal_entry *done = md->ctx->journal ?
		journal_find_done_credential(md->ctx->journal,
					     kind_id(cred->kind), cred->id) :
		NULL;
	char date[TS_TEXT_MAX];

	if (action)
		code(md, action->id);
	else if (plan && render_find_skip(plan, cred))
		buf_adds(&md->out, "not possible in GitLab");
	else if (!done)
		buf_adds(&md->out, "none");
	if (!done)
		return;

	/* An action of an earlier plan that credaudit apply carried out. */
	if (action || (plan && render_find_skip(plan, cred)))
		buf_adds(&md->out, "; ");
	buf_adds(&md->out, "done by apply: ");
	user_text(md, done->action, TEXT_NAME_MAX);
	ts_format_date(done->time, date);
	buf_addf(&md->out, ", %s", date);
}

static void findings_cell(struct md *md, const struct credential *cred)
{
	size_t i;

	if (!cred->finding_count) {
		buf_adds(&md->out, "none");
		return;
	}
	for (i = 0; i < cred->finding_count && i < CELL_ITEMS_MAX; i++) {
		const struct finding *finding = &cred->findings[i];

		if (i)
			buf_adds(&md->out, "; ");
		buf_addf(&md->out, "**%s** ", severity_id(finding->severity));
		code(md, finding->rule);
		buf_adds(&md->out, ": ");
		user_text(md, finding->message, TEXT_MESSAGE_MAX);
	}
	if (cred->finding_count > CELL_ITEMS_MAX)
		buf_addf(&md->out, "; and %zu more under Findings",
			 cred->finding_count - CELL_ITEMS_MAX);
}

/* Header, rules and summary. */

static void write_header(struct md *md)
{
	const struct model *model = md->model;
	const struct policy_rule **rules;
	char now[TS_TEXT_MAX];
	size_t i;
	static const char *const rule_headers[] = {
		"Rule", "Severity", "What it flags", "Source", "Plan",
	};

	buf_adds(&md->out, "# GitLab credential audit\n\n- Snapshot: ");
	user_text(md, model->snapshot_path, 1000);
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
	const struct summary *sum = &md->model->summary;
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
			buf_addf(&md->out, "%zu | ", sum->by_kind_state[k][s]);
			total += sum->by_kind_state[k][s];
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
	struct rule_groups groups;
	size_t g, i;

	buf_adds(&md->out, "\n## Findings\n\n");
	if (!md->model->summary.findings) {
		buf_adds(&md->out, "No findings.\n");
		return;
	}
	rule_groups_build(&groups, md->model);
	for (g = 0; g < groups.count; g++) {
		const struct rule_group *group = &groups.groups[g];

		if (!group->count)
			continue;
		buf_addf(&md->out, "### %s: ", severity_id(group->severity));
		code(md, group->id);
		buf_addf(&md->out, " (%zu)\n\n", group->count);
		if (group->rule) {
			text_markdown_str(&md->out, group->rule->summary,
					  TEXT_NO_LIMIT);
			buf_adds(&md->out, ".\n\n");
		}
		table_header(md, headers, 4, 0);
		for (i = 0; i < group->count; i++) {
			const struct finding_ref *ref = &group->refs[i];

			buf_adds(&md->out, "| ");
			cred_label(md, ref->cred);
			quoted_name(md, ref->cred);
			cell_sep(md);
			owner_cell(md, ref->cred);
			cell_sep(md);
			user_text(md, ref->finding->message, TEXT_MESSAGE_MAX);
			cell_sep(md);
			plan_cell(md, ref->cred);
			buf_adds(&md->out, " |\n");
			maybe_flush(md);
		}
		buf_adds(&md->out, "\n");
	}
	rule_groups_release(&groups);
}

static void write_plan(struct md *md)
{
	const struct plan *plan = md->ctx->plan;
	char until[TS_TEXT_MAX];
	size_t i;

	buf_adds(&md->out, "\n## Revocation plan\n\n");
	if (!plan) {
		buf_adds(&md->out, "No plan was made.\n");
		return;
	}
	ts_format(plan->valid_until, until);
	buf_addf(&md->out, "%zu proposed action%s, valid until %s. Approve them in plan.md; this report sends nothing to GitLab.\n\n",
		 plan->count, plan->count == 1 ? "" : "s", until);
	for (i = 0; i < plan->count; i++) {
		const struct plan_action *action = &plan->actions[i];

		buf_adds(&md->out, "- ");
		code(md, action->id);
		buf_adds(&md->out, " ");
		cred_label(md, action->cred);
		quoted_name(md, action->cred);
		buf_adds(&md->out, ": ");
		if (action->method) {
			struct buf request = BUF_INIT;

			buf_addf(&request, "%s /api/v4%s", action->method,
				 action->api_path);
			code(md, request.data);
			buf_release(&request);
		} else {
			buf_adds(&md->out, "manual step, ");
			text_markdown_str(&md->out, action->manual,
					  TEXT_NO_LIMIT);
		}
		buf_adds(&md->out, "\n");
		maybe_flush(md);
	}
	if (!plan->skipped_count)
		return;
	buf_adds(&md->out, "\n### Flagged but not possible in GitLab\n\n");
	for (i = 0; i < plan->skipped_count; i++) {
		const struct plan_skip *skip = &plan->skipped[i];

		buf_adds(&md->out, "- ");
		cred_label(md, skip->cred);
		quoted_name(md, skip->cred);
		buf_adds(&md->out, ": ");
		text_markdown_str(&md->out, skip->reason, TEXT_NO_LIMIT);
		buf_adds(&md->out, "\n");
	}
}

/* Inventory rows. */

static void scopes_cell(struct md *md, const struct credential *cred)
{
	size_t i;

	if (cred->unavailable & FIELD_SCOPES) {
		buf_adds(&md->out, NOT_AVAILABLE);
		return;
	}
	if (cred->scopes_invalid) {
		buf_adds(&md->out, "cannot be parsed");
		return;
	}
	if (!cred->scopes.count) {
		buf_adds(&md->out, "none");
		return;
	}
	for (i = 0; i < cred->scopes.count && i < CELL_ITEMS_MAX; i++) {
		if (i)
			buf_adds(&md->out, ", ");
		user_text(md, cred->scopes.items[i], TEXT_NAME_MAX);
	}
	if (cred->scopes.count > CELL_ITEMS_MAX)
		buf_addf(&md->out, " and %zu more",
			 cred->scopes.count - CELL_ITEMS_MAX);
}

static void token_row(struct md *md, const struct credential *cred)
{
	char text[TS_TEXT_MAX];

	buf_addf(&md->out, "| %" PRId64 " | ", cred->id);
	user_text(md, cred->name, TEXT_NAME_MAX);
	if (cred->impersonation)
		buf_adds(&md->out, " (impersonation)");
	if (cred->previous_id)
		buf_addf(&md->out, " (rotated from token %" PRId64 ")",
			 cred->previous_id);
	cell_sep(md);
	owner_cell(md, cred);
	cell_sep(md);
	if (cred->kind != KIND_PERSONAL_TOKEN) {
		if (cred->unavailable & FIELD_RESOURCE) {
			buf_adds(&md->out, NOT_AVAILABLE);
		} else {
			user_text(md, cred->resource.path, TEXT_NAME_MAX);
			buf_addf(&md->out, " (id %" PRId64 ")",
				 cred->resource.id);
		}
		cell_sep(md);
	}
	scopes_cell(md, cred);
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_CREATED, &cred->created_at, "unknown");
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_LAST_USED, &cred->last_used_at, "never");
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_EXPIRES, &cred->expires_at, "no expiry");
	cell_sep(md);
	buf_adds(&md->out, state_id(cred->state));
	cell_sep(md);
	if (cred->unavailable & FIELD_REVOKED) {
		buf_adds(&md->out, NOT_AVAILABLE);
	} else if (!cred->revoked) {
		buf_adds(&md->out, "no");
	} else {
		switch (render_timestamp(cred, 0, &cred->revoked_at, text)) {
		case VALUE_SET:
			buf_addf(&md->out, "yes, %s", text);
			break;
		case VALUE_INVALID:
			buf_adds(&md->out, "yes, ");
			user_text(md, cred->revoked_at.raw, TEXT_NAME_MAX);
			buf_adds(&md->out, " (invalid)");
			break;
		case VALUE_NONE:
		case VALUE_UNAVAILABLE:
			buf_adds(&md->out, "yes");
			break;
		}
	}
	cell_sep(md);
	findings_cell(md, cred);
	cell_sep(md);
	plan_cell(md, cred);
	buf_adds(&md->out, " |\n");
}

static void ssh_row(struct md *md, const struct credential *cred)
{
	buf_addf(&md->out, "| %" PRId64 " | ", cred->id);
	user_text(md, cred->name, TEXT_NAME_MAX);
	if (cred->ldap)
		buf_adds(&md->out, " (LDAP)");
	if (cred->resource.type == RESOURCE_PROJECT) {
		buf_adds(&md->out, " (project ");
		user_text(md, cred->resource.path, TEXT_NAME_MAX);
		buf_adds(&md->out, ")");
	}
	cell_sep(md);
	owner_cell(md, cred);
	cell_sep(md);
	if (!cred->ssh_ok) {
		buf_adds(&md->out, "cannot be parsed: ");
		user_text(md, cred->ssh.error, TEXT_MESSAGE_MAX);
		buf_adds(&md->out, " | none | none | none");
	} else {
		user_text(md, cred->ssh.type, TEXT_NAME_MAX);
		if (cred->ssh.declared[0] &&
		    strcmp(cred->ssh.declared, cred->ssh.type)) {
			buf_adds(&md->out, " (the line says ");
			user_text(md, cred->ssh.declared, TEXT_NAME_MAX);
			buf_adds(&md->out, ")");
		}
		buf_addf(&md->out, " | %u | ", cred->ssh.bits);
		user_text(md, cred->ssh.sha256, TEXT_NAME_MAX);
		cell_sep(md);
		user_text(md, cred->ssh.md5[0] ? cred->ssh.md5 : NULL,
			  TEXT_NAME_MAX);
	}
	cell_sep(md);
	if (cred->unavailable & FIELD_USAGE_TYPE)
		buf_adds(&md->out, NOT_AVAILABLE);
	else
		user_text(md, cred->usage_type, TEXT_NAME_MAX);
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_CREATED, &cred->created_at, "unknown");
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_LAST_USED, &cred->last_used_at, "never");
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_EXPIRES, &cred->expires_at, "no expiry");
	cell_sep(md);
	buf_adds(&md->out, state_id(cred->state));
	cell_sep(md);
	findings_cell(md, cred);
	cell_sep(md);
	plan_cell(md, cred);
	buf_adds(&md->out, " |\n");
}

static void gpg_row(struct md *md, const struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;
	char text[TS_TEXT_MAX];
	size_t i;

	buf_addf(&md->out, "| %" PRId64 " | ", cred->id);
	owner_cell(md, cred);
	cell_sep(md);
	if (!cred->gpg_ok) {
		buf_adds(&md->out, "none | none | none | cannot be read: ");
		user_text(md, gpg->error, TEXT_MESSAGE_MAX);
	} else {
		user_text(md, gpg->keyid, TEXT_NAME_MAX);
		cell_sep(md);
		user_text(md, gpg->fingerprint, TEXT_NAME_MAX);
		cell_sep(md);
		if (!gpg->uid_count)
			buf_adds(&md->out, "none");
		for (i = 0; i < gpg->uid_count && i < CELL_ITEMS_MAX; i++) {
			if (i)
				buf_adds(&md->out, "; ");
			user_text(md, gpg->uids[i].uid, TEXT_NAME_MAX);
			if (gpg->uids[i].revoked)
				buf_adds(&md->out, " (revoked)");
			if (gpg->uids[i].invalid)
				buf_adds(&md->out, " (invalid)");
		}
		if (gpg->uid_count > CELL_ITEMS_MAX)
			buf_addf(&md->out, "; and %zu more",
				 gpg->uid_count - CELL_ITEMS_MAX);
		cell_sep(md);
		user_text(md, gpg->algorithm, TEXT_NAME_MAX);
		if (gpg->bits)
			buf_addf(&md->out, " %u", gpg->bits);
		if (gpg->curve[0]) {
			buf_adds(&md->out, " ");
			user_text(md, gpg->curve, TEXT_NAME_MAX);
		}
		if (gpg->extra_keys)
			buf_addf(&md->out, " (%zu more key%s in the armor)",
				 gpg->extra_keys, gpg->extra_keys == 1 ? "" : "s");
	}
	cell_sep(md);
	timestamp_cell(md, cred, FIELD_CREATED, &cred->created_at, "unknown");
	cell_sep(md);
	if (!cred->gpg_ok) {
		buf_adds(&md->out, "unknown | unknown | unknown");
	} else {
		if (gpg->created) {
			ts_format_date(gpg->created, text);
			buf_adds(&md->out, text);
		} else {
			buf_adds(&md->out, "unknown");
		}
		cell_sep(md);
		if (gpg->expires) {
			ts_format_date(gpg->expires, text);
			buf_adds(&md->out, text);
		} else {
			buf_adds(&md->out, "no expiry");
		}
		cell_sep(md);
		buf_adds(&md->out, gpg->revoked ? "revoked"
				   : gpg->expired ? "expired" : "valid");
	}
	cell_sep(md);
	if (cred->unavailable & FIELD_VERIFICATION)
		buf_adds(&md->out, NOT_AVAILABLE);
	else if (cred->verification != GPG_VERIFIED)
		buf_adds(&md->out, "unverified");
	else if (cred->verified_by_revoked_uid)
		buf_adds(&md->out, "verified, only through a revoked user ID");
	else
		buf_adds(&md->out, "verified");
	cell_sep(md);
	findings_cell(md, cred);
	cell_sep(md);
	plan_cell(md, cred);
	buf_adds(&md->out, " |\n");
}

static void write_inventory(struct md *md)
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
		"ID", "Title", "Owner", "Type", "Bits", "SHA256", "MD5",
		"Usage", "Created", "Last used", "Expires", "State",
		"Findings", "Plan",
	};
	static const char *const gpg_headers[] = {
		"ID", "Owner", "Primary key ID", "Fingerprint", "User IDs",
		"Algorithm", "Added", "Key created", "Key expires",
		"Key status", "Verification", "Findings", "Plan",
	};
	const struct model *model = md->model;
	size_t i;
	int k;

	buf_adds(&md->out, "\n## Inventory\n");
	for (k = 0; k < KIND_COUNT; k++) {
		enum cred_kind kind = (enum cred_kind)k;
		size_t count = 0;

		for (i = 0; i < model->cred_count; i++)
			count += model->creds[i].kind == kind;
		buf_addf(&md->out, "\n### %s", kind_label(kind));
		if (!model->summary.kind_available[k]) {
			buf_adds(&md->out, "\n\n" NOT_AVAILABLE "\n");
			continue;
		}
		buf_addf(&md->out, " (%zu)\n\n", count);
		if (!count) {
			buf_adds(&md->out, "None.\n");
			continue;
		}

		switch (kind) {
		case KIND_PERSONAL_TOKEN:
			table_header(md, pat_headers, 11, 0x1);
			break;
		case KIND_PROJECT_TOKEN:
		case KIND_GROUP_TOKEN:
			table_header(md, bot_headers, 12, 0x1);
			break;
		case KIND_SSH_KEY:
		case KIND_DEPLOY_KEY:
			table_header(md, ssh_headers, 14, 0x11);
			break;
		case KIND_GPG_KEY:
		default:
			table_header(md, gpg_headers, 13, 0x1);
			break;
		}
		for (i = 0; i < model->cred_count; i++) {
			const struct credential *cred = &model->creds[i];

			if (cred->kind != kind)
				continue;
			if (kind == KIND_SSH_KEY || kind == KIND_DEPLOY_KEY)
				ssh_row(md, cred);
			else if (kind == KIND_GPG_KEY)
				gpg_row(md, cred);
			else
				token_row(md, cred);
			maybe_flush(md);
		}
	}
}

int render_markdown(const struct render_context *ctx, FILE *out,
		    struct buf *err)
{
	struct md md = { ctx, ctx->model, out, BUF_INIT, 0 };

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
