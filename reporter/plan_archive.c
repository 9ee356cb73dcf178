#include "plan_archive.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "plan_cli.h"
#include "plan_read.h"
#include "timestamp.h"

static const char *const plan_files[] = { "plan.md", "plan.json",
					  "plan.md.asc" };

/* plan.md files larger than this are kept without being read. */
#define PLAN_ARCHIVE_READ_MAX (4 << 20)

static int file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/*
 * Decide whether the plan in `out` must be kept, and name its folder
 * after its creation time and digest (or plan.md's modification time when it
 * cannot be read). Returns 1 to keep it, 0 when it is not approved.
 */
static int plan_to_keep(const char *out, struct buf *name)
{
	struct buf md = BUF_INIT, sig = BUF_INIT, problems = BUF_INIT;
	struct plan_file plan;
	struct stat st;
	char when[TS_TEXT_MAX];
	int keep = 0;

	buf_addf(&md, "%s/plan.md", out);
	buf_addf(&sig, "%s/plan.md.asc", out);
	if (stat(md.data, &st) < 0)
		goto out;
	/*
	 * Reading a plan builds it in memory, which a plan of hundreds of
	 * thousands of actions must not cost on every scheduled run. A large
	 * plan is kept unread: hard links make that cheap.
	 */
	if (st.st_size > PLAN_ARCHIVE_READ_MAX) {
		keep = 1;
		ts_format((int64_t)st.st_mtime, when);
		buf_addf(name, "%s-large", when);
		goto out;
	}
	if (plan_file_read(&plan, md.data, &problems) == PLAN_READ_OK) {
		keep = plan_cli_count_approved(&plan, NULL) > 0 ||
		       file_exists(sig.data);
		/* Skip "sha256:"; 12 hex digits tell plans of one time apart. */
		buf_addf(name, "%s-%.12s", plan.created_text,
			 plan.digest + 7);
	} else {
		keep = 1;
		ts_format((int64_t)st.st_mtime, when);
		buf_addf(name, "%s-unreadable", when);
	}
	plan_file_release(&plan);
out:
	buf_release(&md);
	buf_release(&sig);
	buf_release(&problems);
	return keep;
}

int plan_archive_prepare(struct plan_archive *archive, const char *out,
			 struct buf *err)
{
	struct buf name = BUF_INIT, dir = BUF_INIT, from = BUF_INIT,
		   to = BUF_INIT;
	size_t i;
	int suffix, ret = -1;

	memset(archive, 0, sizeof(*archive));
	archive->out = xstrdup(out);
	if (!plan_to_keep(out, &name)) {
		ret = 0;
		goto out;
	}
	buf_addf(&dir, "%s/plans", out);
	if (mkdir(dir.data, 0777) < 0 && errno != EEXIST) {
		buf_addf(err, "cannot create '%s' to keep the approved plan: %s",
			 dir.data, strerror(errno));
		goto out;
	}
	buf_addf(&dir, "/%s", name.data);
	for (suffix = 2; mkdir(dir.data, 0777) < 0; suffix++) {
		if (errno != EEXIST || suffix > 100) {
			buf_addf(err, "cannot create '%s' to keep the approved plan: %s",
				 dir.data, strerror(errno));
			goto out;
		}
		buf_reset(&dir);
		buf_addf(&dir, "%s/plans/%s-%d", out, name.data, suffix);
	}
	archive->dir = buf_detach(&dir, NULL);

	for (i = 0; i < sizeof(plan_files) / sizeof(plan_files[0]); i++) {
		buf_reset(&from);
		buf_reset(&to);
		buf_addf(&from, "%s/%s", out, plan_files[i]);
		buf_addf(&to, "%s/%s", archive->dir, plan_files[i]);
		if (!file_exists(from.data))
			continue;
		if (link(from.data, to.data) < 0) {
			buf_addf(err, "cannot keep '%s' as '%s': %s", from.data,
				 to.data, strerror(errno));
			plan_archive_abort(archive);
			goto out;
		}
		archive->links[archive->count++] = buf_detach(&to, NULL);
		if (i == 2)
			archive->had_signature = 1;
	}
	ret = 0;
out:
	buf_release(&name);
	buf_release(&dir);
	buf_release(&from);
	buf_release(&to);
	return ret;
}

void plan_archive_finish(struct plan_archive *archive)
{
	struct buf sig = BUF_INIT;

	if (!archive->dir)
		return;
	buf_addf(&sig, "%s/plan.md.asc", archive->out);
	if (archive->had_signature && unlink(sig.data) < 0 && errno != ENOENT)
		warning("cannot remove '%s', the signature of the old plan: %s; delete it, because it does not match the new plan.md",
			sig.data, strerror(errno));
	note("the approved plan that was in %s/ is kept in %s/; the journal stays in %s/, and apply skips the actions it records as done",
	     archive->out, archive->dir, archive->out);
	buf_release(&sig);
}

/*
 * Return 1 when a file of the output folder is no longer the one linked
 * into the archive: a commit that failed halfway replaced it.
 */
static int replaced_since(const struct plan_archive *archive)
{
	struct buf path = BUF_INIT;
	struct stat kept, now;
	size_t i;
	int replaced = 0;

	for (i = 0; i < archive->count && !replaced; i++) {
		const char *base = strrchr(archive->links[i], '/') + 1;

		buf_reset(&path);
		buf_addf(&path, "%s/%s", archive->out, base);
		replaced = stat(archive->links[i], &kept) == 0 &&
			   (stat(path.data, &now) < 0 ||
			    now.st_ino != kept.st_ino ||
			    now.st_dev != kept.st_dev);
	}
	buf_release(&path);
	return replaced;
}

void plan_archive_abort(struct plan_archive *archive)
{
	struct buf plans = BUF_INIT;
	size_t i;

	if (archive->dir && replaced_since(archive)) {
		warning("the old plan was partly replaced; it is kept in %s/",
			archive->dir);
		return;
	}

	for (i = 0; i < archive->count; i++) {
		unlink(archive->links[i]);
		free(archive->links[i]);
		archive->links[i] = NULL;
	}
	archive->count = 0;
	if (archive->dir) {
		rmdir(archive->dir);
		/* rmdir() removes plans/ only when it is empty, as when this run made it. */
		buf_addf(&plans, "%s/plans", archive->out);
		rmdir(plans.data);
		free(archive->dir);
		archive->dir = NULL;
	}
	buf_release(&plans);
}

void plan_archive_release(struct plan_archive *archive)
{
	size_t i;

	for (i = 0; i < archive->count; i++)
		free(archive->links[i]);
	free(archive->dir);
	free(archive->out);
	memset(archive, 0, sizeof(*archive));
}
