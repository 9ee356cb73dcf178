#include "progress.h"

#include <stdio.h>
#include <sys/ioctl.h>
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
	struct winsize size;
	char line[256];

	if (!progress->enabled)
		return;
	snprintf(line, sizeof(line),
		 "credaudit: read %zu tokens, %zu SSH keys, %zu GPG keys; GnuPG inspected %zu GPG keys, the cache gave %zu; %zu pages",
		 counts->tokens, counts->keys, counts->gpg_keys,
		 counts->gpg_inspected, counts->gpg_cached, counts->pages);
	/*
	 * A line wider than the terminal wraps, and "\r" then returns only
	 * to the start of its last row, leaving one stale row per update.
	 */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 &&
	    (size_t)size.ws_col - 1 < sizeof(line))
		line[size.ws_col - 1] = '\0';
	/* "\r" returns to the start of the line and "\033[K" clears the rest. */
	fprintf(stderr, "\r%s\033[K", line);
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
