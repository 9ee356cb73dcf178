#include "plan_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fileio.h"
#include "plan_filter.h"
#include "plan_read_internal.h"
#include "timestamp.h"

#define PLAN_SCHEMA_VERSION 1
/* Problems listed one by one before the rest are only counted. */
#define MAX_PROBLEMS 40

void reader_problem(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	rd->problem_count++;
	if (rd->problem_count > MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	buf_vaddf(rd->problems, fmt, ap);
	va_end(ap);
	buf_addch(rd->problems, '\n');
}
char *plan_json_path_for(const char *md_path)
{
	size_t len = strlen(md_path);
	struct buf path = BUF_INIT;

	if (len < 3 || strcmp(md_path + len - 3, ".md") != 0)
		return NULL;
	buf_add(&path, md_path, len - 3);
	buf_adds(&path, ".json");
	return buf_detach(&path, NULL);
}

int plan_item_approved(const struct plan_item *item)
{
	return item->ticked || item->approved_json;
}

/* plan.json */

/* A string member, or NULL when it is missing or null; a problem if the
   member has another type, or is missing while `required`. */
static char *json_text(struct reader *rd, json_t *object, const char *key,
		       const char *where, int required)
{
	json_t *value = json_object_get(object, key);

	if (json_is_string(value))
		return xstrndup(json_string_value(value),
				json_string_length(value));
	if (!value && required)
		reader_problem(rd, "%s: %s: \"%s\" is missing", rd->plan->json_path,
			where, key);
	else if (value && (!json_is_null(value) || required))
		reader_problem(rd, "%s: %s: \"%s\" is not a string",
			rd->plan->json_path, where, key);
	return NULL;
}

static int64_t json_id(struct reader *rd, json_t *object, const char *key,
		       const char *where)
{
	json_t *value = json_object_get(object, key);

	if (!json_is_integer(value)) {
		reader_problem(rd, "%s: %s: \"%s\" is missing or not an integer",
			rd->plan->json_path, where, key);
		return 0;
	}
	return (int64_t)json_integer_value(value);
}

static int64_t json_time(struct reader *rd, json_t *root, const char *key,
			 char **text)
{
	struct timestamp ts;
	int64_t sec = 0;

	*text = json_text(rd, root, key, "top level", 1);
	if (!*text)
		return 0;
	if (ts_parse(*text, &ts) < 0 || ts.state != TS_SET)
		reader_problem(rd, "%s: \"%s\" is not a UTC time: '%s'",
			rd->plan->json_path, key, *text);
	else
		sec = ts.sec;
	ts_release(&ts);
	return sec;
}

/* Action ids are made by plan.c from a prefix and a number. */
static int valid_action_id(const char *id)
{
	size_t i, len = strlen(id);

	if (len == 0 || len > 47)
		return 0;
	for (i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/*
 * A request path that apply may append to the GitLab URL as it is. Plan
 * paths are made of names and numeric ids, so a dot, which could form a
 * ".." segment, is never needed.
 */
static int valid_request_path(const char *path)
{
	const char *p;

	if (strncmp(path, "/api/v4/", 8) != 0 || strstr(path, "//"))
		return 0;
	for (p = path; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static void read_request(struct reader *rd, struct plan_item *item,
			 json_t *action, const char *where)
{
	json_t *request = json_object_get(action, "request");

	if (json_is_null(request) || !request) {
		item->manual = json_text(rd, action, "manual", where, 1);
		return;
	}
	if (!json_is_object(request)) {
		reader_problem(rd, "%s: %s: \"request\" is not an object or null",
			rd->plan->json_path, where);
		return;
	}
	item->method = json_text(rd, request, "method", where, 1);
	item->path = json_text(rd, request, "path", where, 1);
	if (item->method && strcmp(item->method, "DELETE") != 0)
		reader_problem(rd, "%s: %s: request method '%s' is not DELETE, the only method credaudit sends",
			rd->plan->json_path, where, item->method);
	if (item->path && !valid_request_path(item->path))
		reader_problem(rd, "%s: %s: request path '%s' is not a plain path under /api/v4/",
			rd->plan->json_path, where, item->path);
}

static void read_action(struct reader *rd, struct plan_item *item,
			json_t *action, size_t index)
{
	char where[48];
	json_t *cred, *owner, *approved;

	snprintf(where, sizeof(where), "actions[%zu]", index);
	if (!json_is_object(action)) {
		reader_problem(rd, "%s: %s is not an object", rd->plan->json_path,
			where);
		return;
	}
	item->id = json_text(rd, action, "id", where, 1);
	if (item->id && !valid_action_id(item->id)) {
		reader_problem(rd, "%s: %s: action id '%s' is not an id that credaudit makes",
			rd->plan->json_path, where, item->id);
		free(item->id);
		item->id = NULL;
	}
	item->type = json_text(rd, action, "type", where, 1);
	item->markdown = json_text(rd, action, "markdown", where, 0);

	approved = json_object_get(action, "approved");
	if (!json_is_boolean(approved))
		reader_problem(rd, "%s: %s: \"approved\" is missing or not true or false",
			rd->plan->json_path, where);
	item->approved_json = json_is_true(approved);

	cred = json_object_get(action, "credential");
	if (!json_is_object(cred)) {
		reader_problem(rd, "%s: %s: \"credential\" is missing or not an object",
			rd->plan->json_path, where);
	} else {
		item->kind = json_text(rd, cred, "kind", where, 1);
		item->cred_id = json_id(rd, cred, "id", where);
		item->cred_name = json_text(rd, cred, "name", where, 0);
		owner = json_object_get(cred, "owner");
		if (!json_is_object(owner)) {
			reader_problem(rd, "%s: %s: \"credential.owner\" is missing or not an object",
				rd->plan->json_path, where);
		} else {
			item->owner_id = json_id(rd, owner, "id", where);
			item->owner_username = json_text(rd, owner, "username",
							 where, 0);
		}
	}
	read_request(rd, item, action, where);
}

static int compare_item_ids(const void *a, const void *b)
{
	const struct plan_item *x = *(struct plan_item *const *)a;
	const struct plan_item *y = *(struct plan_item *const *)b;

	return strcmp(x->id, y->id);
}

/* Index the items by id and report ids that occur twice. */
static void index_items(struct reader *rd)
{
	struct plan_file *plan = rd->plan;
	size_t i, n = 0;

	rd->by_id = xcalloc(plan->count ? plan->count : 1,
			    sizeof(*rd->by_id));
	for (i = 0; i < plan->count; i++)
		if (plan->items[i].id)
			rd->by_id[n++] = &plan->items[i];
	qsort(rd->by_id, n, sizeof(*rd->by_id), compare_item_ids);
	for (i = 1; i < n; i++)
		if (!strcmp(rd->by_id[i]->id, rd->by_id[i - 1]->id))
			reader_problem(rd, "%s: action id '%s' occurs more than once",
				plan->json_path, rd->by_id[i]->id);
	rd->by_id_count = n;
}

struct plan_item *reader_find_item(struct reader *rd, const char *id)
{
	size_t lo = 0, hi = rd->by_id_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rd->by_id[mid]->id, id);

		if (c == 0)
			return rd->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Read the "filter" member of a filtered plan into the text that the
 * Filter line of its plan.md shows (plan_filter_describe_values()).
 */
static void read_filter(struct reader *rd, json_t *root)
{
	json_t *filter = json_object_get(root, "filter");
	json_t *severity, *rules, *rule;
	const char **ids = NULL;
	struct buf text = BUF_INIT;
	size_t i, count = 0;
	int valid = 1;

	if (!filter)
		return;
	if (!json_is_object(filter)) {
		reader_problem(rd, "%s: \"filter\" is not an object",
			rd->plan->json_path);
		return;
	}
	severity = json_object_get(filter, "min_severity");
	if (severity && !json_is_null(severity) && !json_is_string(severity)) {
		reader_problem(rd, "%s: \"filter.min_severity\" is not a string or null",
			rd->plan->json_path);
		valid = 0;
	}
	rules = json_object_get(filter, "rules");
	if (json_is_array(rules)) {
		ids = xcalloc(json_array_size(rules) + 1, sizeof(*ids));
		json_array_foreach(rules, i, rule) {
			if (!json_is_string(rule)) {
				reader_problem(rd, "%s: \"filter.rules\"[%zu] is not a string",
					rd->plan->json_path, i);
				valid = 0;
				break;
			}
			ids[count++] = json_string_value(rule);
		}
	} else if (rules && !json_is_null(rules)) {
		reader_problem(rd, "%s: \"filter.rules\" is not an array or null",
			rd->plan->json_path);
		valid = 0;
	}
	if (valid && !json_is_string(severity) && !count) {
		reader_problem(rd, "%s: \"filter\" has neither \"min_severity\" nor \"rules\", but credaudit report writes \"filter\" only for a filtered plan",
			rd->plan->json_path);
		valid = 0;
	}
	if (valid) {
		plan_filter_describe_values(json_string_value(severity),
					    count ? ids : NULL, count, "`",
					    &text);
		rd->filter_text = buf_detach(&text, NULL);
	}
	free(ids);
	buf_release(&text);
}

static void read_json(struct reader *rd, const struct buf *text)
{
	struct plan_file *plan = rd->plan;
	json_error_t jerr;
	json_t *root, *version, *snapshot, *actions, *action;
	struct buf err = BUF_INIT;
	const char *data = text->data;
	size_t i, len = text->len;

	if (len >= strlen(PLAN_UTF8_BOM) &&
	    !memcmp(data, PLAN_UTF8_BOM, strlen(PLAN_UTF8_BOM))) {
		data += strlen(PLAN_UTF8_BOM);
		len -= strlen(PLAN_UTF8_BOM);
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		reader_problem(rd, "%s:%d: not valid JSON: %s", plan->json_path,
			jerr.line, jerr.text);
		return;
	}
	if (!json_is_object(root)) {
		reader_problem(rd, "%s: the top level is not a JSON object",
			plan->json_path);
		goto out;
	}
	version = json_object_get(root, "schema_version");
	if (!json_is_integer(version) ||
	    json_integer_value(version) != PLAN_SCHEMA_VERSION) {
		reader_problem(rd, "%s: \"schema_version\" is not %d: the plan was made by another credaudit version; make it again with this one",
			plan->json_path, PLAN_SCHEMA_VERSION);
		goto out;
	}
	snapshot = json_object_get(root, "snapshot");
	if (!json_is_object(snapshot)) {
		reader_problem(rd, "%s: \"snapshot\" is missing or not an object",
			plan->json_path);
	} else {
		plan->snapshot_path = json_text(rd, snapshot, "path",
						"snapshot", 0);
		plan->snapshot_digest = json_text(rd, snapshot, "digest",
						  "snapshot", 0);
		plan->owners_digest = json_text(rd, snapshot, "owners_digest",
						"snapshot", 0);
	}
	rd->generated_by = json_text(rd, root, "generated_by", "top level", 1);
	plan->created = json_time(rd, root, "created_at", &plan->created_text);
	plan->valid_until = json_time(rd, root, "valid_until",
				      &plan->valid_until_text);
	read_filter(rd, root);

	actions = json_object_get(root, "actions");
	if (!json_is_array(actions)) {
		reader_problem(rd, "%s: \"actions\" is missing or not an array",
			plan->json_path);
		goto out;
	}
	plan->count = json_array_size(actions);
	plan->items = xcalloc(plan->count ? plan->count : 1,
			      sizeof(*plan->items));
	json_array_foreach(actions, i, action)
		read_action(rd, &plan->items[i], action, i);
	index_items(rd);

	if (plan_digest_compute(root, plan->digest, &err) < 0)
		reader_problem(rd, "%s: %s", plan->json_path, err.data);
out:
	buf_release(&err);
	json_decref(root);
}

enum plan_read_status plan_file_read(struct plan_file *plan,
				     const char *md_path,
				     struct buf *problems)
{
	struct reader rd = { 0 };
	struct buf md = BUF_INIT, json = BUF_INIT, err = BUF_INIT;
	enum plan_read_status status = PLAN_READ_CANNOT_OPEN;
	int missing;

	memset(plan, 0, sizeof(*plan));
	plan->md_path = xstrdup(md_path);
	plan->json_path = plan_json_path_for(md_path);
	if (!plan->json_path) {
		buf_addf(problems, "'%s' does not end in .md: pass the plan.md that credaudit report wrote\n",
			 md_path);
		goto out;
	}
	if (file_read_all(md_path, PLAN_FILE_MAX, &md, &err, &missing) < 0) {
		if (missing)
			buf_addf(problems, "'%s' does not exist: pass the plan.md that credaudit report wrote\n",
				 md_path);
		else
			buf_addf(problems, "%s\n", err.data);
		goto out;
	}
	if (file_read_all(plan->json_path, PLAN_FILE_MAX, &json, &err,
			  &missing) < 0) {
		if (missing)
			buf_addf(problems, "'%s' does not exist, but the actions of '%s' are read from it: put the plan.json that credaudit report wrote with this plan.md next to it, or make a new plan with credaudit report\n",
				 plan->json_path, md_path);
		else
			buf_addf(problems, "%s\n", err.data);
		goto out;
	}

	rd.plan = plan;
	rd.problems = problems;
	rd.md = md.data;
	rd.md_len = md.len;
	read_json(&rd, &json);
	/* Without the actions of plan.json, plan.md cannot be checked. */
	if (!rd.problem_count)
		read_plan_markdown(&rd);
	if (rd.problem_count > MAX_PROBLEMS)
		buf_addf(problems, "%zu more problems are not listed\n",
			 rd.problem_count - MAX_PROBLEMS);
	status = rd.problem_count ? PLAN_READ_INVALID : PLAN_READ_OK;
	/* Signatures are made and checked over exactly these bytes. */
	plan->md_text = buf_detach(&md, &plan->md_len);
out:
	free(rd.by_id);
	free(rd.line_starts);
	free(rd.line_checked);
	free(rd.filter_text);
	free(rd.generated_by);
	buf_release(&md);
	buf_release(&json);
	buf_release(&err);
	return status;
}

void plan_file_release(struct plan_file *plan)
{
	size_t i;

	for (i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];

		free(item->id);
		free(item->type);
		free(item->kind);
		free(item->cred_name);
		free(item->owner_username);
		free(item->method);
		free(item->path);
		free(item->manual);
		free(item->markdown);
	}
	free(plan->items);
	free(plan->md_path);
	free(plan->json_path);
	free(plan->md_text);
	free(plan->snapshot_digest);
	free(plan->owners_digest);
	free(plan->snapshot_path);
	free(plan->created_text);
	free(plan->valid_until_text);
	memset(plan, 0, sizeof(*plan));
}
