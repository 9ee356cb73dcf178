#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "msg.h"

/* Create `dir` and its parents; *made is set when `dir` itself was made. */
static int make_dirs(const char *dir, int *made, struct buf *err)
{
	char *path = xstrdup(dir);
	char *p;
	int ret = 0;

	*made = 0;
	for (p = path + 1; ; p++) {
		int last = *p == '\0';
		int created;

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		created = mkdir(path, 0777) == 0;
		if (!created && errno != EEXIST) {
			buf_addf(err, "cannot create output folder '%s': %s; pass a writable folder with --out",
				 path, strerror(errno));
			ret = -1;
			break;
		}
		if (last) {
			*made = created;
			break;
		}
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
	/*
	 * A folder made for this report goes again when a signal ends the
	 * run before the commit, as it does after a failure. It is
	 * registered before it exists, so no signal can leave it behind.
	 */
	if (stat(dir, &st) < 0 && errno == ENOENT &&
	    cleanup_add(dir, CLEANUP_EMPTY_DIR) < 0) {
		buf_addf(err, "cannot create output folder '%s': the run is ending", dir);
		return -1;
	}
	if (make_dirs(dir, &set->made_dir, err) < 0) {
		cleanup_forget(dir);
		return -1;
	}
	if (!set->made_dir)
		cleanup_forget(dir);
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

/*
 * Create a file (or, with `is_dir`, a folder) with a new name that starts
 * with `prefix`, and put the name in `path`. The name is registered for
 * removal on a signal before it exists, so a signal can never leave it
 * behind. Returns the open descriptor (0 for a folder), or -1 with errno.
 */
static int create_unique(const char *prefix, int is_dir, struct buf *path)
{
	static unsigned counter;
	int attempt;

	for (attempt = 0; attempt < 100; attempt++) {
		int fd;

		buf_reset(path);
		buf_addf(path, "%s.%ld.%u", prefix, (long)getpid(), counter++);
		if (cleanup_add(path->data, is_dir ? CLEANUP_TREE : CLEANUP_FILE) < 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (is_dir)
			fd = mkdir(path->data, 0777) < 0 ? -1 : 0;
		else
			fd = open(path->data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				  0666);
		if (fd >= 0)
			return fd;
		cleanup_forget(path->data);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

FILE *output_set_add(struct output_set *set, const char *name,
		     struct buf *err)
{
	struct output_file *out;
	struct buf path = BUF_INIT, prefix = BUF_INIT;
	int fd;

	if (set->count == OUTPUT_MAX_FILES) {
		buf_addf(err, "too many output files");
		return NULL;
	}
	out = &set->files[set->count];
	buf_addf(&prefix, "%s/.%s", set->dir, name);
	fd = create_unique(prefix.data, 0, &path);
	buf_release(&prefix);
	if (fd < 0) {
		buf_addf(err, "cannot create a file in output folder '%s': %s",
			 set->dir, strerror(errno));
		buf_release(&path);
		return NULL;
	}
	out->file = fdopen(fd, "w");
	if (!out->file) {
		buf_addf(err, "cannot open '%s': %s", path.data, strerror(errno));
		close(fd);
		unlink(path.data);
		cleanup_forget(path.data);
		buf_release(&path);
		return NULL;
	}
	out->temp = buf_detach(&path, NULL);
	buf_addf(&path, "%s/%s", set->dir, name);
	out->name = buf_detach(&path, NULL);
	set->count++;
	return out->file;
}

const char *output_set_add_dir(struct output_set *set, const char *name,
			       struct buf *err)
{
	struct output_file *out;
	struct buf path = BUF_INIT, prefix = BUF_INIT;

	if (set->dir_count == OUTPUT_MAX_DIRS) {
		buf_addf(err, "too many output folders");
		return NULL;
	}
	out = &set->dirs[set->dir_count];
	buf_addf(&prefix, "%s/.%s", set->dir, name);
	if (create_unique(prefix.data, 1, &path) < 0) {
		buf_addf(err, "cannot create a folder in output folder '%s': %s",
			 set->dir, strerror(errno));
		buf_release(&prefix);
		buf_release(&path);
		return NULL;
	}
	buf_release(&prefix);
	out->temp = buf_detach(&path, NULL);
	buf_addf(&path, "%s/%s", set->dir, name);
	out->name = buf_detach(&path, NULL);
	set->dir_count++;
	return out->temp;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		warning("cannot remove the old folder '%s': %s; delete it by hand",
			path, strerror(errno));
}

/*
 * Return the process id in `entry` when it is a temporary name of
 * create_unique(), ".NAME.PID.N" or ".NAME.PID.N.old", else 0. With
 * `name` NULL, NAME may be any non-empty name.
 */
static long temporary_pid(const char *entry, const char *name)
{
	const char *p = entry + strlen(entry);
	const char *counter, *pid_start;
	long pid;

	if (entry[0] != '.')
		return 0;
	if (p - entry > 4 && !strcmp(p - 4, ".old"))
		p -= 4;
	/* Back over ".N", then ".PID". */
	counter = p;
	while (counter > entry && counter[-1] >= '0' && counter[-1] <= '9')
		counter--;
	if (counter == p || counter[-1] != '.')
		return 0;
	pid_start = counter - 1;
	while (pid_start > entry && pid_start[-1] >= '0' && pid_start[-1] <= '9')
		pid_start--;
	if (pid_start == counter - 1 || pid_start[-1] != '.' || *pid_start == '0')
		return 0;
	if (name ? (size_t)(pid_start - 1 - (entry + 1)) != strlen(name) ||
		   strncmp(entry + 1, name, strlen(name))
		 : pid_start - 1 == entry + 1)
		return 0;
	pid = strtol(pid_start, NULL, 10);
	return pid > 0 ? pid : 0;
}

/* Remove from `dir` what temporary_pid() matches of a dead process. */
static size_t remove_stale_in(const char *dir_path, const char *const *names,
			      size_t count)
{
	DIR *dir = opendir(dir_path);
	struct dirent *entry;
	struct buf path = BUF_INIT;
	size_t removed = 0, i;

	if (!dir)
		return 0;
	while ((entry = readdir(dir))) {
		long pid = 0;

		for (i = 0; i < count && !pid; i++)
			pid = temporary_pid(entry->d_name, names ? names[i] : NULL);
		/* A live process, or one of another user, may still write it. */
		if (!pid || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir_path, entry->d_name);
		if (entry->d_type == DT_DIR)
			remove_tree(path.data);
		else
			unlink(path.data);
		/* remove_tree() warns when it fails; only count what went. */
		if (access(path.data, F_OK) == 0)
			continue;
		removed++;
	}
	closedir(dir);
	buf_release(&path);
	return removed;
}

size_t output_set_remove_stale(struct output_set *set,
			       const char *const *names, size_t count)
{
	return remove_stale_in(set->dir, names, count);
}

size_t output_remove_stale_any(const char *dir)
{
	return remove_stale_in(dir, NULL, 1);
}

/*
 * Put folder `out` in place of the folder of the same name. With
 * RENAME_EXCHANGE (Linux 3.15) the two swap in one step; elsewhere the
 * old folder moves aside first. The old one is then removed.
 */
static int commit_dir(struct output_set *set, struct output_file *out,
		      struct buf *err)
{
	struct buf aside = BUF_INIT;
	struct stat st;
	int ret = -1;

	if (lstat(out->name, &st) < 0 && errno == ENOENT) {
		if (rename(out->temp, out->name) < 0)
			goto failed;
		ret = 0;
		goto out;
	}
	if (!renameat2(AT_FDCWD, out->temp, AT_FDCWD, out->name,
		       RENAME_EXCHANGE)) {
		/* The temporary name now names the old folder. */
		remove_tree(out->temp);
		ret = 0;
		goto out;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		goto failed;
	buf_addf(&aside, "%s.old.XXXXXX", out->temp);
	if (!mkdtemp(aside.data) || rmdir(aside.data) < 0 ||
	    rename(out->name, aside.data) < 0)
		goto failed;
	if (rename(out->temp, out->name) < 0) {
		rename(aside.data, out->name);
		goto failed;
	}
	remove_tree(aside.data);
	ret = 0;
	goto out;
failed:
	buf_addf(err, "cannot rename '%s' to '%s': %s", out->temp, out->name,
		 strerror(errno));
out:
	buf_release(&aside);
	return ret;
}

/*
 * Put the previous versions of the first `count` files back after a
 * failed commit, so the folder keeps the old report, not a mix.
 */
static void restore_files(struct output_set *set, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		struct output_file *out = &set->files[i];

		if (!out->backup) {
			/* Without a backup the new file can only be removed. */
			if (!out->existed)
				unlink(out->name);
			continue;
		}
		rename(out->backup, out->name);
		cleanup_forget(out->backup);
		free(out->backup);
		out->backup = NULL;
	}
}

static void drop_backups(struct output_set *set)
{
	size_t i;

	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];

		if (!out->backup)
			continue;
		unlink(out->backup);
		cleanup_forget(out->backup);
		free(out->backup);
		out->backup = NULL;
	}
}

/*
 * Rename every temporary file over its final name. The previous version
 * of each is first hard-linked aside, and a failure part way puts them
 * all back. A final name that is a folder fails before anything moves.
 */
static int replace_files(struct output_set *set, struct buf *err)
{
	struct stat st;
	size_t i;

	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];

		if (lstat(out->name, &st) == 0 && S_ISDIR(st.st_mode)) {
			buf_addf(err, "cannot replace '%s': it is a folder; move it away and run again",
				 out->name);
			return -1;
		}
	}
	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];
		struct buf backup = BUF_INIT;

		/* The temporary name is unique, so the backup name is too. */
		buf_addf(&backup, "%s.old", out->temp);
		out->existed = lstat(out->name, &st) == 0;
		/* Registered first, so a signal cannot leave the link behind. */
		if (out->existed && cleanup_add(backup.data, CLEANUP_FILE) == 0) {
			if (link(out->name, backup.data) == 0)
				out->backup = buf_detach(&backup, NULL);
			else
				cleanup_forget(backup.data);
		}
		buf_release(&backup);
	}
	for (i = 0; i < set->count; i++) {
		struct output_file *out = &set->files[i];

		if (rename(out->temp, out->name) < 0) {
			buf_addf(err, "cannot rename '%s' to '%s': %s; the previous report is left as it was",
				 out->temp, out->name, strerror(errno));
			restore_files(set, i);
			return -1;
		}
		cleanup_forget(out->temp);
		free(out->temp);
		out->temp = NULL;
	}
	return 0;
}

int output_set_commit(struct output_set *set, struct buf *err)
{
	size_t i;

	/*
	 * A folder may hold thousands of files. One syncfs() writes them
	 * all, and whatever else the file system has waiting, instead of a
	 * journal commit for each file's fsync().
	 */
	if (set->dir_count) {
		int fd = open(set->dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0 || syncfs(fd) < 0) {
			buf_addf(err, "writing the files in '%s' to disk failed: %s; the previous report is left as it was",
				 set->dir, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
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
	/*
	 * From the first rename to the last, a signal would leave new and
	 * old files mixed. It waits instead, and the handler then runs with
	 * the new report complete and reports that.
	 */
	cleanup_block_signals(1);
	if (replace_files(set, err) < 0)
		goto failed;
	for (i = 0; i < set->dir_count; i++) {
		struct output_file *out = &set->dirs[i];

		if (commit_dir(set, out, err) < 0) {
			restore_files(set, set->count);
			goto failed;
		}
		cleanup_forget(out->temp);
		free(out->temp);
		out->temp = NULL;
	}
	drop_backups(set);
	cleanup_committed();
	cleanup_block_signals(0);
	if (set->made_dir)
		cleanup_forget(set->dir);
	set->made_dir = 0;
	return 0;
failed:
	cleanup_block_signals(0);
	return -1;
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
		free(out->backup);
		free(out->name);
	}
	for (i = 0; i < set->dir_count; i++) {
		struct output_file *out = &set->dirs[i];

		if (out->temp) {
			remove_tree(out->temp);
			cleanup_forget(out->temp);
		}
		free(out->temp);
		free(out->name);
	}
	/* A folder this run made for a report it did not write goes too. */
	if (set->made_dir) {
		rmdir(set->dir);
		cleanup_forget(set->dir);
	}
	free(set->dir);
	memset(set, 0, sizeof(*set));
}
