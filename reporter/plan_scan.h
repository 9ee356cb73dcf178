#ifndef CREDAUDIT_PLAN_SCAN_H
#define CREDAUDIT_PLAN_SCAN_H

#include <stddef.h>
#include <stdio.h>

#include "timestamp.h"

/*
 * A scan of an old plan for signs of approval, in memory that does not
 * depend on the size of the files. `report` runs it on the plan that its
 * new plan replaces (plan_archive.c). Unlike plan_read_md.c, which reads a
 * plan whole to check it, the scan reads each file once, PLAN_SCAN_CHUNK
 * bytes at a time.
 *
 * The scan errs towards finding approval, because a plan found approved
 * is kept and a plan found unapproved is lost when it is replaced:
 *  - A line of plan.md counts as ticked when, after any spaces, tabs and
 *    '>', a list marker ("-", "+", "*", or up to 9 digits and "." or ")")
 *    and a space or tab are followed by "[x]" or "[X]" and then a space,
 *    a tab or the end of the line. It also counts when the box is "[ ]"
 *    and "[x]" or "[X]" occurs anywhere else in the line, because
 *    cmark-gfm 0.29's tasklist extension, which plan_read_md.c uses, reads
 *    such an item as ticked. So every item that plan_read_md.c finds ticked
 *    is found here, and a few that it does not (in a block quote or an
 *    indented code block, or with nothing after the box).
 *  - A list item that starts with "[" but with no box of either kind
 *    ("- [ x]", "- []") has a damaged box: someone may have meant to
 *    tick it.
 *  - plan.json counts every member named "approved", after escapes such
 *    as \u0061 are decoded, whose value is true. Members at any depth
 *    count, although credaudit writes "approved" only in the actions.
 */

/* Bytes read at a time. The tests place text across this boundary. */
#define PLAN_SCAN_CHUNK 16384
/* Hex digits of the plan digest that name a kept plan's folder. */
#define PLAN_SCAN_DIGEST_HEX 12

struct plan_scan {
	/* "Created" of plan.md in the form ts_format() writes, or "". */
	char created[TS_TEXT_MAX];
	/* First hex digits of "Plan digest" of plan.md, or "". */
	char digest[PLAN_SCAN_DIGEST_HEX + 1];
	long ticked_line;      /* first line of plan.md with a ticked box, or 0 */
	long damaged_line;     /* first line with a damaged box, or 0 */
	size_t json_approved;  /* "approved": true members in plan.json */
};

/*
 * Scan plan.md, read from `file`, into the plan.md fields of `scan`.
 * Returns 0, or -1 with errno when reading fails.
 */
int plan_scan_markdown(FILE *file, struct plan_scan *scan);

/*
 * Count the "approved": true members of plan.json, read from `file`,
 * into `scan`. The JSON need not be valid: what is read is counted.
 * Returns 0, or -1 with errno when reading fails.
 */
int plan_scan_json(FILE *file, struct plan_scan *scan);

#endif
