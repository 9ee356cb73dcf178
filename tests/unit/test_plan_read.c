/* Unit tests for plan_read.c: reading an approved plan.md and plan.json. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "plan_digest.h"
#include "plan_read.h"

/* A plan of three actions, as render_plan.c writes one. */
static const char plan_json[] =
"{\"schema_version\": 1, \"generated_by\": \"credaudit test\",\n"
" \"snapshot\": {\"path\": \"demo.db\", \"digest\": \"sha256:aa\",\n"
"   \"owners_digest\": \"sha256:bb\"},\n"
" \"created_at\": \"2026-12-04T12:00:00Z\",\n"
" \"valid_until\": \"2026-12-11T12:00:00Z\",\n"
" \"actions\": [\n"
"  {\"id\": \"revoke-pat-1\", \"type\": \"revoke_token\", \"approved\": false,\n"
"   \"credential\": {\"kind\": \"personal_access_token\", \"id\": 1,\n"
"     \"name\": \"ci\", \"owner\": {\"id\": 7, \"username\": \"alice\"}},\n"
"   \"reasons\": [], \"request\": {\"method\": \"DELETE\",\n"
"     \"path\": \"/api/v4/personal_access_tokens/1\"}, \"manual\": null,\n"
"   \"consequence\": \"c\",\n"
"   \"markdown\": \"`revoke-pat-1` Revoke token 1 of user `@`alice: `DELETE /api/v4/personal_access_tokens/1`; c.\"},\n"
"  {\"id\": \"delete-ssh-key-2\", \"type\": \"delete_ssh_key\", \"approved\": false,\n"
"   \"credential\": {\"kind\": \"ssh_key\", \"id\": 2, \"name\": null,\n"
"     \"owner\": {\"id\": 7, \"username\": null}},\n"
"   \"reasons\": [], \"request\": {\"method\": \"DELETE\",\n"
"     \"path\": \"/api/v4/users/7/keys/2\"}, \"manual\": null,\n"
"   \"consequence\": \"c\",\n"
"   \"markdown\": \"`delete-ssh-key-2` Delete SSH key 2: `DELETE /api/v4/users/7/keys/2`; c.\"},\n"
"  {\"id\": \"revoke-project-token-3\", \"type\": \"revoke_token\", \"approved\": false,\n"
"   \"credential\": {\"kind\": \"project_access_token\", \"id\": 3,\n"
"     \"name\": \"bot\", \"owner\": {\"id\": 9, \"username\": \"bot\"}},\n"
"   \"reasons\": [], \"request\": null, \"manual\": \"find the project\",\n"
"   \"consequence\": \"c\",\n"
"   \"markdown\": \"`revoke-project-token-3` Revoke token 3: manual step, find the project; c.\"}\n"
" ]}\n";

static const char plan_md_body[] =
"- Created: 2026-12-04T12:00:00Z\n"
"- Valid until: 2026-12-11T12:00:00Z\n"
"\n"
"## Actions (3)\n"
"\n"
"- [ ] `revoke-pat-1` Revoke token 1 of user `@`alice: `DELETE /api/v4/personal_access_tokens/1`; c.\n"
"- [ ] `delete-ssh-key-2` Delete SSH key 2: `DELETE /api/v4/users/7/keys/2`; c.\n"
"- [ ] `revoke-project-token-3` Revoke token 3: manual step, find the project; c.\n"
"\n"
"## Flagged but not possible in GitLab (1)\n"
"\n"
"- SSH key 4 of user bob: cannot be deleted in GitLab (LDAP).\n";

struct fixture {
	char dir[64];
	char md_path[96];
	char json_path[96];
	struct buf md;       /* plan.md as made, to edit before writing */
	struct buf json;
};

static void write_file(const char *path, const struct buf *text)
{
	FILE *file = fopen(path, "wb");

	assert_non_null(file);
	assert_int_equal(fwrite(text->data, 1, text->len, file), text->len);
	assert_int_equal(fclose(file), 0);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char digest[PLAN_DIGEST_MAX];
	struct buf err = BUF_INIT;
	json_t *root;

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_plan_read.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->md_path, sizeof(fx->md_path), "%s/plan.md", fx->dir);
	snprintf(fx->json_path, sizeof(fx->json_path), "%s/plan.json", fx->dir);
	buf_init(&fx->md);
	buf_init(&fx->json);
	buf_adds(&fx->json, plan_json);

	root = json_loads(plan_json, 0, NULL);
	assert_non_null(root);
	assert_int_equal(plan_digest_compute(root, digest, &err), 0);
	json_decref(root);
	buf_addf(&fx->md, "# Revocation plan\n\n"
		 "- Snapshot digest: `sha256:aa`\n"
		 "- Plan digest: `%s`\n%s", digest, plan_md_body);
	buf_release(&err);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->md_path);
	unlink(fx->json_path);
	rmdir(fx->dir);
	buf_release(&fx->md);
	buf_release(&fx->json);
	free(fx);
	return 0;
}

/* Replace the first `from` in `text` by `to`. */
static void edit(struct buf *text, const char *from, const char *to)
{
	char *at = strstr(text->data, from);
	struct buf edited = BUF_INIT;

	assert_non_null(at);
	buf_add(&edited, text->data, (size_t)(at - text->data));
	buf_adds(&edited, to);
	buf_adds(&edited, at + strlen(from));
	buf_release(text);
	*text = edited;
}

/* Write the fixture's files, read them back and return the status. */
static enum plan_read_status read_back(struct fixture *fx,
				       struct plan_file *plan,
				       struct buf *problems)
{
	write_file(fx->md_path, &fx->md);
	write_file(fx->json_path, &fx->json);
	return plan_file_read(plan, fx->md_path, problems);
}

static void plan_reads_unticked(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;

	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_string_equal(problems.data, "");
	assert_int_equal(plan.count, 3);
	assert_string_equal(plan.items[0].id, "revoke-pat-1");
	assert_string_equal(plan.items[0].path, "/api/v4/personal_access_tokens/1");
	assert_int_equal(plan.items[0].owner_id, 7);
	assert_int_equal(plan.items[0].line, 10);
	assert_int_equal(plan.items[0].ticked, 0);
	assert_null(plan.items[2].method);
	assert_string_equal(plan.items[2].manual, "find the project");
	assert_string_equal(plan.valid_until_text, "2026-12-11T12:00:00Z");
	assert_string_equal(plan.snapshot_digest, "sha256:aa");
	assert_string_equal(plan.owners_digest, "sha256:bb");
	assert_int_equal(plan.md_len, fx->md.len);
	plan_file_release(&plan);
	buf_release(&problems);
}

static void plan_reads_ticks(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;

	edit(&fx->md, "- [ ] `revoke-pat-1`", "- [x] `revoke-pat-1`");
	edit(&fx->md, "- [ ] `revoke-project-token-3`",
	     "- [X] `revoke-project-token-3`");
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_int_equal(plan.items[0].ticked, 1);
	assert_int_equal(plan.items[1].ticked, 0);
	assert_int_equal(plan.items[2].ticked, 1);
	assert_int_equal(plan_item_approved(&plan.items[1]), 0);
	plan_file_release(&plan);
	buf_release(&problems);
}

static void plan_reads_json_approval(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;

	/* Approving in plan.json leaves the plan digest as it was. */
	edit(&fx->json, "\"delete-ssh-key-2\", \"type\": \"delete_ssh_key\", \"approved\": false",
	     "\"delete-ssh-key-2\", \"type\": \"delete_ssh_key\", \"approved\": true");
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_int_equal(plan.items[1].approved_json, 1);
	assert_int_equal(plan.items[1].ticked, 0);
	assert_int_equal(plan_item_approved(&plan.items[1]), 1);
	plan_file_release(&plan);
	buf_release(&problems);
}

static void plan_reads_crlf(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT, crlf = BUF_INIT;
	size_t i;

	for (i = 0; i < fx->md.len; i++) {
		if (fx->md.data[i] == '\n')
			buf_addch(&crlf, '\r');
		buf_addch(&crlf, fx->md.data[i]);
	}
	buf_release(&fx->md);
	fx->md = crlf;
	edit(&fx->md, "- [ ] `delete-ssh-key-2`", "- [x] `delete-ssh-key-2`");
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_string_equal(problems.data, "");
	assert_int_equal(plan.items[1].ticked, 1);
	plan_file_release(&plan);
	buf_release(&problems);
}

static void plan_rejects_lone_cr(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;
	size_t i;

	/* Every line ends as the classic Mac OS ended lines. */
	for (i = 0; i < fx->md.len; i++)
		if (fx->md.data[i] == '\n')
			fx->md.data[i] = '\r';
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_INVALID);
	assert_non_null(strstr(problems.data,
			       "plan.md:1: this line and 15 more end with a lone CR (classic Mac OS line endings): save "));
	assert_non_null(strstr(problems.data,
			       "plan.md with LF or CRLF line endings, changing nothing else"));
	/* The line endings are the one problem named, not each action. */
	assert_null(strstr(problems.data, "was changed"));
	plan_file_release(&plan);
	buf_release(&problems);
}

/* An edit of plan.md or plan.json and the problem it must cause. */
struct bad_edit {
	const char *name;
	int in_json;
	const char *from;
	const char *to;
	const char *problem;
};

static const struct bad_edit bad_edits[] = {
	{ "changed id", 0, "- [ ] `revoke-pat-1`", "- [x] `revoke-pat-9`",
	  "plan.md:10: 'revoke-pat-9' is not the id of an action" },
	{ "id without code span", 0, "- [ ] `revoke-pat-1`", "- [x] revoke-pat-1",
	  "plan.md:10: this task item does not start with an action id" },
	{ "damaged box", 0, "- [ ] `delete-ssh-key-2`", "- [] `delete-ssh-key-2`",
	  "plan.md:11: the box of action 'delete-ssh-key-2' is damaged" },
	{ "changed request", 0, "`DELETE /api/v4/users/7/keys/2`",
	  "`DELETE /api/v4/users/8/keys/2`",
	  "plan.md:11: the request of action 'delete-ssh-key-2' was changed" },
	{ "changed text", 0, "Delete SSH key 2:", "Delete SSH key 5:",
	  "plan.md:11: the text of action 'delete-ssh-key-2' was changed" },
	{ "wrapped line", 0, "Delete SSH key 2: `DELETE",
	  "Delete SSH key 2:\n  `DELETE",
	  "plan.md:11: the item of action 'delete-ssh-key-2' spans several lines" },
	{ "listed twice", 0, "- [ ] `revoke-project-token-3`",
	  "- [ ] `revoke-pat-1` Revoke token 1 of user `@`alice: `DELETE /api/v4/personal_access_tokens/1`; c.\n- [ ] `revoke-project-token-3`",
	  "action 'revoke-pat-1' is listed twice, also on line 10" },
	{ "deleted line", 0,
	  "- [ ] `delete-ssh-key-2` Delete SSH key 2: `DELETE /api/v4/users/7/keys/2`; c.\n", "",
	  "action 'delete-ssh-key-2' of " },
	{ "added task", 0, "\n## Flagged", "- [x] extra work\n\n## Flagged",
	  "this task item does not start with an action id" },
	{ "changed valid until", 0, "- Valid until: 2026-12-11", "- Valid until: 2027-12-11",
	  "\"Valid until\" was changed" },
	{ "missing plan digest", 0, "- Plan digest:", "- Plan hash:",
	  "there is no \"Plan digest\" line" },
	{ "changed plan.json request", 1, "\"/api/v4/users/7/keys/2\"",
	  "\"/api/v4/users/7/keys/3\"", "the plan digest does not match" },
	{ "path outside the API", 1, "\"/api/v4/users/7/keys/2\"",
	  "\"/api/v4/../../admin\"", "is not a plain path under /api/v4/" },
	{ "dot segment at the end", 1, "\"/api/v4/users/7/keys/2\"",
	  "\"/api/v4/users/7/keys/..\"", "is not a plain path under /api/v4/" },
	{ "method not DELETE", 1, "\"method\": \"DELETE\",\n     \"path\": \"/api/v4/users",
	  "\"method\": \"POST\",\n     \"path\": \"/api/v4/users",
	  "request method 'POST' is not DELETE" },
	{ "duplicate key", 1, "\"approved\": false,\n   \"credential\": {\"kind\": \"ssh_key\"",
	  "\"approved\": false, \"approved\": true,\n   \"credential\": {\"kind\": \"ssh_key\"",
	  "not valid JSON" },
	{ "approved not boolean", 1, "\"approved\": false,\n   \"credential\": {\"kind\": \"ssh_key\"",
	  "\"approved\": \"yes\",\n   \"credential\": {\"kind\": \"ssh_key\"",
	  "\"approved\" is missing or not true or false" },
	{ "changed owners digest", 1, "\"owners_digest\": \"sha256:bb\"",
	  "\"owners_digest\": \"sha256:cc\"", "the plan digest does not match" },
	{ "owners digest not a string", 1, "\"owners_digest\": \"sha256:bb\"",
	  "\"owners_digest\": 7", "snapshot: \"owners_digest\" is not a string" },
	{ "other schema version", 1, "\"schema_version\": 1", "\"schema_version\": 2",
	  "\"schema_version\" is not 1" },
	{ "one lone CR", 0, "c.\n- [ ] `delete-ssh-key-2`", "c.\r- [ ] `delete-ssh-key-2`",
	  "plan.md:10: this line ends with a lone CR (classic Mac OS line endings): save " },
};

static void plan_rejects_edits(void **state)
{
	struct fixture *fx = *state;
	struct buf md_orig = BUF_INIT, json_orig = BUF_INIT;
	size_t i;

	buf_add(&md_orig, fx->md.data, fx->md.len);
	buf_add(&json_orig, fx->json.data, fx->json.len);
	for (i = 0; i < sizeof(bad_edits) / sizeof(bad_edits[0]); i++) {
		const struct bad_edit *bad = &bad_edits[i];
		struct plan_file plan;
		struct buf problems = BUF_INIT;
		enum plan_read_status status;

		buf_reset(&fx->md);
		buf_add(&fx->md, md_orig.data, md_orig.len);
		buf_reset(&fx->json);
		buf_add(&fx->json, json_orig.data, json_orig.len);
		edit(bad->in_json ? &fx->json : &fx->md, bad->from, bad->to);
		status = read_back(fx, &plan, &problems);
		if (status != PLAN_READ_INVALID || !strstr(problems.data, bad->problem))
			fail_msg("%s: status %d, problems:\n%sExpected: %s",
				 bad->name, status, problems.data, bad->problem);
		plan_file_release(&plan);
		buf_release(&problems);
	}
	buf_release(&md_orig);
	buf_release(&json_orig);
}

/* Put the plan digest of the fixture's plan.json into its plan.md. */
static void update_plan_digest(struct fixture *fx)
{
	char digest[PLAN_DIGEST_MAX];
	struct buf err = BUF_INIT, old_line = BUF_INIT, new_line = BUF_INIT;
	json_t *root = json_loads(fx->json.data, 0, NULL);
	char *start, *end;

	assert_non_null(root);
	assert_int_equal(plan_digest_compute(root, digest, &err), 0);
	json_decref(root);
	start = strstr(fx->md.data, "- Plan digest: `");
	assert_non_null(start);
	end = strchr(start, '\n');
	assert_non_null(end);
	buf_add(&old_line, start, (size_t)(end - start));
	buf_addf(&new_line, "- Plan digest: `%s`", digest);
	edit(&fx->md, old_line.data, new_line.data);
	buf_release(&old_line);
	buf_release(&new_line);
	buf_release(&err);
}

static void plan_without_owners_digest(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;

	/* A plan made before credaudit recorded the owners digest. */
	edit(&fx->json, ",\n   \"owners_digest\": \"sha256:bb\"", "");
	update_plan_digest(fx);
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_string_equal(problems.data, "");
	assert_string_equal(plan.snapshot_digest, "sha256:aa");
	assert_null(plan.owners_digest);
	plan_file_release(&plan);
	buf_release(&problems);
}

static void plan_missing_json(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;

	write_file(fx->md_path, &fx->md);
	unlink(fx->json_path);
	assert_int_equal(plan_file_read(&plan, fx->md_path, &problems),
			 PLAN_READ_CANNOT_OPEN);
	assert_non_null(strstr(problems.data, "plan.json"));
	plan_file_release(&plan);
	buf_release(&problems);
}

static void plan_reads_byte_order_marks(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT, md = BUF_INIT, json = BUF_INIT;

	buf_adds(&md, PLAN_UTF8_BOM);
	buf_add(&md, fx->md.data, fx->md.len);
	buf_release(&fx->md);
	fx->md = md;
	buf_adds(&json, PLAN_UTF8_BOM);
	buf_add(&json, fx->json.data, fx->json.len);
	buf_release(&fx->json);
	fx->json = json;
	edit(&fx->md, "- [ ] `delete-ssh-key-2`", "- [x] `delete-ssh-key-2`");
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_string_equal(problems.data, "");
	assert_int_equal(plan.items[1].ticked, 1);
	assert_int_equal(plan.items[1].line, 11);
	/* A signature covers the bytes as they are, the mark included. */
	assert_int_equal(plan.md_len, fx->md.len);
	assert_memory_equal(plan.md_text, PLAN_UTF8_BOM, 3);
	plan_file_release(&plan);
	buf_release(&problems);
}

/*
 * Make the fixture a filtered plan: `filter` as the "filter" member of
 * plan.json, with its plan digest, and `line` (or none when NULL) as the
 * Filter line of plan.md.
 */
static void make_filtered(struct fixture *fx, const char *filter,
			  const char *line)
{
	struct buf member = BUF_INIT, header = BUF_INIT;

	buf_addf(&member, ",\n \"filter\": %s,\n \"actions\": [", filter);
	edit(&fx->json, ",\n \"actions\": [", member.data);
	update_plan_digest(fx);
	if (line) {
		buf_addf(&header, "- Created: 2026-12-04T12:00:00Z\n%s\n", line);
		edit(&fx->md, "- Created: 2026-12-04T12:00:00Z\n", header.data);
	}
	buf_release(&member);
	buf_release(&header);
}

static void plan_reads_filter_line(void **state)
{
	struct fixture *fx = *state;
	struct plan_file plan;
	struct buf problems = BUF_INIT;

	make_filtered(fx, "{\"min_severity\": \"medium\", \"rules\": [\"owner-inactive\", \"credential-unused\"], \"left_out_actions\": 4, \"left_out_not_possible\": 0}",
		      "- Filter: findings of severity medium or above and of the rules `owner-inactive` and `credential-unused`");
	assert_int_equal(read_back(fx, &plan, &problems), PLAN_READ_OK);
	assert_string_equal(problems.data, "");
	plan_file_release(&plan);
	buf_release(&problems);
}

/* A Filter line, or its absence, that plan.json's filter contradicts. */
struct filter_case {
	const char *name;
	const char *filter;     /* "filter" of plan.json, or NULL for none */
	const char *line;       /* the Filter line of plan.md, or NULL */
	const char *problem;
};

static const struct filter_case filter_cases[] = {
	{ "changed severity", "{\"min_severity\": \"high\", \"rules\": null}",
	  "- Filter: findings of severity medium or above",
	  "plan.md:6: the Filter line was changed: it says 'findings of severity medium or above', but " },
	{ "changed rules", "{\"min_severity\": null, \"rules\": [\"owner-inactive\"]}",
	  "- Filter: findings of the rules `owner-inactive` and `credential-unused`",
	  "has the filter 'findings of the rule `owner-inactive`'" },
	{ "code span removed", "{\"min_severity\": null, \"rules\": [\"owner-inactive\"]}",
	  "- Filter: findings of the rule owner-inactive",
	  "it says 'findings of the rule owner-inactive'" },
	{ "line removed", "{\"min_severity\": \"high\", \"rules\": null}", NULL,
	  "plan.md: there is no Filter line, but " },
	{ "line added", NULL, "- Filter: findings of severity high",
	  "plan.md:6: the Filter line says 'findings of severity high', but " },
	{ "filter not an object", "[\"high\"]", "- Filter: findings of severity high",
	  "\"filter\" is not an object" },
	{ "severity not a string", "{\"min_severity\": 3, \"rules\": null}",
	  "- Filter: findings of severity high",
	  "\"filter.min_severity\" is not a string or null" },
	{ "rule not a string", "{\"min_severity\": null, \"rules\": [1]}",
	  "- Filter: findings of the rule `owner-inactive`",
	  "\"filter.rules\"[0] is not a string" },
	{ "empty filter", "{\"min_severity\": null, \"rules\": null}",
	  "- Filter: findings of severity high",
	  "\"filter\" has neither \"min_severity\" nor \"rules\"" },
};

static void plan_rejects_filter_mismatch(void **state)
{
	struct fixture *fx = *state;
	struct buf md_orig = BUF_INIT, json_orig = BUF_INIT, header = BUF_INIT;
	size_t i;

	buf_add(&md_orig, fx->md.data, fx->md.len);
	buf_add(&json_orig, fx->json.data, fx->json.len);
	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const struct filter_case *c = &filter_cases[i];
		struct plan_file plan;
		struct buf problems = BUF_INIT;
		enum plan_read_status status;

		buf_reset(&fx->md);
		buf_add(&fx->md, md_orig.data, md_orig.len);
		buf_reset(&fx->json);
		buf_add(&fx->json, json_orig.data, json_orig.len);
		if (c->filter) {
			make_filtered(fx, c->filter, c->line);
		} else {
			buf_reset(&header);
			buf_addf(&header, "- Created: 2026-12-04T12:00:00Z\n%s\n",
				 c->line);
			edit(&fx->md, "- Created: 2026-12-04T12:00:00Z\n",
			     header.data);
		}
		status = read_back(fx, &plan, &problems);
		if (status != PLAN_READ_INVALID || !strstr(problems.data, c->problem))
			fail_msg("%s: status %d, problems:\n%sExpected: %s",
				 c->name, status, problems.data, c->problem);
		plan_file_release(&plan);
		buf_release(&problems);
	}
	buf_release(&md_orig);
	buf_release(&json_orig);
	buf_release(&header);
}

static void plan_json_path(void **state)
{
	char *path;

	(void)state;
	path = plan_json_path_for("out/plan.md");
	assert_string_equal(path, "out/plan.json");
	free(path);
	assert_null(plan_json_path_for("out/plan.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(plan_reads_unticked, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_reads_ticks, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_reads_json_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_reads_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_rejects_lone_cr, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_rejects_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_without_owners_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_missing_json, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_reads_byte_order_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_reads_filter_line, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_rejects_filter_mismatch, setup, teardown),
		cmocka_unit_test(plan_json_path),
	};

	return cmocka_run_group_tests_name("plan_read", tests, NULL, NULL);
}
