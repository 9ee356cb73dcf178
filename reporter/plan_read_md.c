/* Read plan.md back for plan_file_read() and check it against plan.json. */
#include "plan_read_internal.h"

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

/* The header lines of plan.md, as read; NULL for a line that is missing. */
struct plan_header {
	char *plan_digest;
	char *snapshot_digest;
	char *valid_until;
	char *filter;                /* the Filter line after "Filter: " */
	int filter_line;
};

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
		reader_problem(rd, "%s:%d: the item of action '%s' spans several lines: keep it on one line as the plan was made",
			rd->plan->md_path, line, item->id);
		return;
	}
	if (item->method && item->path) {
		struct buf request = BUF_INIT;
		const char *literal = last_code ?
			cmark_node_get_literal(last_code) : NULL;

		buf_addf(&request, "%s %s", item->method, item->path);
		if (!literal || strcmp(literal, request.data) != 0)
			reader_problem(rd, "%s:%d: the request of action '%s' was changed: plan.json has `%s`",
				rd->plan->md_path, line, item->id,
				request.data);
		buf_release(&request);
	}
	if (!item->markdown)
		return;
	text = line_text(rd, line, cmark_node_get_start_column(para));
	if (strcmp(text, item->markdown) != 0)
		reader_problem(rd, "%s:%d: the text of action '%s' was changed: only the box may be ticked; restore the line from the plan as made",
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
		reader_problem(rd, "%s:%d: this task item does not start with an action id (a code span such as `revoke-pat-12`): restore the line from the plan as made",
			rd->plan->md_path, line);
		return;
	}
	id = cmark_node_get_literal(first);
	item = reader_find_item(rd, id ? id : "");
	if (!item) {
		reader_problem(rd, "%s:%d: '%s' is not the id of an action in %s: restore the line from the plan as made",
			rd->plan->md_path, line, id ? id : "",
			rd->plan->json_path);
		return;
	}
	if (item->line) {
		reader_problem(rd, "%s:%d: action '%s' is listed twice, also on line %d",
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
	item = reader_find_item(rd, id ? id : "");
	if (!item)
		return;
	if (!item->line)
		item->line = -cmark_node_get_start_line(node);
	reader_problem(rd, "%s:%d: the box of action '%s' is damaged: start the line with \"- [ ] \" or \"- [x] \"",
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
		reader_problem(rd, "%s: there is no Filter line, but %s has the filter '%s', so the plan is partial: restore the Filter line under \"Generated by\", or make the plan again with credaudit report",
			plan->md_path, plan->json_path, rd->filter_text);
	else if (header->filter && !rd->filter_text)
		reader_problem(rd, "%s:%d: the Filter line says '%s', but %s has no filter, so the plan is not partial: remove the line, or make the plan again with credaudit report",
			plan->md_path, header->filter_line, header->filter,
			plan->json_path);
	else if (header->filter && strcmp(header->filter, rd->filter_text))
		reader_problem(rd, "%s:%d: the Filter line was changed: it says '%s', but %s has the filter '%s'; restore the line, or make the plan again with credaudit report",
			plan->md_path, header->filter_line, header->filter,
			plan->json_path, rd->filter_text);
}

static void check_header(struct reader *rd, const struct plan_header *header)
{
	struct plan_file *plan = rd->plan;

	if (!header->plan_digest)
		reader_problem(rd, "%s: there is no \"Plan digest\" line, so plan.json cannot be checked against it: make the plan again with credaudit report",
			plan->md_path);
	else if (plan->digest[0] &&
		 strcmp(header->plan_digest, plan->digest) != 0)
		reader_problem(rd, "%s: the plan digest does not match %s (%s): plan.json was changed, or belongs to another plan",
			plan->md_path, plan->json_path, plan->digest);
	if (header->snapshot_digest &&
	    strcmp(header->snapshot_digest, plan->snapshot_digest ?
		   plan->snapshot_digest : "none") != 0)
		reader_problem(rd, "%s: the snapshot digest was changed: plan.json has %s",
			plan->md_path, plan->snapshot_digest ?
			plan->snapshot_digest : "none");
	if (header->valid_until && plan->valid_until_text &&
	    strcmp(header->valid_until, plan->valid_until_text) != 0)
		reader_problem(rd, "%s: \"Valid until\" was changed: plan.json has %s",
			plan->md_path, plan->valid_until_text);
	check_filter(rd, header);
}

/*
 * Report a carriage return that is not followed by a line feed, as
 * editors of the classic Mac OS end lines. cmark-gfm ends a line there
 * too, but line_text() does not, so without this every action after it
 * would read as changed. Returns 1 when there is such a CR.
 */
static int check_lone_cr(struct reader *rd)
{
	size_t i, count = 0;
	int line = 1, first_line = 0;

	for (i = 0; i < rd->md_len; i++) {
		if (rd->md[i] == '\r' && i + 1 < rd->md_len &&
		    rd->md[i + 1] == '\n')
			i++;
		else if (rd->md[i] == '\r' && !count++)
			first_line = line;
		if (rd->md[i] == '\r' || rd->md[i] == '\n')
			line++;
	}
	if (!count)
		return 0;
	if (count == 1)
		reader_problem(rd, "%s:%d: this line ends with a lone CR (classic Mac OS line endings): save %s with LF or CRLF line endings, changing nothing else",
			       rd->plan->md_path, first_line, rd->plan->md_path);
	else
		reader_problem(rd, "%s:%d: this line and %zu more end with a lone CR (classic Mac OS line endings): save %s with LF or CRLF line endings, changing nothing else",
			       rd->plan->md_path, first_line, count - 1,
			       rd->plan->md_path);
	return 1;
}

void read_plan_markdown(struct reader *rd)
{
	cmark_parser *parser;
	cmark_node *document;
	cmark_iter *iter;
	cmark_event_type event;
	struct plan_header header = { 0 };
	size_t i;

	/* With lone CRs the line numbers of every later check are wrong. */
	if (check_lone_cr(rd))
		return;
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
			reader_problem(rd, "%s: action '%s' of %s is missing: restore its line from the plan as made",
				rd->plan->md_path, item->id,
				rd->plan->json_path);
	}
	free(header.plan_digest);
	free(header.snapshot_digest);
	free(header.valid_until);
	free(header.filter);
}
