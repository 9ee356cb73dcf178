#include "plan_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "journal.h"
#include "msg.h"
#include "plan_scan.h"
#include "timestamp.h"

enum { PLAN_MD, PLAN_JSON, PLAN_SIGNATURE };

static const char *const plan_files[PLAN_ARCHIVE_FILES] = {
	"plan.md", "plan.json", "plan.md.asc"
};

/* Folders tried for one plan: NAME, then NAME-2 up to NAME-100. */
#define NAME_SUFFIX_MAX 100
/* Bytes copied or compared at a time. */
#define COPY_CHUNK 65536

static int file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int is_regular(const char *path, struct stat *st)
{
	return lstat(path, st) == 0 && S_ISREG(st->st_mode);
}

/*
 * Note which files of the old plan are regular files in the output
 * folder. A symbolic link or anything else is neither read nor kept:
 * renaming the new plan over it leaves what it points to as it was.
 */
static void find_plan_files(struct plan_archive *archive)
{
	struct buf path = BUF_INIT;
	struct stat st;
	size_t i;

	for (i = 0; i < PLAN_ARCHIVE_FILES; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", archive->out, plan_files[i]);
		if (!is_regular(path.data, &st))
			continue;
		archive->files[i].present = 1;
		archive->files[i].dev = st.st_dev;
		archive->files[i].ino = st.st_ino;
	}
	buf_release(&path);
}

/*
 * Run `scan_file` over the file `name` of the output folder. Returns 0,
 * or -1 with errno when the file cannot be opened or read.
 */
static int scan_plan_file(const char *out, const char *name,
			  int (*scan_file)(FILE *, struct plan_scan *),
			  struct plan_scan *scan)
{
	struct buf path = BUF_INIT;
	FILE *file;
	int fd, ret, saved;

	buf_addf(&path, "%s/%s", out, name);
	/* With O_NONBLOCK, a FIFO put there meanwhile cannot block the open. */
	fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	buf_release(&path);
	if (fd < 0)
		return -1;
	file = fdopen(fd, "r");
	if (!file) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	ret = scan_file(file, scan);
	saved = errno;
	fclose(file);
	errno = saved;
	return ret;
}

/*
 * Append `time`, which ts_format() wrote as "2026-12-04T12:00:00Z", to
 * `name` in the ISO 8601 basic format "20261204T120000Z". Every character
 * but an ASCII letter or digit is dropped. Windows reserves ':' in file
 * names, so SMB/CIFS shares reject it unless the client remaps it.
 */
static void add_basic_time(struct buf *name, const char *time)
{
	for (; *time; time++)
		if ((*time >= '0' && *time <= '9') ||
		    (*time >= 'A' && *time <= 'Z') ||
		    (*time >= 'a' && *time <= 'z'))
			buf_addch(name, *time);
}

/*
 * Name the folder of a plan after its creation time and digest, or after
 * plan.md's modification time when plan.md does not show both:
 * "20261204T120000Z-0123456789ab" or "20261204T120000Z-no-digest". The
 * name contains only ASCII letters, digits and '-', since the digest is
 * lowercase hex. `legacy` receives the name with the time as
 * "2026-12-04T12:00:00Z", which earlier builds of credaudit gave the folder.
 */
static void name_folder(const struct plan_archive *archive,
			const struct plan_scan *scan, struct buf *name,
			struct buf *legacy)
{
	struct buf path = BUF_INIT;
	struct stat st;
	char when[TS_TEXT_MAX];
	const char *time = scan->created, *tail = scan->digest;

	if (!scan->created[0] || !scan->digest[0]) {
		buf_addf(&path, "%s/plan.md", archive->out);
		ts_format(lstat(path.data, &st) == 0 ? (int64_t)st.st_mtime : 0,
			  when);
		time = when;
		tail = "no-digest";
	}
	add_basic_time(name, time);
	buf_addf(name, "-%s", tail);
	buf_addf(legacy, "%s-%s", time, tail);
	buf_release(&path);
}

/*
 * Decide whether the old plan must be kept, and why: set `evidence` and
 * `approved` of `archive`, and put the names of its folder in `name` and
 * `legacy` (see name_folder()). Returns 1 to keep it, 0 to let the new
 * plan replace it.
 */
static int plan_to_keep(struct plan_archive *archive, struct buf *name,
			struct buf *legacy)
{
	struct plan_scan scan;
	struct buf evidence = BUF_INIT;
	int md_errno = 0, json_errno = 0;

	memset(&scan, 0, sizeof(scan));
	if (scan_plan_file(archive->out, "plan.md", plan_scan_markdown,
			   &scan) < 0)
		md_errno = errno ? errno : EIO;
	if (archive->files[PLAN_JSON].present &&
	    scan_plan_file(archive->out, "plan.json", plan_scan_json,
			   &scan) < 0)
		json_errno = errno ? errno : EIO;

	archive->approved = 1;
	if (scan.ticked_line)
		buf_addf(&evidence, "line %ld of plan.md has a ticked box",
			 scan.ticked_line);
	else if (scan.json_approved)
		buf_addf(&evidence, "plan.json marks %zu %s as approved",
			 scan.json_approved,
			 scan.json_approved == 1 ? "action" : "actions");
	else if (archive->files[PLAN_SIGNATURE].present)
		buf_addf(&evidence, "plan.md.asc exists");

	if (!evidence.len) {
		archive->approved = 0;
		if (md_errno)
			buf_addf(&evidence, "plan.md cannot be read: %s",
				 strerror(md_errno));
		else if (scan.damaged_line)
			buf_addf(&evidence, "line %ld of plan.md has a box that is neither ticked nor empty",
				 scan.damaged_line);
		else if (json_errno)
			buf_addf(&evidence, "plan.json cannot be read: %s",
				 strerror(json_errno));
	}
	if (!evidence.len)
		return 0;
	name_folder(archive, &scan, name, legacy);
	archive->evidence = buf_detach(&evidence, NULL);
	return 1;
}

/* Return 1 when the files `a` and `b` have the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	char *chunk_a = xmalloc(COPY_CHUNK), *chunk_b = xmalloc(COPY_CHUNK);
	FILE *fa = fopen(a, "re"), *fb = fopen(b, "re");
	int same = fa && fb;

	while (same) {
		size_t na = fread(chunk_a, 1, COPY_CHUNK, fa);
		size_t nb = fread(chunk_b, 1, COPY_CHUNK, fb);

		same = na == nb && !memcmp(chunk_a, chunk_b, na);
		if (na < COPY_CHUNK)
			break;
	}
	/* A read error counts as a difference, so that a copy is made. */
	same = same && !ferror(fa) && !ferror(fb);
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	free(chunk_a);
	free(chunk_b);
	return same;
}

/*
 * Return 1 when the folder `dir` already contains each file of the old
 * plan as it is now, and no plan.md.asc when the old plan has none.
 */
static int contains_plan(const struct plan_archive *archive, const char *dir)
{
	struct buf from = BUF_INIT, kept = BUF_INIT;
	struct stat from_st, kept_st;
	size_t i;
	int same = 1;

	for (i = 0; i < PLAN_ARCHIVE_FILES && same; i++) {
		buf_reset(&from);
		buf_reset(&kept);
		buf_addf(&from, "%s/%s", archive->out, plan_files[i]);
		buf_addf(&kept, "%s/%s", dir, plan_files[i]);
		if (is_regular(kept.data, &kept_st) != archive->files[i].present) {
			same = 0;
		} else if (archive->files[i].present) {
			/* A hard link made by an earlier run is the same file. */
			if (kept_st.st_dev == archive->files[i].dev &&
			    kept_st.st_ino == archive->files[i].ino)
				continue;
			same = is_regular(from.data, &from_st) &&
			       from_st.st_size == kept_st.st_size &&
			       same_bytes(from.data, kept.data);
		}
	}
	buf_release(&from);
	buf_release(&kept);
	return same;
}

/* OUT/plans/NAME for suffix 1, else OUT/plans/NAME-SUFFIX. */
static void folder_path(const char *out, const char *name, int suffix,
			struct buf *path)
{
	buf_reset(path);
	buf_addf(path, "%s/" PLAN_ARCHIVE_DIR "/%s", out, name);
	if (suffix > 1)
		buf_addf(path, "-%d", suffix);
}

/*
 * Look through OUT/plans/NAME, NAME-2, ... for a folder that contains the
 * old plan already. Returns 1 and sets archive->dir when one does, else
 * returns 0 with the first suffix that names no folder in `free_suffix`.
 */
static int find_kept_copy(struct plan_archive *archive, const char *name,
			  int *free_suffix)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int suffix;

	for (suffix = 1; suffix <= NAME_SUFFIX_MAX; suffix++) {
		folder_path(archive->out, name, suffix, &path);
		if (lstat(path.data, &st) < 0)
			break;
		if (S_ISDIR(st.st_mode) && contains_plan(archive, path.data)) {
			archive->dir = buf_detach(&path, NULL);
			return 1;
		}
	}
	*free_suffix = suffix;
	buf_release(&path);
	return 0;
}

/*
 * Make a new folder PREFIX.PID.N and put its path in `path`. The path is
 * registered for removal on a signal before the folder exists, so that
 * an interrupt never leaves it behind. Returns 0, or -1 with errno.
 * After SIGKILL or a crash, the next report removes the folder
 * (remove_stale_outputs() in report.c).
 */
static int make_staging_dir(const char *prefix, struct buf *path)
{
	static unsigned counter;
	int attempt;

	for (attempt = 0; attempt < 100; attempt++) {
		buf_reset(path);
		buf_addf(path, "%s.%ld.%u", prefix, (long)getpid(), counter++);
		if (cleanup_add(path->data, CLEANUP_TREE) < 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (mkdir(path->data, 0777) == 0)
			return 0;
		cleanup_forget(path->data);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Write `len` bytes of `data` to `fd`. Returns 0, or -1 with errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy `from` to the new file `to` through a fixed buffer, and sync it. */
static int copy_file(const char *from, const char *to)
{
	char *chunk = xmalloc(COPY_CHUNK);
	int in, out = -1, ret = -1, saved;
	ssize_t n;

	in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		goto out;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (out < 0)
		goto out;
	while ((n = read(in, chunk, COPY_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(out, chunk, (size_t)n) < 0)
			goto out;
	}
	ret = fsync(out);
out:
	saved = errno;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && !ret) {
		saved = errno;
		ret = -1;
	}
	free(chunk);
	errno = saved;
	return ret;
}

/* link() failed because the file system cannot link the file there. */
static int link_unsupported(int err)
{
	return err == EXDEV || err == EPERM || err == EMLINK ||
	       err == EOPNOTSUPP;
}

/* Flush the entries of folder `path` to disk. Returns 0, or -1 with errno. */
static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret, saved;

	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

/*
 * Put each file of the old plan into the folder `dir`: a hard link,
 * which takes neither time nor space, or a copy where the file system
 * cannot link it there (a plans folder on another file system). Then
 * sync the folder. Returns 0, or -1 with a reason in `err`.
 */
static int fill_dir(const struct plan_archive *archive, const char *dir,
		    struct buf *err)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	size_t i;
	int ret = -1;

	for (i = 0; i < PLAN_ARCHIVE_FILES; i++) {
		if (!archive->files[i].present)
			continue;
		buf_reset(&from);
		buf_reset(&to);
		buf_addf(&from, "%s/%s", archive->out, plan_files[i]);
		buf_addf(&to, "%s/%s", dir, plan_files[i]);
		if (link(from.data, to.data) == 0)
			continue;
		if (!link_unsupported(errno) || copy_file(from.data, to.data) < 0) {
			buf_addf(err, "cannot keep '%s' as '%s': %s",
				 from.data, to.data, strerror(errno));
			goto out;
		}
	}
	if (sync_dir(dir) < 0) {
		buf_addf(err, "cannot write the folder '%s' to disk: %s", dir,
			 strerror(errno));
		goto out;
	}
	ret = 0;
out:
	buf_release(&from);
	buf_release(&to);
	return ret;
}

/* Remove the files of a plan from `dir`, and then `dir`. */
static void remove_kept(const char *dir)
{
	struct buf path = BUF_INIT;
	size_t i;

	for (i = 0; i < PLAN_ARCHIVE_FILES; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, plan_files[i]);
		unlink(path.data);
	}
	rmdir(dir);
	buf_release(&path);
}

/*
 * Keep the plan in a new folder of the existing OUT/plans: fill
 * OUT/plans/.NAME.PID.N and rename it to NAME, or to NAME-SUFFIX when
 * that is taken.
 */
static int keep_in_plans(struct plan_archive *archive, const char *name,
			 int suffix, struct buf *err)
{
	struct buf staging = BUF_INIT, target = BUF_INIT, prefix = BUF_INIT;
	int ret = -1;

	buf_addf(&prefix, "%s/" PLAN_ARCHIVE_DIR "/.%s", archive->out, name);
	if (make_staging_dir(prefix.data, &staging) < 0) {
		buf_addf(err, "cannot create a folder in '%s/plans' to keep the approved plan: %s",
			 archive->out, strerror(errno));
		goto out;
	}
	if (fill_dir(archive, staging.data, err) < 0)
		goto failed;
	for (;;) {
		folder_path(archive->out, name, suffix, &target);
		if (rename(staging.data, target.data) == 0)
			break;
		/* Another run took the name since find_kept_copy() looked. */
		if ((errno != EEXIST && errno != ENOTEMPTY && errno != ENOTDIR) ||
		    ++suffix > NAME_SUFFIX_MAX) {
			buf_addf(err, "cannot rename '%s' to '%s': %s",
				 staging.data, target.data, strerror(errno));
			goto failed;
		}
	}
	cleanup_forget(staging.data);
	archive->dir = buf_detach(&target, NULL);
	buf_reset(&prefix);
	buf_addf(&prefix, "%s/" PLAN_ARCHIVE_DIR, archive->out);
	if (sync_dir(prefix.data) < 0)
		buf_addf(err, "cannot write the folder '%s' to disk: %s",
			 prefix.data, strerror(errno));
	else
		ret = 0;
	goto out;
failed:
	remove_kept(staging.data);
	cleanup_forget(staging.data);
out:
	buf_release(&staging);
	buf_release(&target);
	buf_release(&prefix);
	return ret;
}

/*
 * Keep the plan in OUT/plans, which does not exist yet: fill
 * OUT/.plans.PID.N/NAME and rename OUT/.plans.PID.N to OUT/plans, so that
 * an interrupt does not leave an empty OUT/plans either.
 */
static int keep_in_new_plans(struct plan_archive *archive, const char *name,
			     struct buf *err)
{
	struct buf staging = BUF_INIT, inner = BUF_INIT, path = BUF_INIT;
	int ret = -1;

	buf_addf(&path, "%s/." PLAN_ARCHIVE_DIR, archive->out);
	if (make_staging_dir(path.data, &staging) < 0) {
		buf_addf(err, "cannot create a folder in '%s' to keep the approved plan: %s",
			 archive->out, strerror(errno));
		goto out;
	}
	buf_addf(&inner, "%s/%s", staging.data, name);
	if (mkdir(inner.data, 0777) < 0) {
		buf_addf(err, "cannot create '%s' to keep the approved plan: %s",
			 inner.data, strerror(errno));
		goto failed;
	}
	if (fill_dir(archive, inner.data, err) < 0)
		goto failed;
	buf_reset(&path);
	buf_addf(&path, "%s/" PLAN_ARCHIVE_DIR, archive->out);
	if (sync_dir(staging.data) < 0 || rename(staging.data, path.data) < 0) {
		buf_addf(err, "cannot rename '%s' to '%s': %s", staging.data,
			 path.data, strerror(errno));
		goto failed;
	}
	cleanup_forget(staging.data);
	archive->made_plans = 1;
	buf_addf(&path, "/%s", name);
	archive->dir = buf_detach(&path, NULL);
	if (sync_dir(archive->out) < 0)
		buf_addf(err, "cannot write the folder '%s' to disk: %s",
			 archive->out, strerror(errno));
	else
		ret = 0;
	goto out;
failed:
	remove_kept(inner.data);
	rmdir(staging.data);
	cleanup_forget(staging.data);
out:
	buf_release(&staging);
	buf_release(&inner);
	buf_release(&path);
	return ret;
}

/*
 * Keep the old plan in OUT/plans under `name`, or find it kept already
 * under `name` or `legacy`. A plan that an earlier build kept has the
 * legacy name, which contains ':'. Looking for that name too means that
 * a rerun does not keep the plan a second time.
 */
static int keep_plan(struct plan_archive *archive, const char *name,
		     const char *legacy, struct buf *err)
{
	struct buf plans = BUF_INIT;
	struct stat st;
	int suffix = 1, legacy_suffix, ret = -1;

	buf_addf(&plans, "%s/" PLAN_ARCHIVE_DIR, archive->out);
	if (stat(plans.data, &st) < 0) {
		if (errno == ENOENT)
			ret = keep_in_new_plans(archive, name, err);
		else
			buf_addf(err, "cannot keep the approved plan in '%s': %s",
				 plans.data, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		buf_addf(err, "cannot keep the approved plan in '%s': it is not a folder; move it away and run again",
			 plans.data);
	} else if (find_kept_copy(archive, name, &suffix) ||
		   find_kept_copy(archive, legacy, &legacy_suffix)) {
		archive->reused = 1;
		ret = 0;
	} else {
		ret = keep_in_plans(archive, name, suffix, err);
	}
	buf_release(&plans);
	return ret;
}

int plan_archive_prepare(struct plan_archive *archive, const char *out,
			 struct buf *err)
{
	struct buf name = BUF_INIT, legacy = BUF_INIT;
	int ret = 0;

	memset(archive, 0, sizeof(*archive));
	archive->out = xstrdup(out);
	find_plan_files(archive);
	if (archive->files[PLAN_MD].present &&
	    plan_to_keep(archive, &name, &legacy))
		ret = keep_plan(archive, name.data, legacy.data, err);
	/* A kept folder whose sync failed is removed: a failure leaves nothing. */
	if (ret < 0)
		plan_archive_abort(archive);
	buf_release(&name);
	buf_release(&legacy);
	return ret;
}

void plan_archive_finish(struct plan_archive *archive)
{
	struct buf path = BUF_INIT, journal = BUF_INIT;

	if (!archive->dir)
		return;
	buf_addf(&path, "%s/plan.md.asc", archive->out);
	if (archive->files[PLAN_SIGNATURE].present && unlink(path.data) < 0 &&
	    errno != ENOENT)
		warning("cannot remove '%s', the signature of the old plan: %s; delete it, because it does not match the new plan.md",
			path.data, strerror(errno));
	buf_reset(&path);
	buf_addf(&path, "%s/%s", archive->out, JOURNAL_NAME);
	if (file_exists(path.data))
		buf_addf(&journal, "; the journal stays in %s/, and apply skips the actions it records as done",
			 archive->out);
	note("%s that was in %s/ is %skept in %s/ (%s%s)%s",
	     archive->approved ? "the approved plan" : "the plan",
	     archive->out, archive->reused ? "already " : "", archive->dir,
	     archive->approved ? "" : "it may have been approved, since ",
	     archive->evidence, journal.data);
	buf_release(&path);
	buf_release(&journal);
}

/*
 * Return 1 when a file of the old plan in the output folder is no longer
 * the one that was kept: a commit that failed halfway replaced it.
 */
static int replaced_since(const struct plan_archive *archive)
{
	struct buf path = BUF_INIT;
	struct stat now;
	size_t i;
	int replaced = 0;

	for (i = 0; i < PLAN_ARCHIVE_FILES && !replaced; i++) {
		const struct plan_archive_file *file = &archive->files[i];

		if (!file->present)
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", archive->out, plan_files[i]);
		replaced = lstat(path.data, &now) < 0 ||
			   now.st_ino != file->ino || now.st_dev != file->dev;
	}
	buf_release(&path);
	return replaced;
}

void plan_archive_abort(struct plan_archive *archive)
{
	struct buf plans = BUF_INIT;

	if (!archive->dir || archive->reused)
		return;
	if (replaced_since(archive)) {
		warning("the old plan was partly replaced; it is kept in %s/",
			archive->dir);
		return;
	}
	remove_kept(archive->dir);
	if (archive->made_plans) {
		buf_addf(&plans, "%s/" PLAN_ARCHIVE_DIR, archive->out);
		rmdir(plans.data);
	}
	free(archive->dir);
	archive->dir = NULL;
	buf_release(&plans);
}

void plan_archive_release(struct plan_archive *archive)
{
	free(archive->dir);
	free(archive->evidence);
	free(archive->out);
	memset(archive, 0, sizeof(*archive));
}
