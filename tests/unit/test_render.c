/*
 * Reports and plan from credentials built by hand with hostile values,
 * fed through the outputs as report.c feeds them. Each output is written
 * into memory or a temporary folder and parsed back with the library
 * that a reader's tool would use: libxml2 for HTML, cmark-gfm for
 * Markdown, jansson for JSON.
 */
#include <setjmp.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gcrypt.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "model.h"
#include "plan.h"
#include "plan_read.h"
#include "policy.h"
#include "render.h"
#include "render_core.h"
#include "text.h"

#define NOW 1796385600   /* 2026-12-04T12:00:00Z */
#define DAY 86400
#define CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
	    "base-uri 'none'; form-action 'none'"

static const char name_img[] = "\"><img src=x onerror=alert(1)>";
static const char name_script[] = "</td><script>alert(1)</script>";
static const char name_pipe[] = "a|b";
static const char name_link[] = "[x](javascript:alert(1))";
static const char name_autolink[] = "<https://evil.example>";
static const char name_www[] = "www.evil.example";
static const char name_bidi[] = "laptop\xE2\x80\xAEgnp.exe";
static const char name_mail[] = "deploy user@evil.example";
static const char username_invalid[] = "x\xFFy";
static const char name_hebrew[] = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";

/* Credentials of the model, with what the plan must do for each. */
struct expected_cred {
	enum cred_kind kind;
	int64_t id;
	const char *name;
	const char *action;       /* plan action id, or NULL */
};

static const struct expected_cred expected[] = {
	{ KIND_PERSONAL_TOKEN, 101, name_img, "revoke-pat-101" },
	{ KIND_PERSONAL_TOKEN, 102, name_script, NULL },
	{ KIND_PERSONAL_TOKEN, 103, name_pipe, NULL },
	{ KIND_PERSONAL_TOKEN, 104, "expired", NULL },
	{ KIND_PROJECT_TOKEN, 201, name_link, "revoke-project-token-201" },
	{ KIND_GROUP_TOKEN, 301, name_autolink, "revoke-group-token-301" },
	{ KIND_GROUP_TOKEN, 302, name_www, "revoke-group-token-302" },
	{ KIND_SSH_KEY, 401, name_bidi, "delete-ssh-key-401" },
	{ KIND_SSH_KEY, 402, "ldap key", NULL },
	{ KIND_SSH_KEY, 403, NULL, NULL },
	{ KIND_DEPLOY_KEY, 501, name_mail, "delete-deploy-key-501" },
	{ KIND_GPG_KEY, 601, "Mallory <m@evil.example>", "review-gpg-key-601" },
	{ KIND_GPG_KEY, 602, NULL, "review-gpg-key-602" },
};

#define CRED_COUNT (sizeof(expected) / sizeof(expected[0]))
#define ACTION_COUNT 8

/* What the plan decided for one credential, kept for the checks. */
struct decided {
	enum cred_kind kind;
	int64_t id;
	enum plan_outcome outcome;
	struct plan_action action;    /* `manual` is a copy the fixture owns */
	const char *reason;
};

struct fixture {
	struct model model;
	struct plan plan;
	struct policy policy;
	struct render_context ctx;
	struct sink *sinks[4];
	FILE *files[4];               /* report.json, CSV, plan.md, plan.json */
	char dir[64];                 /* inventory pages and spools */
	struct decided decided[CRED_COUNT];
	size_t decided_count;
	struct plan_action actions[CRED_COUNT];  /* in plan order */
	size_t action_count;
	char *html, *markdown, *json, *csv, *plan_md, *plan_json;
	size_t html_len, markdown_len, json_len, csv_len, plan_md_len,
	       plan_json_len;
	char *pages[KIND_COUNT];      /* page 1 of each kind, or NULL */
	size_t page_lens[KIND_COUNT];
};

/* Building the model. */

static void add_owner(struct model *model, int64_t id, const char *username,
		      const char *name, const char *state, int user_type)
{
	struct owner *owner = &model->owners[model->owner_count++];

	memset(owner, 0, sizeof(*owner));
	owner->id = id;
	owner->username = model_strdup(model, username, strlen(username));
	owner->name = name ? model_strdup(model, name, strlen(name)) : NULL;
	owner->state = state ? model_strdup(model, state, strlen(state)) : NULL;
	owner->user_type = user_type;
}

/*
 * Fill `cred` for a credential of the model. The caller adds the rest
 * and hands it to feed(), which releases it.
 */
static struct credential *add_cred(struct model *model,
				   struct credential *cred,
				   enum cred_kind kind, int64_t id,
				   const char *name, int64_t owner_id)
{
	credential_init(cred, kind);
	cred->id = id;
	cred->name = name ? xstrdup(name) : NULL;
	cred->owner_id = owner_id;
	cred->owner = model_find_owner(model, owner_id);
	cred->state = STATE_ACTIVE;
	ts_parse("2026-01-10T08:00:00Z", &cred->created_at);
	return cred;
}

static void add_ssh(struct credential *cred, const char *type, unsigned bits)
{
	cred->ssh_ok = 1;
	snprintf(cred->ssh.type, sizeof(cred->ssh.type), "%s", type);
	cred->ssh.bits = bits;
	snprintf(cred->ssh.sha256, sizeof(cred->ssh.sha256), "SHA256:%s",
		 "W+ShArbThVlK8VfCAY+c9FHppr4tNVI/x/7Jk24FCok");
	snprintf(cred->ssh.md5, sizeof(cred->ssh.md5), "%s",
		 "ed:d7:58:c0:8f:bc:95:28:a0:72:b0:1a:f9:e2:46:76");
	cred->usage_type = xstrdup("auth_and_signing");
	ts_parse("2026-11-30T10:00:00Z", &cred->last_used_at);
}

static void add_uid(struct gpg_key_info *gpg, const char *uid,
		    const char *name, const char *email, int revoked)
{
	struct gpg_uid *entry;

	gpg->uids = xrealloc(gpg->uids, (gpg->uid_count + 1) * sizeof(*entry));
	entry = &gpg->uids[gpg->uid_count++];
	memset(entry, 0, sizeof(*entry));
	entry->uid = xstrdup(uid);
	entry->name = xstrdup(name);
	entry->email = xstrdup(email);
	entry->revoked = revoked;
}

/* Hand `cred` to the plan, the model and every output, as report.c does. */
static void feed(struct fixture *f, struct credential *cred)
{
	struct plan_decision decision;
	struct decided *kept = &f->decided[f->decided_count++];
	struct buf err = BUF_INIT;
	size_t i;

	plan_decide(&f->plan, cred, &decision);
	model_count(&f->model, cred,
		    decision.outcome == PLAN_ACTION ? decision.action.id : NULL,
		    decision.outcome == PLAN_NOT_POSSIBLE ? PLAN_MARK_NOT_POSSIBLE
							    : PLAN_MARK_NONE, 1);
	for (i = 0; i < 4; i++) {
		int ret = f->sinks[i]->credential(f->sinks[i], cred, &decision,
						  &err);

		if (ret)
			print_error("%s: %s\n", f->sinks[i]->name, err.data);
		assert_int_equal(ret, 0);
	}
	kept->kind = cred->kind;
	kept->id = cred->id;
	kept->outcome = decision.outcome;
	kept->action = decision.action;
	kept->action.manual = decision.action.manual
			      ? xstrdup(decision.action.manual) : NULL;
	kept->reason = decision.reason;
	if (decision.outcome == PLAN_ACTION)
		f->actions[f->action_count++] = kept->action;
	plan_decision_release(&decision);
	credential_release(cred);
	buf_release(&err);
}

static void start_outputs(struct fixture *f)
{
	struct buf err = BUF_INIT;
	char **data[4] = { &f->json, &f->csv, &f->plan_md, &f->plan_json };
	size_t *lens[4] = { &f->json_len, &f->csv_len, &f->plan_md_len,
			    &f->plan_json_len };
	size_t i;

	snprintf(f->dir, sizeof(f->dir), "/tmp/credaudit-render-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	for (i = 0; i < 4; i++) {
		f->files[i] = open_memstream(data[i], lens[i]);
		assert_non_null(f->files[i]);
	}
	f->sinks[0] = render_json_sink(&f->ctx, f->files[0]);
	f->sinks[1] = render_csv_sink(&f->ctx, f->files[1]);
	f->sinks[2] = render_inventory_sink(&f->ctx, f->dir, &err);
	assert_non_null(f->sinks[2]);
	f->sinks[3] = render_plan_sink(&f->ctx, f->files[2], f->files[3],
				       f->dir, &err);
	assert_non_null(f->sinks[3]);
	buf_release(&err);
}

static char *read_whole_file(const char *path, size_t *len)
{
	struct buf data = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *file = fopen(path, "rb");

	if (!file)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		buf_add(&data, chunk, n);
	fclose(file);
	return buf_detach(&data, len);
}

static void build_model(struct fixture *f, int with_gpg_table)
{
	struct model *model = &f->model;
	struct credential row, *cred;
	int k;

	model_init(model);
	model->snapshot_path = xstrdup("/srv/snapshots/gitlab.db");
	model->snapshot_digest = xstrdup("sha256:00ff");
	model->now = NOW;
	model->gnupg_version = xstrdup("2.2.40");
	model->owners = xcalloc(8, sizeof(*model->owners));
	add_owner(model, 1, "alice", "Alice Adams", "active", 0);
	add_owner(model, 2, "bob", "Bob </td><b>Baker</b>", "blocked", 0);
	add_owner(model, 3, "project_5_bot_1a2b", "api bot", "active", 6);
	add_owner(model, 4, "group_9_bot_3c4d", "group bot", "active", 6);
	add_owner(model, 5, "shalom", name_hebrew, "active", 0);
	add_owner(model, 6, username_invalid, "Invalid \xC0\xAF", "active", 0);
	for (k = 0; k < KIND_COUNT; k++)
		model->summary.kind_available[k] = 1;
	if (!with_gpg_table)
		model->summary.kind_available[KIND_GPG_KEY] = 0;
	start_outputs(f);

	cred = add_cred(model, &row, KIND_PERSONAL_TOKEN, 101, name_img, 1);
	strlist_add(&cred->scopes, "api", 3);
	strlist_add(&cred->scopes, "read_user", 9);
	ts_parse("2026-03-01T09:30:00Z", &cred->last_used_at);
	ts_parse("2027-01-01", &cred->expires_at);
	credential_add_finding(cred, "credential-unused", SEV_MEDIUM,
			       "last used 278 days ago (limit 90)");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_PERSONAL_TOKEN, 102, name_script, 2);
	strlist_add(&cred->scopes, "api", 3);
	cred->revoked = 1;
	cred->state = STATE_REVOKED;
	ts_parse("2026-05-01T10:00:00Z", &cred->revoked_at);
	credential_add_finding(cred, "owner-inactive", SEV_HIGH,
			       "owner @bob is blocked");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_PERSONAL_TOKEN, 103, name_pipe, 6);
	strlist_add(&cred->scopes, "read_api", 8);
	cred->unavailable = FIELD_LAST_USED;
	cred->last_used_at.state = TS_UNAVAILABLE;
	ts_parse("2026-13-45\xFF", &cred->expires_at);
	credential_add_finding(cred, "date-invalid", SEV_MEDIUM,
			       "expires_at cannot be parsed as a date");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_PERSONAL_TOKEN, 104, "expired", 1);
	ts_parse("2026-02-01", &cred->expires_at);
	cred->state = STATE_EXPIRED;
	credential_add_finding(cred, "credential-never-used", SEV_MEDIUM,
			       "never used, created 328 days ago (limit 30)");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_PROJECT_TOKEN, 201, name_link, 3);
	cred->resource.type = RESOURCE_PROJECT;
	cred->resource.id = 5;
	cred->resource.path = xstrdup("acme/api");
	strlist_add(&cred->scopes, "sudo", 4);
	credential_add_finding(cred, "token-admin-scope", SEV_HIGH,
			       "scope sudo works only for administrators");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_GROUP_TOKEN, 301, name_autolink, 4);
	cred->resource.type = RESOURCE_GROUP;
	cred->resource.id = 9;
	cred->resource.path = xstrdup("acme");
	credential_add_finding(cred, "owner-inactive", SEV_HIGH,
			       "owner @group_9_bot_3c4d is blocked");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_GROUP_TOKEN, 302, name_www, 4);
	cred->unavailable = FIELD_RESOURCE;
	credential_add_finding(cred, "credential-never-used", SEV_MEDIUM,
			       "never used, created 328 days ago (limit 30)");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_SSH_KEY, 401, name_bidi, 1);
	add_ssh(cred, "ssh-rsa", 1024);
	credential_add_finding(cred, "ssh-key-rsa-weak", SEV_HIGH,
			       "RSA key of 1024 bits (minimum 2048)");
	credential_add_finding(cred, "token-no-expiry", SEV_MEDIUM,
			       "report-only finding");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_SSH_KEY, 402, "ldap key", 5);
	add_ssh(cred, "ssh-dss", 1024);
	cred->ldap = 1;
	credential_add_finding(cred, "ssh-key-dsa", SEV_HIGH,
			       "DSA key of 1024 bits");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_SSH_KEY, 403, NULL, 5);
	snprintf(cred->ssh.error, sizeof(cred->ssh.error), "%s",
		 "invalid base64 <b>in</b> key");
	cred->unavailable = FIELD_USAGE_TYPE;
	feed(f, cred);

	cred = add_cred(model, &row, KIND_DEPLOY_KEY, 501, name_mail, 1);
	add_ssh(cred, "ssh-ed25519", 256);
	credential_add_finding(cred, "credential-unused", SEV_MEDIUM,
			       "last used 120 days ago (limit 90)");
	feed(f, cred);

	if (!with_gpg_table)
		return;
	cred = add_cred(model, &row, KIND_GPG_KEY, 601,
			"Mallory <m@evil.example>", 5);
	cred->gpg_ok = 1;
	snprintf(cred->gpg.fingerprint, sizeof(cred->gpg.fingerprint),
		 "%s", "5FB74E1F6F1B4DB0C6C3B5B6F2D1A1E3A8E8F3C1");
	snprintf(cred->gpg.keyid, sizeof(cred->gpg.keyid), "%s",
		 "F2D1A1E3A8E8F3C1");
	snprintf(cred->gpg.algorithm, sizeof(cred->gpg.algorithm),
		 "%s", "RSA");
	cred->gpg.bits = 3072;
	cred->gpg.created = NOW - 400 * DAY;
	add_uid(&cred->gpg, "Mallory <m@evil.example>", "Mallory",
		"m@evil.example", 1);
	add_uid(&cred->gpg, "x\xE2\x80\x8By <x@y.example>",
		"x\xE2\x80\x8By", "x@y.example", 0);
	cred->verification = GPG_VERIFIED;
	cred->verified_by_revoked_uid = 1;
	credential_add_finding(cred, "gpg-key-revoked-uid-match",
			       SEV_MEDIUM, "verified only through a revoked user ID");
	feed(f, cred);

	cred = add_cred(model, &row, KIND_GPG_KEY, 602, NULL, 99);
	snprintf(cred->gpg.error, sizeof(cred->gpg.error), "%s",
		 "not OpenPGP data");
	credential_add_finding(cred, "owner-missing", SEV_HIGH,
			       "owner user 99 is not in the users table");
	feed(f, cred);
}

/* Rendering into memory. */

typedef int render_fn(const struct render_context *, FILE *, struct buf *);

static char *render_to_memory(render_fn *render,
			      const struct render_context *ctx, size_t *len)
{
	struct buf err = BUF_INIT;
	char *data = NULL;
	FILE *out = open_memstream(&data, len);
	int ret;

	assert_non_null(out);
	ret = render(ctx, out, &err);
	if (ret)
		print_error("render failed: %s\n", err.data);
	assert_int_equal(ret, 0);
	assert_int_equal(fclose(out), 0);
	buf_release(&err);
	return data;
}

/* End the outputs and read back what they wrote. */
static void finish_outputs(struct fixture *f)
{
	struct buf err = BUF_INIT, path = BUF_INIT;
	size_t i;
	int k;

	for (i = 0; i < 4; i++) {
		int ret = f->sinks[i]->end(f->sinks[i], &err);

		if (ret)
			print_error("%s: %s\n", f->sinks[i]->name, err.data);
		assert_int_equal(ret, 0);
	}
	render_inventory_pages(f->sinks[2], &f->ctx);
	for (i = 0; i < 4; i++) {
		f->sinks[i]->free(f->sinks[i]);
		assert_int_equal(fclose(f->files[i]), 0);
	}
	for (k = 0; k < KIND_COUNT; k++) {
		if (!f->ctx.pages[k])
			continue;
		assert_int_equal(f->ctx.pages[k], 1);
		buf_reset(&path);
		buf_addf(&path, "%s/", f->dir);
		inventory_page_name(&path, (enum cred_kind)k, 1, 0);
		f->pages[k] = read_whole_file(path.data, &f->page_lens[k]);
		assert_non_null(f->pages[k]);
		unlink(path.data);
	}
	assert_int_equal(rmdir(f->dir), 0);
	buf_release(&path);
	buf_release(&err);
}

static void fixture_init(struct fixture *f, int with_gpg_table)
{
	memset(f, 0, sizeof(*f));
	plan_init(&f->plan, NOW, 7);
	policy_defaults(&f->policy);
	f->ctx.model = &f->model;
	f->ctx.policy = &f->policy;
	f->ctx.plan = &f->plan;
	f->ctx.template_dir = NULL;
	f->ctx.tool_version = "test";
	build_model(f, with_gpg_table);
	finish_outputs(f);
	f->html = render_to_memory(render_html, &f->ctx, &f->html_len);
	f->markdown = render_to_memory(render_markdown, &f->ctx,
				       &f->markdown_len);
}

static void fixture_release(struct fixture *f)
{
	size_t i;
	int k;

	free(f->html);
	free(f->markdown);
	free(f->json);
	free(f->csv);
	free(f->plan_md);
	free(f->plan_json);
	for (k = 0; k < KIND_COUNT; k++)
		free(f->pages[k]);
	render_context_free_pages(&f->ctx);
	for (i = 0; i < f->decided_count; i++)
		free(f->decided[i].action.manual);
	model_release(&f->model);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	fixture_init(f, 1);
	*state = f;
	return 0;
}

static int setup_without_gpg(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	fixture_init(f, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_release(*state);
	free(*state);
	return 0;
}

static const struct expected_cred *find_expected(enum cred_kind kind,
						 int64_t id)
{
	size_t i;

	for (i = 0; i < CRED_COUNT; i++)
		if (expected[i].kind == kind && expected[i].id == id)
			return &expected[i];
	return NULL;
}

static void escaped(struct buf *out, const char *text)
{
	text_escape_str(out, text, TEXT_NAME_MAX);
}

/* The plan. */

static void plan_actions_and_paths(void **state)
{
	const struct fixture *f = *state;
	static const struct {
		const char *id;
		const char *method;
		const char *path;
		int manual;
	} want[ACTION_COUNT] = {
		{ "revoke-pat-101", "DELETE", "/personal_access_tokens/101", 0 },
		{ "revoke-project-token-201", "DELETE",
		  "/projects/5/access_tokens/201", 0 },
		{ "revoke-group-token-301", "DELETE",
		  "/groups/9/access_tokens/301", 0 },
		{ "revoke-group-token-302", NULL, NULL, 1 },
		{ "delete-ssh-key-401", "DELETE", "/users/1/keys/401", 0 },
		{ "delete-deploy-key-501", NULL, NULL, 1 },
		{ "review-gpg-key-601", "DELETE", "/users/5/gpg_keys/601", 0 },
		{ "review-gpg-key-602", "DELETE", "/users/99/gpg_keys/602", 0 },
	};
	size_t i;

	assert_int_equal(f->plan.count, ACTION_COUNT);
	assert_int_equal(f->action_count, ACTION_COUNT);
	for (i = 0; i < ACTION_COUNT; i++) {
		const struct plan_action *action = &f->actions[i];

		assert_string_equal(action->id, want[i].id);
		assert_non_null(action->consequence);
		if (want[i].manual) {
			assert_null(action->method);
			assert_string_equal(action->api_path, "");
			assert_non_null(action->manual);
		} else {
			assert_string_equal(action->method, want[i].method);
			assert_string_equal(action->api_path, want[i].path);
			assert_null(action->manual);
		}
	}
	assert_int_equal(f->actions[0].type, ACTION_REVOKE_TOKEN);
	assert_int_equal(f->actions[4].type, ACTION_DELETE_SSH_KEY);
	assert_int_equal(f->actions[5].type, ACTION_DELETE_SSH_KEY);
	assert_int_equal(f->actions[6].type, ACTION_REVIEW_GPG_KEY);
	assert_int_equal(f->plan.by_type[ACTION_REVOKE_TOKEN], 4);
	assert_non_null(strstr(f->actions[1].consequence,
			       "bot user is scheduled for deletion"));
	assert_non_null(strstr(f->actions[0].consequence,
			       "e-mails the owner"));
}

static void plan_skips_inactive_and_ldap(void **state)
{
	const struct fixture *f = *state;
	size_t i;

	assert_int_equal(f->decided_count, CRED_COUNT);
	for (i = 0; i < f->decided_count; i++) {
		const struct decided *got = &f->decided[i];
		const struct expected_cred *want =
			find_expected(got->kind, got->id);

		assert_non_null(want);
		if (want->action) {
			assert_int_equal(got->outcome, PLAN_ACTION);
			assert_string_equal(got->action.id, want->action);
		} else if (got->id == 402) {
			assert_int_equal(got->outcome, PLAN_NOT_POSSIBLE);
			assert_non_null(strstr(got->reason,
					       "cannot be deleted in GitLab (LDAP)"));
		} else {
			assert_int_equal(got->outcome, PLAN_NOTHING);
		}
	}
	assert_int_equal(f->plan.skipped_count, 1);
}

static void plan_validity_window(void **state)
{
	const struct fixture *f = *state;

	assert_int_equal(f->plan.created, NOW);
	assert_int_equal(f->plan.valid_until, NOW + 7 * DAY);
	assert_string_equal(action_type_id(ACTION_REVIEW_GPG_KEY),
			    "review_gpg_key");
}

static void plan_report_only_rule_no_action(void **state)
{
	struct model model;
	struct plan plan;
	struct plan_decision decision;
	struct credential row, *cred;

	(void)state;
	model_init(&model);
	model.now = NOW;
	plan_init(&plan, NOW, 1);
	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 7, "no expiry", 1);
	credential_add_finding(cred, "token-no-expiry", SEV_MEDIUM, "x");
	plan_decide(&plan, cred, &decision);
	assert_int_equal(decision.outcome, PLAN_NOTHING);
	plan_decision_release(&decision);
	plan_decision_release(&decision);
	credential_release(cred);
	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 8, "unknown rule", 1);
	credential_add_finding(cred, "not-a-rule", SEV_HIGH, "x");
	plan_decide(&plan, cred, &decision);
	assert_int_equal(decision.outcome, PLAN_NOTHING);
	plan_decision_release(&decision);
	credential_release(cred);
	assert_int_equal(plan.count, 0);
	assert_int_equal(plan.skipped_count, 0);
	model_release(&model);
}

/* Return the message of the last finding of `cred`. */
static const char *last_message(const struct credential *cred)
{
	assert_true(cred->finding_count > 0);
	return cred->findings[cred->finding_count - 1].message;
}

/*
 * Rows of one id arrive together. The first of them with an action is
 * the one in the plan, and each later row's finding names that row.
 */
static void plan_repeated_id_first_action(void **state)
{
	struct model model;
	struct plan plan;
	struct plan_decision decision;
	struct credential row, *cred;

	(void)state;
	model_init(&model);
	model.now = NOW;
	plan_init(&plan, NOW, 1);

	/* Token 30: a first row without an action, then two with one. */
	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 30, "first", 1);
	plan_decide(&plan, cred, &decision);
	plan_note_repeated_id(cred, &decision);
	assert_int_equal(decision.outcome, PLAN_NOTHING);
	assert_int_equal(cred->finding_count, 0);
	plan_decision_release(&decision);
	credential_release(cred);

	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 30, "second", 1);
	cred->duplicate = 1;
	credential_add_finding(cred, "credential-unused", SEV_MEDIUM, "x");
	plan_decide(&plan, cred, &decision);
	plan_note_repeated_id(cred, &decision);
	assert_int_equal(decision.outcome, PLAN_ACTION);
	assert_string_equal(decision.action.id, "revoke-pat-30");
	assert_string_equal(last_message(cred),
			    "id 30 occurs more than once in table personal_access_tokens; this row is the one of that id in the plan");
	plan_decision_release(&decision);
	credential_release(cred);

	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 30, "third", 1);
	cred->duplicate = 1;
	credential_add_finding(cred, "credential-unused", SEV_MEDIUM, "x");
	plan_decide(&plan, cred, &decision);
	plan_note_repeated_id(cred, &decision);
	assert_int_equal(decision.outcome, PLAN_NOTHING);
	assert_true(decision.earlier_row_in_plan);
	assert_string_equal(last_message(cred),
			    "id 30 occurs more than once in table personal_access_tokens; an earlier row of that id is in the plan, so this one is not");
	plan_decision_release(&decision);
	credential_release(cred);

	/* Key 31: two rows, neither with an action. */
	cred = add_cred(&model, &row, KIND_SSH_KEY, 31, "first", 1);
	plan_decide(&plan, cred, &decision);
	plan_decision_release(&decision);
	credential_release(cred);
	cred = add_cred(&model, &row, KIND_SSH_KEY, 31, "second", 1);
	cred->duplicate = 1;
	plan_decide(&plan, cred, &decision);
	plan_note_repeated_id(cred, &decision);
	assert_int_equal(decision.outcome, PLAN_NOTHING);
	assert_string_equal(last_message(cred),
			    "id 31 occurs more than once in table keys; this row is not in the plan, and neither is an earlier row of that id");
	plan_decision_release(&decision);
	credential_release(cred);

	assert_int_equal(plan.count, 1);
	model_release(&model);
}

/* How the overview names a credential and the inventory anchors its row. */
static void cred_label_and_anchor(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	render_cred_label(&out, KIND_SSH_KEY, 12, 0, 0);
	assert_string_equal(out.data, "SSH key 12");
	buf_reset(&out);
	render_cred_label(&out, KIND_PERSONAL_TOKEN, 30, 0, 8);
	assert_string_equal(out.data, "personal access token 30 (repeated id, row 8)");
	buf_reset(&out);
	render_cred_label(&out, KIND_PERSONAL_TOKEN, 0, 1, 3);
	assert_string_equal(out.data, "personal access token with an invalid id (row 3)");
	buf_reset(&out);
	render_row_anchor(&out, KIND_SSH_KEY, 12, 0);
	assert_string_equal(out.data, "ssh_key-12");
	buf_reset(&out);
	render_row_anchor(&out, KIND_PERSONAL_TOKEN, 0, 3);
	assert_string_equal(out.data, "personal_access_token-row-3");
	buf_release(&out);
}

/* HTML, parsed back with libxml2. */

static htmlDocPtr parse_html(const char *data, size_t len)
{
	htmlDocPtr doc = htmlReadMemory(data, (int)len, "report.html", "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING);

	assert_non_null(doc);
	return doc;
}

static char *prop(xmlNodePtr node, const char *name)
{
	return (char *)xmlGetProp(node, BAD_CAST name);
}

static int has_prop_value(xmlNodePtr node, const char *name,
			  const char *value)
{
	char *got = prop(node, name);
	int match = got && !strcmp(got, value);

	xmlFree(got);
	return match;
}

static xmlNodePtr find_by_id(xmlNodePtr node, const char *id)
{
	for (; node; node = node->next) {
		xmlNodePtr found;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (has_prop_value(node, "id", id))
			return node;
		if ((found = find_by_id(node->children, id)))
			return found;
	}
	return NULL;
}

static void count_rows(xmlNodePtr node, size_t counts[KIND_COUNT])
{
	for (; node; node = node->next) {
		char *kind;
		int k;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		kind = prop(node, "data-kind");
		if (kind && !xmlStrcmp(node->name, BAD_CAST "tr"))
			for (k = 0; k < KIND_COUNT; k++)
				if (!strcmp(kind, kind_id((enum cred_kind)k)))
					counts[k]++;
		xmlFree(kind);
		count_rows(node->children, counts);
	}
}

/* Page 1 of each kind that has one, parsed. */
struct pages {
	htmlDocPtr docs[KIND_COUNT];
};

static void parse_pages(const struct fixture *f, struct pages *pages)
{
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		pages->docs[k] = f->pages[k]
			? parse_html(f->pages[k], f->page_lens[k]) : NULL;
}

static void free_pages(struct pages *pages)
{
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		if (pages->docs[k])
			xmlFreeDoc(pages->docs[k]);
}

static xmlNodePtr find_row(const struct pages *pages, const char *id)
{
	xmlNodePtr row;
	int k;

	for (k = 0; k < KIND_COUNT; k++)
		if (pages->docs[k] &&
		    (row = find_by_id(xmlDocGetRootElement(pages->docs[k]), id)))
			return row;
	return NULL;
}

static void html_rows_per_kind(void **state)
{
	const struct fixture *f = *state;
	struct pages pages;
	htmlDocPtr overview = parse_html(f->html, f->html_len);
	size_t counts[KIND_COUNT] = { 0 };
	size_t want[KIND_COUNT] = { 0 };
	size_t i;
	int k;

	/* The overview lists no rows of the inventory; the pages do. */
	count_rows(xmlDocGetRootElement(overview), counts);
	for (k = 0; k < KIND_COUNT; k++)
		assert_int_equal(counts[k], 0);
	xmlFreeDoc(overview);
	parse_pages(f, &pages);
	for (k = 0; k < KIND_COUNT; k++)
		if (pages.docs[k])
			count_rows(xmlDocGetRootElement(pages.docs[k]), counts);
	free_pages(&pages);
	for (i = 0; i < CRED_COUNT; i++)
		want[expected[i].kind]++;
	for (k = 0; k < KIND_COUNT; k++) {
		if (counts[k] != want[k])
			print_error("kind %s: %zu rows, expected %zu\n",
				    kind_id((enum cred_kind)k), counts[k], want[k]);
		assert_int_equal(counts[k], want[k]);
	}
}

/*
 * Check every element: nothing that runs code or loads anything. A link
 * points at an element of the page itself, or at another file of the
 * report by a relative path.
 */
static void check_inert(htmlDocPtr doc, xmlNodePtr node, size_t *links)
{
	static const char *const banned[] = {
		"script", "iframe", "object", "embed", "img", "form", "base",
		"frame", "svg", "math", "link", "input",
	};

	for (; node; node = node->next) {
		xmlAttrPtr attr;
		size_t i;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
			if (!xmlStrcasecmp(node->name, BAD_CAST banned[i]))
				fail_msg("element <%s> in the report", banned[i]);
		for (attr = node->properties; attr; attr = attr->next) {
			char *value;

			if (!xmlStrncasecmp(attr->name, BAD_CAST "on", 2))
				fail_msg("event handler attribute %s",
					 (const char *)attr->name);
			if (!xmlStrcasecmp(attr->name, BAD_CAST "src") ||
			    !xmlStrcasecmp(attr->name, BAD_CAST "style") ||
			    !xmlStrcasecmp(attr->name, BAD_CAST "srcset"))
				fail_msg("attribute %s in the report",
					 (const char *)attr->name);
			if (xmlStrcasecmp(attr->name, BAD_CAST "href"))
				continue;
			value = prop(node, "href");
			assert_non_null(value);
			if (value[0] != '#' &&
			    (strchr(value, ':') || value[0] == '/'))
				fail_msg("link to \"%s\" leaves the report", value);
			if (value[0] == '#' &&
			    !find_by_id(xmlDocGetRootElement(doc), value + 1))
				fail_msg("link to \"%s\" has no target", value);
			(*links)++;
			xmlFree(value);
		}
		check_inert(doc, node->children, links);
	}
}

static void html_has_no_active_content(void **state)
{
	const struct fixture *f = *state;
	htmlDocPtr doc = parse_html(f->html, f->html_len);
	struct pages pages;
	size_t links = 0;
	int k;

	check_inert(doc, xmlDocGetRootElement(doc), &links);
	assert_null(strstr(f->html, "<script"));
	assert_null(strstr(f->html, "<img"));
	xmlFreeDoc(doc);
	parse_pages(f, &pages);
	for (k = 0; k < KIND_COUNT; k++) {
		if (!pages.docs[k])
			continue;
		check_inert(pages.docs[k], xmlDocGetRootElement(pages.docs[k]),
			    &links);
		assert_null(strstr(f->pages[k], "<script"));
		assert_null(strstr(f->pages[k], "<img"));
	}
	free_pages(&pages);
	assert_true(links > CRED_COUNT);
}

static void count_csp(xmlNodePtr node, size_t *count, int *ours)
{
	for (; node; node = node->next) {
		char *equiv;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		equiv = prop(node, "http-equiv");
		if (equiv && !strcasecmp(equiv, "Content-Security-Policy")) {
			(*count)++;
			*ours = has_prop_value(node, "content", CSP);
		}
		xmlFree(equiv);
		count_csp(node->children, count, ours);
	}
}

static void html_sets_one_policy(void **state)
{
	const struct fixture *f = *state;
	htmlDocPtr doc = parse_html(f->html, f->html_len);
	struct pages pages;
	size_t count = 0;
	int ours = 0, k;

	count_csp(xmlDocGetRootElement(doc), &count, &ours);
	assert_int_equal(count, 1);
	assert_true(ours);
	xmlFreeDoc(doc);
	parse_pages(f, &pages);
	for (k = 0; k < KIND_COUNT; k++) {
		if (!pages.docs[k])
			continue;
		count = 0;
		ours = 0;
		count_csp(xmlDocGetRootElement(pages.docs[k]), &count, &ours);
		assert_int_equal(count, 1);
		assert_true(ours);
	}
	free_pages(&pages);
}

/* The text of the first <bdi> under `node`, where a user value goes. */
static char *first_bdi_text(xmlNodePtr node)
{
	for (; node; node = node->next) {
		char *text;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(node->name, BAD_CAST "bdi"))
			return (char *)xmlNodeGetContent(node);
		if ((text = first_bdi_text(node->children)))
			return text;
	}
	return NULL;
}

static xmlNodePtr cell(xmlNodePtr row, size_t index)
{
	xmlNodePtr node;

	for (node = row->children; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!index--)
			return node;
	}
	fail_msg("row has no cell %zu", index);
	return NULL;
}

static void assert_cell_value(xmlNodePtr row, size_t index, const char *raw)
{
	struct buf want = BUF_INIT;
	char *got = first_bdi_text(cell(row, index)->children);

	escaped(&want, raw);
	assert_non_null(got);
	assert_string_equal(got, want.data);
	xmlFree(got);
	buf_release(&want);
}

static void assert_cell_contains(xmlNodePtr row, size_t index,
				 const char *text)
{
	char *content = (char *)xmlNodeGetContent(cell(row, index));

	if (!strstr(content, text))
		print_error("cell %zu is \"%s\", expected \"%s\" in it\n",
			    index, content, text);
	assert_non_null(strstr(content, text));
	xmlFree(content);
}

static void html_values_stay_text(void **state)
{
	const struct fixture *f = *state;
	struct pages pages;
	xmlNodePtr row;

	parse_pages(f, &pages);
	row = find_row(&pages, "personal_access_token-101");
	assert_non_null(row);
	assert_cell_value(row, 1, name_img);
	row = find_row(&pages, "personal_access_token-102");
	assert_non_null(row);
	assert_cell_value(row, 1, name_script);
	assert_cell_contains(row, 2, "Bob </td><b>Baker</b>");
	row = find_row(&pages, "personal_access_token-103");
	assert_non_null(row);
	assert_cell_value(row, 2, username_invalid);
	assert_cell_contains(row, 2, "x\\xFFy");
	assert_cell_contains(row, 2, "invalid UTF-8");
	row = find_row(&pages, "project_access_token-201");
	assert_non_null(row);
	assert_cell_value(row, 1, name_link);
	row = find_row(&pages, "ssh_key-401");
	assert_non_null(row);
	assert_cell_value(row, 1, name_bidi);
	assert_cell_contains(row, 1, "laptop\\u{202E}gnp.exe");
	assert_cell_contains(row, 1, "bidi controls");
	row = find_row(&pages, "gpg_key-601");
	assert_non_null(row);
	assert_cell_value(row, 1, "shalom");
	assert_cell_contains(row, 1, name_hebrew);
	assert_cell_contains(row, 4, "x\\u{200B}y");
	assert_cell_contains(row, 4, "invisible characters");
	free_pages(&pages);
}

static void html_marks_unavailable_and_invalid(void **state)
{
	const struct fixture *f = *state;
	struct pages pages;
	xmlNodePtr row;

	parse_pages(f, &pages);
	/* PAT columns: ID Name Owner Scopes Created Last-used Expires ... */
	row = find_row(&pages, "personal_access_token-103");
	assert_non_null(row);
	assert_cell_contains(row, 5, "not available in this snapshot");
	assert_cell_contains(row, 6, "2026-13-45\\xFF (invalid)");
	row = find_row(&pages, "personal_access_token-101");
	assert_cell_contains(row, 6, "2027-01-01");
	row = find_row(&pages, "personal_access_token-104");
	assert_cell_contains(row, 5, "never");
	row = find_row(&pages, "personal_access_token-102");
	assert_cell_contains(row, 6, "no expiry");
	assert_cell_contains(row, 8, "yes, 2026-05-01T10:00:00Z");
	/* SSH: ... Usage is column 6. */
	row = find_row(&pages, "ssh_key-403");
	assert_non_null(row);
	assert_cell_contains(row, 6, "not available in this snapshot");
	assert_cell_contains(row, 3, "cannot be parsed: invalid base64 <b>in</b> key");
	row = find_row(&pages, "group_access_token-302");
	assert_cell_contains(row, 3, "not available in this snapshot");
	free_pages(&pages);
}

static void html_rows_name_plan_actions(void **state)
{
	const struct fixture *f = *state;
	struct pages pages;
	size_t i;

	parse_pages(f, &pages);
	for (i = 0; i < CRED_COUNT; i++) {
		struct buf row_id = BUF_INIT;
		xmlNodePtr row, last;
		char *text;

		buf_addf(&row_id, "%s-%lld", kind_id(expected[i].kind),
			 (long long)expected[i].id);
		row = find_row(&pages, row_id.data);
		assert_non_null(row);
		last = xmlGetLastChild(row);
		while (last && last->type != XML_ELEMENT_NODE)
			last = last->prev;
		text = (char *)xmlNodeGetContent(last);
		if (expected[i].action) {
			assert_string_equal(text, expected[i].action);
		} else if (expected[i].id == 402) {
			assert_string_equal(text, "not possible in GitLab");
		} else {
			assert_string_equal(text, "none");
		}
		xmlFree(text);
		buf_release(&row_id);
	}
	free_pages(&pages);
}

static void html_output_is_stable(void **state)
{
	const struct fixture *f = *state;
	size_t len;
	char *again = render_to_memory(render_html, &f->ctx, &len);

	assert_int_equal(len, f->html_len);
	assert_memory_equal(again, f->html, len);
	free(again);
}

static void html_names_libraries(void **state)
{
	const struct fixture *f = *state;
	struct buf versions = BUF_INIT;

	render_library_versions(&f->ctx, &versions);
	assert_non_null(strstr(versions.data, "SQLite 3."));
	assert_non_null(strstr(versions.data, "libxml2 2."));
	assert_non_null(strstr(versions.data, "GPGME 1."));
	assert_non_null(strstr(versions.data, "GnuPG 2.2.40"));
	assert_non_null(strstr(versions.data, "cmark-gfm 0."));
	assert_non_null(strstr(versions.data, "Jansson 2."));
	assert_non_null(strstr(f->html, versions.data));
	buf_release(&versions);
}

/* Create a folder with one report.html of the given text. The caller removes it. */
static void write_template(char *dir, const char *text)
{
	struct buf path = BUF_INIT;
	FILE *file;

	assert_non_null(mkdtemp(dir));
	buf_addf(&path, "%s/report.html", dir);
	file = fopen(path.data, "w");
	assert_non_null(file);
	fputs(text, file);
	assert_int_equal(fclose(file), 0);
	buf_release(&path);
}

static void remove_template(const char *dir)
{
	struct buf path = BUF_INIT;

	buf_addf(&path, "%s/report.html", dir);
	unlink(path.data);
	rmdir(dir);
	buf_release(&path);
}

static int render_with_template(const struct fixture *f, const char *text,
				struct buf *err, char **html, size_t *len)
{
	struct render_context ctx = f->ctx;
	char dir[] = "/tmp/credaudit-template-XXXXXX";
	FILE *out;
	int ret;

	write_template(dir, text);
	ctx.template_dir = dir;
	*html = NULL;
	out = open_memstream(html, len);
	assert_non_null(out);
	ret = render_html(&ctx, out, err);
	fclose(out);
	remove_template(dir);
	return ret;
}

#define PLACEHOLDERS "<header id=\"ca-header\"></header>" \
	"<section id=\"ca-summary\"></section>" \
	"<section id=\"ca-findings\"></section>" \
	"<section id=\"ca-inventory\"></section>"

static void html_template_rejects_script(void **state)
{
	const struct fixture *f = *state;
	struct buf err = BUF_INIT;
	char *html;
	size_t len;

	assert_int_equal(render_with_template(f, "<html><body>" PLACEHOLDERS
		"<script>alert(1)</script></body></html>", &err, &html, &len), -1);
	assert_non_null(strstr(err.data, "<script>"));
	free(html);
	buf_reset(&err);

	assert_int_equal(render_with_template(f, "<html><body onload=\"x()\">"
		PLACEHOLDERS "</body></html>", &err, &html, &len), -1);
	assert_non_null(strstr(err.data, "onload"));
	free(html);
	buf_reset(&err);

	assert_int_equal(render_with_template(f, "<html><head><meta http-equiv=\"Refresh\" "
		"content=\"0; url=https://evil.example/\"></head><body>"
		PLACEHOLDERS "</body></html>", &err, &html, &len), -1);
	assert_non_null(strstr(err.data, "refresh"));
	free(html);
	buf_reset(&err);

	/* The renderer streams rows where such comments stand. */
	assert_int_equal(render_with_template(f, "<html><body>" PLACEHOLDERS
		"<!--credaudit-rows-0--></body></html>", &err, &html, &len), -1);
	assert_non_null(strstr(err.data, "credaudit-rows-"));
	free(html);
	buf_release(&err);
}

static void html_template_needs_placeholders(void **state)
{
	const struct fixture *f = *state;
	struct buf err = BUF_INIT;
	char *html;
	size_t len;

	assert_int_equal(render_with_template(f,
		"<html><body><header id=\"ca-header\"></header></body></html>",
		&err, &html, &len), -1);
	assert_non_null(strstr(err.data, "id=\"ca-summary\""));
	free(html);
	buf_release(&err);
}

static void html_template_policy_replaced(void **state)
{
	const struct fixture *f = *state;
	struct buf err = BUF_INIT;
	htmlDocPtr doc;
	size_t count = 0, len;
	int ours = 0;
	char *html;

	assert_int_equal(render_with_template(f, "<html><head>"
		"<meta http-equiv=\"content-security-policy\" content=\"default-src *\">"
		"<title>Ours</title></head><body><p>Sample</p>" PLACEHOLDERS
		"</body></html>", &err, &html, &len), 0);
	doc = parse_html(html, len);
	count_csp(xmlDocGetRootElement(doc), &count, &ours);
	assert_int_equal(count, 1);
	assert_true(ours);
	assert_non_null(strstr(html, "<p>Sample</p>"));
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	xmlFreeDoc(doc);
	free(html);
	buf_release(&err);
}

/* The text of the first table row under `node` that starts with `label`. */
static char *summary_row_text(xmlNodePtr node, const char *label)
{
	for (; node; node = node->next) {
		char *text;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(node->name, BAD_CAST "tr")) {
			text = (char *)xmlNodeGetContent(node);
			if (!strncmp(text + strspn(text, " \n"), label,
				     strlen(label)))
				return text;
			xmlFree(text);
			continue;
		}
		if ((text = summary_row_text(node->children, label)))
			return text;
	}
	return NULL;
}

static void html_kind_not_available(void **state)
{
	const struct fixture *f = *state;
	htmlDocPtr doc = parse_html(f->html, f->html_len);
	xmlNodePtr section;
	char *text;

	section = find_by_id(xmlDocGetRootElement(doc), "inventory-gpg_key");
	assert_non_null(section);
	text = (char *)xmlNodeGetContent(section);
	assert_non_null(strstr(text, "not available in this snapshot"));
	assert_null(strstr(text, "(0)"));
	xmlFree(text);
	section = find_by_id(xmlDocGetRootElement(doc), "ca-summary");
	text = summary_row_text(section->children, "GPG keys");
	assert_non_null(text);
	assert_non_null(strstr(text, "not available in this snapshot"));
	assert_null(strpbrk(text, "0123456789"));
	xmlFree(text);
	xmlFreeDoc(doc);
}

/* Markdown, parsed back with cmark-gfm and the GFM extensions GitLab also has. */

static cmark_node *parse_markdown(const char *text, size_t len,
				  cmark_parser **parser_out)
{
	static const char *const extensions[] = {
		"table", "autolink", "tasklist", "strikethrough", "tagfilter",
	};
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		assert_int_equal(cmark_parser_attach_syntax_extension(parser,
			cmark_find_syntax_extension(extensions[i])), 1);
	cmark_parser_feed(parser, text, len);
	*parser_out = parser;
	return cmark_parser_finish(parser);
}

/* Append the text that a reader sees in `node`. */
static void node_text(cmark_node *node, struct buf *out)
{
	cmark_node *child;

	for (child = cmark_node_first_child(node); child;
	     child = cmark_node_next(child)) {
		const char *literal = cmark_node_get_literal(child);

		if (literal && (cmark_node_get_type(child) == CMARK_NODE_TEXT ||
				cmark_node_get_type(child) == CMARK_NODE_CODE))
			buf_adds(out, literal);
		node_text(child, out);
	}
}

static void count_forbidden(cmark_node *root, size_t *count)
{
	cmark_iter *iter = cmark_iter_new(root);
	cmark_event_type event;

	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);

		if (event != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_HTML_BLOCK:
			print_error("%s node in the Markdown\n",
				    cmark_node_get_type_string(node));
			(*count)++;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(iter);
}

static void markdown_has_no_links_or_html(void **state)
{
	const struct fixture *f = *state;
	cmark_parser *parser;
	cmark_node *doc = parse_markdown(f->markdown, f->markdown_len, &parser);
	size_t forbidden = 0;

	count_forbidden(doc, &forbidden);
	assert_int_equal(forbidden, 0);
	cmark_node_free(doc);
	cmark_parser_free(parser);
}

static size_t child_count(cmark_node *node)
{
	size_t count = 0;

	for (node = cmark_node_first_child(node); node;
	     node = cmark_node_next(node))
		count++;
	return count;
}

/* The credential that a findings row names in its first cell. */
static const struct expected_cred *expected_for_label(const char *text)
{
	size_t i;

	for (i = 0; i < CRED_COUNT; i++) {
		struct buf label = BUF_INIT;
		int match;

		buf_addf(&label, "%s %lld", kind_noun(expected[i].kind),
			 (long long)expected[i].id);
		label.data[0] = (char)toupper((unsigned char)label.data[0]);
		match = !strncmp(text, label.data, label.len) &&
			(!text[label.len] || text[label.len] == ' ');
		buf_release(&label);
		if (match)
			return &expected[i];
	}
	return NULL;
}

static void markdown_lists_worst_cases(void **state)
{
	const struct fixture *f = *state;
	cmark_parser *parser;
	cmark_node *doc = parse_markdown(f->markdown, f->markdown_len, &parser);
	cmark_node *node;
	size_t rows = 0;

	for (node = cmark_node_first_child(doc); node;
	     node = cmark_node_next(node)) {
		struct buf first = BUF_INIT;
		cmark_node *header, *row;

		if (strcmp(cmark_node_get_type_string(node), "table"))
			continue;
		header = cmark_node_first_child(node);
		node_text(cmark_node_first_child(header), &first);
		if (strcmp(first.data, "Credential")) {
			buf_release(&first);
			continue;
		}
		buf_release(&first);
		for (row = cmark_node_next(header); row; row = cmark_node_next(row)) {
			struct buf label = BUF_INIT, plan = BUF_INIT;
			const struct expected_cred *want;

			assert_int_equal(child_count(row), 4);
			node_text(cmark_node_first_child(row), &label);
			want = expected_for_label(label.data);
			if (!want)
				fail_msg("findings row for unknown credential \"%s\"",
					 label.data);
			node_text(cmark_node_last_child(row), &plan);
			assert_string_equal(plan.data, want->action ? want->action
				: want->id == 402 ? "not possible in GitLab" : "none");
			rows++;
			buf_release(&label);
			buf_release(&plan);
		}
	}
	/* Every rule has fewer findings than the overview shows, so all are listed. */
	assert_int_equal(rows, f->model.summary.findings);
	cmark_node_free(doc);
	cmark_parser_free(parser);
}

static void markdown_kind_not_available(void **state)
{
	const struct fixture *f = *state;
	const char *gpg = strstr(f->markdown, "\n### GPG keys");

	assert_non_null(gpg);
	assert_int_equal(strncmp(gpg, "\n### GPG keys\n\nnot available in this snapshot\n",
				 strlen("\n### GPG keys\n\nnot available in this snapshot\n")), 0);
	assert_non_null(strstr(f->markdown,
			       "| GPG keys | not available in this snapshot | | | |"));
}

/*
 * Render the overview of a model without credentials. With `with_gap`,
 * the snapshot lacks the gpg_keys table.
 */
static void render_empty_overview(int with_gap, char **html, size_t *html_len,
				  char **markdown, size_t *markdown_len)
{
	struct model model;
	struct policy policy;
	struct render_context ctx;
	int k;

	model_init(&model);
	model.now = NOW;
	model.snapshot_path = xstrdup("/srv/snapshots/old.db");
	for (k = 0; k < KIND_COUNT; k++)
		model.summary.kind_available[k] = 1;
	if (with_gap) {
		model.summary.kind_available[KIND_GPG_KEY] = 0;
		model_add_missing(&model, "gpg_keys", KIND_BIT(KIND_GPG_KEY), 0, 1);
	}
	policy_defaults(&policy);
	memset(&ctx, 0, sizeof(ctx));
	ctx.model = &model;
	ctx.policy = &policy;
	ctx.tool_version = "test";
	*html = render_to_memory(render_html, &ctx, html_len);
	*markdown = render_to_memory(render_markdown, &ctx, markdown_len);
	model_release(&model);
}

static void overview_no_findings_names_gaps(void **state)
{
	char *html, *markdown, *text;
	size_t html_len, markdown_len;
	htmlDocPtr doc;
	xmlNodePtr node;

	(void)state;
	render_empty_overview(1, &html, &html_len, &markdown, &markdown_len);
	doc = parse_html(html, html_len);
	node = find_by_id(xmlDocGetRootElement(doc), "not-checked-gpg-key-weak");
	assert_non_null(node);
	text = (char *)xmlNodeGetContent(node);
	assert_string_equal(text,
		"Not checked for GPG keys: the gpg_keys table is not in this snapshot.");
	xmlFree(text);
	node = find_by_id(xmlDocGetRootElement(doc), "findings-gpg-key-weak");
	assert_non_null(node);
	text = (char *)xmlNodeGetContent(node);
	assert_non_null(strstr(text, "(not checked)"));
	xmlFree(text);
	node = find_by_id(xmlDocGetRootElement(doc), "ca-findings");
	text = (char *)xmlNodeGetContent(node);
	assert_null(strstr(text, "No findings."));
	assert_non_null(strstr(text, "No findings among the credentials that were checked."));
	xmlFree(text);
	xmlFreeDoc(doc);

	assert_non_null(strstr(markdown,
		"\n### high: `gpg-key-weak` (not checked)\n\nRSA or DSA GPG key under 2048 bits.\n\nNot checked for GPG keys: the `gpg_keys` table is not in this snapshot.\n"));
	assert_null(strstr(markdown, "No findings.\n"));
	free(html);
	free(markdown);
}

static void overview_no_findings_no_gaps(void **state)
{
	char *html, *markdown;
	size_t html_len, markdown_len;
	htmlDocPtr doc;

	(void)state;
	render_empty_overview(0, &html, &html_len, &markdown, &markdown_len);
	doc = parse_html(html, html_len);
	assert_null(find_by_id(xmlDocGetRootElement(doc),
			       "not-checked-gpg-key-weak"));
	assert_null(find_by_id(xmlDocGetRootElement(doc),
			       "findings-gpg-key-weak"));
	xmlFreeDoc(doc);
	assert_non_null(strstr(html, "No findings."));
	assert_non_null(strstr(markdown, "\n## Findings\n\nNo findings.\n"));
	assert_null(strstr(markdown, "Not checked"));
	free(html);
	free(markdown);
}

/* JSON, parsed back with jansson. */

static json_t *parse_json(const char *data, size_t len)
{
	json_error_t error;
	json_t *root = json_loadb(data, len, 0, &error);

	if (!root)
		print_error("JSON error at line %d: %s\n", error.line, error.text);
	assert_non_null(root);
	return root;
}

static json_t *json_credential(json_t *root, const char *kind, int64_t id)
{
	json_t *list = json_object_get(root, "credentials"), *item;
	size_t i;

	json_array_foreach(list, i, item)
		if (!strcmp(json_string_value(json_object_get(item, "kind")), kind) &&
		    json_integer_value(json_object_get(item, "id")) == id)
			return item;
	fail_msg("no credential %s %lld in the JSON", kind, (long long)id);
	return NULL;
}

static int json_list_has(json_t *list, const char *value)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item)
		if (json_is_string(item) && !strcmp(json_string_value(item), value))
			return 1;
	return 0;
}

static void json_has_fields(void **state)
{
	const struct fixture *f = *state;
	json_t *root = parse_json(f->json, f->json_len), *cred, *item;
	static const char *const common[] = {
		"kind", "id", "owner", "state", "created_at", "findings",
		"plan_action", "unavailable", "invalid", "text_flags",
	};
	static const char *const token[] = {
		"name", "resource", "scopes", "last_used_at", "expires_at",
		"revoked", "revoked_at",
	};
	static const char *const ssh[] = {
		"name", "key_type", "bits", "fingerprint_sha256",
		"fingerprint_md5", "usage_type", "last_used_at", "expires_at",
	};
	static const char *const gpg[] = {
		"primary_keyid", "fingerprint", "user_ids", "emails",
		"algorithm", "bits", "key_expired", "key_revoked", "verification",
	};
	size_t i, j;

	assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 1);
	assert_string_equal(json_string_value(json_object_get(root, "generated_by")),
			    "credaudit test");
	assert_string_equal(json_string_value(json_object_get(root, "now")),
			    "2026-12-04T12:00:00Z");
	assert_int_equal(json_array_size(json_object_get(root, "credentials")),
			 CRED_COUNT);
	json_array_foreach(json_object_get(root, "credentials"), i, cred) {
		const char *kind = json_string_value(json_object_get(cred, "kind"));

		for (j = 0; j < sizeof(common) / sizeof(common[0]); j++)
			assert_non_null(json_object_get(cred, common[j]));
		if (strstr(kind, "token")) {
			for (j = 0; j < sizeof(token) / sizeof(token[0]); j++)
				assert_non_null(json_object_get(cred, token[j]));
			assert_null(json_object_get(cred, "key_type"));
		} else if (!strcmp(kind, "gpg_key")) {
			for (j = 0; j < sizeof(gpg) / sizeof(gpg[0]); j++)
				assert_non_null(json_object_get(cred, gpg[j]));
			assert_null(json_object_get(cred, "scopes"));
		} else {
			for (j = 0; j < sizeof(ssh) / sizeof(ssh[0]); j++)
				assert_non_null(json_object_get(cred, ssh[j]));
			assert_null(json_object_get(cred, "scopes"));
		}
	}

	cred = json_credential(root, "personal_access_token", 101);
	assert_string_equal(json_string_value(json_object_get(cred, "name")), name_img);
	assert_string_equal(json_string_value(json_object_get(cred, "expires_at")),
			    "2027-01-01");
	assert_string_equal(json_string_value(json_object_get(cred, "plan_action")),
			    "revoke-pat-101");
	item = json_array_get(json_object_get(cred, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(item, "rule")),
			    "credential-unused");
	assert_string_equal(json_string_value(json_object_get(item, "severity")),
			    "medium");
	cred = json_credential(root, "project_access_token", 201);
	item = json_object_get(cred, "resource");
	assert_string_equal(json_string_value(json_object_get(item, "type")), "project");
	assert_int_equal(json_integer_value(json_object_get(item, "id")), 5);
	cred = json_credential(root, "ssh_key", 401);
	assert_string_equal(json_string_value(json_object_get(cred,
			    "fingerprint_sha256")),
			    "SHA256:W+ShArbThVlK8VfCAY+c9FHppr4tNVI/x/7Jk24FCok");
	assert_true(json_list_has(json_object_get(json_object_get(cred,
				  "text_flags"), "name"), "bidi"));
	cred = json_credential(root, "gpg_key", 601);
	assert_string_equal(json_string_value(json_object_get(cred, "verification")),
			    "verified");
	assert_true(json_list_has(json_object_get(cred, "emails"), "m@evil.example"));
	assert_true(json_list_has(json_object_get(json_object_get(cred,
				  "text_flags"), "user_ids"), "zero_width"));
	json_decref(root);
}

static void json_marks_unavailable_and_invalid(void **state)
{
	const struct fixture *f = *state;
	json_t *root = parse_json(f->json, f->json_len), *cred, *owner;

	cred = json_credential(root, "personal_access_token", 103);
	assert_true(json_is_null(json_object_get(cred, "last_used_at")));
	assert_true(json_list_has(json_object_get(cred, "unavailable"),
				  "last_used_at"));
	assert_true(json_is_null(json_object_get(cred, "expires_at")));
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(cred, "invalid"), "expires_at")), "2026-13-45\\xFF");
	owner = json_object_get(cred, "owner");
	assert_string_equal(json_string_value(json_object_get(owner, "username")),
			    "x\\xFFy");
	assert_true(json_list_has(json_object_get(json_object_get(cred,
				  "text_flags"), "owner.username"), "invalid_utf8"));

	cred = json_credential(root, "personal_access_token", 101);
	assert_int_equal(json_array_size(json_object_get(cred, "unavailable")), 0);
	assert_int_equal(json_object_size(json_object_get(cred, "invalid")), 0);
	assert_int_equal(json_object_size(json_object_get(cred, "text_flags")), 0);
	assert_true(json_is_null(json_object_get(cred, "revoked_at")));

	cred = json_credential(root, "group_access_token", 302);
	assert_true(json_is_null(json_object_get(cred, "resource")));
	assert_true(json_list_has(json_object_get(cred, "unavailable"), "resource"));

	cred = json_credential(root, "gpg_key", 602);
	owner = json_object_get(cred, "owner");
	assert_false(json_is_true(json_object_get(owner, "in_snapshot")));
	assert_true(json_is_null(json_object_get(cred, "fingerprint")));
	assert_string_equal(json_string_value(json_object_get(cred, "key_error")),
			    "not OpenPGP data");
	json_decref(root);
}

static void json_kind_not_available(void **state)
{
	const struct fixture *f = *state;
	json_t *root = parse_json(f->json, f->json_len), *kinds, *gpg, *ssh;

	kinds = json_object_get(json_object_get(root, "summary"), "kinds");
	gpg = json_object_get(kinds, "gpg_key");
	assert_true(json_is_false(json_object_get(gpg, "available")));
	assert_true(json_is_null(json_object_get(gpg, "total")));
	assert_true(json_is_null(json_object_get(gpg, "active")));
	ssh = json_object_get(kinds, "ssh_key");
	assert_true(json_is_true(json_object_get(ssh, "available")));
	assert_int_equal(json_integer_value(json_object_get(ssh, "total")), 3);
	json_decref(root);
}

/* credentials.csv, split by a small RFC 4180 reader. */

#define CSV_FIELDS_MAX 64

/*
 * Read one record at `*p` into `fields` and move `*p` past its CRLF.
 * Returns the number of fields, or 0 at the end of the text.
 */
static size_t csv_record(const char **p, const char *end,
			 struct buf fields[CSV_FIELDS_MAX])
{
	size_t n = 0;

	if (*p >= end)
		return 0;
	for (;;) {
		struct buf *field = &fields[n < CSV_FIELDS_MAX ? n : CSV_FIELDS_MAX - 1];

		buf_reset(field);
		if (**p == '"') {
			for ((*p)++; *p < end; (*p)++) {
				if (**p == '"' && *p + 1 < end && (*p)[1] == '"') {
					buf_addch(field, '"');
					(*p)++;
				} else if (**p == '"') {
					(*p)++;
					break;
				} else {
					buf_addch(field, **p);
				}
			}
		} else {
			while (*p < end && **p != ',' && **p != '\r')
				buf_addch(field, *(*p)++);
		}
		n++;
		if (*p < end && **p == ',') {
			(*p)++;
			continue;
		}
		assert_true(*p + 1 < end + 1 && **p == '\r' && (*p)[1] == '\n');
		*p += 2;
		return n;
	}
}

static void csv_one_row_per_credential(void **state)
{
	const struct fixture *f = *state;
	struct buf fields[CSV_FIELDS_MAX];
	const char *p = f->csv, *end = f->csv + f->csv_len;
	size_t columns, n, rows = 0, i, name = 0, plan = 0, kind = 0, id = 0;

	for (i = 0; i < CSV_FIELDS_MAX; i++)
		buf_init(&fields[i]);
	columns = csv_record(&p, end, fields);
	assert_true(columns > 20);
	for (i = 0; i < columns; i++) {
		if (!strcmp(fields[i].data, "name"))
			name = i;
		else if (!strcmp(fields[i].data, "plan_action"))
			plan = i;
		else if (!strcmp(fields[i].data, "kind"))
			kind = i;
		else if (!strcmp(fields[i].data, "id"))
			id = i;
	}
	assert_true(name && plan);
	while ((n = csv_record(&p, end, fields))) {
		const struct expected_cred *want = NULL;
		struct buf shown = BUF_INIT;
		size_t k;

		assert_int_equal(n, columns);
		for (k = 0; k < CRED_COUNT; k++)
			if (!strcmp(fields[kind].data, kind_id(expected[k].kind)) &&
			    strtoll(fields[id].data, NULL, 10) == expected[k].id)
				want = &expected[k];
		assert_non_null(want);
		/* Names appear as in report.json; GPG keys have none. */
		if (want->name && want->kind != KIND_GPG_KEY) {
			text_escape_str(&shown, want->name, TEXT_NO_LIMIT);
			assert_string_equal(fields[name].data, shown.data);
		}
		assert_string_equal(fields[plan].data,
				    want->action ? want->action : "");
		buf_release(&shown);
		rows++;
	}
	assert_int_equal(rows, CRED_COUNT);
	for (i = 0; i < CSV_FIELDS_MAX; i++)
		buf_release(&fields[i]);
}

/* A text cell that a spreadsheet would run as a formula gets a ' first. */
static void csv_guards_formulas(void **state)
{
	struct model model;
	struct plan plan;
	struct render_context ctx = { 0 };
	struct plan_decision decision = { 0 };
	struct credential row, *cred;
	struct buf err = BUF_INIT;
	struct sink *sink;
	char *csv = NULL;
	size_t len;
	FILE *out = open_memstream(&csv, &len);

	(void)state;
	assert_non_null(out);
	model_init(&model);
	model.now = NOW;
	plan_init(&plan, NOW, 7);
	ctx.model = &model;
	ctx.plan = &plan;
	sink = render_csv_sink(&ctx, out);
	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 1,
			"=HYPERLINK(\"http://evil.example\")", 1);
	assert_int_equal(sink->credential(sink, cred, &decision, &err), 0);
	credential_release(cred);
	cred = add_cred(&model, &row, KIND_PERSONAL_TOKEN, 2, "'quoted", 1);
	assert_int_equal(sink->credential(sink, cred, &decision, &err), 0);
	credential_release(cred);
	assert_int_equal(sink->end(sink, &err), 0);
	sink->free(sink);
	assert_int_equal(fclose(out), 0);
	assert_non_null(strstr(csv, "\r\npersonal_access_token,1,\"'=HYPERLINK(\"\"http://evil.example\"\")\","));
	assert_non_null(strstr(csv, "\r\npersonal_access_token,2,''quoted,"));
	free(csv);
	model_release(&model);
	buf_release(&err);
}

/* plan.md and plan.json. */

static void plan_markdown_one_task_per_action(void **state)
{
	const struct fixture *f = *state;
	cmark_parser *parser;
	cmark_node *doc = parse_markdown(f->plan_md, f->plan_md_len, &parser);
	cmark_iter *iter = cmark_iter_new(doc);
	cmark_event_type event;
	size_t tasks = 0, forbidden = 0;

	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);
		cmark_node *code;

		if (event != CMARK_EVENT_ENTER ||
		    strcmp(cmark_node_get_type_string(node), "tasklist"))
			continue;
		assert_false(cmark_gfm_extensions_get_tasklist_item_checked(node));
		assert_int_equal(child_count(node), 1);
		code = cmark_node_first_child(cmark_node_first_child(node));
		assert_int_equal(cmark_node_get_type(code), CMARK_NODE_CODE);
		assert_true(tasks < f->action_count);
		assert_string_equal(cmark_node_get_literal(code),
				    f->actions[tasks].id);
		tasks++;
	}
	cmark_iter_free(iter);
	assert_int_equal(tasks, ACTION_COUNT);
	count_forbidden(doc, &forbidden);
	assert_int_equal(forbidden, 0);
	assert_non_null(strstr(f->plan_md, "`DELETE /api/v4/personal_access_tokens/101`"));
	assert_non_null(strstr(f->plan_md, "cannot be deleted in GitLab (LDAP)"));
	cmark_node_free(doc);
	cmark_parser_free(parser);
}

static void plan_json_lists_actions(void **state)
{
	const struct fixture *f = *state;
	json_t *root = parse_json(f->plan_json, f->plan_json_len);
	json_t *actions = json_object_get(root, "actions"), *action;
	size_t i;

	assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(root, "snapshot"), "digest")), "sha256:00ff");
	assert_string_equal(json_string_value(json_object_get(root, "created_at")),
			    "2026-12-04T12:00:00Z");
	assert_string_equal(json_string_value(json_object_get(root, "valid_until")),
			    "2026-12-11T12:00:00Z");
	assert_int_equal(json_array_size(actions), ACTION_COUNT);
	json_array_foreach(actions, i, action) {
		json_t *request = json_object_get(action, "request");

		assert_string_equal(json_string_value(json_object_get(action, "id")),
				    f->actions[i].id);
		assert_true(json_is_false(json_object_get(action, "approved")));
		assert_true(json_array_size(json_object_get(action, "reasons")) > 0);
		if (f->actions[i].method)
			assert_true(json_is_object(request));
		else
			assert_true(json_is_null(request));
	}
	action = json_array_get(actions, 0);
	assert_string_equal(json_string_value(json_object_get(action, "type")),
			    "revoke_token");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(action, "request"), "path")),
		"/api/v4/personal_access_tokens/101");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(action, "credential"), "name")), name_img);
	assert_int_equal(json_array_size(json_object_get(root, "not_possible")), 1);
	json_decref(root);
}

/* Write `data` to `dir`/`name`. */
static void write_file(const char *dir, const char *name, const char *data,
		       size_t len)
{
	struct buf path = BUF_INIT;
	FILE *file;

	buf_addf(&path, "%s/%s", dir, name);
	file = fopen(path.data, "w");
	assert_non_null(file);
	assert_int_equal(fwrite(data, 1, len, file), len);
	assert_int_equal(fclose(file), 0);
	buf_release(&path);
}

static void remove_plan_files(const char *dir)
{
	struct buf path = BUF_INIT;

	buf_addf(&path, "%s/plan.md", dir);
	unlink(path.data);
	buf_reset(&path);
	buf_addf(&path, "%s/plan.json", dir);
	unlink(path.data);
	rmdir(dir);
	buf_release(&path);
}

static enum plan_read_status read_plan(const char *dir, const char *md,
				       size_t md_len, const char *json,
				       size_t json_len, size_t *ticked,
				       struct buf *problems)
{
	struct plan_file plan;
	struct buf path = BUF_INIT;
	enum plan_read_status status;
	size_t i;

	write_file(dir, "plan.md", md, md_len);
	write_file(dir, "plan.json", json, json_len);
	buf_addf(&path, "%s/plan.md", dir);
	status = plan_file_read(&plan, path.data, problems);
	*ticked = 0;
	for (i = 0; i < plan.count; i++)
		*ticked += plan.items[i].ticked;
	if (status == PLAN_READ_OK)
		assert_int_equal(plan.count, ACTION_COUNT);
	plan_file_release(&plan);
	buf_release(&path);
	return status;
}

static void plan_files_read_back(void **state)
{
	const struct fixture *f = *state;
	char dir[] = "/tmp/credaudit-plan-XXXXXX";
	struct buf problems = BUF_INIT, md = BUF_INIT;
	const char *box;
	size_t ticked;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(read_plan(dir, f->plan_md, f->plan_md_len, f->plan_json,
				   f->plan_json_len, &ticked, &problems),
			 PLAN_READ_OK);
	assert_int_equal(ticked, 0);

	/* Ticking a box is the one change that keeps the plan valid. */
	buf_add(&md, f->plan_md, f->plan_md_len);
	box = strstr(md.data, "- [ ] `revoke-pat-101`");
	assert_non_null(box);
	md.data[box - md.data + 3] = 'x';
	assert_int_equal(read_plan(dir, md.data, md.len, f->plan_json,
				   f->plan_json_len, &ticked, &problems),
			 PLAN_READ_OK);
	assert_int_equal(ticked, 1);

	/* Editing a name in an item is not. */
	box = strstr(md.data, "deploy user");
	assert_non_null(box);
	md.data[box - md.data] = 'D';
	assert_int_equal(read_plan(dir, md.data, md.len, f->plan_json,
				   f->plan_json_len, &ticked, &problems),
			 PLAN_READ_INVALID);
	assert_non_null(strstr(problems.data, "delete-deploy-key-501"));

	remove_plan_files(dir);
	buf_release(&md);
	buf_release(&problems);
}

int main(void)
{
	const struct CMUnitTest full[] = {
		cmocka_unit_test(plan_actions_and_paths),
		cmocka_unit_test(plan_skips_inactive_and_ldap),
		cmocka_unit_test(plan_validity_window),
		cmocka_unit_test(plan_report_only_rule_no_action),
		cmocka_unit_test(plan_repeated_id_first_action),
		cmocka_unit_test(cred_label_and_anchor),
		cmocka_unit_test(html_rows_per_kind),
		cmocka_unit_test(html_has_no_active_content),
		cmocka_unit_test(html_sets_one_policy),
		cmocka_unit_test(html_values_stay_text),
		cmocka_unit_test(html_marks_unavailable_and_invalid),
		cmocka_unit_test(html_rows_name_plan_actions),
		cmocka_unit_test(html_output_is_stable),
		cmocka_unit_test(html_names_libraries),
		cmocka_unit_test(html_template_rejects_script),
		cmocka_unit_test(html_template_needs_placeholders),
		cmocka_unit_test(html_template_policy_replaced),
		cmocka_unit_test(markdown_has_no_links_or_html),
		cmocka_unit_test(markdown_lists_worst_cases),
		cmocka_unit_test(json_has_fields),
		cmocka_unit_test(json_marks_unavailable_and_invalid),
		cmocka_unit_test(csv_one_row_per_credential),
		cmocka_unit_test(csv_guards_formulas),
		cmocka_unit_test(plan_markdown_one_task_per_action),
		cmocka_unit_test(plan_json_lists_actions),
		cmocka_unit_test(plan_files_read_back),
	};
	const struct CMUnitTest alone[] = {
		cmocka_unit_test(overview_no_findings_names_gaps),
		cmocka_unit_test(overview_no_findings_no_gaps),
	};
	const struct CMUnitTest without_gpg[] = {
		cmocka_unit_test(html_kind_not_available),
		cmocka_unit_test(markdown_kind_not_available),
		cmocka_unit_test(json_kind_not_available),
	};
	int failed;

	/* The plan digest uses libgcrypt, which must be initialised first. */
	gcry_check_version(NULL);
	failed = cmocka_run_group_tests_name("reports", full, setup, teardown);
	failed += cmocka_run_group_tests_name("reports without gpg_keys",
					      without_gpg, setup_without_gpg,
					      teardown);
	failed += cmocka_run_group_tests_name("overview of an empty model",
					      alone, NULL, NULL);
	return failed;
}
