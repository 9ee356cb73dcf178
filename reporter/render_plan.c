/*
 * The revocation plan as plan.md, which a person approves by ticking
 * boxes, and plan.json, which a tool reads. Both list the same actions in
 * the same order. plan.json keeps "approved": false, because approval
 * happens in plan.md.
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

#include <jansson.h>

#include "plan_digest.h"
#include "text.h"

#define SCHEMA_VERSION 1

static const char *const action_verbs[] = { "Revoke", "Delete", "Review" };

/* Append the findings of `cred` that put it in the plan. */
static void md_reasons(struct buf *out, const struct credential *cred)
{
	size_t i;
	int first = 1;

	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];
		const struct policy_rule *rule = policy_rule_find(finding->rule);

		if (!rule || !rule->proposes_action)
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
	if (cred->owner && cred->owner->username) {
		/* No "@" in front: in a GitLab issue that mentions the user. */
		buf_adds(out, " of user ");
		text_markdown_str(out, cred->owner->username, TEXT_NAME_MAX);
	} else {
		buf_addf(out, " of user %" PRId64, cred->owner_id);
	}
}

/* Append the text of an action's task item, which follows "- [ ] ". */
static void md_action(struct buf *out, const struct plan_action *action)
{
	buf_addf(out, "`%s` %s ", action->id, action_verbs[action->type]);
	md_credential(out, action->cred);
	md_reasons(out, action->cred);
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

/* plan.json */

struct plan_json {
	struct buf scratch;
	int failed;
};

static void set(struct plan_json *pj, json_t *object, const char *key,
		json_t *value)
{
	if (!value || json_object_set_new(object, key, value) < 0)
		pj->failed = 1;
}

static void append(struct plan_json *pj, json_t *array, json_t *value)
{
	if (!value || json_array_append_new(array, value) < 0)
		pj->failed = 1;
}

/* A string from the snapshot in the escape convention of text.h. */
static json_t *user_string(struct plan_json *pj, const char *s)
{
	if (!s)
		return json_null();
	buf_reset(&pj->scratch);
	text_escape_str(&pj->scratch, s, TEXT_NO_LIMIT);
	return json_stringn(pj->scratch.data, pj->scratch.len);
}

static json_t *credential_object(struct plan_json *pj,
				 const struct credential *cred)
{
	json_t *object = json_object(), *owner = json_object();

	if (!object || !owner) {
		pj->failed = 1;
		json_decref(object);
		json_decref(owner);
		return NULL;
	}
	set(pj, object, "kind", json_string(kind_id(cred->kind)));
	set(pj, object, "id", json_integer(cred->id));
	set(pj, object, "name", user_string(pj, cred->name));
	set(pj, owner, "id", json_integer(cred->owner_id));
	set(pj, owner, "username", cred->owner
	    ? user_string(pj, cred->owner->username) : json_null());
	set(pj, object, "owner", owner);
	return object;
}

static json_t *reasons_array(struct plan_json *pj,
			     const struct credential *cred)
{
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];
		const struct policy_rule *rule = policy_rule_find(finding->rule);
		json_t *reason;

		if (!rule || !rule->proposes_action)
			continue;
		reason = json_object();
		if (!reason) {
			pj->failed = 1;
			break;
		}
		set(pj, reason, "rule", json_string(finding->rule));
		set(pj, reason, "severity",
		    json_string(severity_id(finding->severity)));
		set(pj, reason, "message", user_string(pj, finding->message));
		append(pj, array, reason);
	}
	return array;
}

static json_t *action_object(struct plan_json *pj,
			     const struct plan_action *action)
{
	json_t *object = json_object(), *request;
	struct buf path = BUF_INIT;

	if (!object)
		return NULL;
	set(pj, object, "id", json_string(action->id));
	set(pj, object, "type", json_string(action_type_id(action->type)));
	set(pj, object, "approved", json_false());
	set(pj, object, "credential", credential_object(pj, action->cred));
	set(pj, object, "reasons", reasons_array(pj, action->cred));
	if (action->method) {
		request = json_object();
		if (request) {
			buf_addf(&path, "/api/v4%s", action->api_path);
			set(pj, request, "method", json_string(action->method));
			set(pj, request, "path", json_string(path.data));
			buf_release(&path);
		}
		set(pj, object, "request", request);
		set(pj, object, "manual", json_null());
	} else {
		set(pj, object, "request", json_null());
		set(pj, object, "manual", json_string(action->manual));
	}
	set(pj, object, "consequence", json_string(action->consequence));
	buf_reset(&pj->scratch);
	md_action(&pj->scratch, action);
	set(pj, object, "markdown", json_stringn(pj->scratch.data,
						 pj->scratch.len));
	return object;
}

static json_t *plan_object(struct plan_json *pj,
			   const struct render_context *ctx)
{
	const struct model *model = ctx->model;
	const struct plan *plan = ctx->plan;
	json_t *root = json_object(), *snapshot = json_object();
	json_t *actions = json_array(), *skipped = json_array();
	char text[TS_TEXT_MAX];
	struct buf version = BUF_INIT;
	size_t i;

	if (!root || !snapshot || !actions || !skipped) {
		pj->failed = 1;
		json_decref(root);
		json_decref(snapshot);
		json_decref(actions);
		json_decref(skipped);
		return NULL;
	}
	set(pj, root, "schema_version", json_integer(SCHEMA_VERSION));
	buf_addf(&version, "credaudit %s",
		 ctx->tool_version ? ctx->tool_version : "unknown");
	set(pj, root, "generated_by", json_string(version.data));
	buf_release(&version);
	set(pj, snapshot, "path", user_string(pj, model->snapshot_path));
	set(pj, snapshot, "digest", model->snapshot_digest
	    ? json_string(model->snapshot_digest) : json_null());
	set(pj, root, "snapshot", snapshot);
	ts_format(plan->created, text);
	set(pj, root, "created_at", json_string(text));
	ts_format(plan->valid_until, text);
	set(pj, root, "valid_until", json_string(text));

	for (i = 0; i < plan->count; i++)
		append(pj, actions, action_object(pj, &plan->actions[i]));
	set(pj, root, "actions", actions);

	for (i = 0; i < plan->skipped_count; i++) {
		const struct plan_skip *skip = &plan->skipped[i];
		json_t *entry = json_object();

		if (!entry) {
			pj->failed = 1;
			break;
		}
		set(pj, entry, "credential", credential_object(pj, skip->cred));
		set(pj, entry, "reasons", reasons_array(pj, skip->cred));
		set(pj, entry, "reason", json_string(skip->reason));
		append(pj, skipped, entry);
	}
	set(pj, root, "not_possible", skipped);
	return root;
}

/* The plan.json document, or NULL with the reason in `err`. */
static json_t *build_plan_json(const struct render_context *ctx,
			       struct buf *err)
{
	struct plan_json pj = { BUF_INIT, 0 };
	json_t *root;

	if (!ctx->plan) {
		buf_adds(err, "no revocation plan was made");
		return NULL;
	}
	root = plan_object(&pj, ctx);
	buf_release(&pj.scratch);
	if (!root || pj.failed) {
		json_decref(root);
		buf_adds(err, "cannot build plan.json: out of memory");
		return NULL;
	}
	return root;
}

int render_plan_markdown(const struct render_context *ctx, FILE *file,
			 struct buf *err)
{
	const struct model *model = ctx->model;
	const struct plan *plan = ctx->plan;
	struct buf out = BUF_INIT;
	char created[TS_TEXT_MAX], until[TS_TEXT_MAX];
	char digest[PLAN_DIGEST_MAX];
	json_t *root = build_plan_json(ctx, err);
	size_t i;
	int ret = -1;

	if (!root)
		return -1;
	if (plan_digest_compute(root, digest, err) < 0)
		goto out;
	ts_format(plan->created, created);
	ts_format(plan->valid_until, until);

	buf_adds(&out, "# Revocation plan\n\n- Snapshot: ");
	text_markdown_str(&out, model->snapshot_path, 1000);
	buf_adds(&out, "\n- Snapshot digest: ");
	if (model->snapshot_digest)
		buf_addf(&out, "`%s`", model->snapshot_digest);
	else
		buf_adds(&out, "none");
	buf_addf(&out, "\n- Plan digest: `%s`", digest);
	buf_addf(&out, "\n- Created: %s\n- Valid until: %s\n", created, until);
	buf_addf(&out, "- Generated by: credaudit %s\n",
		 ctx->tool_version ? ctx->tool_version : "unknown");

	buf_adds(&out, "\n"
		"Each action below is proposed, not done. To approve one, tick its box\n"
		"(`- [x]`); leave the box empty to reject it. The plan holds only for the\n"
		"snapshot with the digest above and until the time above: after that,\n"
		"run credaudit on a fresh snapshot. Change nothing else: the plan digest\n"
		"ties every line to plan.json. Times are UTC. Values from the\n"
		"snapshot are shown with \\\\xNN for bytes that are not UTF\\-8 and\n"
		"\\\\u\\{NNNN\\} for control, bidi and invisible characters.\n");

	buf_addf(&out, "\n## Actions (%zu)\n\n", plan->count);
	if (!plan->count)
		buf_adds(&out, "None: no credential that GitLab can change has a finding whose rule proposes an action.\n");
	for (i = 0; i < plan->count; i++) {
		buf_adds(&out, "- [ ] ");
		md_action(&out, &plan->actions[i]);
		buf_adds(&out, "\n");
		if (out.len > 64 * 1024) {
			if (fwrite(out.data, 1, out.len, file) != out.len)
				goto write_failed;
			buf_reset(&out);
		}
	}

	if (plan->skipped_count) {
		buf_addf(&out, "\n## Flagged but not possible in GitLab (%zu)\n\n",
			 plan->skipped_count);
		for (i = 0; i < plan->skipped_count; i++) {
			const struct plan_skip *skip = &plan->skipped[i];
			size_t start;

			buf_adds(&out, "- ");
			start = out.len;
			md_credential(&out, skip->cred);
			out.data[start] = (char)toupper((unsigned char)out.data[start]);
			md_reasons(&out, skip->cred);
			buf_adds(&out, ": ");
			text_markdown_str(&out, skip->reason, TEXT_NO_LIMIT);
			buf_adds(&out, ".\n");
		}
	}

	if (fwrite(out.data, 1, out.len, file) != out.len || fflush(file) ||
	    ferror(file))
		goto write_failed;
	ret = 0;
	goto out;
write_failed:
	buf_addf(err, "cannot write plan.md: %s", strerror(errno));
out:
	json_decref(root);
	buf_release(&out);
	return ret;
}

int render_plan_json(const struct render_context *ctx, FILE *out,
		     struct buf *err)
{
	json_t *root = build_plan_json(ctx, err);
	int ret = -1;

	if (!root)
		return -1;
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', out) == EOF || fflush(out) || ferror(out)) {
		buf_addf(err, "cannot write plan.json: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}
