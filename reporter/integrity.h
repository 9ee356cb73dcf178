#ifndef CREDAUDIT_INTEGRITY_H
#define CREDAUDIT_INTEGRITY_H

#include <stddef.h>

#include "buf.h"

/*
 * SQLite's PRAGMA quick_check of a snapshot, run on a thread and a
 * read-only connection of its own, so that it overlaps with reading the
 * rows. A damaged b-tree page can make SQLite return fewer rows without
 * any error, and quick_check reads every page of what it checks.
 */
struct integrity_check;

enum integrity_result {
	INTEGRITY_RUNNING,        /* the check has not finished yet */
	INTEGRITY_OK,
	INTEGRITY_DAMAGED,        /* SQLite reported a problem */
	INTEGRITY_FAILED,         /* the check could not run */
};

struct integrity_outcome {
	enum integrity_result result;
	/* The table whose check found the problem, or NULL for the file. */
	const char *table;
	/*
	 * INTEGRITY_DAMAGED: SQLite's first message, without its
	 * "*** in database main ***" line. INTEGRITY_FAILED: SQLite's error
	 * message. Owned by the check.
	 */
	const char *message;
	int sqlite_code;          /* extended result code of a failure */
};

/*
 * Start checking the database that sqlite3_open_v2() opens from
 * `open_name` with `open_flags`, which must include SQLITE_OPEN_READONLY.
 * With `tables` NULL the whole file is checked, else only the
 * `table_count` tables named there, with their indexes. Returns NULL,
 * with the reason in `err`, when the thread cannot start.
 */
struct integrity_check *integrity_check_start(const char *open_name,
					      int open_flags,
					      const char *const *tables,
					      size_t table_count,
					      struct buf *err);

/*
 * Fill `out` with the result. With `wait`, block until the check has
 * finished; without, return INTEGRITY_RUNNING while it runs. `out`
 * stays valid until integrity_check_free().
 */
void integrity_check_result(struct integrity_check *check, int wait,
			    struct integrity_outcome *out);

/* Interrupt a check that still runs, wait for its thread, and free it.
 * Accepts NULL. */
void integrity_check_free(struct integrity_check *check);

#endif
