#ifndef CREDAUDIT_OUTPUT_H
#define CREDAUDIT_OUTPUT_H

#include <stdio.h>

#include "buf.h"

/*
 * A set of output files written all or nothing. Each file is written under
 * a temporary name in the output folder; output_set_commit() flushes them
 * to disk and only then renames them into place, so a failed run leaves the
 * previous report intact and never a half-written one.
 */
#define OUTPUT_MAX_FILES 16

struct output_file {
	char *name;        /* final path */
	char *temp;        /* temporary path while writing */
	FILE *file;
};

struct output_set {
	char *dir;
	struct output_file files[OUTPUT_MAX_FILES];
	size_t count;
};

/* Create `dir` (and its parents) if needed. Returns 0 or -1 with `err`. */
int output_set_begin(struct output_set *set, const char *dir, struct buf *err);
/* Open a temporary file for `name` inside the folder; NULL with `err`. */
FILE *output_set_add(struct output_set *set, const char *name,
		     struct buf *err);
/* Flush, sync and rename every file. Returns 0 or -1 with `err`. */
int output_set_commit(struct output_set *set, struct buf *err);
/* Remove temporary files that were not committed and free the set. */
void output_set_abort(struct output_set *set);

#endif
