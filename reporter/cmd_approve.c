/*
 * credaudit approve PLAN.md [--sign KEY [--gnupg-home DIR]]: check an
 * approved plan, list what it approves and, with --sign, write a
 * detached OpenPGP signature over plan.md.
 */
#include "commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exit_code.h"
#include "msg.h"
#include "plan_cli.h"
#include "plan_read.h"
#include "signature.h"

static const char approve_usage[] =
"usage: credaudit approve PLAN.md [--sign KEY] [--gnupg-home DIR]\n"
"                         [--signature FILE] [-q|-v]\n"
"\n"
"Check a revocation plan whose boxes were ticked, list the approved\n"
"actions and, with --sign, sign plan.md for `credaudit apply\n"
"--require-signature`. plan.json must lie next to plan.md.\n"
"\n"
"  --sign KEY         sign with this secret key (fingerprint, key ID or\n"
"                     user ID) from the approver's GnuPG home\n"
"  --gnupg-home DIR   GnuPG home of the key (default: $GNUPGHOME, else\n"
"                     ~/.gnupg)\n"
"  --signature FILE   where to write the signature (default: PLAN.md.asc)\n"
"  -q, --quiet        print errors only\n"
"  -v, --verbose      print progress detail\n"
"\n"
"Exit codes: 0 checked (and signed), 2 usage or no single secret key\n"
"matches KEY, 5 the signature file cannot be written, 6 GnuPG cannot be\n"
"started or signing failed, 7 the plan cannot be used or nothing is\n"
"approved (--sign).\n";

struct approve_options {
	const char *plan;
	const char *key;
	const char *gnupg_home;
	const char *signature;
};

static int parse_approve_options(int argc, char **argv,
				 struct approve_options *opts)
{
	static const struct option long_options[] = {
		{ "sign", required_argument, NULL, 's' },
		{ "gnupg-home", required_argument, NULL, 'g' },
		{ "signature", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 's':
			opts->key = optarg;
			break;
		case 'g':
			opts->gnupg_home = optarg;
			break;
		case 'S':
			opts->signature = optarg;
			break;
		case 'q':
			msg_level = MSG_QUIET;
			break;
		case 'v':
			msg_level = MSG_VERBOSE;
			break;
		case 'h':
			fputs(approve_usage, stdout);
			exit(EXIT_OK);
		case ':':
			return plan_cli_usage_error("approve", "option '%s' needs a value",
						    argv[optind - 1]);
		default:
			return plan_cli_usage_error("approve", "unknown option '%s'",
						    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return plan_cli_usage_error("approve", "missing plan: pass the plan.md to approve");
	opts->plan = argv[optind++];
	if (optind < argc)
		return plan_cli_usage_error("approve", "unexpected argument '%s'",
					    argv[optind]);
	if (opts->gnupg_home && !opts->key)
		return plan_cli_usage_error("approve", "--gnupg-home needs --sign KEY");
	if (opts->key && !opts->gnupg_home && !getenv("GNUPGHOME") &&
	    (!getenv("HOME") || !*getenv("HOME")))
		return plan_cli_usage_error("approve", "HOME is not set, so there is no default GnuPG home (~/.gnupg): pass --gnupg-home DIR with the signing key");
	return EXIT_OK;
}

static void list_approved(const struct plan_file *plan)
{
	size_t i;

	for (i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];

		if (!plan_item_approved(item))
			continue;
		printf("  %s (line %d%s): ", item->id, item->line,
		       item->ticked ? "" : ", approved in plan.json only");
		if (item->method)
			printf("%s %s\n", item->method, item->path);
		else
			printf("manual step\n");
	}
}

static int sign_plan(const struct approve_options *opts,
		     const struct plan_file *plan, size_t json_only)
{
	struct plan_signer signer;
	struct buf err = BUF_INIT, path = BUF_INIT;
	int code = EXIT_OK, ret;

	if (json_only) {
		error("%zu %s approved in %s but not ticked in %s; a signature covers only plan.md, so tick them there and sign again",
		      json_only, json_only == 1 ? "action is" : "actions are",
		      plan->json_path, plan->md_path);
		return EXIT_PLAN_INVALID;
	}
	if (opts->signature)
		buf_adds(&path, opts->signature);
	else
		buf_addf(&path, "%s.asc", plan->md_path);

	ret = signature_sign(plan->md_text, plan->md_len, opts->key,
			     opts->gnupg_home, path.data, &signer, &err);
	if (ret < 0) {
		error("%s", err.data);
		code = ret == -2 ? EXIT_USAGE : ret == -3 ? EXIT_OUTPUT :
		       EXIT_GNUPG;
		goto out;
	}
	if (msg_level != MSG_QUIET) {
		printf("signed %s: ", plan->md_path);
		plan_cli_print_signer(stdout, &signer);
		printf("\nsignature: %s\n", path.data);
	}
	free(signer.user_id);
out:
	buf_release(&err);
	buf_release(&path);
	return code;
}

int cmd_approve(int argc, char **argv)
{
	struct approve_options opts = { 0 };
	struct plan_file plan = { 0 };
	size_t approved, json_only;
	int code;

	if ((code = parse_approve_options(argc, argv, &opts)))
		return code;
	if ((code = plan_cli_load(&plan, opts.plan)))
		goto out;

	approved = plan_cli_count_approved(&plan, &json_only);
	if (msg_level != MSG_QUIET) {
		printf("%s: %zu of %zu %s approved\n", plan.md_path, approved,
		       plan.count, plan.count == 1 ? "action" : "actions");
		list_approved(&plan);
	}
	if ((int64_t)time(NULL) > plan.valid_until)
		warning("the plan was valid until %s: apply will reject it without --force; make a new plan with credaudit report",
			plan.valid_until_text);

	if (!opts.key)
		goto out;
	if (approved == 0) {
		error("no action is ticked in %s, so there is nothing to sign: tick the boxes of the approved actions first",
		      plan.md_path);
		code = EXIT_PLAN_INVALID;
		goto out;
	}
	code = sign_plan(&opts, &plan, json_only);
out:
	plan_file_release(&plan);
	return code;
}
