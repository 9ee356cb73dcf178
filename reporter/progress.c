#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

/* Rows between two looks at the clock, and time between two lines. */
#define TICKS_PER_CHECK 4096
#define INTERVAL_MS 250

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_init(struct progress *progress)
{
	progress->enabled = msg_level != MSG_QUIET && isatty(STDERR_FILENO);
	progress->shown = 0;
	progress->last_ms = now_ms();
	progress->ticks = 0;
}

int progress_due(struct progress *progress)
{
	int64_t now;

	if (!progress->enabled || ++progress->ticks % TICKS_PER_CHECK)
		return 0;
	now = now_ms();
	if (now - progress->last_ms < INTERVAL_MS)
		return 0;
	progress->last_ms = now;
	return 1;
}

void progress_show(struct progress *progress,
		   const struct progress_counts *counts)
{
	if (!progress->enabled)
		return;
	/* "\r" returns to the start of the line and "\033[K" clears the rest. */
	fprintf(stderr, "\rcredaudit: read %zu tokens, %zu SSH keys and %zu GPG keys; GnuPG has inspected %zu GPG keys and the cache gave %zu; %zu inventory pages\033[K",
		counts->tokens, counts->keys, counts->gpg_keys,
		counts->gpg_inspected, counts->gpg_cached, counts->pages);
	fflush(stderr);
	progress->shown = 1;
}

void progress_end(struct progress *progress)
{
	if (!progress->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress->shown = 0;
}
