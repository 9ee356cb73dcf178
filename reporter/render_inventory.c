/*
 * The inventory: every credential in tables of a fixed number of rows,
 * one page per INVENTORY_PAGE_ROWS credentials of a kind, in the files
 * inventory/<kind>-NNNN.html. Each page is a whole document made from
 * the report.html template, with the template's style, links to the
 * overview and to the previous and next page of its kind.
 *
 * Rows arrive by table and then by id, and the three kinds of token
 * share a table, so a page of each kind stays open. A row is written as
 * HTML text straight into its page's buffer (html_stream.h); only the
 * page around the rows is a libxml2 document. The page is written when
 * it is full and the next row of its kind arrives, or at the end: only
 * then is it known whether a next page exists. Memory is bounded by one
 * page of rows per kind.
 */
#include "html_build.h"
#include "html_stream.h"

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

/*
 * End a cell's list of `count` items, of which CELL_ITEMS_MAX were shown,
 * with a last item that counts the rest and names `where` they are.
 */
static void end_item_list(struct html_stream *hs, size_t count,
			  const char *where)
{
	if (count > CELL_ITEMS_MAX) {
		html_stream_open(hs, "li", NULL);
		html_stream_textf(hs, "and %zu more%s", count - CELL_ITEMS_MAX,
				  where);
		html_stream_close(hs, "li");
	}
	html_stream_close(hs, "ul");
	html_stream_close(hs, "td");
}

/* The comment in an empty table body where a page's rows go. */
#define ROWS_MARK HTML_ROWS_MARK "page"

struct page {
	size_t number;               /* from 1; 0 while no page is open */
	size_t rows;
	struct buf body;             /* the rows as HTML text */
	struct page_ids *ids;        /* of every page so far, by number - 1 */
	size_t ids_alloc;
};

struct inventory_sink {
	struct sink sink;
	struct html h;               /* builder of the page around the rows */
	struct html_stream rows;     /* writer of rows into a page's body */
	char *dir;
	struct page pages[KIND_COUNT];
	size_t total[KIND_COUNT];    /* pages written */
};

static void td_findings(struct html_stream *hs, const struct credential *cred)
{
	size_t i;

	html_stream_open(hs, "td", "ca-findings");
	if (!cred->finding_count) {
		html_stream_span(hs, "ca-none", "none");
		html_stream_close(hs, "td");
		return;
	}
	html_stream_open(hs, "ul", NULL);
	for (i = 0; i < cred->finding_count && i < CELL_ITEMS_MAX; i++) {
		const struct finding *finding = &cred->findings[i];

		html_stream_open(hs, "li", NULL);
		html_stream_severity(hs, finding->severity);
		html_stream_text(hs, " ");
		html_stream_start_tag(hs, "a");
		html_stream_attr_join(hs, "href", "../report.html#findings-",
				      finding->rule);
		html_stream_start_tag_end(hs);
		html_stream_text(hs, finding->rule);
		html_stream_close(hs, "a");
		html_stream_text(hs, ": ");
		html_stream_user_text(hs, finding->message, TEXT_MESSAGE_MAX);
		html_stream_close(hs, "li");
	}
	end_item_list(hs, cred->finding_count, " in report.json");
}

static void td_plan(struct html_stream *hs, const struct render_context *ctx,
		    const struct credential *cred,
		    const struct plan_decision *decision)
{
	const struct journal_entry *done =
		done_index_find(ctx->done, cred->kind, cred->id);
	struct buf host = BUF_INIT;
	char date[TS_TEXT_MAX];

	html_stream_open(hs, "td", NULL);
	/* plan.md and plan.json list the action under this id. */
	if (decision->outcome == PLAN_ACTION)
		html_stream_element(hs, "code", NULL, decision->action.id);
	else if (decision->outcome == PLAN_NOT_POSSIBLE)
		html_stream_span(hs, "ca-badge", "not possible in GitLab");
	else if (decision->left_out)
		html_stream_span(hs, "ca-none", PLAN_LEFT_OUT_TEXT);
	else if (!done)
		html_stream_span(hs, "ca-none", "none");

	/* An action of an earlier plan that credaudit apply carried out. */
	if (done) {
		if (decision->outcome == PLAN_ACTION ||
		    decision->outcome == PLAN_NOT_POSSIBLE || decision->left_out)
			html_stream_text(hs, " ");
		html_stream_open(hs, "span", "ca-badge");
		html_stream_text(hs, "done by apply");
		if (render_done_elsewhere(ctx, done, &host)) {
			html_stream_text(hs, " on ");
			html_stream_user_text(hs, host.data, TEXT_NAME_MAX);
		}
		buf_release(&host);
		html_stream_text(hs, ": ");
		html_stream_user_text(hs, done->action, TEXT_NAME_MAX);
		ts_format_date(done->time, date);
		html_stream_text(hs, ", ");
		html_stream_text(hs, date);
		html_stream_close(hs, "span");
	}
	html_stream_close(hs, "td");
}

static void td_state(struct html_stream *hs, const struct credential *cred)
{
	html_stream_open(hs, "td", NULL);
	html_stream_start_tag(hs, "span");
	html_stream_attr_join(hs, "class", "state-", state_id(cred->state));
	html_stream_start_tag_end(hs);
	html_stream_text(hs, state_id(cred->state));
	html_stream_close(hs, "span");
	html_stream_close(hs, "td");
}

static void td_scopes(struct html_stream *hs, const struct credential *cred)
{
	size_t i;

	if (cred->unavailable & FIELD_SCOPES) {
		html_stream_td_unavailable(hs);
		return;
	}
	html_stream_open(hs, "td", NULL);
	if (cred->scopes_invalid) {
		html_stream_span(hs, "ca-invalid", "cannot be parsed");
	} else if (!cred->scopes.count) {
		html_stream_span(hs, "ca-none", "none");
	} else {
		for (i = 0; i < cred->scopes.count && i < CELL_ITEMS_MAX; i++) {
			if (i)
				html_stream_text(hs, " ");
			html_stream_open(hs, "code", NULL);
			html_stream_user_text(hs, cred->scopes.items[i],
					      TEXT_NAME_MAX);
			html_stream_close(hs, "code");
		}
		if (cred->scopes.count > CELL_ITEMS_MAX)
			html_stream_textf(hs, " and %zu more",
					  cred->scopes.count - CELL_ITEMS_MAX);
	}
	html_stream_close(hs, "td");
}

/*
 * Start the row of `cred` with its id cell. A row whose id is invalid or
 * repeats an earlier row's gets an anchor from its position, so that no
 * two rows share one and links land on the row they name.
 */
static void start_row(struct html_stream *hs, const struct credential *cred)
{
	struct buf anchor = BUF_INIT;
	unsigned flags;

	render_row_anchor(&anchor, cred->kind, cred->id,
			  credential_anchor_row(cred));
	html_stream_start_tag(hs, "tr");
	html_stream_attr(hs, "id", anchor.data);
	html_stream_attr(hs, "data-kind", kind_id(cred->kind));
	html_stream_attr(hs, "data-state", state_id(cred->state));
	if (cred->finding_count)
		html_stream_attr_join(hs, "class", "worst-",
				      severity_id(cred->worst));
	html_stream_start_tag_end(hs);
	buf_release(&anchor);
	if (!cred->invalid_id) {
		html_stream_td_number(hs, cred->id);
		return;
	}
	html_stream_open(hs, "td", NULL);
	html_stream_open(hs, "span", "ca-invalid");
	flags = html_stream_bdi(hs, cred->id_raw ? cred->id_raw : "NULL",
				TEXT_NAME_MAX);
	html_stream_close(hs, "span");
	html_stream_span(hs, "ca-invalid", " (invalid)");
	if (flags)
		html_stream_flags(hs, flags);
	html_stream_close(hs, "td");
}

/* End the row, one to a line of the page. */
static void end_row(struct html_stream *hs)
{
	html_stream_close(hs, "tr");
	buf_addch(hs->out, '\n');
}

static void td_owner(struct html_stream *hs, const struct credential *cred)
{
	html_stream_open(hs, "td", NULL);
	html_stream_owner(hs, cred->owner, cred->owner_id, cred->unavailable);
	html_stream_close(hs, "td");
}

/* Append `label` and the raw value of a column GitLab would not store. */
static void invalid_value(struct html_stream *hs, const char *label,
			  const char *raw)
{
	unsigned flags;

	html_stream_open(hs, "span", "ca-invalid");
	html_stream_text(hs, label);
	flags = html_stream_bdi(hs, raw ? raw : "NULL", TEXT_NAME_MAX);
	html_stream_text(hs, " (invalid)");
	html_stream_close(hs, "span");
	if (flags)
		html_stream_flags(hs, flags);
}

static void td_token_name(struct html_stream *hs,
			  const struct credential *cred)
{
	html_stream_open(hs, "td", NULL);
	html_stream_user_text(hs, cred->name, TEXT_NAME_MAX);
	if (cred->impersonation == 1) {
		html_stream_text(hs, " ");
		html_stream_span(hs, "ca-badge", "impersonation");
	} else if (cred->impersonation < 0) {
		html_stream_br(hs);
		invalid_value(hs, "impersonation ", cred->impersonation_raw);
	}
	if (cred->previous_id) {
		html_stream_br(hs);
		html_stream_open(hs, "span", "muted");
		html_stream_text(hs, "rotated from token ");
		html_stream_number(hs, cred->previous_id);
		html_stream_close(hs, "span");
	} else if (cred->previous_id_raw) {
		html_stream_br(hs);
		invalid_value(hs, "rotated from token ", cred->previous_id_raw);
	}
	html_stream_close(hs, "td");
}

/* Write the cell with the project or group of a project or group token. */
static void td_resource(struct html_stream *hs, const struct credential *cred)
{
	if (cred->unavailable & FIELD_RESOURCE) {
		html_stream_td_unavailable(hs);
		return;
	}
	html_stream_open(hs, "td", NULL);
	/* A path that the snapshot cannot build is not available, not "none",
	   because the project or group and its id are known. */
	if (cred->resource.path)
		html_stream_user_text(hs, cred->resource.path, TEXT_NAME_MAX);
	else
		html_stream_span(hs, "ca-unavailable", NOT_AVAILABLE);
	html_stream_br(hs);
	html_stream_open(hs, "span", "muted");
	html_stream_text(hs, "id ");
	html_stream_number(hs, cred->resource.id);
	html_stream_close(hs, "span");
	html_stream_close(hs, "td");
}

static void td_revoked(struct html_stream *hs, const struct credential *cred)
{
	char text[TS_TEXT_MAX];
	unsigned flags;

	if (cred->unavailable & FIELD_REVOKED) {
		html_stream_td_unavailable(hs);
		return;
	}
	if (!cred->revoked) {
		html_stream_open(hs, "td", NULL);
		html_stream_span(hs, "ca-none", "no");
		html_stream_close(hs, "td");
		return;
	}
	switch (render_timestamp(cred, 0, &cred->revoked_at, text)) {
	case VALUE_SET:
		html_stream_open(hs, "td", "date");
		html_stream_text(hs, "yes, ");
		html_stream_text(hs, text);
		html_stream_close(hs, "td");
		break;
	case VALUE_INVALID:
		html_stream_open(hs, "td", NULL);
		html_stream_open(hs, "span", "ca-invalid");
		html_stream_text(hs, "yes, ");
		flags = html_stream_bdi(hs, cred->revoked_at.raw,
					TEXT_NAME_MAX);
		html_stream_close(hs, "span");
		html_stream_span(hs, "ca-invalid", " (invalid)");
		if (flags)
			html_stream_flags(hs, flags);
		html_stream_close(hs, "td");
		break;
	case VALUE_NONE:
	case VALUE_UNAVAILABLE:
		html_stream_td_text(hs, NULL, "yes");
		break;
	}
}

static void token_row(struct html_stream *hs, const struct render_context *ctx,
		      const struct credential *cred,
		      const struct plan_decision *decision)
{
	start_row(hs, cred);
	td_token_name(hs, cred);
	td_owner(hs, cred);
	if (cred->kind != KIND_PERSONAL_TOKEN)
		td_resource(hs, cred);
	td_scopes(hs, cred);
	html_stream_td_timestamp(hs, cred, FIELD_CREATED, &cred->created_at,
				 "unknown");
	html_stream_td_timestamp(hs, cred, FIELD_LAST_USED,
				 &cred->last_used_at, "never");
	html_stream_td_timestamp(hs, cred, FIELD_EXPIRES, &cred->expires_at,
				 "no expiry");
	td_state(hs, cred);
	td_revoked(hs, cred);
	td_findings(hs, cred);
	td_plan(hs, ctx, cred, decision);
	end_row(hs);
}

static void td_key_title(struct html_stream *hs,
			 const struct credential *cred)
{
	html_stream_open(hs, "td", NULL);
	html_stream_user_text(hs, cred->name, TEXT_NAME_MAX);
	if (cred->ldap) {
		html_stream_text(hs, " ");
		html_stream_span(hs, "ca-badge", "LDAP");
	}
	if (cred->key_type_raw) {
		html_stream_br(hs);
		invalid_value(hs, "type ", cred->key_type_raw);
	}
	if (cred->resource.type == RESOURCE_PROJECT) {
		html_stream_br(hs);
		html_stream_text(hs, "project ");
		if (cred->resource.path)
			html_stream_user_text(hs, cred->resource.path,
					      TEXT_NAME_MAX);
		else
			html_stream_number(hs, cred->resource.id);
	}
	html_stream_close(hs, "td");
}

/* Write the type, bits and fingerprint cells of an SSH or deploy key. */
static void td_ssh_key(struct html_stream *hs, const struct credential *cred)
{
	const struct sshkey_info *ssh = &cred->ssh;

	if (!cred->ssh_ok) {
		html_stream_open(hs, "td", NULL);
		html_stream_span(hs, "ca-invalid", "cannot be parsed: ");
		html_stream_user_text(hs, ssh->error, TEXT_MESSAGE_MAX);
		html_stream_close(hs, "td");
		html_stream_open(hs, "td", NULL);
		html_stream_span(hs, "ca-none", "none");
		html_stream_close(hs, "td");
		html_stream_open(hs, "td", NULL);
		html_stream_span(hs, "ca-none", "none");
		html_stream_close(hs, "td");
		return;
	}

	html_stream_open(hs, "td", NULL);
	html_stream_user_text(hs, ssh->type, TEXT_NAME_MAX);
	if (ssh->declared[0] && strcmp(ssh->declared, ssh->type)) {
		html_stream_br(hs);
		html_stream_open(hs, "span", "ca-invalid");
		html_stream_text(hs, "the line says ");
		html_stream_user_text(hs, ssh->declared, TEXT_NAME_MAX);
		html_stream_close(hs, "span");
	}
	html_stream_close(hs, "td");

	html_stream_td_number(hs, ssh->bits);

	html_stream_open(hs, "td", "mono");
	html_stream_user_text(hs, ssh->sha256, TEXT_NAME_MAX);
	html_stream_br(hs);
	if (ssh->md5[0]) {
		html_stream_open(hs, "span", "muted");
		html_stream_text(hs, "MD5:");
		html_stream_user_text(hs, ssh->md5, TEXT_NAME_MAX);
		html_stream_close(hs, "span");
	} else {
		html_stream_span(hs, "ca-none", "no MD5");
	}
	html_stream_close(hs, "td");
}

static void ssh_row(struct html_stream *hs, const struct render_context *ctx,
		    const struct credential *cred,
		    const struct plan_decision *decision)
{
	start_row(hs, cred);
	td_key_title(hs, cred);
	td_owner(hs, cred);
	td_ssh_key(hs, cred);
	if (cred->unavailable & FIELD_USAGE_TYPE) {
		html_stream_td_unavailable(hs);
	} else {
		html_stream_open(hs, "td", NULL);
		html_stream_user_text(hs, cred->usage_type, TEXT_NAME_MAX);
		html_stream_close(hs, "td");
	}
	html_stream_td_timestamp(hs, cred, FIELD_CREATED, &cred->created_at,
				 "unknown");
	html_stream_td_timestamp(hs, cred, FIELD_LAST_USED,
				 &cred->last_used_at, "never");
	html_stream_td_timestamp(hs, cred, FIELD_EXPIRES, &cred->expires_at,
				 "no expiry");
	td_state(hs, cred);
	td_findings(hs, cred);
	td_plan(hs, ctx, cred, decision);
	end_row(hs);
}

/* Write a cell that contains only a placeholder such as "none". */
static void td_placeholder(struct html_stream *hs, const char *class_name,
			   const char *text)
{
	html_stream_open(hs, "td", class_name);
	html_stream_span(hs, "ca-none", text);
	html_stream_close(hs, "td");
}

static void td_gpg_uids(struct html_stream *hs,
			const struct gpg_key_info *gpg)
{
	size_t i;

	html_stream_open(hs, "td", NULL);
	if (!gpg->uid_count) {
		html_stream_span(hs, "ca-none", "none");
		html_stream_close(hs, "td");
		return;
	}
	html_stream_open(hs, "ul", NULL);
	for (i = 0; i < gpg->uid_count && i < CELL_ITEMS_MAX; i++) {
		html_stream_open(hs, "li", NULL);
		html_stream_user_text(hs, gpg->uids[i].uid, TEXT_NAME_MAX);
		if (gpg->uids[i].revoked) {
			html_stream_text(hs, " ");
			html_stream_span(hs, "ca-badge", "revoked");
		}
		if (gpg->uids[i].invalid) {
			html_stream_text(hs, " ");
			html_stream_span(hs, "ca-badge", "invalid");
		}
		html_stream_close(hs, "li");
	}
	end_item_list(hs, gpg->uid_count, "");
}

static void td_gpg_algorithm(struct html_stream *hs,
			     const struct gpg_key_info *gpg)
{
	html_stream_open(hs, "td", NULL);
	html_stream_user_text(hs, gpg->algorithm, TEXT_NAME_MAX);
	if (gpg->bits) {
		html_stream_text(hs, " ");
		html_stream_number(hs, gpg->bits);
	}
	if (gpg->curve[0]) {
		html_stream_text(hs, " ");
		html_stream_user_text(hs, gpg->curve, TEXT_NAME_MAX);
	}
	if (gpg->extra_keys) {
		html_stream_br(hs);
		html_stream_open(hs, "span", "ca-badge");
		html_stream_textf(hs, "%zu more key%s in the armor",
				  gpg->extra_keys,
				  gpg->extra_keys == 1 ? "" : "s");
		html_stream_close(hs, "span");
	}
	html_stream_close(hs, "td");
}

/* Write the key ID, fingerprint, user ID and algorithm cells of a GPG key. */
static void td_gpg_key(struct html_stream *hs, const struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;

	if (!cred->gpg_ok) {
		td_placeholder(hs, NULL, "none");
		td_placeholder(hs, NULL, "none");
		td_placeholder(hs, NULL, "none");
		html_stream_open(hs, "td", NULL);
		html_stream_span(hs, "ca-invalid", "cannot be read: ");
		html_stream_user_text(hs, gpg->error, TEXT_MESSAGE_MAX);
		html_stream_close(hs, "td");
		return;
	}
	html_stream_open(hs, "td", "mono");
	html_stream_user_text(hs, gpg->keyid, TEXT_NAME_MAX);
	html_stream_close(hs, "td");
	html_stream_open(hs, "td", "mono");
	html_stream_user_text(hs, gpg->fingerprint, TEXT_NAME_MAX);
	html_stream_close(hs, "td");
	td_gpg_uids(hs, gpg);
	td_gpg_algorithm(hs, gpg);
}

/* Write the creation, expiry and status cells that GnuPG read from the key. */
static void td_gpg_dates(struct html_stream *hs,
			 const struct credential *cred)
{
	const struct gpg_key_info *gpg = &cred->gpg;
	char text[TS_TEXT_MAX];

	if (!cred->gpg_ok) {
		td_placeholder(hs, NULL, "unknown");
		td_placeholder(hs, NULL, "unknown");
		td_placeholder(hs, NULL, "unknown");
		return;
	}
	if (gpg->created) {
		ts_format_date(gpg->created, text);
		html_stream_td_text(hs, "date", text);
	} else {
		td_placeholder(hs, NULL, "unknown");
	}
	if (gpg->expires) {
		ts_format_date(gpg->expires, text);
		html_stream_td_text(hs, "date", text);
	} else {
		td_placeholder(hs, "date", "no expiry");
	}
	if (gpg->revoked)
		html_stream_td_text(hs, "ca-invalid", "revoked");
	else if (gpg->expired)
		html_stream_td_text(hs, "ca-invalid", "expired");
	else
		html_stream_td_text(hs, NULL, "valid");
}

static void td_verification(struct html_stream *hs,
			    const struct credential *cred)
{
	if (cred->unavailable & FIELD_VERIFICATION) {
		html_stream_td_unavailable(hs);
		return;
	}
	html_stream_open(hs, "td", NULL);
	html_stream_text(hs, cred->verification == GPG_VERIFIED
			 ? "verified" : "unverified");
	if (cred->verification == GPG_VERIFIED &&
	    cred->verified_by_revoked_uid) {
		html_stream_br(hs);
		html_stream_span(hs, "ca-invalid",
				 "only through a revoked user ID");
	}
	html_stream_close(hs, "td");
}

static void gpg_row(struct html_stream *hs, const struct render_context *ctx,
		    const struct credential *cred,
		    const struct plan_decision *decision)
{
	start_row(hs, cred);
	td_owner(hs, cred);
	td_gpg_key(hs, cred);
	html_stream_td_timestamp(hs, cred, FIELD_CREATED, &cred->created_at,
				 "unknown");
	td_gpg_dates(hs, cred);
	td_verification(hs, cred);
	td_findings(hs, cred);
	td_plan(hs, ctx, cred, decision);
	end_row(hs);
}

/*
 * The column headers of each kind, in the order of its row's cells. The
 * report.html template repeats them by position as the labels of the
 * cards that replace rows on a narrow screen, so a change here needs the
 * same change there.
 */
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
			     enum cred_kind kind, const struct page *page)
{
	size_t number = page->number, rows = page->rows;
	const struct page_ids *ids = &page->ids[number - 1];
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
	buf_reset(&text);
	buf_addf(&text, "%" PRId64 " to %" PRId64, ids->first, ids->last);
	html_fact(facts, "IDs", text.data);
	html_el_text(facts, "dt", "Snapshot");
	html_add_user_text(h, html_el(facts, "dd"), model->snapshot_path, TEXT_PATH_MAX);
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
	fill_page_header(h, found[PH_HEADER], kind, page);
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

static int inventory_credential(struct sink *sink,
				const struct credential *cred,
				const struct plan_decision *decision,
				struct buf *err)
{
	struct inventory_sink *inv = (struct inventory_sink *)sink;
	struct page *page = &inv->pages[cred->kind];

	if (page->number && page->rows == INVENTORY_PAGE_ROWS) {
		size_t next = page->number + 1;

		if (close_page(inv, cred->kind, 1, err) < 0)
			return -1;
		page->number = next;
	} else if (!page->number) {
		page->number = 1;
	}

	if (!page->rows) {
		if (page->number > page->ids_alloc) {
			page->ids_alloc = page->ids_alloc ? 2 * page->ids_alloc : 16;
			page->ids = xrealloc(page->ids, page->ids_alloc *
					     sizeof(*page->ids));
		}
		page->ids[page->number - 1].first = 0;
		page->ids[page->number - 1].last = 0;
	}
	/* The range names the valid ids; an invalid one is 0. */
	if (!cred->invalid_id) {
		if (!page->ids[page->number - 1].first)
			page->ids[page->number - 1].first = cred->id;
		page->ids[page->number - 1].last = cred->id;
	}

	inv->rows.out = &page->body;
	if (cred->kind == KIND_SSH_KEY || cred->kind == KIND_DEPLOY_KEY)
		ssh_row(&inv->rows, inv->h.ctx, cred, decision);
	else if (cred->kind == KIND_GPG_KEY)
		gpg_row(&inv->rows, inv->h.ctx, cred, decision);
	else
		token_row(&inv->rows, inv->h.ctx, cred, decision);
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

void render_inventory_pages(struct sink *sink, struct render_context *ctx)
{
	struct inventory_sink *inv = (struct inventory_sink *)sink;
	int k;

	for (k = 0; k < KIND_COUNT; k++) {
		ctx->pages[k] = inv->total[k];
		free(ctx->page_ids[k]);
		ctx->page_ids[k] = inv->total[k] ? inv->pages[k].ids : NULL;
		if (inv->total[k]) {
			inv->pages[k].ids = NULL;
			inv->pages[k].ids_alloc = 0;
		}
	}
}

void render_context_free_pages(struct render_context *ctx)
{
	int k;

	for (k = 0; k < KIND_COUNT; k++) {
		free(ctx->page_ids[k]);
		ctx->page_ids[k] = NULL;
	}
}

static void inventory_free(struct sink *sink)
{
	struct inventory_sink *inv = (struct inventory_sink *)sink;
	int k;

	for (k = 0; k < KIND_COUNT; k++) {
		buf_release(&inv->pages[k].body);
		free(inv->pages[k].ids);
	}
	buf_release(&inv->h.scratch);
	html_stream_release(&inv->rows);
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
	html_stream_init(&inv->rows, NULL);
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
	return &inv->sink;
}
