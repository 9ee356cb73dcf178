/*
 * Unit tests for plan_archive.c: the names of the folders under OUT/plans
 * that keep an old plan, in a real temporary output folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "plan_archive.h"
#include "timestamp.h"

#define DIGEST_HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* A ticked plan with the header lines that name its folder. */
static const char digest_plan_md[] =
	"# Revocation plan\n\n"
	"- Plan digest: `sha256:" DIGEST_HEX "`\n"
	"- Created: 2026-12-04T12:00:00Z\n\n"
	"- [x] `revoke-pat-1` Revoke personal access token 1\n";
static const char plan_json[] = "{\"actions\": []}\n";
/* A ticked plan.md without those lines, whose folder is named after its mtime. */
static const char notes_md[] = "# Notes\n\n- [x] revoke the CI token\n";

struct fixture {
	char out[64];
	struct buf path;     /* scratch for paths under `out` */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->out, sizeof(fx->out), "/tmp/test_plan_archive.XXXXXX");
	assert_non_null(mkdtemp(fx->out));
	buf_init(&fx->path);
	*state = fx;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	nftw(fx->out, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	buf_release(&fx->path);
	free(fx);
	return 0;
}

/* Set fx->path to OUT/`name` and return it. */
static const char *out_path(struct fixture *fx, const char *name)
{
	buf_reset(&fx->path);
	buf_addf(&fx->path, "%s/%s", fx->out, name);
	return fx->path.data;
}

static void write_text(const char *path, const char *text)
{
	FILE *file = fopen(path, "wb");

	assert_non_null(file);
	assert_int_equal(fputs(text, file) >= 0, 1);
	assert_int_equal(fclose(file), 0);
}

/* Set the modification time of `path` to 2026-12-04T12:00:00Z. */
static void set_mtime(const char *path)
{
	struct timespec times[2];

	times[0].tv_sec = days_from_civil(2026, 12, 4) * 86400 + 12 * 3600;
	times[0].tv_nsec = 0;
	times[1] = times[0];
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* Fail when `name` has a character that SMB/CIFS shares or Windows reject. */
static void assert_portable(const char *name)
{
	const char *c;

	for (c = name; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= 'a' && *c <= 'z') || *c == '.' || *c == '_' ||
		      *c == '-'))
			fail_msg("folder name '%s' has '%c', which is not in [A-Za-z0-9._-]",
				 name, *c);
}

/*
 * Return the number of entries in OUT/plans, temporary ones included.
 * With `portable`, fail when a name is not portable.
 */
static size_t count_kept(struct fixture *fx, int portable)
{
	DIR *dir = opendir(out_path(fx, PLAN_ARCHIVE_DIR));
	struct dirent *entry;
	size_t count = 0;

	assert_non_null(dir);
	while ((entry = readdir(dir))) {
		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
			continue;
		if (portable)
			assert_portable(entry->d_name);
		count++;
	}
	closedir(dir);
	return count;
}

/*
 * Run plan_archive_prepare() on OUT and expect it to keep the plan in
 * OUT/plans/`name`. Returns 1 when that folder contained the plan already.
 */
static int prepare_expecting(struct fixture *fx, const char *name)
{
	struct plan_archive archive;
	struct buf err = BUF_INIT, expected = BUF_INIT;
	int reused;

	if (plan_archive_prepare(&archive, fx->out, &err) < 0)
		fail_msg("plan_archive_prepare() failed: %s", err.data);
	buf_addf(&expected, "%s/" PLAN_ARCHIVE_DIR "/%s", fx->out, name);
	assert_non_null(archive.dir);
	assert_string_equal(archive.dir, expected.data);
	reused = archive.reused;
	plan_archive_release(&archive);
	buf_release(&err);
	buf_release(&expected);
	return reused;
}

/*
 * Make OUT/plans/`name` with `md` as plan.md and plan_json as plan.json,
 * as an earlier run would have kept a plan.
 */
static void keep_copy(struct fixture *fx, const char *name, const char *md)
{
	struct buf dir = BUF_INIT, path = BUF_INIT;

	buf_addf(&dir, "%s/" PLAN_ARCHIVE_DIR, fx->out);
	mkdir(dir.data, 0777);    /* it may exist already */
	buf_addf(&dir, "/%s", name);
	assert_int_equal(mkdir(dir.data, 0777), 0);
	buf_addf(&path, "%s/plan.md", dir.data);
	write_text(path.data, md);
	buf_reset(&path);
	buf_addf(&path, "%s/plan.json", dir.data);
	write_text(path.data, plan_json);
	buf_release(&dir);
	buf_release(&path);
}

static void archive_names_digest_folder(void **state)
{
	struct fixture *fx = *state;

	write_text(out_path(fx, "plan.md"), digest_plan_md);
	write_text(out_path(fx, "plan.json"), plan_json);
	assert_int_equal(prepare_expecting(fx, "20261204T120000Z-0123456789ab"), 0);
	assert_int_equal(count_kept(fx, 1), 1);
}

static void archive_names_undigested_folder(void **state)
{
	struct fixture *fx = *state;

	write_text(out_path(fx, "plan.md"), notes_md);
	set_mtime(out_path(fx, "plan.md"));
	assert_int_equal(prepare_expecting(fx, "20261204T120000Z-no-digest"), 0);
	assert_int_equal(count_kept(fx, 1), 1);
}

/* Another plan in the folder of that name: the new folder gets "-2". */
static void archive_suffix_stays_portable(void **state)
{
	struct fixture *fx = *state;

	write_text(out_path(fx, "plan.md"), digest_plan_md);
	write_text(out_path(fx, "plan.json"), plan_json);
	keep_copy(fx, "20261204T120000Z-0123456789ab", notes_md);
	assert_int_equal(prepare_expecting(fx, "20261204T120000Z-0123456789ab-2"), 0);
	assert_int_equal(count_kept(fx, 1), 2);
}

/* Folders that earlier builds named with the time as ts_format() writes it. */
static const struct {
	const char *md;
	const char *legacy_name;
	int first_name_taken;    /* another plan has the name without "-2" */
} legacy_cases[] = {
	{ digest_plan_md, "2026-12-04T12:00:00Z-0123456789ab", 0 },
	{ notes_md, "2026-12-04T12:00:00Z-no-digest", 0 },
	{ digest_plan_md, "2026-12-04T12:00:00Z-0123456789ab-2", 1 },
};

/* A plan kept before under its old name is found, not kept again. */
static void archive_finds_legacy_folder(void **state)
{
	struct fixture *fx = *state;
	size_t i, count, expected;

	for (i = 0; i < sizeof(legacy_cases) / sizeof(legacy_cases[0]); i++) {
		const char *name = legacy_cases[i].legacy_name;

		nftw(out_path(fx, PLAN_ARCHIVE_DIR), remove_entry, 16,
		     FTW_DEPTH | FTW_PHYS);
		write_text(out_path(fx, "plan.md"), legacy_cases[i].md);
		set_mtime(out_path(fx, "plan.md"));
		write_text(out_path(fx, "plan.json"), plan_json);
		if (legacy_cases[i].first_name_taken)
			keep_copy(fx, "2026-12-04T12:00:00Z-0123456789ab", notes_md);
		keep_copy(fx, name, legacy_cases[i].md);

		if (!prepare_expecting(fx, name))
			fail_msg("'%s' is found but not marked as reused", name);
		/* Only the folders made above, and no new one. */
		count = count_kept(fx, 0);
		expected = legacy_cases[i].first_name_taken ? 2 : 1;
		if (count != expected)
			fail_msg("'%s': %zu folders in plans, expected %zu",
				 name, count, expected);
	}
}

/* A legacy folder with another plan: the plan is kept under the new name. */
static void archive_skips_different_legacy_folder(void **state)
{
	struct fixture *fx = *state;

	write_text(out_path(fx, "plan.md"), digest_plan_md);
	write_text(out_path(fx, "plan.json"), plan_json);
	keep_copy(fx, "2026-12-04T12:00:00Z-0123456789ab", notes_md);
	assert_int_equal(prepare_expecting(fx, "20261204T120000Z-0123456789ab"), 0);
	assert_int_equal(count_kept(fx, 0), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(archive_names_digest_folder,
						setup, teardown),
		cmocka_unit_test_setup_teardown(archive_names_undigested_folder,
						setup, teardown),
		cmocka_unit_test_setup_teardown(archive_suffix_stays_portable,
						setup, teardown),
		cmocka_unit_test_setup_teardown(archive_finds_legacy_folder,
						setup, teardown),
		cmocka_unit_test_setup_teardown(archive_skips_different_legacy_folder,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("plan_archive", tests, NULL, NULL);
}
