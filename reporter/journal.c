#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "timestamp.h"

/* A journal this large is not one that apply wrote; 256 MiB is far above. */
#define JOURNAL_MAX (256u << 20)

static char *member_text(json_t *object, const char *key)
{
	json_t *value = json_object_get(object, key);

	return json_is_string(value) ? xstrdup(json_string_value(value)) : NULL;
}

/* Fill `entry` from one line; returns -1 when it is not a journal entry. */
static int read_entry(const char *line, size_t len,
		      struct journal_entry *entry)
{
	json_t *root, *cred, *request;
	struct timestamp ts;
	int ret = -1;

	memset(entry, 0, sizeof(*entry));
	root = json_loadb(line, len, 0, NULL);
	if (!json_is_object(root))
		goto out;
	entry->action = member_text(root, "action");
	entry->result = member_text(root, "result");
	entry->time_text = member_text(root, "time");
	entry->gitlab_url = member_text(root, "gitlab_url");
	entry->dry_run = json_is_true(json_object_get(root, "dry_run"));
	cred = json_object_get(root, "credential");
	if (json_is_object(cred)) {
		entry->kind = member_text(cred, "kind");
		entry->cred_id = json_integer_value(json_object_get(cred, "id"));
	}
	request = json_object_get(root, "request");
	if (json_is_object(request)) {
		entry->method = member_text(request, "method");
		entry->path = member_text(request, "path");
	}
	if (!entry->action || !entry->result || !entry->time_text)
		goto out;
	if (ts_parse(entry->time_text, &ts) == 0 && ts.state == TS_SET)
		entry->time = ts.sec;
	ts_release(&ts);
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static void entry_release(struct journal_entry *entry)
{
	free(entry->time_text);
	free(entry->action);
	free(entry->kind);
	free(entry->method);
	free(entry->path);
	free(entry->gitlab_url);
	free(entry->result);
	memset(entry, 0, sizeof(*entry));
}

int journal_read(const char *path, struct journal *journal, struct buf *err)
{
	struct buf text = BUF_INIT, read_err = BUF_INIT;
	size_t start = 0, cap = 0, i;
	long line = 0;
	int missing, ret = -1;

	memset(journal, 0, sizeof(*journal));
	if (file_read_all(path, JOURNAL_MAX, &text, &read_err, &missing) < 0) {
		if (missing) {
			ret = 0;
			goto out;
		}
		buf_addf(err, "journal: %s", read_err.data);
		goto out;
	}
	for (i = 0; i <= text.len; i++) {
		struct journal_entry entry;

		if (i < text.len && text.data[i] != '\n')
			continue;
		line++;
		if (i > start) {
			if (read_entry(text.data + start, i - start, &entry) < 0) {
				entry_release(&entry);
				if (journal->bad_lines < JOURNAL_BAD_LINES_SHOWN)
					journal->bad_line_numbers[journal->bad_lines] = line;
				journal->bad_lines++;
			} else {
				entry.line = line;
				if (journal->count == cap) {
					cap = cap ? cap * 2 : 64;
					journal->entries = xrealloc(
						journal->entries,
						cap * sizeof(*journal->entries));
				}
				journal->entries[journal->count++] = entry;
			}
		}
		start = i + 1;
	}
	ret = 0;
out:
	buf_release(&text);
	buf_release(&read_err);
	return ret;
}

void journal_release(struct journal *journal)
{
	size_t i;

	for (i = 0; i < journal->count; i++)
		entry_release(&journal->entries[i]);
	free(journal->entries);
	memset(journal, 0, sizeof(*journal));
}

void journal_describe_bad_lines(const struct journal *journal,
				const char *path, struct buf *out)
{
	size_t shown = journal->bad_lines < JOURNAL_BAD_LINES_SHOWN ?
		       journal->bad_lines : JOURNAL_BAD_LINES_SHOWN;
	size_t i;

	if (!journal->bad_lines)
		return;
	buf_adds(out, journal->bad_lines == 1 ? "line " : "lines ");
	for (i = 0; i < shown; i++) {
		if (i > 0)
			buf_adds(out, i + 1 == journal->bad_lines ? " and " : ", ");
		buf_addf(out, "%ld", journal->bad_line_numbers[i]);
	}
	if (journal->bad_lines > shown)
		buf_addf(out, " and %zu more", journal->bad_lines - shown);
	buf_addf(out, " of journal '%s' %s not journal entries and %s ignored",
		 path, journal->bad_lines == 1 ? "is" : "are",
		 journal->bad_lines == 1 ? "is" : "are");
}

static int same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

const struct journal_entry *journal_find(const struct journal *journal,
					 const char *result,
					 const char *action,
					 const char *method, const char *path,
					 const char *gitlab_url)
{
	size_t i = journal->count;

	while (i-- > 0) {
		const struct journal_entry *entry = &journal->entries[i];

		if (!entry->dry_run && same(entry->result, result) &&
		    same(entry->action, action) &&
		    same(entry->method, method) && same(entry->path, path) &&
		    same(entry->gitlab_url, gitlab_url))
			return entry;
	}
	return NULL;
}

const struct journal_entry *journal_find_done_credential(
	const struct journal *journal, const char *kind, int64_t id)
{
	size_t i = journal->count;

	while (i-- > 0) {
		const struct journal_entry *entry = &journal->entries[i];

		if (!entry->dry_run && same(entry->result, JOURNAL_DONE) &&
		    same(entry->kind, kind) && entry->cred_id == id)
			return entry;
	}
	return NULL;
}

/* Append a newline when the file's last byte is not one. */
static int end_last_line(struct journal_writer *writer, struct buf *err)
{
	struct stat st;
	char last;
	ssize_t n;

	if (fstat(writer->fd, &st) < 0 || st.st_size == 0)
		return 0;
	do {
		n = pread(writer->fd, &last, 1, st.st_size - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		buf_addf(err, "cannot read journal '%s': %s", writer->path,
			 strerror(errno));
		return -1;
	}
	if (n == 1 && last == '\n')
		return 0;
	do {
		n = write(writer->fd, "\n", 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1 || fsync(writer->fd) < 0) {
		buf_addf(err, "cannot end the last line of journal '%s': %s",
			 writer->path, n == 0 ? "nothing written" : strerror(errno));
		return -1;
	}
	return 0;
}

int journal_open(struct journal_writer *writer, const char *path,
		 struct buf *err)
{
	writer->path = xstrdup(path);
	writer->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
			  0640);
	if (writer->fd < 0) {
		buf_addf(err, "cannot open journal '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	if (flock(writer->fd, LOCK_EX | LOCK_NB) < 0) {
		buf_addf(err, errno == EWOULDBLOCK ?
			 "journal '%s' is locked: another credaudit apply runs on this plan; wait for it to end" :
			 "cannot lock journal '%s': %s", path, strerror(errno));
		return -1;
	}
	return end_last_line(writer, err);
}

int journal_append(struct journal_writer *writer, const json_t *entry,
		   struct buf *err)
{
	char *text = json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t len, done = 0;
	int ret = -1;

	if (!text) {
		buf_adds(err, "cannot format a journal line: out of memory");
		return -1;
	}
	len = strlen(text);
	text[len] = '\n';
	/* One write() per line, so a line is never split by another run. */
	while (done < len + 1) {
		ssize_t n = write(writer->fd, text + done, len + 1 - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf_addf(err, "cannot write journal '%s': %s",
				 writer->path, strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(writer->fd) < 0) {
		buf_addf(err, "cannot sync journal '%s': %s", writer->path,
			 strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(text);
	return ret;
}

void journal_close(struct journal_writer *writer)
{
	if (writer->fd >= 0)
		close(writer->fd);
	writer->fd = -1;
	free(writer->path);
	writer->path = NULL;
}
