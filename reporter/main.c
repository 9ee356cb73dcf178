/*
 * credaudit: audit reports and a revocation plan from a snapshot of a
 * GitLab instance's credentials. This file only reads the command line,
 * runs one subcommand and maps its result to an exit code (docs/exit-codes.md).
 */
#include <errno.h>
#include <gcrypt.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "commands.h"
#include "exit_code.h"
#include "gpgkey.h"
#include "journal.h"
#include "model.h"
#include "msg.h"
#include "output.h"
#include "plan.h"
#include "policy.h"
#include "render.h"
#include "snapshot.h"

#ifndef CREDAUDIT_VERSION
#define CREDAUDIT_VERSION "0.0.0"
#endif

#define DEFAULT_PLAN_VALID_DAYS 7

static const char usage_text[] =
"usage: credaudit report --db SNAPSHOT.db [--out DIR] [--now TIME] [options]\n"
"       credaudit approve PLAN.md [--sign KEY] [--gnupg-home DIR]\n"
"       credaudit apply PLAN.md --gitlab-url URL [--execute] [options]\n"
"       credaudit --help | --version\n"
"\n"
"Write audit reports and a revocation plan for every credential in a\n"
"GitLab credential snapshot (an SQLite file, see docs/export.md).\n"
"\n"
"report options:\n"
"  --db FILE          snapshot to read; opened read-only\n"
"  --out DIR          folder for report.html, report.md, report.json,\n"
"                     plan.md and plan.json (default: out)\n"
"  --now TIME         reference time in UTC, e.g. 2026-12-04T12:00:00Z\n"
"                     (default: the current time)\n"
"  --template DIR     folder with a restyled report.html template\n"
"  --plan-valid-days N  days the plan stays valid (default 7)\n"
"  -q, --quiet        print errors only\n"
"  -v, --verbose      print progress detail\n"
"\n"
"approve and apply: see 'credaudit approve --help', 'credaudit apply --help'\n"
"and docs/plan.md.\n"
"\n"
"Exit codes: 0 written, 1 internal error, 2 usage, 3 snapshot cannot be\n"
"opened, 4 not a credential snapshot, 5 output cannot be written,\n"
"6 GnuPG cannot be started, 7 plan cannot be used, 8 plan expired or for\n"
"another snapshot, 9 signature missing or not good, 10 GitLab rejected\n"
"the token, 11 some plan actions failed (docs/exit-codes.md).\n";

struct report_options {
	const char *db;
	const char *out;
	const char *template_dir;
	int64_t now;
	int now_set;
	int plan_valid_days;
};

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	struct buf message = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&message, fmt, ap);
	va_end(ap);
	error("%s", message.data);
	buf_release(&message);
	fputs("Run 'credaudit --help' for the options.\n", stderr);
	return EXIT_USAGE;
}

static int parse_report_options(int argc, char **argv,
				struct report_options *opts)
{
	static const struct option long_options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'n' },
		{ "template", required_argument, NULL, 't' },
		{ "plan-valid-days", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct timestamp now;
	char *end;
	long days;
	int c;

	opts->out = "out";
	opts->plan_valid_days = DEFAULT_PLAN_VALID_DAYS;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			opts->db = optarg;
			break;
		case 'o':
			opts->out = optarg;
			break;
		case 't':
			opts->template_dir = optarg;
			break;
		case 'n':
			if (ts_parse(optarg, &now) < 0 || now.state != TS_SET) {
				ts_release(&now);
				return usage_error("invalid --now '%s': use UTC ISO 8601 such as 2026-12-04T12:00:00Z",
						   optarg);
			}
			opts->now = now.sec;
			opts->now_set = 1;
			break;
		case 'p':
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || days < 1 || days > 3650)
				return usage_error("invalid --plan-valid-days '%s': use a number of days from 1 to 3650",
						   optarg);
			opts->plan_valid_days = (int)days;
			break;
		case 'q':
			msg_level = MSG_QUIET;
			break;
		case 'v':
			msg_level = MSG_VERBOSE;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_OK);
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!opts->db)
		return usage_error("%s: pass the snapshot with --db FILE", "missing --db");
	if (!opts->now_set)
		opts->now = (int64_t)time(NULL);
	return EXIT_OK;
}

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

/* The outputs of one report run, in the order they are written. */
static const struct {
	const char *name;
	int (*render)(const struct render_context *, FILE *, struct buf *);
} outputs[] = {
	{ "report.html", render_html },
	{ "report.md", render_markdown },
	{ "report.json", render_json },
	{ "plan.md", render_plan_markdown },
	{ "plan.json", render_plan_json },
};

#define OUTPUT_COUNT (sizeof(outputs) / sizeof(outputs[0]))

static int write_outputs(const struct report_options *opts,
			 const struct render_context *ctx)
{
	struct output_set set;
	struct buf err = BUF_INIT;
	size_t i;
	int code = EXIT_OK;

	if (output_set_begin(&set, opts->out, &err) < 0) {
		error("%s", err.data);
		code = EXIT_OUTPUT;
		goto out;
	}
	for (i = 0; i < OUTPUT_COUNT; i++) {
		FILE *file = output_set_add(&set, outputs[i].name, &err);

		if (!file) {
			error("%s", err.data);
			code = EXIT_OUTPUT;
			goto out;
		}
		if (outputs[i].render(ctx, file, &err) < 0) {
			/* A stream error means the disk, not the renderer, failed. */
			int write_failed = ferror(file);

			error("writing %s in '%s' failed: %s%s", outputs[i].name,
			      opts->out, err.data,
			      write_failed ? "; check the free space and permissions of the output folder" : "");
			code = write_failed ? EXIT_OUTPUT : EXIT_INTERNAL;
			goto out;
		}
		verbose("rendered %s", outputs[i].name);
	}
	if (output_set_commit(&set, &err) < 0) {
		error("%s", err.data);
		code = EXIT_OUTPUT;
	}
out:
	output_set_abort(&set);
	buf_release(&err);
	return code;
}

static int cmd_report(int argc, char **argv)
{
	struct report_options opts = { 0 };
	struct gpg_session *gpg = NULL;
	struct model model;
	struct policy policy;
	struct plan plan = { 0 };
	struct render_context ctx;
	struct journal journal = { 0 };
	struct buf err = BUF_INIT, journal_path = BUF_INIT;
	enum snapshot_status status;
	int code;

	model_init(&model);
	if ((code = parse_report_options(argc, argv, &opts)))
		goto out;

	if (gpg_session_begin(&gpg, &err) < 0) {
		error("cannot start GnuPG to read GPG keys: %s", err.data);
		code = EXIT_GNUPG;
		goto out;
	}

	model.now = opts.now;
	status = snapshot_load(opts.db, &model, gpg, &err);
	if (status != SNAPSHOT_OK) {
		error("%s", err.data);
		code = exit_code_for(status);
		goto out;
	}
	verbose("read %zu credentials from '%s'", model.cred_count, opts.db);

	policy_defaults(&policy);
	policy_apply(&policy, &model);
	model_summarize(&model);
	plan_build(&plan, &model, opts.plan_valid_days);

	ctx.model = &model;
	ctx.policy = &policy;
	ctx.plan = &plan;
	ctx.template_dir = opts.template_dir;
	ctx.tool_version = CREDAUDIT_VERSION;
	ctx.journal = NULL;

	/* What credaudit apply carried out from an earlier plan in --out. */
	buf_addf(&journal_path, "%s/%s", opts.out, JOURNAL_NAME);
	buf_reset(&err);
	if (journal_read(journal_path.data, &journal, &err) < 0)
		warning("%s; the reports do not mark what apply carried out",
			err.data);
	else if (journal.count)
		ctx.journal = &journal;

	code = write_outputs(&opts, &ctx);
	if (code == EXIT_OK)
		note("wrote %zu credentials, %zu findings and %zu plan actions to %s/",
		     model.cred_count, model.summary.findings, plan.count,
		     opts.out);
out:
	journal_release(&journal);
	buf_release(&journal_path);
	plan_release(&plan);
	model_release(&model);
	gpg_session_end(gpg);
	buf_release(&err);
	return code;
}

int main(int argc, char **argv)
{
	if (!gcry_check_version(GCRYPT_VERSION)) {
		error("libgcrypt is older than the version credaudit was built with (%s)",
		      GCRYPT_VERSION);
		return EXIT_INTERNAL;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	cleanup_install();
	/* A file size limit then makes write() fail with EFBIG, which the
	 * output code reports, instead of killing the process. */
	signal(SIGXFSZ, SIG_IGN);

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("credaudit %s\n", CREDAUDIT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "approve"))
		return cmd_approve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "apply"))
		return cmd_apply(argc - 1, argv + 1);
	return usage_error("unknown command '%s': the commands are report, approve and apply",
			   argv[1]);
}
