/*
 * The revocation plan as plan.md, which a person approves by ticking
 * boxes, and plan.json, which a tool reads. Both list the same actions in
 * the same order, the order of the stream. plan.json keeps "approved":
 * false, because approval happens in plan.md.
 *
 * Both are written as the actions are produced. plan.json gets one
 * action per line; its list of credentials that GitLab cannot change and
 * the snapshot digests follow the actions. plan.md starts with the
 * digests, which are known only at the end, so its task lines wait in a
 * temporary file until then. The plan digest is computed on the way: the
 * canonical form (plan_digest.h) is Jansson's compact dump with sorted
 * keys, and every member but "actions" sorts after it.
 *
 * plan_read.c reads the pair back and checks that they still agree:
 *  - plan.md carries the plan digest of plan.json (plan_digest.h);
 *  - a task item's first code span is its action id, and its last one
 *    is the request;
 *  - plan.json keeps the text of each item as "markdown".
 */
#include "render_core.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <gcrypt.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "jsonw.h"
#include "plan_digest.h"
#include "text.h"

#define SCHEMA_VERSION 1

static const char *const action_verbs[] = { "Revoke", "Delete", "Review" };

/*
 * Append the findings of `cred` that put it in the plan: those whose
 * rule proposes an action and that pass the plan's filter.
 */
static void md_reasons(struct buf *out, const struct credential *cred,
		       const struct plan_filter *filter)
{
	size_t i;
	int first = 1;

	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];

		if (!plan_filter_passes(filter, finding))
			continue;
		buf_adds(out, first ? " (" : "; ");
		buf_addf(out, "**%s** ", severity_id(finding->severity));
		text_markdown_str(out, finding->rule, TEXT_NO_LIMIT);
		buf_adds(out, ": ");
		text_markdown_str(out, finding->message, TEXT_MESSAGE_MAX);
		first = 0;
	}
	if (!first)
		buf_adds(out, ")");
}

static void md_user(struct buf *out, const char *text)
{
	unsigned flags;

	if (!text) {
		buf_adds(out, "without a name");
		return;
	}
	buf_adds(out, "\"");
	flags = text_markdown_str(out, text, TEXT_NAME_MAX);
	buf_adds(out, "\"");
	if (flags) {
		buf_adds(out, " (\xE2\x9A\xA0 ");
		text_flag_labels(out, flags);
		buf_adds(out, ")");
	}
}

static void md_credential(struct buf *out, const struct credential *cred)
{
	buf_addf(out, "%s %" PRId64 " ", kind_noun(cred->kind), cred->id);
	md_user(out, cred->name);
	if (cred->unavailable & FIELD_OWNER_UNKNOWN) {
		buf_adds(out, " of an owner that the snapshot does not record");
	} else if (cred->owner && cred->owner->username) {
		/* No "@" in front: in a GitLab issue that mentions the user. */
		buf_adds(out, " of user ");
		text_markdown_str(out, cred->owner->username, TEXT_NAME_MAX);
	} else {
		buf_addf(out, " of user %" PRId64, cred->owner_id);
	}
}

/* Append the text of an action's task item, which follows "- [ ] ". */
static void md_action(struct buf *out, const struct plan_action *action,
		      const struct credential *cred,
		      const struct plan_filter *filter)
{
	buf_addf(out, "`%s` %s ", action->id, action_verbs[action->type]);
	md_credential(out, cred);
	md_reasons(out, cred, filter);
	buf_adds(out, ": ");
	if (action->method) {
		buf_addf(out, "`%s /api/v4%s`; ", action->method,
			 action->api_path);
	} else {
		buf_adds(out, "manual step, ");
		text_markdown_str(out, action->manual, TEXT_NO_LIMIT);
		buf_adds(out, "; ");
	}
	text_markdown_str(out, action->consequence, TEXT_NO_LIMIT);
	buf_adds(out, ".");
}

/* ---------------------------------------------------------------- spools */

/*
 * A temporary file for text that belongs later in an output than it is
 * produced. It is unlinked at once, so nothing is left behind.
 */
static FILE *spool_open(const char *dir, struct buf *err)
{
	struct buf path = BUF_INIT;
	FILE *file = NULL;
	int fd;

	buf_addf(&path, "%s/.plan-spool.XXXXXX", dir);
	/* A signal between creating and unlinking would leave the file. */
	cleanup_block_signals(1);
	fd = mkstemp(path.data);
	if (fd >= 0)
		unlink(path.data);
	cleanup_block_signals(0);
	if (fd < 0) {
		buf_addf(err, "cannot create a temporary file in '%s': %s",
			 dir, strerror(errno));
		goto out;
	}
	file = fdopen(fd, "w+");
	if (!file) {
		buf_addf(err, "cannot open a temporary file in '%s': %s", dir,
			 strerror(errno));
		close(fd);
	}
out:
	buf_release(&path);
	return file;
}

static int spool_write(FILE *spool, const struct buf *text)
{
	return fwrite(text->data, 1, text->len, spool) == text->len ? 0 : -1;
}

/* Copy what `spool` holds to `out`. */
static int spool_copy(FILE *spool, FILE *out)
{
	char chunk[65536];
	size_t n;

	if (fflush(spool) || fseek(spool, 0, SEEK_SET))
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), spool)) > 0)
		if (fwrite(chunk, 1, n, out) != n)
			return -1;
	return ferror(spool) ? -1 : 0;
}

/* ------------------------------------------------------------- the sink */

/* Write the buffer out when it grows past this. */
#define FLUSH_SIZE (256 * 1024)

struct plan_sink {
	struct sink sink;
	const struct render_context *ctx;
	FILE *md;
	FILE *json;
	FILE *md_actions;        /* task lines of plan.md */
	FILE *md_skipped;        /* lines of the "not possible" list */
	FILE *json_skipped;      /* entries of "not_possible", one per line */
	FILE *canonical_skipped; /* the same in canonical form, comma-joined */
	gcry_md_hd_t digest;     /* of the canonical plan.json so far */
	struct buf out;          /* plan.json */
	struct jsonw doc;
	struct buf line;
	struct buf canonical;
	struct buf scratch;
	size_t actions;
	size_t skipped;
	int failed;              /* a write failed */
};

/* A string from the snapshot in the escape convention of text.h. */
static void user_string(struct plan_sink *p, struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	buf_reset(&p->scratch);
	text_escape_str(&p->scratch, s, TEXT_NO_LIMIT);
	jsonw_stringn(w, p->scratch.data, p->scratch.len);
}

/*
 * "credential": in the order of plan.json, or with `sorted` keys for the
 * canonical form; only "id" and "kind" change places.
 */
static void credential_json(struct plan_sink *p, struct jsonw *w,
			    const struct credential *cred, int sorted)
{
	jsonw_key(w, "credential");
	jsonw_object(w, 1);
	if (sorted) {
		jsonw_key(w, "id");
		jsonw_int(w, cred->id);
	}
	jsonw_key(w, "kind");
	jsonw_string(w, kind_id(cred->kind));
	if (!sorted) {
		jsonw_key(w, "id");
		jsonw_int(w, cred->id);
	}
	jsonw_key(w, "name");
	user_string(p, w, cred->name);
	jsonw_key(w, "owner");
	jsonw_object(w, 1);
	jsonw_key(w, "id");
	jsonw_int(w, cred->owner_id);
	jsonw_key(w, "username");
	user_string(p, w, cred->owner ? cred->owner->username : NULL);
	jsonw_end(w);
	jsonw_end(w);
}

/*
 * "reasons": the findings that put the credential in the plan, as
 * md_reasons() selects them.
 */
static void reasons_array(struct plan_sink *p, struct jsonw *w,
			  const struct credential *cred, int sorted)
{
	const struct plan_filter *filter = &p->ctx->plan->filter;
	size_t i;

	jsonw_key(w, "reasons");
	jsonw_array(w, 1);
	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];

		if (!plan_filter_passes(filter, finding))
			continue;
		jsonw_object(w, 1);
		if (sorted) {
			jsonw_key(w, "message");
			user_string(p, w, finding->message);
		}
		jsonw_key(w, "rule");
		jsonw_string(w, finding->rule);
		jsonw_key(w, "severity");
		jsonw_string(w, severity_id(finding->severity));
		if (!sorted) {
			jsonw_key(w, "message");
			user_string(p, w, finding->message);
		}
		jsonw_end(w);
	}
	jsonw_end(w);
}

static void request_object(struct jsonw *w, const struct plan_action *action)
{
	struct buf path = BUF_INIT;

	jsonw_key(w, "request");
	if (!action->method) {
		jsonw_null(w);
		return;
	}
	buf_addf(&path, "/api/v4%s", action->api_path);
	jsonw_object(w, 1);
	jsonw_key(w, "method");
	jsonw_string(w, action->method);
	jsonw_key(w, "path");
	jsonw_string(w, path.data);
	jsonw_end(w);
	buf_release(&path);
}

/* One action as plan.json writes it, and in canonical form. */
static void action_json(struct plan_sink *p, const struct plan_action *action,
			const struct credential *cred, const struct buf *md)
{
	struct jsonw w;

	buf_reset(&p->line);
	jsonw_init(&w, &p->line, 0);
	jsonw_object(&w, 1);
	jsonw_key(&w, "id");
	jsonw_string(&w, action->id);
	jsonw_key(&w, "type");
	jsonw_string(&w, action_type_id(action->type));
	jsonw_key(&w, "approved");
	jsonw_bool(&w, 0);
	credential_json(p, &w, cred, 0);
	reasons_array(p, &w, cred, 0);
	request_object(&w, action);
	jsonw_key(&w, "manual");
	jsonw_string_or_null(&w, action->manual);
	jsonw_key(&w, "consequence");
	jsonw_string(&w, action->consequence);
	jsonw_key(&w, "markdown");
	jsonw_stringn(&w, md->data, md->len);
	jsonw_end(&w);

	/* The digest counts every action as not approved. */
	buf_reset(&p->canonical);
	jsonw_init(&w, &p->canonical, 0);
	jsonw_object(&w, 1);
	jsonw_key(&w, "approved");
	jsonw_bool(&w, 0);
	jsonw_key(&w, "consequence");
	jsonw_string(&w, action->consequence);
	credential_json(p, &w, cred, 1);
	jsonw_key(&w, "id");
	jsonw_string(&w, action->id);
	jsonw_key(&w, "manual");
	jsonw_string_or_null(&w, action->manual);
	jsonw_key(&w, "markdown");
	jsonw_stringn(&w, md->data, md->len);
	reasons_array(p, &w, cred, 1);
	request_object(&w, action);
	jsonw_key(&w, "type");
	jsonw_string(&w, action_type_id(action->type));
	jsonw_end(&w);
}

/* One "not_possible" entry, in both forms. */
static void skip_json(struct plan_sink *p, const struct credential *cred,
		      const char *reason)
{
	struct jsonw w;

	buf_reset(&p->line);
	jsonw_init(&w, &p->line, 0);
	jsonw_object(&w, 1);
	credential_json(p, &w, cred, 0);
	reasons_array(p, &w, cred, 0);
	jsonw_key(&w, "reason");
	jsonw_string(&w, reason);
	jsonw_end(&w);

	buf_reset(&p->canonical);
	jsonw_init(&w, &p->canonical, 0);
	jsonw_object(&w, 1);
	credential_json(p, &w, cred, 1);
	jsonw_key(&w, "reason");
	jsonw_string(&w, reason);
	reasons_array(p, &w, cred, 1);
	jsonw_end(&w);
}

static void hash_text(struct plan_sink *p, const char *text, size_t len)
{
	gcry_md_write(p->digest, text, len);
}

static int flush_json(struct plan_sink *p)
{
	if (p->out.len &&
	    fwrite(p->out.data, 1, p->out.len, p->json) != p->out.len)
		p->failed = 1;
	buf_reset(&p->out);
	return p->failed ? -1 : 0;
}

static int plan_credential(struct sink *sink, const struct credential *cred,
			   const struct plan_decision *decision,
			   struct buf *err)
{
	struct plan_sink *p = (struct plan_sink *)sink;
	const struct plan_filter *filter = &p->ctx->plan->filter;
	struct buf md = BUF_INIT;
	size_t start;

	if (decision->outcome == PLAN_ACTION) {
		md_action(&md, &decision->action, cred, filter);
		action_json(p, &decision->action, cred, &md);
		jsonw_raw(&p->doc, p->line.data, p->line.len);
		if (p->actions++)
			hash_text(p, ",", 1);
		hash_text(p, p->canonical.data, p->canonical.len);

		buf_reset(&p->line);
		buf_adds(&p->line, "- [ ] ");
		buf_add(&p->line, md.data, md.len);
		buf_addch(&p->line, '\n');
		if (spool_write(p->md_actions, &p->line))
			p->failed = 1;
	} else if (decision->outcome == PLAN_NOT_POSSIBLE) {
		skip_json(p, cred, decision->reason);
		buf_addch(&p->line, '\n');
		if (p->skipped++)
			fputc(',', p->canonical_skipped);
		if (spool_write(p->json_skipped, &p->line) ||
		    spool_write(p->canonical_skipped, &p->canonical))
			p->failed = 1;

		buf_reset(&p->line);
		buf_adds(&p->line, "- ");
		start = p->line.len;
		md_credential(&p->line, cred);
		p->line.data[start] = (char)toupper((unsigned char)p->line.data[start]);
		md_reasons(&p->line, cred, filter);
		buf_adds(&p->line, ": ");
		text_markdown_str(&p->line, decision->reason, TEXT_NO_LIMIT);
		buf_adds(&p->line, ".\n");
		if (spool_write(p->md_skipped, &p->line))
			p->failed = 1;
	}
	buf_release(&md);
	if (p->out.len > FLUSH_SIZE)
		flush_json(p);
	if (p->failed) {
		buf_addf(err, "cannot write the plan: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Write the value of "filter" in a filtered plan: the filter, and the
 * actions and "not possible" entries that it left out. The keys are in
 * sorted order, as the canonical form needs them.
 */
static void filter_object(struct jsonw *w, const struct plan *plan,
			  int compact)
{
	const struct plan_filter *filter = &plan->filter;
	size_t i;

	jsonw_object(w, compact);
	jsonw_key(w, "left_out_actions");
	jsonw_int(w, (int64_t)plan->left_out_count);
	jsonw_key(w, "left_out_not_possible");
	jsonw_int(w, (int64_t)plan->left_out_skipped_count);
	jsonw_key(w, "min_severity");
	if (filter->by_severity)
		jsonw_string(w, severity_id(filter->min_severity));
	else
		jsonw_null(w);
	jsonw_key(w, "rules");
	if (filter->by_rule) {
		jsonw_array(w, 1);
		for (i = 0; i < policy_rule_count; i++)
			if (filter->rules & (UINT64_C(1) << i))
				jsonw_string(w, policy_rules[i].id);
		jsonw_end(w);
	} else {
		jsonw_null(w);
	}
	jsonw_end(w);
}

/* The head of plan.json, known at the start. */
static void json_head(struct plan_sink *p)
{
	const struct plan *plan = p->ctx->plan;
	struct jsonw *w = &p->doc;
	struct buf version = BUF_INIT;
	char text[TS_TEXT_MAX];

	buf_addf(&version, "credaudit %s",
		 p->ctx->tool_version ? p->ctx->tool_version : "unknown");
	jsonw_init(w, &p->out, 0);
	jsonw_object(w, 0);
	jsonw_key(w, "schema_version");
	jsonw_int(w, SCHEMA_VERSION);
	jsonw_key(w, "generated_by");
	jsonw_string(w, version.data);
	ts_format(plan->created, text);
	jsonw_key(w, "created_at");
	jsonw_string(w, text);
	ts_format(plan->valid_until, text);
	jsonw_key(w, "valid_until");
	jsonw_string(w, text);
	jsonw_key(w, "actions");
	jsonw_array(w, 0);
	buf_release(&version);

	hash_text(p, "{\"actions\":[", 12);
}

/*
 * The rest of plan.json: what cannot be done, the filter of a filtered
 * plan, then the snapshot.
 */
static int json_tail(struct plan_sink *p)
{
	const struct model *model = p->ctx->model;
	struct jsonw *w = &p->doc;
	struct buf entry = BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	jsonw_end(w);
	jsonw_key(w, "not_possible");
	jsonw_array(w, 0);
	if (fflush(p->json_skipped) || fseek(p->json_skipped, 0, SEEK_SET))
		p->failed = 1;
	while (!p->failed && (n = getline(&line, &cap, p->json_skipped)) > 0) {
		jsonw_raw(w, line, (size_t)n - 1);
		if (p->out.len > FLUSH_SIZE)
			flush_json(p);
	}
	free(line);
	jsonw_end(w);
	/* Only a filtered plan has "filter", so other plans are as before. */
	if (plan_filter_active(&p->ctx->plan->filter)) {
		jsonw_key(w, "filter");
		filter_object(w, p->ctx->plan, 0);
	}
	jsonw_key(w, "snapshot");
	jsonw_object(w, 0);
	jsonw_key(w, "path");
	user_string(p, w, model->snapshot_path);
	jsonw_key(w, "digest");
	jsonw_string_or_null(w, model->snapshot_digest);
	jsonw_key(w, "owners_digest");
	jsonw_string_or_null(w, p->ctx->owners_digest);
	jsonw_end(w);
	jsonw_end(w);
	buf_addch(&p->out, '\n');
	buf_release(&entry);
	return flush_json(p);
}

/* Finish the canonical form of plan.json and format its digest. */
static int finish_digest(struct plan_sink *p, char out[PLAN_DIGEST_MAX])
{
	const struct plan *plan = p->ctx->plan;
	const struct model *model = p->ctx->model;
	struct buf tail = BUF_INIT;
	struct jsonw w;
	char text[TS_TEXT_MAX];
	const unsigned char *sum;
	size_t i;

	/* The members after "actions", in sorted order. */
	buf_adds(&tail, "],\"created_at\":");
	ts_format(plan->created, text);
	json_quote(&tail, text, strlen(text));
	if (plan_filter_active(&plan->filter)) {
		buf_adds(&tail, ",\"filter\":");
		jsonw_init(&w, &tail, 0);
		filter_object(&w, plan, 1);
	}
	buf_adds(&tail, ",\"generated_by\":");
	buf_reset(&p->scratch);
	buf_addf(&p->scratch, "credaudit %s",
		 p->ctx->tool_version ? p->ctx->tool_version : "unknown");
	json_quote(&tail, p->scratch.data, p->scratch.len);
	buf_adds(&tail, ",\"not_possible\":[");
	hash_text(p, tail.data, tail.len);
	buf_reset(&tail);

	if (fflush(p->canonical_skipped) ||
	    fseek(p->canonical_skipped, 0, SEEK_SET))
		return -1;
	for (;;) {
		char chunk[65536];
		size_t n = fread(chunk, 1, sizeof(chunk), p->canonical_skipped);

		if (!n)
			break;
		hash_text(p, chunk, n);
	}
	if (ferror(p->canonical_skipped))
		return -1;

	buf_addf(&tail, "],\"schema_version\":%d,\"snapshot\":", SCHEMA_VERSION);
	jsonw_init(&w, &tail, 0);
	jsonw_object(&w, 1);
	/* The path is only information: the digest identifies the snapshot. */
	jsonw_key(&w, "digest");
	jsonw_string_or_null(&w, model->snapshot_digest);
	jsonw_key(&w, "owners_digest");
	jsonw_string_or_null(&w, p->ctx->owners_digest);
	jsonw_end(&w);
	buf_adds(&tail, ",\"valid_until\":");
	ts_format(plan->valid_until, text);
	json_quote(&tail, text, strlen(text));
	buf_addch(&tail, '}');
	hash_text(p, tail.data, tail.len);
	buf_release(&tail);

	sum = gcry_md_read(p->digest, GCRY_MD_SHA256);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", sum[i]);
	return 0;
}

/*
 * Append the paragraph of a filtered plan.md that marks the plan as
 * partial for the approver, with the number of actions it left out.
 */
static void partial_note(struct buf *out, const struct model *model,
			 const struct plan *plan)
{
	size_t actions = plan->left_out_count;
	size_t skipped = plan->left_out_skipped_count;
	size_t r, gaps = 0;

	buf_adds(out, "\n"
		"This plan is partial: only findings that pass the filter above put a\n"
		"credential into it, and each action lists only those findings as its\n"
		"reasons.\n");
	if (!actions && !skipped) {
		buf_adds(out, "Without the filter, the plan would be the same.\n");
	} else {
		buf_addf(out, "Without the filter, the plan would have %zu more action%s",
			 actions, actions == 1 ? "" : "s");
		if (skipped)
			buf_addf(out, "\nand list %zu more flagged credential%s that GitLab cannot change",
				 skipped, skipped == 1 ? "" : "s");
		buf_adds(out, ".\n");
	}
	buf_adds(out, "report.html and report.md list every finding.\n");

	/*
	 * A stage whose rule could not check every credential may propose
	 * little or nothing for that reason alone, so plan.md names such
	 * rules where the plan is approved.
	 */
	for (r = 0; r < policy_rule_count; r++) {
		const struct policy_rule *rule = &policy_rules[r];
		struct finding probe = { rule->id, rule->severity, NULL };
		struct rule_gap gap;

		if (!rule->proposes_action ||
		    !plan_filter_passes(&plan->filter, &probe))
			continue;
		policy_rule_gap(model, rule, &gap);
		if (!gap.not_checked)
			continue;
		buf_addf(out, "%s`%s`", gaps++ ? ", " :
			 "Not checked for every credential, because the snapshot lacks what it needs (see the Findings of report.md): ",
			 rule->id);
	}
	if (gaps)
		buf_adds(out, ".\n");
}

static int write_markdown(struct plan_sink *p, const char *digest)
{
	const struct model *model = p->ctx->model;
	const struct plan *plan = p->ctx->plan;
	int filtered = plan_filter_active(&plan->filter);
	struct buf out = BUF_INIT;
	char created[TS_TEXT_MAX], until[TS_TEXT_MAX];
	int ret = -1;

	ts_format(plan->created, created);
	ts_format(plan->valid_until, until);
	buf_adds(&out, "# Revocation plan\n\n- Snapshot: ");
	text_markdown_str(&out, model->snapshot_path, TEXT_PATH_MAX);
	buf_adds(&out, "\n- Snapshot digest: ");
	if (model->snapshot_digest)
		buf_addf(&out, "`%s`", model->snapshot_digest);
	else
		buf_adds(&out, "none");
	buf_addf(&out, "\n- Plan digest: `%s`", digest);
	buf_addf(&out, "\n- Created: %s\n- Valid until: %s\n", created, until);
	buf_addf(&out, "- Generated by: credaudit %s\n",
		 p->ctx->tool_version ? p->ctx->tool_version : "unknown");
	if (filtered) {
		buf_adds(&out, "- Filter: ");
		plan_filter_describe(&plan->filter, "`", &out);
		buf_adds(&out, "\n");
	}

	buf_adds(&out, "\n"
		"Each action below is proposed, not done. To approve one, tick its box\n"
		"(`- [x]`); leave the box empty to reject it. The plan holds only for the\n"
		"snapshot with the digest above and until the time above: after that,\n"
		"run credaudit on a fresh snapshot. Change nothing else: the plan digest\n"
		"ties every line to plan.json. Times are UTC. Values from the\n"
		"snapshot are shown with \\\\xNN for bytes that are not UTF\\-8 and\n"
		"\\\\u\\{NNNN\\} for control, bidi and invisible characters.\n");
	if (filtered)
		partial_note(&out, model, plan);

	buf_addf(&out, "\n## Actions (%zu)\n\n", plan->count);
	if (!plan->count && filtered)
		buf_adds(&out, "None: no finding that passes the filter proposes an action on a credential that GitLab can change.\n");
	else if (!plan->count)
		buf_adds(&out, "None: no credential that GitLab can change has a finding whose rule proposes an action.\n");
	if (fwrite(out.data, 1, out.len, p->md) != out.len ||
	    spool_copy(p->md_actions, p->md))
		goto out;
	buf_reset(&out);
	if (plan->skipped_count) {
		buf_addf(&out, "\n## Flagged but not possible in GitLab (%zu)\n\n",
			 plan->skipped_count);
		if (fwrite(out.data, 1, out.len, p->md) != out.len ||
		    spool_copy(p->md_skipped, p->md))
			goto out;
	}
	if (fflush(p->md) || ferror(p->md))
		goto out;
	ret = 0;
out:
	buf_release(&out);
	return ret;
}

static int plan_end(struct sink *sink, struct buf *err)
{
	struct plan_sink *p = (struct plan_sink *)sink;
	char digest[PLAN_DIGEST_MAX];

	if (json_tail(p) < 0 || fflush(p->json) || ferror(p->json)) {
		buf_addf(err, "cannot write plan.json: %s", strerror(errno));
		return -1;
	}
	if (finish_digest(p, digest) < 0) {
		buf_addf(err, "cannot read back the plan's temporary file: %s",
			 strerror(errno));
		return -1;
	}
	if (write_markdown(p, digest) < 0) {
		buf_addf(err, "cannot write plan.md: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void plan_free(struct sink *sink)
{
	struct plan_sink *p = (struct plan_sink *)sink;
	FILE *spools[] = { p->md_actions, p->md_skipped, p->json_skipped,
			   p->canonical_skipped };
	size_t i;

	for (i = 0; i < sizeof(spools) / sizeof(spools[0]); i++)
		if (spools[i])
			fclose(spools[i]);
	if (p->digest)
		gcry_md_close(p->digest);
	buf_release(&p->out);
	buf_release(&p->line);
	buf_release(&p->canonical);
	buf_release(&p->scratch);
	free(p);
}

struct sink *render_plan_sink(const struct render_context *ctx, FILE *md,
			      FILE *json, const char *spool_dir,
			      struct buf *err)
{
	struct plan_sink *p = xcalloc(1, sizeof(*p));

	p->sink.name = "plan.md and plan.json";
	p->sink.credential = plan_credential;
	p->sink.end = plan_end;
	p->sink.free = plan_free;
	p->ctx = ctx;
	p->md = md;
	p->json = json;
	buf_init(&p->out);
	buf_init(&p->line);
	buf_init(&p->canonical);
	buf_init(&p->scratch);
	if (!(p->md_actions = spool_open(spool_dir, err)) ||
	    !(p->md_skipped = spool_open(spool_dir, err)) ||
	    !(p->json_skipped = spool_open(spool_dir, err)) ||
	    !(p->canonical_skipped = spool_open(spool_dir, err)))
		goto failed;
	if (gcry_md_open(&p->digest, GCRY_MD_SHA256, 0)) {
		buf_adds(err, "libgcrypt cannot compute SHA-256");
		goto failed;
	}
	json_head(p);
	return &p->sink;
failed:
	plan_free(&p->sink);
	return NULL;
}
