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

#include "buf.h"
#include "cleanup.h"
#include "html_template.h"
#include "commands.h"
#include "exit_code.h"
#include "msg.h"
#include "report.h"
#include "timestamp.h"

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
"                     credentials.csv, inventory/, plan.md and plan.json\n"
"                     (default: out)\n"
"  --now TIME         reference time in UTC, e.g. 2026-12-04T12:00:00Z\n"
"                     (default: the current time)\n"
"  --template DIR     folder with a restyled report.html template\n"
"  --plan-valid-days N  days the plan stays valid (default 7)\n"
"  --plan-severity LEVEL  put a credential into the plan only for findings\n"
"                     of at least LEVEL: high, medium, low or info\n"
"  --plan-rules RULE[,RULE...]  put a credential into the plan only for\n"
"                     findings of these rules, which must propose an action\n"
"                     (docs/policy.md). With both options a finding must\n"
"                     pass both. The reports keep every finding.\n"
"  --no-cache         inspect every GPG key with GnuPG; do not read or\n"
"                     write the cache in $XDG_CACHE_HOME/credaudit\n"
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
"the token, 11 some plan actions failed, 12 --gitlab-url is not GitLab\n"
"(docs/exit-codes.md).\n";

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

/* Print the message of a rejected --plan-severity or --plan-rules. */
static int filter_usage_error(struct buf *message)
{
	int code = usage_error("%s", message->data);

	buf_release(message);
	return code;
}

static int check_template(const char *dir);

static int parse_report_options(int argc, char **argv,
				struct report_options *opts)
{
	int now_set = 0, out_set = 0, days_set = 0;
	const char *severity_arg = NULL, *rules_arg = NULL;
	static const struct option long_options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'n' },
		{ "template", required_argument, NULL, 't' },
		{ "plan-valid-days", required_argument, NULL, 'p' },
		{ "plan-severity", required_argument, NULL, 's' },
		{ "plan-rules", required_argument, NULL, 'r' },
		{ "no-cache", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct timestamp now;
	struct buf err = BUF_INIT;
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
			if (opts->db)
				return usage_error("--db given twice ('%s' and '%s'): pass one snapshot",
						   opts->db, optarg);
			if (!*optarg)
				return usage_error("empty --db: pass the snapshot file");
			opts->db = optarg;
			break;
		case 'o':
			if (out_set)
				return usage_error("--out given twice ('%s' and '%s'): pass one folder",
						   opts->out, optarg);
			if (!*optarg)
				return usage_error("empty --out: pass the folder for the reports, or omit --out to use 'out'");
			opts->out = optarg;
			out_set = 1;
			break;
		case 't':
			if (!*optarg)
				return usage_error("empty --template: pass the folder with the restyled report.html, or omit --template");
			if (opts->template_dir)
				return usage_error("--template given twice ('%s' and '%s'): pass one folder",
						   opts->template_dir, optarg);
			opts->template_dir = optarg;
			break;
		case 'n':
			if (now_set)
				return usage_error("--now given twice: pass one time");
			if (ts_parse(optarg, &now) < 0 || now.state != TS_SET) {
				ts_release(&now);
				return usage_error("invalid --now '%s': use UTC ISO 8601 such as 2026-12-04T12:00:00Z, a date such as 2026-12-04, or seconds since the epoch (9 to 11 digits)",
						   optarg);
			}
			opts->now = now.sec;
			now_set = 1;
			break;
		case 'p':
			if (days_set++)
				return usage_error("--plan-valid-days given twice: pass one number");
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || days < 1 || days > 3650)
				return usage_error("invalid --plan-valid-days '%s': use a number of days from 1 to 3650",
						   optarg);
			opts->plan_valid_days = (int)days;
			break;
		case 's':
			if (severity_arg) {
				buf_addf(&err, "--plan-severity given twice ('%s' and '%s'): pass one of ",
					 severity_arg, optarg);
				plan_filter_list_severities(&err);
				return filter_usage_error(&err);
			}
			severity_arg = optarg;
			if (plan_filter_set_severity(&opts->plan_filter, optarg,
						     &err) < 0)
				return filter_usage_error(&err);
			break;
		case 'r':
			if (rules_arg) {
				buf_addf(&err, "--plan-rules given twice ('%s' and '%s'): list the rules in one --plan-rules, separated by commas, from ",
					 rules_arg, optarg);
				plan_filter_list_rules(&err);
				return filter_usage_error(&err);
			}
			rules_arg = optarg;
			if (plan_filter_set_rules(&opts->plan_filter, optarg,
						  &err) < 0)
				return filter_usage_error(&err);
			break;
		case 'c':
			if (opts->no_cache)
				return usage_error("--no-cache given twice: pass it once");
			opts->no_cache = 1;
			break;
		case 'q':
			if (msg_level == MSG_VERBOSE)
				return usage_error("-q and -v contradict each other: pass one of them");
			msg_level = MSG_QUIET;
			break;
		case 'v':
			if (msg_level == MSG_QUIET)
				return usage_error("-q and -v contradict each other: pass one of them");
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
	/*
	 * A listed rule below --plan-severity puts nothing into the plan.
	 * That is allowed, because a script may keep one list of rules for
	 * every stage, but it may also be a typing mistake.
	 */
	if (plan_filter_unreachable_rules(&opts->plan_filter, &err))
		warning("--plan-severity %s leaves out every finding of %s, listed in --plan-rules",
			severity_id(opts->plan_filter.min_severity), err.data);
	buf_release(&err);
	if (!now_set)
		opts->now = (int64_t)time(NULL);
	/* plan.json's valid_until must stay a four-digit year, as approve reads it. */
	if (opts->now > TS_LATEST - (int64_t)opts->plan_valid_days * 86400)
		return usage_error("--now and --plan-valid-days %d put the plan's end after 9999-12-31T23:59:59Z: pass an earlier --now or fewer days",
				   opts->plan_valid_days);
	if (opts->template_dir && check_template(opts->template_dir))
		return EXIT_USAGE;
	return EXIT_OK;
}

/*
 * Load a --template folder's report.html once before any work, so that a
 * template credaudit rejects is a usage error rather than a failed run.
 */
static int check_template(const char *dir)
{
	struct render_context ctx = { .template_dir = dir };
	xmlNodePtr found[PH_COUNT];
	struct buf err = BUF_INIT;
	htmlDocPtr doc = html_template_load(&ctx, found, &err);

	if (doc) {
		xmlFreeDoc(doc);
		return 0;
	}
	error("invalid --template '%s': %s", dir, err.data);
	buf_release(&err);
	return -1;
}

static int cmd_report(int argc, char **argv)
{
	struct report_options opts = { 0 };
	int code;

	opts.tool_version = CREDAUDIT_VERSION;
	if ((code = parse_report_options(argc, argv, &opts)))
		return code;
	return report_run(&opts);
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
