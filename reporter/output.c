#include "output.h"

#include "cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The process umask, read without changing it for longer than a call. */
static mode_t umask_value(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return mask;
}

static int make_dirs(const char *dir, struct buf *err)
{
	char *path = xstrdup(dir);
	char *p;
	int ret = 0;

	for (p = path + 1; ; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			buf_addf(err, "cannot create output folder '%s': %s; pass a writable folder with --out",
				 path, strerror(errno));
			ret = -1;
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	free(path);
	return ret;
}

int output_set_begin(struct output_set *set, const char *dir, struct buf *err)
{
	struct stat st;

	memset(set, 0, sizeof(*set));
	set->dir = xstrdup(dir);
	if (make_dirs(dir, err) < 0)
		return -1;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_addf(err, "output path '%s' is not a folder; pass a folder with --out",
			 dir);
		return -1;
	}
	if (access(dir, W_OK) < 0) {
		buf_addf(err, "output folder '%s' is not writable: %s; pass a writable folder with --out",
			 dir, strerror(errno));
		return -1;
	}
	return 0;
}

FILE *output_set_add(struct output_set *set, const char *name,
		     struct buf *err)
{
	struct output_file *out;
	struct buf path = BUF_INIT;
	int fd;

	if (set->count == OUTPUT_MAX_FILES) {
		buf_addf(err, "too many output files");
		return NULL;
	}
	out = &set->files[set->count];
	buf_addf(&path, "%s/.%s.XXXXXX", set->dir, name);
	fd = mkstemp(path.data);
	if (fd < 0) {
		buf_addf(err, "cannot create a file in output folder '%s': %s",
			 set->dir, strerror(errno));
		buf_release(&path);
		return NULL;
	}
	/* mkstemp creates 0600; reports are as readable as other files. */
	fchmod(fd, 0644 & ~umask_value());
	out->file = fdopen(fd, "w");
	if (!out->file) {
		buf_addf(err, "cannot open '%s': %s", path.data, strerror(errno));
		close(fd);
		unlink(path.data);
		buf_release(&path);
		return NULL;
	}
	cleanup_add(path.data, 0);
	out->temp = buf_detach(&path, NULL);
	buf_addf(&path, "%s/%s", set->dir, name);
	out->name = buf_detach(&path, NULL);
	set->count++;
	return out->file;
}

int output_set_commit(struct output_set *set, struct buf *err)
{
	size_t i;

	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];
		int failed = fflush(out->file) != 0 || ferror(out->file) ||
			     fsync(fileno(out->file)) != 0;
		int saved = errno;

		if (fclose(out->file) != 0 && !failed) {
			failed = 1;
			saved = errno;
		}
		out->file = NULL;
		if (failed) {
			buf_addf(err, "writing '%s' failed: %s; the previous report is left as it was",
				 out->name, strerror(saved ? saved : EIO));
			return -1;
		}
	}
	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];

		if (rename(out->temp, out->name) < 0) {
			buf_addf(err, "cannot rename '%s' to '%s': %s",
				 out->temp, out->name, strerror(errno));
			return -1;
		}
		cleanup_forget(out->temp);
		free(out->temp);
		out->temp = NULL;
	}
	return 0;
}

void output_set_abort(struct output_set *set)
{
	size_t i;

	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];

		if (out->file)
			fclose(out->file);
		if (out->temp) {
			unlink(out->temp);
			cleanup_forget(out->temp);
		}
		free(out->temp);
		free(out->name);
	}
	free(set->dir);
	memset(set, 0, sizeof(*set));
}
