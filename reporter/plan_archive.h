#ifndef CREDAUDIT_PLAN_ARCHIVE_H
#define CREDAUDIT_PLAN_ARCHIVE_H

#include <sys/types.h>

#include "buf.h"

/* The folder of the output folder that keeps approved plans. */
#define PLAN_ARCHIVE_DIR "plans"

/*
 * Keeping an approved plan when `credaudit report` writes a new plan into
 * its folder. plan_scan.h reads the old plan as a stream, so memory does
 * not grow with its size. The plan is kept when a box of plan.md is
 * ticked, an action of plan.json is approved or plan.md.asc exists. It is
 * also kept when it may have been approved: a box of plan.md is damaged,
 * or plan.md or plan.json cannot be read. Otherwise it is replaced.
 *
 * plan_archive_prepare() puts plan.md, plan.json and plan.md.asc into
 * OUT/plans/<created>-<digest>/, or <modified>-no-digest/ when plan.md
 * lacks those lines, before the outputs are committed. So the old plan is
 * never lost: the commit then replaces plan.md and plan.json. The folder
 * name has the time in the ISO 8601 basic format and only the characters
 * [A-Za-z0-9-], as in 20261204T120000Z-0123456789ab, because Windows and
 * SMB/CIFS shares reject ':'. A folder that an earlier build named
 * 2026-12-04T12:00:00Z-0123456789ab is still found as the same plan.
 * The folder is filled under a temporary name, removed on a signal
 * (cleanup.h), and then renamed, so it appears whole or not at all. When
 * a folder for the same plan already contains the same files, nothing
 * new is made. plan_archive_finish() removes the old plan.md.asc, whose
 * signature would be BAD for the new plan.md, and plan_archive_abort()
 * removes the new folder when the commit failed. The journal stays in
 * OUT.
 */

/* plan.md, plan.json and plan.md.asc, in that order. */
#define PLAN_ARCHIVE_FILES 3

struct plan_archive_file {
	int present;    /* a regular file in OUT when the plan was prepared */
	dev_t dev;
	ino_t ino;
};

struct plan_archive {
	char *out;         /* the report's output folder */
	char *dir;         /* OUT/plans/NAME that keeps the plan, or NULL */
	char *evidence;    /* why the plan is kept, for the note */
	int approved;      /* 1 when approved, 0 when it may have been */
	int reused;        /* `dir` contained the same files already */
	int made_plans;    /* this run made OUT/plans */
	struct plan_archive_file files[PLAN_ARCHIVE_FILES];
};

/* Returns 0, or -1 with a reason in `err` (nothing is then left behind). */
int plan_archive_prepare(struct plan_archive *archive, const char *out,
			 struct buf *err);
/* After a commit: remove OUT/plan.md.asc and print a note. */
void plan_archive_finish(struct plan_archive *archive);
/*
 * After a failed commit: remove the folder that plan_archive_prepare()
 * made, unless the commit already replaced a file of the old plan.
 */
void plan_archive_abort(struct plan_archive *archive);
void plan_archive_release(struct plan_archive *archive);

#endif
