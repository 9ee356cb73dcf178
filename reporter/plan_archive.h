#ifndef CREDAUDIT_PLAN_ARCHIVE_H
#define CREDAUDIT_PLAN_ARCHIVE_H

#include "buf.h"

/*
 * Keeping an approved plan when `credaudit report` writes a new plan into
 * its folder. A plan is kept when a box of plan.md is ticked, an action
 * of plan.json is approved, plan.md.asc exists, or plan.md cannot be read
 * as a plan, because then no one can tell whether it was approved.
 *
 * plan_archive_prepare() hard-links plan.md, plan.json and plan.md.asc
 * into OUT/plans/<created>-<digest>/ before the outputs are committed, so
 * the old plan is never lost: the commit then replaces plan.md and
 * plan.json. plan_archive_finish() removes the old plan.md.asc, whose
 * signature would be BAD for the new plan.md, and plan_archive_abort()
 * removes the links when the commit failed. The journal stays in OUT.
 */
struct plan_archive {
	char *out;          /* the report's output folder */
	char *dir;          /* OUT/plans/NAME, or NULL when nothing is kept */
	char *links[3];     /* the links made in `dir` */
	size_t count;
	int had_signature;  /* OUT/plan.md.asc was linked */
};

/* Returns 0, or -1 with a reason in `err` (nothing is then left behind). */
int plan_archive_prepare(struct plan_archive *archive, const char *out,
			 struct buf *err);
/* After a commit: remove OUT/plan.md.asc and print a note. */
void plan_archive_finish(struct plan_archive *archive);
/*
 * After a failed commit: remove what plan_archive_prepare() made, unless
 * the commit already replaced a file of the old plan.
 */
void plan_archive_abort(struct plan_archive *archive);
void plan_archive_release(struct plan_archive *archive);

#endif
