#ifndef CREDAUDIT_JOURNAL_H
#define CREDAUDIT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"

/*
 * The apply journal: journal.jsonl next to the plan, one JSON object per
 * line, appended by every run of `credaudit apply` and never rewritten.
 * docs/plan.md describes the fields. Each line is written with one
 * write() and synced before the run goes on. A last line without its
 * newline (a crash, a full disk, an edit) is skipped with a warning, and
 * journal_open() ends it, so that the next entry starts on a line of its
 * own.
 */

#define JOURNAL_NAME "journal.jsonl"

/* Results that a journal line records. */
#define JOURNAL_DONE "done"               /* GitLab carried out the request */
#define JOURNAL_SENDING "sending"         /* the request is about to be sent */
#define JOURNAL_WOULD_SEND "would_send"   /* dry run: checks passed */
#define JOURNAL_SKIPPED "skipped"         /* the credential changed */
#define JOURNAL_FAILED "failed"           /* GitLab refused, or unreachable */
#define JOURNAL_STOPPED "stopped"         /* 401/403 or interrupt: run ended */
#define JOURNAL_MANUAL "manual"           /* no API request: done by hand */

struct journal_entry {
	int64_t time;
	char *time_text;
	char *action;        /* action id */
	char *kind;          /* credential kind, or NULL */
	int64_t cred_id;
	char *method;        /* or NULL */
	char *path;          /* "/api/v4/...", or NULL */
	char *gitlab_url;    /* or NULL */
	char *result;
	int dry_run;
	long line;           /* in the file, for messages */
};

/* Line numbers of bad lines kept for the warning; the rest are counted. */
#define JOURNAL_BAD_LINES_SHOWN 5

struct journal {
	struct journal_entry *entries;   /* in file order */
	size_t count;
	size_t bad_lines;                /* lines that are not journal entries */
	long bad_line_numbers[JOURNAL_BAD_LINES_SHOWN];   /* the first ones */
};

/*
 * Read the journal at `path`. A missing file is an empty journal.
 * Returns 0, or -1 with a reason appended to `err` when the file cannot
 * be read. `journal` is always initialised and must be released.
 */
int journal_read(const char *path, struct journal *journal, struct buf *err);
void journal_release(struct journal *journal);

/*
 * Append one warning line about the journal's bad lines, which names the
 * first of them ("lines 3 and 7 of journal 'PATH' are not journal
 * entries and are ignored"), or nothing when there are none.
 */
void journal_describe_bad_lines(const struct journal *journal,
				const char *path, struct buf *out);

/*
 * The last entry (not a dry run) with `result` for the action `action`
 * sending `method` `path` to `gitlab_url`, or NULL.
 */
const struct journal_entry *journal_find(const struct journal *journal,
					 const char *result,
					 const char *action,
					 const char *method, const char *path,
					 const char *gitlab_url);

/* The last "done" entry (not a dry run) for credential `kind` `id`, or NULL. */
const struct journal_entry *journal_find_done_credential(
	const struct journal *journal, const char *kind, int64_t id);

struct journal_writer {
	int fd;
	char *path;
};

/*
 * Open `path` for appending (creating it with mode 0640) and take an
 * exclusive lock, so that two runs of apply cannot interleave. When the
 * file does not end with a newline, append one, so that the torn last
 * line stays a line of its own. Returns 0, or -1 with a reason appended
 * to `err`.
 */
int journal_open(struct journal_writer *writer, const char *path,
		 struct buf *err);
/* Append `entry` as one line and sync it. Returns 0 or -1 with `err`. */
int journal_append(struct journal_writer *writer, const json_t *entry,
		   struct buf *err);
void journal_close(struct journal_writer *writer);

#endif
