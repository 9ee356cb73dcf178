#ifndef CREDAUDIT_OUTPUT_H
#define CREDAUDIT_OUTPUT_H

#include <stdio.h>

#include "buf.h"

/*
 * A set of output files and folders written all or nothing. Each is
 * written under a temporary name in the output folder;
 * output_set_commit() flushes them to disk and only then renames them
 * into place, so a failed run leaves the previous report intact and
 * never a half-written one. A folder replaces the previous one with the
 * same name whole: its old files do not mix with the new ones.
 */
#define OUTPUT_MAX_FILES 16
#define OUTPUT_MAX_DIRS 4

struct output_file {
	char *name;        /* final path */
	char *temp;        /* temporary path while writing */
	char *backup;      /* previous version kept during the commit, or NULL */
	int existed;       /* a previous version was there at commit time */
	FILE *file;
};

struct output_set {
	char *dir;
	struct output_file files[OUTPUT_MAX_FILES];
	size_t count;
	struct output_file dirs[OUTPUT_MAX_DIRS];   /* `file` unused */
	size_t dir_count;
	int made_dir;         /* output_set_begin() made `dir`; until commit */
};

/* Create `dir` (and its parents) if needed. Returns 0 or -1 with `err`. */
int output_set_begin(struct output_set *set, const char *dir, struct buf *err);
/*
 * Remove the temporary files and folders that a run into the same folder
 * left when it was killed (SIGKILL, or a crash) before it could remove
 * them: ".NAME.PID.N" and ".NAME.PID.N.old" for each of the `count` names,
 * whose process PID no longer exists. Returns how many were removed.
 */
size_t output_set_remove_stale(struct output_set *set,
			       const char *const *names, size_t count);
/* The same in folder `dir` for any NAME, such as the plan archive's. */
size_t output_remove_stale_any(const char *dir);
/* Open a temporary file for `name` inside the folder; NULL with `err`. */
FILE *output_set_add(struct output_set *set, const char *name,
		     struct buf *err);
/*
 * Create a temporary folder for the folder `name` inside the output
 * folder and return its path, which the caller fills with files; NULL
 * with `err`. The path stays valid until the set is committed or
 * aborted.
 */
const char *output_set_add_dir(struct output_set *set, const char *name,
			       struct buf *err);
/* Flush, sync and rename every file and folder. Returns 0 or -1 with `err`. */
int output_set_commit(struct output_set *set, struct buf *err);
/* Remove temporary files that were not committed and free the set. */
void output_set_abort(struct output_set *set);

#endif
