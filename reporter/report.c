#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "exit_code.h"
#include "journal.h"
#include "keycache.h"
#include "model.h"
#include "msg.h"
#include "output.h"
#include "owner_digest.h"
#include "plan.h"
#include "plan_archive.h"
#include "policy.h"
#include "progress.h"
#include "render.h"
#include "sink_thread.h"
#include "snapshot.h"

/*
 * The sinks, in the order they see each credential. Two stages of a
 * pipeline (sink_thread.h) run them while the main thread reads the
 * snapshot and applies the policy: the first writes report.json,
 * credentials.csv and the plan, and the second, the HTML inventory,
 * takes each credential last.
 */
enum sink_id { SINK_JSON, SINK_CSV, SINK_PLAN, SINK_INVENTORY, SINK_COUNT };
enum stage_id { STAGE_FILES, STAGE_INVENTORY, STAGE_COUNT };

struct run {
	const struct report_options *opts;
	struct model model;
	struct policy policy;
	struct plan plan;
	struct render_context ctx;
	struct journal journal;
	struct output_set set;
	struct snapshot *snapshot;
	struct sink *sinks[SINK_COUNT];
	struct sink_thread *stages[STAGE_COUNT];
	size_t rows[KIND_COUNT];
	struct progress progress;
	struct owner_ids owners;        /* of the plan's actions */
	struct owner_ids address_owners; /* of its GPG key actions */
	char owners_digest[OWNER_DIGEST_MAX];
	int write_failed;       /* a sink failed on a write, not on its input */
};

static int exit_code_for(enum snapshot_status status)
{
	switch (status) {
	case SNAPSHOT_OK:
		return EXIT_OK;
	case SNAPSHOT_CANNOT_OPEN:
		return EXIT_CANNOT_OPEN;
	case SNAPSHOT_NOT_SNAPSHOT:
		return EXIT_NOT_SNAPSHOT;
	case SNAPSHOT_GNUPG_FAILED:
		return EXIT_GNUPG;
	default:
		return EXIT_INTERNAL;
	}
}

static void show_progress(struct run *run)
{
	struct progress_counts counts = { 0 };
	struct gpg_pool_stats stats;
	int k;

	snapshot_gpg_stats(run->snapshot, &stats);
	counts.tokens = run->rows[KIND_PERSONAL_TOKEN] +
			run->rows[KIND_PROJECT_TOKEN] + run->rows[KIND_GROUP_TOKEN];
	counts.keys = run->rows[KIND_SSH_KEY] + run->rows[KIND_DEPLOY_KEY];
	counts.gpg_keys = run->rows[KIND_GPG_KEY];
	counts.gpg_inspected = stats.inspected;
	counts.gpg_cached = stats.from_cache;
	/* The inventory stage may be a page behind the rows handed to it. */
	for (k = 0; k < KIND_COUNT; k++)
		counts.pages += run->rows[k] / INVENTORY_PAGE_ROWS;
	progress_show(&run->progress, &counts);
}

/*
 * Everything that happens to one credential: its findings, the plan's
 * decision, the counts of the overview, and every output that lists it.
 */
static int on_credential(void *arg, struct credential *cred, struct buf *err)
{
	struct run *run = arg;
	struct plan_decision decision;
	size_t page = inventory_page(run->rows[cred->kind]++);
	int ret;

	policy_check(&run->policy, cred, run->model.now);
	plan_decide(&run->plan, cred, &decision);
	plan_note_repeated_id(cred, &decision);
	if (decision.outcome == PLAN_ACTION) {
		owner_ids_add(&run->owners, cred->owner_id);
		if (cred->kind == KIND_GPG_KEY)
			owner_ids_add(&run->address_owners, cred->owner_id);
	}
	model_count(&run->model, cred,
		    decision.outcome == PLAN_ACTION ? decision.action.id : NULL,
		    decision.outcome == PLAN_NOT_POSSIBLE ? PLAN_MARK_NOT_POSSIBLE
		    : decision.left_out ? PLAN_MARK_LEFT_OUT : PLAN_MARK_NONE,
		    page);
	/* The pipeline takes the credential, and releases it. */
	ret = sink_thread_give(run->stages[STAGE_FILES], cred, &decision, err);
	plan_decision_release(&decision);
	if (ret < 0)
		run->write_failed = 1;
	if (progress_due(&run->progress))
		show_progress(run);
	return ret;
}

/* Open a file of the set, or report the error and return NULL. */
static FILE *add_file(struct run *run, const char *name)
{
	struct buf err = BUF_INIT;
	FILE *file = output_set_add(&run->set, name, &err);

	if (!file)
		error("%s", err.data);
	buf_release(&err);
	return file;
}

static int start_sinks(struct run *run)
{
	struct buf err = BUF_INIT;
	FILE *json, *csv, *plan_md, *plan_json;
	const char *inventory;

	if (!(json = add_file(run, "report.json")) ||
	    !(csv = add_file(run, "credentials.csv")) ||
	    !(plan_md = add_file(run, "plan.md")) ||
	    !(plan_json = add_file(run, "plan.json")))
		return EXIT_OUTPUT;
	inventory = output_set_add_dir(&run->set, INVENTORY_DIR, &err);
	if (!inventory) {
		error("%s", err.data);
		goto output_failed;
	}
	run->sinks[SINK_JSON] = render_json_sink(&run->ctx, json);
	run->sinks[SINK_CSV] = render_csv_sink(&run->ctx, csv);
	run->sinks[SINK_INVENTORY] = render_inventory_sink(&run->ctx, inventory,
							   &err);
	if (!run->sinks[SINK_INVENTORY]) {
		error("%s", err.data);
		buf_release(&err);
		return EXIT_INTERNAL;
	}
	run->sinks[SINK_PLAN] = render_plan_sink(&run->ctx, plan_md, plan_json,
						 run->opts->out, &err);
	if (!run->sinks[SINK_PLAN]) {
		error("%s", err.data);
		goto output_failed;
	}
	run->stages[STAGE_INVENTORY] =
		sink_thread_start(&run->sinks[SINK_INVENTORY], 1, NULL, &err);
	if (run->stages[STAGE_INVENTORY])
		run->stages[STAGE_FILES] =
			sink_thread_start(run->sinks, SINK_INVENTORY,
					  run->stages[STAGE_INVENTORY], &err);
	if (!run->stages[STAGE_FILES]) {
		error("%s", err.data);
		sink_thread_free(run->stages[STAGE_INVENTORY]);
		run->stages[STAGE_INVENTORY] = NULL;
		buf_release(&err);
		return EXIT_INTERNAL;
	}
	buf_release(&err);
	return EXIT_OK;
output_failed:
	buf_release(&err);
	return EXIT_OUTPUT;
}

/* Read the apply journal of the output folder into run->ctx.done. */
static void read_journal(struct run *run)
{
	struct buf path = BUF_INIT, err = BUF_INIT;

	buf_addf(&path, "%s/%s", run->opts->out, JOURNAL_NAME);
	if (journal_read(path.data, &run->journal, &err) < 0) {
		warning("%s; the reports do not mark what apply carried out",
			err.data);
		goto out;
	}
	if (run->journal.bad_lines) {
		journal_describe_bad_lines(&run->journal, path.data, &err);
		warning("%s: the reports mark only what the other lines record as done",
			err.data);
	}
	if (run->journal.count)
		run->ctx.done = done_index_build(&run->journal);
out:
	buf_release(&path);
	buf_release(&err);
}

static int finish(struct run *run)
{
	struct plan_archive archive = { 0 };
	struct buf err = BUF_INIT;
	const struct {
		const char *name;
		int (*render)(const struct render_context *, FILE *, struct buf *);
	} overview[] = {
		{ "report.html", render_html },
		{ "report.md", render_markdown },
	};
	size_t i;
	int code = EXIT_OK;

	for (i = 0; i < STAGE_COUNT; i++) {
		const struct sink *failed;

		if (sink_thread_finish(run->stages[i], &failed, &err) < 0) {
			error("writing %s in '%s' failed: %s; check the free space and permissions of the output folder",
			      failed ? failed->name : "the outputs",
			      run->opts->out, err.data);
			code = EXIT_OUTPUT;
			goto out;
		}
	}
	render_inventory_pages(run->sinks[SINK_INVENTORY], &run->ctx);
	for (i = 0; i < sizeof(overview) / sizeof(overview[0]); i++) {
		FILE *file = add_file(run, overview[i].name);

		if (!file) {
			code = EXIT_OUTPUT;
			goto out;
		}
		if (overview[i].render(&run->ctx, file, &err) < 0) {
			/* A stream error means the disk, not the renderer, failed. */
			int write_failed = ferror(file);

			error("writing %s in '%s' failed: %s%s", overview[i].name,
			      run->opts->out, err.data,
			      write_failed ? "; check the free space and permissions of the output folder" : "");
			code = write_failed ? EXIT_OUTPUT : EXIT_INTERNAL;
			goto out;
		}
	}
	/* Keep an approved plan before the commit replaces it. */
	if (plan_archive_prepare(&archive, run->opts->out, &err) < 0) {
		error("%s; nothing was written", err.data);
		code = EXIT_OUTPUT;
		goto out;
	}
	if (output_set_commit(&run->set, &err) < 0) {
		error("%s", err.data);
		plan_archive_abort(&archive);
		code = EXIT_OUTPUT;
		goto out;
	}
	plan_archive_finish(&archive);
out:
	plan_archive_release(&archive);
	buf_release(&err);
	return code;
}

static void closing_note(struct run *run)
{
	struct gpg_pool_stats stats;
	size_t total = 0;
	int k;

	snapshot_gpg_stats(run->snapshot, &stats);
	for (k = 0; k < KIND_COUNT; k++)
		total += run->rows[k];
	if (stats.rows)
		verbose("GPG keys: %zu inspected by GnuPG (%zu listed in batches, %zu alone, %zu batches redone), %zu from the cache",
			stats.inspected, stats.batches.listed_together,
			stats.batches.listed_alone, stats.batches.batches_redone,
			stats.from_cache);
	if (stats.cache_damaged)
		warning("%zu damaged entries of the GPG key cache were ignored",
			stats.cache_damaged);
	note("wrote %zu credentials, %zu findings and %zu plan actions to %s/",
	     total, run->model.summary.findings, run->plan.count,
	     run->opts->out);
	if (plan_filter_active(&run->plan.filter)) {
		struct buf filter = BUF_INIT;

		plan_filter_describe(&run->plan.filter, "", &filter);
		note("the plan is filtered to %s; it leaves out %zu action%s that other findings propose",
		     filter.data, run->plan.left_out_count,
		     run->plan.left_out_count == 1 ? "" : "s");
		buf_release(&filter);
	}
}

/*
 * The files that a report replaces in its output folder, and the plan's
 * signature, which goes with a kept plan into plans/.
 */
static const char *const replaced_files[] = {
	"report.json", "credentials.csv", "plan.md", "plan.json",
	"report.html", "report.md", "plan.md.asc",
};

/*
 * Return 1, with the reason in `reason`, when the snapshot is a file that
 * the report would replace: an output of the folder (also through a link)
 * or a file in its inventory folder, which is replaced whole.
 */
static int snapshot_is_output(const char *db, const char *out,
			      struct buf *reason)
{
	char *db_real = realpath(db, NULL), *out_real = realpath(out, NULL);
	struct stat db_st, st;
	struct buf path = BUF_INIT;
	size_t i, n;
	int found = 0;

	if (!db_real || !out_real || stat(db_real, &db_st) < 0)
		goto out;   /* no snapshot, or no folder yet: nothing to lose */
	for (i = 0; i < sizeof(replaced_files) / sizeof(replaced_files[0]) && !found; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", out_real, replaced_files[i]);
		if (stat(path.data, &st) == 0 && st.st_dev == db_st.st_dev &&
		    st.st_ino == db_st.st_ino) {
			buf_addf(reason, "it is the report's %s", replaced_files[i]);
			found = 1;
		}
	}
	n = strlen(out_real);
	if (!found && !strncmp(db_real, out_real, n) &&
	    !strncmp(db_real + n, "/" INVENTORY_DIR "/", sizeof(INVENTORY_DIR) + 1)) {
		buf_addf(reason, "it is in the folder %s/%s, which the report replaces",
			 out, INVENTORY_DIR);
		found = 1;
	}
out:
	buf_release(&path);
	free(db_real);
	free(out_real);
	return found;
}

/* Return 1 when `name` is an inventory page, KIND-NNNN.html. */
static int is_inventory_page(const char *name)
{
	int k;

	for (k = 0; k < KIND_COUNT; k++) {
		const char *id = kind_id((enum cred_kind)k);
		size_t len = strlen(id), digits = 0;
		const char *p;

		if (strncmp(name, id, len) || name[len] != '-')
			continue;
		for (p = name + len + 1; *p >= '0' && *p <= '9'; p++)
			digits++;
		if (digits >= 4 && !strcmp(p, ".html"))
			return 1;
	}
	return 0;
}

/*
 * Return 1, with the reason in `reason`, when OUT/inventory is something the
 * report must not replace: not a folder, or a folder with a file that no
 * report wrote (an Ansible inventory, an earlier report's own files).
 * The report replaces that folder whole.
 */
static int inventory_is_foreign(const char *out, struct buf *reason)
{
	struct buf path = BUF_INIT;
	struct dirent *entry;
	struct stat st;
	DIR *dir;
	int foreign = 0;

	buf_addf(&path, "%s/%s", out, INVENTORY_DIR);
	if (lstat(path.data, &st) < 0)
		goto out;
	if (!S_ISDIR(st.st_mode)) {
		buf_addf(reason, "'%s' is not a folder", path.data);
		foreign = 1;
		goto out;
	}
	dir = opendir(path.data);
	while (dir && (entry = readdir(dir))) {
		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..") ||
		    is_inventory_page(entry->d_name))
			continue;
		buf_addf(reason, "'%s' holds '%s', which credaudit did not write",
			 path.data, entry->d_name);
		foreign = 1;
		break;
	}
	if (dir)
		closedir(dir);
out:
	buf_release(&path);
	return foreign;
}

/* Remove what a killed run into the same folder left, with a warning. */
static void remove_stale_outputs(struct run *run)
{
	const char *names[sizeof(replaced_files) / sizeof(replaced_files[0]) + 2];
	struct buf plans = BUF_INIT;
	size_t i, removed;

	for (i = 0; i < sizeof(replaced_files) / sizeof(replaced_files[0]); i++)
		names[i] = replaced_files[i];
	names[i++] = INVENTORY_DIR;
	names[i++] = PLAN_ARCHIVE_DIR;    /* a new plans/ folder being filled */
	removed = output_set_remove_stale(&run->set, names, i);
	/* A kept plan's folder being filled inside plans/. */
	buf_addf(&plans, "%s/%s", run->opts->out, PLAN_ARCHIVE_DIR);
	removed += output_remove_stale_any(plans.data);
	buf_release(&plans);
	if (removed)
		warning("removed %zu temporary files and folders in '%s' that an earlier run left when it was killed",
			removed, run->opts->out);
}

/* Set the signal handler's message: old report kept, or new one complete. */
static void set_interrupt_messages(const char *out)
{
	struct buf before = BUF_INIT, after = BUF_INIT;

	buf_addf(&before, "credaudit: interrupted; no new report was written, and '%s' is as it was",
		 out);
	buf_addf(&after, "credaudit: interrupted after the report in '%s' was complete",
		 out);
	cleanup_set_messages(before.data, after.data);
	buf_release(&before);
	buf_release(&after);
}

int report_run(const struct report_options *opts)
{
	struct run run;
	struct snapshot_options snapshot_opts = { .inspect_gpg = 1 };
	struct buf err = BUF_INIT, cache_dir = BUF_INIT;
	enum snapshot_status status;
	size_t i;
	int code;

	if (snapshot_is_output(opts->db, opts->out, &err)) {
		error("snapshot '%s' would be overwritten by the report in '%s': %s; move the snapshot or choose another --out",
		      opts->db, opts->out, err.data);
		buf_release(&err);
		return EXIT_USAGE;
	}
	if (inventory_is_foreign(opts->out, &err)) {
		error("%s; the report replaces its %s folder whole: move what is there, or choose another --out",
		      err.data, INVENTORY_DIR);
		buf_release(&err);
		return EXIT_USAGE;
	}
	set_interrupt_messages(opts->out);
	memset(&run, 0, sizeof(run));
	run.opts = opts;
	model_init(&run.model);
	run.model.now = opts->now;
	policy_defaults(&run.policy);
	plan_init(&run.plan, opts->now, opts->plan_valid_days);
	run.plan.filter = opts->plan_filter;
	run.ctx.model = &run.model;
	run.ctx.policy = &run.policy;
	run.ctx.plan = &run.plan;
	run.ctx.template_dir = opts->template_dir;
	run.ctx.tool_version = opts->tool_version;
	progress_init(&run.progress);

	if (!opts->no_cache) {
		if (keycache_default_dir(&cache_dir) == 0)
			snapshot_opts.cache_dir = cache_dir.data;
		else
			verbose("neither XDG_CACHE_HOME nor HOME is an absolute path, so GPG key results are not cached");
	}
	status = snapshot_open(&run.snapshot, opts->db, &run.model,
			       &snapshot_opts, &err);
	if (status != SNAPSHOT_OK) {
		error("%s", err.data);
		code = exit_code_for(status);
		goto out;
	}
	/* The instance's own limits, from application_settings, if any. */
	policy_use_settings(&run.policy, &run.model.settings);
	/* The folder first: a --out that is a file must fail before its journal. */
	if (output_set_begin(&run.set, opts->out, &err) < 0) {
		error("%s", err.data);
		code = EXIT_OUTPUT;
		goto out;
	}
	remove_stale_outputs(&run);
	read_journal(&run);
	if ((code = start_sinks(&run)))
		goto out;

	buf_reset(&err);
	status = snapshot_stream(run.snapshot, on_credential, &run, &err);
	progress_end(&run.progress);
	if (status == SNAPSHOT_STOPPED) {
		error("writing the reports in '%s' failed: %s; check the free space and permissions of the output folder",
		      opts->out, err.data);
		code = EXIT_OUTPUT;
		goto out;
	}
	if (status != SNAPSHOT_OK) {
		error("%s", err.data);
		code = exit_code_for(status);
		goto out;
	}
	/* The integrity check ran beside the stream; nothing is committed yet. */
	buf_reset(&err);
	status = snapshot_verify(run.snapshot, &err);
	if (status != SNAPSHOT_OK) {
		error("%s", err.data);
		code = exit_code_for(status);
		goto out;
	}
	/*
	 * The snapshot is still open in its read transaction, so in a
	 * database without WAL these rows are those the stream saw.
	 * NOTE: in WAL mode a writer may commit in between, and the digest
	 * then describes the newer users rows.
	 */
	buf_reset(&err);
	if (owner_digest_compute(opts->db, &run.owners, &run.address_owners,
				 run.owners_digest,
				 &err) < 0) {
		error("%s", err.data);
		code = EXIT_CANNOT_OPEN;
		goto out;
	}
	run.ctx.owners_digest = run.owners_digest;
	code = finish(&run);
	if (code == EXIT_OK)
		closing_note(&run);
out:
	progress_end(&run.progress);
	sink_thread_free(run.stages[STAGE_FILES]);   /* and the later stages */
	for (i = 0; i < SINK_COUNT; i++)
		if (run.sinks[i])
			run.sinks[i]->free(run.sinks[i]);
	output_set_abort(&run.set);
	snapshot_close(run.snapshot);
	done_index_free((struct done_index *)run.ctx.done);
	render_context_free_pages(&run.ctx);
	journal_release(&run.journal);
	owner_ids_release(&run.owners);
	owner_ids_release(&run.address_owners);
	model_release(&run.model);
	buf_release(&cache_dir);
	buf_release(&err);
	return code;
}
