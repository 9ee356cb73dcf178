#ifndef CREDAUDIT_PROGRESS_H
#define CREDAUDIT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * One status line on stderr while a report runs, rewritten in place at
 * most four times a second: rows read per kind, GPG keys inspected and
 * inventory pages written. It shows only when stderr is a terminal and
 * -q is not given, and is erased at the end, so logs and pipes never see
 * it.
 */
struct progress {
	int enabled;
	int shown;              /* a line is on the screen */
	int64_t last_ms;        /* when the line was last written */
	size_t ticks;
};

/* The counts that the line shows. */
struct progress_counts {
	size_t tokens;
	size_t keys;            /* SSH keys and deploy keys */
	size_t gpg_keys;
	size_t gpg_inspected;   /* by GnuPG in this run */
	size_t gpg_cached;      /* taken from the cache */
	size_t pages;
};

void progress_init(struct progress *progress);
/* Whether the line is due now; cheap enough to call for every row. */
int progress_due(struct progress *progress);
void progress_show(struct progress *progress,
		   const struct progress_counts *counts);
/* Erase the line. */
void progress_end(struct progress *progress);

#endif
