#include "plan_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <jansson.h>

#include "fileio.h"
#include "plan_filter.h"
#include "timestamp.h"

#define PLAN_SCHEMA_VERSION 1
/* Problems listed one by one before the rest are only counted. */
#define MAX_PROBLEMS 40

struct reader {
	struct plan_file *plan;
	struct buf *problems;
	size_t problem_count;
	struct plan_item **by_id;    /* items that have an id, sorted by it */
	size_t by_id_count;
	const char *md;              /* plan.md text */
	size_t md_len;
	size_t *line_starts;         /* offset of each line, 1-based index */
	size_t line_count;
	char *filter_text;           /* the Filter line that plan.json's
					"filter" gives, or NULL without one */
};

/* The header lines of plan.md, as read; NULL for a line that is missing. */
struct plan_header {
	char *plan_digest;
	char *snapshot_digest;
	char *valid_until;
	char *filter;                /* the Filter line after "Filter: " */
	int filter_line;
};

static void problem(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct reader *rd, const char *fmt, ...)
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
		problem(rd, "%s: %s: \"%s\" is missing", rd->plan->json_path,
			where, key);
	else if (value && (!json_is_null(value) || required))
		problem(rd, "%s: %s: \"%s\" is not a string",
			rd->plan->json_path, where, key);
	return NULL;
}

static int64_t json_id(struct reader *rd, json_t *object, const char *key,
		       const char *where)
{
	json_t *value = json_object_get(object, key);

	if (!json_is_integer(value)) {
		problem(rd, "%s: %s: \"%s\" is missing or not an integer",
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
		problem(rd, "%s: \"%s\" is not a UTC time: '%s'",
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
		problem(rd, "%s: %s: \"request\" is not an object or null",
			rd->plan->json_path, where);
		return;
	}
	item->method = json_text(rd, request, "method", where, 1);
	item->path = json_text(rd, request, "path", where, 1);
	if (item->method && strcmp(item->method, "DELETE") != 0)
		problem(rd, "%s: %s: request method '%s' is not DELETE, the only method credaudit sends",
			rd->plan->json_path, where, item->method);
	if (item->path && !valid_request_path(item->path))
		problem(rd, "%s: %s: request path '%s' is not a plain path under /api/v4/",
			rd->plan->json_path, where, item->path);
}

static void read_action(struct reader *rd, struct plan_item *item,
			json_t *action, size_t index)
{
	char where[48];
	json_t *cred, *owner, *approved;

	snprintf(where, sizeof(where), "actions[%zu]", index);
	if (!json_is_object(action)) {
		problem(rd, "%s: %s is not an object", rd->plan->json_path,
			where);
		return;
	}
	item->id = json_text(rd, action, "id", where, 1);
	if (item->id && !valid_action_id(item->id)) {
		problem(rd, "%s: %s: action id '%s' is not an id that credaudit makes",
			rd->plan->json_path, where, item->id);
		free(item->id);
		item->id = NULL;
	}
	item->type = json_text(rd, action, "type", where, 1);
	item->markdown = json_text(rd, action, "markdown", where, 0);

	approved = json_object_get(action, "approved");
	if (!json_is_boolean(approved))
		problem(rd, "%s: %s: \"approved\" is missing or not true or false",
			rd->plan->json_path, where);
	item->approved_json = json_is_true(approved);

	cred = json_object_get(action, "credential");
	if (!json_is_object(cred)) {
		problem(rd, "%s: %s: \"credential\" is missing or not an object",
			rd->plan->json_path, where);
	} else {
		item->kind = json_text(rd, cred, "kind", where, 1);
		item->cred_id = json_id(rd, cred, "id", where);
		item->cred_name = json_text(rd, cred, "name", where, 0);
		owner = json_object_get(cred, "owner");
		if (!json_is_object(owner)) {
			problem(rd, "%s: %s: \"credential.owner\" is missing or not an object",
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
			problem(rd, "%s: action id '%s' occurs more than once",
				plan->json_path, rd->by_id[i]->id);
	rd->by_id_count = n;
}

static struct plan_item *find_item(struct reader *rd, const char *id)
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
		problem(rd, "%s: \"filter\" is not an object",
			rd->plan->json_path);
		return;
	}
	severity = json_object_get(filter, "min_severity");
	if (severity && !json_is_null(severity) && !json_is_string(severity)) {
		problem(rd, "%s: \"filter.min_severity\" is not a string or null",
			rd->plan->json_path);
		valid = 0;
	}
	rules = json_object_get(filter, "rules");
	if (json_is_array(rules)) {
		ids = xcalloc(json_array_size(rules) + 1, sizeof(*ids));
		json_array_foreach(rules, i, rule) {
			if (!json_is_string(rule)) {
				problem(rd, "%s: \"filter.rules\"[%zu] is not a string",
					rd->plan->json_path, i);
				valid = 0;
				break;
			}
			ids[count++] = json_string_value(rule);
		}
	} else if (rules && !json_is_null(rules)) {
		problem(rd, "%s: \"filter.rules\" is not an array or null",
			rd->plan->json_path);
		valid = 0;
	}
	if (valid && !json_is_string(severity) && !count) {
		problem(rd, "%s: \"filter\" has neither \"min_severity\" nor \"rules\", but credaudit report writes \"filter\" only for a filtered plan",
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
		problem(rd, "%s:%d: not valid JSON: %s", plan->json_path,
			jerr.line, jerr.text);
		return;
	}
	if (!json_is_object(root)) {
		problem(rd, "%s: the top level is not a JSON object",
			plan->json_path);
		goto out;
	}
	version = json_object_get(root, "schema_version");
	if (!json_is_integer(version) ||
	    json_integer_value(version) != PLAN_SCHEMA_VERSION) {
		problem(rd, "%s: \"schema_version\" is not %d: the plan was made by another credaudit version; make it again with this one",
			plan->json_path, PLAN_SCHEMA_VERSION);
		goto out;
	}
	snapshot = json_object_get(root, "snapshot");
	if (!json_is_object(snapshot)) {
		problem(rd, "%s: \"snapshot\" is missing or not an object",
			plan->json_path);
	} else {
		plan->snapshot_path = json_text(rd, snapshot, "path",
						"snapshot", 0);
		plan->snapshot_digest = json_text(rd, snapshot, "digest",
						  "snapshot", 0);
		plan->owners_digest = json_text(rd, snapshot, "owners_digest",
						"snapshot", 0);
	}
	plan->created = json_time(rd, root, "created_at", &plan->created_text);
	plan->valid_until = json_time(rd, root, "valid_until",
				      &plan->valid_until_text);
	read_filter(rd, root);

	actions = json_object_get(root, "actions");
	if (!json_is_array(actions)) {
		problem(rd, "%s: \"actions\" is missing or not an array",
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
		problem(rd, "%s: %s", plan->json_path, err.data);
out:
	buf_release(&err);
	json_decref(root);
}

/* plan.md */

static void index_lines(struct reader *rd)
{
	size_t i, n = 1;

	for (i = 0; i < rd->md_len; i++)
		if (rd->md[i] == '\n')
			n++;
	rd->line_starts = xcalloc(n + 2, sizeof(*rd->line_starts));
	rd->line_count = n;
	rd->line_starts[1] = 0;
	n = 1;
	for (i = 0; i < rd->md_len; i++)
		if (rd->md[i] == '\n')
			rd->line_starts[++n] = i + 1;
}

/*
 * The text of line `line` from byte column `column` (both 1-based, as
 * cmark counts them) to the end of the line, without the line break.
 */
static char *line_text(struct reader *rd, int line, int column)
{
	size_t start, end;

	if (line < 1 || (size_t)line > rd->line_count || column < 1)
		return xstrdup("");
	start = rd->line_starts[line];
	end = start;
	while (end < rd->md_len && rd->md[end] != '\n')
		end++;
	if (end > start && rd->md[end - 1] == '\r')
		end--;
	start += (size_t)column - 1;
	if (start > end)
		start = end;
	return xstrndup(rd->md + start, end - start);
}

/* The first and last code spans in the paragraph `para`, or NULL. */
static void code_spans(cmark_node *para, cmark_node **first,
		       cmark_node **last)
{
	cmark_iter *iter = cmark_iter_new(para);
	cmark_event_type event;

	*first = *last = NULL;
	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);

		if (event != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_CODE)
			continue;
		if (!*first)
			*first = node;
		*last = node;
	}
	cmark_iter_free(iter);
}

static int is_task_item(cmark_node *item)
{
	const char *type = cmark_node_get_type_string(item);

	return type && !strcmp(type, "tasklist");
}

/* Check that a task item still reads as plan.json records it. */
static void check_item_text(struct reader *rd, struct plan_item *item,
			    cmark_node *para, cmark_node *last_code)
{
	int line = cmark_node_get_start_line(para);
	char *text;

	if (cmark_node_get_end_line(para) != line) {
		problem(rd, "%s:%d: the item of action '%s' spans several lines: keep it on one line as the plan was made",
			rd->plan->md_path, line, item->id);
		return;
	}
	if (item->method && item->path) {
		struct buf request = BUF_INIT;
		const char *literal = last_code ?
			cmark_node_get_literal(last_code) : NULL;

		buf_addf(&request, "%s %s", item->method, item->path);
		if (!literal || strcmp(literal, request.data) != 0)
			problem(rd, "%s:%d: the request of action '%s' was changed: plan.json has `%s`",
				rd->plan->md_path, line, item->id,
				request.data);
		buf_release(&request);
	}
	if (!item->markdown)
		return;
	text = line_text(rd, line, cmark_node_get_start_column(para));
	if (strcmp(text, item->markdown) != 0)
		problem(rd, "%s:%d: the text of action '%s' was changed: only the box may be ticked; restore the line from the plan as made",
			rd->plan->md_path, line, item->id);
	free(text);
}

static void read_task_item(struct reader *rd, cmark_node *node)
{
	cmark_node *para = cmark_node_first_child(node);
	cmark_node *first = NULL, *last = NULL;
	struct plan_item *item;
	const char *id;
	int line = cmark_node_get_start_line(node);

	if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH)
		code_spans(para, &first, &last);
	/* The id comes first, so a code span in the text cannot stand in. */
	if (!first || first != cmark_node_first_child(para)) {
		problem(rd, "%s:%d: this task item does not start with an action id (a code span such as `revoke-pat-12`): restore the line from the plan as made",
			rd->plan->md_path, line);
		return;
	}
	id = cmark_node_get_literal(first);
	item = find_item(rd, id ? id : "");
	if (!item) {
		problem(rd, "%s:%d: '%s' is not the id of an action in %s: restore the line from the plan as made",
			rd->plan->md_path, line, id ? id : "",
			rd->plan->json_path);
		return;
	}
	if (item->line) {
		problem(rd, "%s:%d: action '%s' is listed twice, also on line %d",
			rd->plan->md_path, line, item->id, item->line);
		return;
	}
	item->line = line;
	item->ticked = cmark_gfm_extensions_get_tasklist_item_checked(node);
	check_item_text(rd, item, para, last);
}

/*
 * A plain list item that starts with an action id once was a task item
 * whose box an edit damaged ("- []", "- [ x]"). Report it, rather than
 * treat the action as rejected.
 */
static void read_plain_item(struct reader *rd, cmark_node *node)
{
	cmark_node *para = cmark_node_first_child(node);
	cmark_node *first = NULL, *last = NULL;
	struct plan_item *item;
	const char *id;

	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return;
	code_spans(para, &first, &last);
	if (!first)
		return;
	id = cmark_node_get_literal(first);
	item = find_item(rd, id ? id : "");
	if (!item)
		return;
	if (!item->line)
		item->line = -cmark_node_get_start_line(node);
	problem(rd, "%s:%d: the box of action '%s' is damaged: start the line with \"- [ ] \" or \"- [x] \"",
		rd->plan->md_path, cmark_node_get_start_line(node), item->id);
}

#define FILTER_LABEL "Filter: "

/*
 * Take the Filter line as written: the rule ids are code spans, and a
 * comparison of the source text also catches a changed quote or space.
 */
static void read_filter_line(struct reader *rd, cmark_node *para,
			     struct plan_header *header)
{
	char *text;
	size_t label = strlen(FILTER_LABEL);

	header->filter_line = cmark_node_get_start_line(para);
	text = line_text(rd, header->filter_line,
			 cmark_node_get_start_column(para));
	if (!strncmp(text, FILTER_LABEL, label))
		memmove(text, text + label, strlen(text + label) + 1);
	header->filter = text;
}

/*
 * Record a header item "- LABEL `VALUE`" or "- LABEL VALUE": the literal
 * of VALUE, or for the Filter line its text as written, code spans
 * included. Only the first item with each label counts.
 */
static void read_header_item(struct reader *rd, cmark_node *node,
			     struct plan_header *header)
{
	cmark_node *para = cmark_node_first_child(node);
	cmark_node *text, *next;
	const char *literal;

	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return;
	text = cmark_node_first_child(para);
	if (!text || cmark_node_get_type(text) != CMARK_NODE_TEXT)
		return;
	literal = cmark_node_get_literal(text);
	next = cmark_node_next(text);
	if (!literal)
		return;
	if (!strcmp(literal, "Plan digest: ") && next &&
	    cmark_node_get_type(next) == CMARK_NODE_CODE &&
	    !header->plan_digest)
		header->plan_digest = xstrdup(cmark_node_get_literal(next));
	else if (!strcmp(literal, "Snapshot digest: ") &&
		 !header->snapshot_digest)
		header->snapshot_digest = xstrdup(next &&
			cmark_node_get_type(next) == CMARK_NODE_CODE ?
			cmark_node_get_literal(next) : "none");
	else if (!strncmp(literal, "Valid until: ", 13) &&
		 !header->valid_until)
		header->valid_until = xstrdup(literal + 13);
	else if (!strncmp(literal, FILTER_LABEL, strlen(FILTER_LABEL)) &&
		 !header->filter)
		read_filter_line(rd, para, header);
}

/*
 * Compare the Filter line of plan.md, or its absence, with the "filter"
 * of plan.json. The plan digest covers only plan.json, so an edited
 * Filter line would otherwise misstate what a partial plan covers to the
 * approver who reads or signs plan.md.
 */
static void check_filter(struct reader *rd, const struct plan_header *header)
{
	struct plan_file *plan = rd->plan;

	if (!header->filter && rd->filter_text)
		problem(rd, "%s: there is no Filter line, but %s has the filter '%s', so the plan is partial: restore the Filter line under \"Generated by\", or make the plan again with credaudit report",
			plan->md_path, plan->json_path, rd->filter_text);
	else if (header->filter && !rd->filter_text)
		problem(rd, "%s:%d: the Filter line says '%s', but %s has no filter, so the plan is not partial: remove the line, or make the plan again with credaudit report",
			plan->md_path, header->filter_line, header->filter,
			plan->json_path);
	else if (header->filter && strcmp(header->filter, rd->filter_text))
		problem(rd, "%s:%d: the Filter line was changed: it says '%s', but %s has the filter '%s'; restore the line, or make the plan again with credaudit report",
			plan->md_path, header->filter_line, header->filter,
			plan->json_path, rd->filter_text);
}

static void check_header(struct reader *rd, const struct plan_header *header)
{
	struct plan_file *plan = rd->plan;

	if (!header->plan_digest)
		problem(rd, "%s: there is no \"Plan digest\" line, so plan.json cannot be checked against it: make the plan again with credaudit report",
			plan->md_path);
	else if (plan->digest[0] &&
		 strcmp(header->plan_digest, plan->digest) != 0)
		problem(rd, "%s: the plan digest does not match %s (%s): plan.json was changed, or belongs to another plan",
			plan->md_path, plan->json_path, plan->digest);
	if (header->snapshot_digest &&
	    strcmp(header->snapshot_digest, plan->snapshot_digest ?
		   plan->snapshot_digest : "none") != 0)
		problem(rd, "%s: the snapshot digest was changed: plan.json has %s",
			plan->md_path, plan->snapshot_digest ?
			plan->snapshot_digest : "none");
	if (header->valid_until && plan->valid_until_text &&
	    strcmp(header->valid_until, plan->valid_until_text) != 0)
		problem(rd, "%s: \"Valid until\" was changed: plan.json has %s",
			plan->md_path, plan->valid_until_text);
	check_filter(rd, header);
}

static void read_markdown(struct reader *rd)
{
	cmark_parser *parser;
	cmark_node *document;
	cmark_iter *iter;
	cmark_event_type event;
	struct plan_header header = { 0 };
	size_t i;

	index_lines(rd);
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_parser_attach_syntax_extension(parser,
		cmark_find_syntax_extension("tasklist"));
	cmark_parser_feed(parser, rd->md, rd->md_len);
	document = cmark_parser_finish(parser);

	iter = cmark_iter_new(document);
	while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iter);

		if (event != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_ITEM)
			continue;
		if (is_task_item(node)) {
			read_task_item(rd, node);
		} else {
			read_plain_item(rd, node);
			read_header_item(rd, node, &header);
		}
	}
	cmark_iter_free(iter);
	cmark_node_free(document);
	cmark_parser_free(parser);

	check_header(rd, &header);
	for (i = 0; i < rd->plan->count; i++) {
		struct plan_item *item = &rd->plan->items[i];

		if (item->id && item->line == 0)
			problem(rd, "%s: action '%s' of %s is missing: restore its line from the plan as made",
				rd->plan->md_path, item->id,
				rd->plan->json_path);
	}
	free(header.plan_digest);
	free(header.snapshot_digest);
	free(header.valid_until);
	free(header.filter);
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
		read_markdown(&rd);
	if (rd.problem_count > MAX_PROBLEMS)
		buf_addf(problems, "%zu more problems are not listed\n",
			 rd.problem_count - MAX_PROBLEMS);
	status = rd.problem_count ? PLAN_READ_INVALID : PLAN_READ_OK;
	/* Signatures are made and checked over exactly these bytes. */
	plan->md_text = buf_detach(&md, &plan->md_len);
out:
	free(rd.by_id);
	free(rd.line_starts);
	free(rd.filter_text);
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
