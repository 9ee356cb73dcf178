#ifndef CREDAUDIT_PLAN_READ_INTERNAL_H
#define CREDAUDIT_PLAN_READ_INTERNAL_H

/*
 * The state of one plan_file_read(), shared by plan_read.c, which reads
 * plan.json, and plan_read_md.c, which reads plan.md and checks it
 * against the actions of plan.json.
 */

#include <stddef.h>

#include "buf.h"
#include "plan_read.h"

struct reader {
	struct plan_file *plan;
	struct buf *problems;
	size_t problem_count;
	struct plan_item **by_id;    /* items that have an id, sorted by it */
	size_t by_id_count;
	const char *md;              /* plan.md text */
	size_t md_len;
	size_t *line_starts;         /* offset of each line, 1-based index */
	unsigned char *line_checked; /* 1 for each line that a check of a
					list item read, by the same index */
	size_t line_count;
	char *filter_text;           /* the Filter line that plan.json's
					"filter" gives, or NULL without one */
	char *generated_by;          /* "generated_by" of plan.json */
};

/*
 * Append one problem as a line to rd->problems. Past the first
 * MAX_PROBLEMS (plan_read.c) problems are only counted.
 */
void reader_problem(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The action of plan.json with the id `id`, or NULL. */
struct plan_item *reader_find_item(struct reader *rd, const char *id);

/* Read plan.md (rd->md) and check it against the actions of plan.json. */
void read_plan_markdown(struct reader *rd);

#endif
