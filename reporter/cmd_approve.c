/*
 * credaudit approve PLAN.md [--sign KEY [--gnupg-home DIR]]: check an
 * approved plan, list what it approves and, with --sign, write a
 * detached OpenPGP signature over plan.md.
 */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
"Exit codes: 0 checked (and signed), 2 usage, a GnuPG home that is not a\n"
"folder, or no single secret key matches KEY, 5 the signature file cannot\n"
"be written, 6 GnuPG cannot be started or signing failed, 7 the plan\n"
"cannot be used or nothing is approved (--sign).\n";

struct approve_options {
	const char *plan;
	const char *key;
	const char *gnupg_home;
	const char *signature;
};

/*
 * Check that the GnuPG home that --sign uses is a folder: --gnupg-home,
 * else $GNUPGHOME, else ~/.gnupg. GnuPG would create a missing one and
 * then report only that no key matches, which hides a mistyped path.
 */
static int check_gnupg_home(const struct approve_options *opts)
{
	const char *env_home = getenv("GNUPGHOME");
	const char *user_home = getenv("HOME");
	const char *home, *name, *fix;
	struct buf default_home = BUF_INIT;
	struct stat st;
	int code = EXIT_OK, missing;

	if (opts->gnupg_home) {
		home = opts->gnupg_home;
		name = "--gnupg-home";
		fix = "pass the GnuPG home that contains the signing key";
	} else if (env_home && *env_home) {
		home = env_home;
		name = "GNUPGHOME";
		fix = "set GNUPGHOME to the GnuPG home that contains the signing key, or pass --gnupg-home DIR";
	} else if (user_home && *user_home) {
		buf_addf(&default_home, "%s/.gnupg", user_home);
		home = default_home.data;
		name = "the default GnuPG home";
		fix = "pass --gnupg-home DIR with the GnuPG home that contains the signing key";
	} else {
		return plan_cli_usage_error("approve", "HOME is not set, so there is no default GnuPG home (~/.gnupg): pass --gnupg-home DIR with the signing key");
	}

	missing = stat(home, &st) < 0;
	if (missing && errno == ENOENT)
		code = plan_cli_usage_error("approve", "%s '%s' does not exist: %s",
					    name, home, fix);
	else if (missing)
		code = plan_cli_usage_error("approve", "cannot use %s '%s': %s: %s",
					    name, home, strerror(errno), fix);
	else if (!S_ISDIR(st.st_mode))
		code = plan_cli_usage_error("approve", "%s '%s' is not a folder: %s",
					    name, home, fix);
	buf_release(&default_home);
	return code;
}

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
	if (opts->key && !*opts->key)
		return plan_cli_usage_error("approve", "empty --sign: pass the fingerprint, key ID or user ID of the signing key");
	if (opts->gnupg_home && !*opts->gnupg_home)
		return plan_cli_usage_error("approve", "empty --gnupg-home: pass the GnuPG home that contains the signing key, or omit --gnupg-home to use $GNUPGHOME or ~/.gnupg");
	if (opts->signature && !*opts->signature)
		return plan_cli_usage_error("approve", "empty --signature: pass the file to write the signature to, or omit --signature to write PLAN.md.asc");
	if (opts->gnupg_home && !opts->key)
		return plan_cli_usage_error("approve", "--gnupg-home needs --sign KEY");
	if (opts->signature && !opts->key)
		return plan_cli_usage_error("approve", "--signature needs --sign KEY: without it, nothing is signed");
	if (opts->key)
		return check_gnupg_home(opts);
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

/* Return 1 when `path` names the same file as `other`, links included. */
static int same_file(const char *path, const char *other)
{
	struct stat a, b;

	return stat(path, &a) == 0 && stat(other, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Return 1 when the file at `path` starts as an armored signature does,
 * so that signing again may replace it.
 */
static int holds_signature(const char *path)
{
	static const char armor[] = "-----BEGIN PGP SIGNATURE-----";
	char start[sizeof(armor)] = "";
	FILE *file = fopen(path, "r");
	size_t n;

	if (!file)
		return 0;
	n = fread(start, 1, sizeof(armor) - 1, file);
	fclose(file);
	return n == sizeof(armor) - 1 && !memcmp(start, armor, n);
}

/*
 * Check before signing that the signature can go to `path`, so that the
 * approver does not type a passphrase in vain. The signature is renamed
 * into place, so `path` must not be plan.md, plan.json or a file that is
 * not a regular file, and its folder must be writable. `option` names
 * where `path` came from. Returns EXIT_OK, or the exit code after
 * printing why.
 */
static int check_signature_path(const char *path, const char *option,
				const struct plan_file *plan)
{
	const char *fix = "pass --signature FILE in a writable folder";
	char *copy = xstrdup(path);
	const char *folder = dirname(copy);
	struct stat file_st, folder_st;
	int exists = stat(path, &file_st) == 0;
	int folder_errno = stat(folder, &folder_st) < 0 ? errno : 0;
	int code = EXIT_OUTPUT;

	if (same_file(path, plan->md_path) || same_file(path, plan->json_path))
		code = plan_cli_usage_error("approve", "%s '%s' is a file of the plan itself, which the signature would replace: pass another file, such as '%s.asc'",
					    option, path, plan->md_path);
	else if (exists && S_ISDIR(file_st.st_mode))
		error("%s '%s' is a folder: pass the file to write, such as '%s%splan.md.asc'",
		      option, path, path,
		      path[strlen(path) - 1] == '/' ? "" : "/");
	else if (exists && !S_ISREG(file_st.st_mode))
		code = plan_cli_usage_error("approve", "%s '%s' exists and is not a regular file, which the signature would replace: pass a new file",
					    option, path);
	else if (exists && file_st.st_size > 0 && !holds_signature(path))
		code = plan_cli_usage_error("approve", "%s '%s' exists and is not an armored OpenPGP signature, such as a journal or report that the signature would replace: pass a new file, such as '%s.asc'",
					    option, path, plan->md_path);
	else if (folder_errno == ENOENT)
		error("cannot write %s '%s': its folder '%s' does not exist: create it, or %s",
		      option, path, folder, fix);
	else if (folder_errno)
		error("cannot write %s '%s': its folder '%s' cannot be used: %s: %s",
		      option, path, folder, strerror(folder_errno), fix);
	else if (!S_ISDIR(folder_st.st_mode))
		error("cannot write %s '%s': '%s' is not a folder: %s", option,
		      path, folder, fix);
	else if (access(folder, W_OK | X_OK) < 0)
		error("cannot write %s '%s': its folder '%s' is not writable: %s: %s",
		      option, path, folder, strerror(errno), fix);
	else
		code = EXIT_OK;
	free(copy);
	return code;
}

static int sign_plan(const struct approve_options *opts,
		     const struct plan_file *plan, size_t json_only)
{
	struct plan_signer signer;
	struct buf err = BUF_INIT, path = BUF_INIT;
	const char *option;
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
	option = opts->signature ? "--signature" : "the signature file";
	if ((code = check_signature_path(path.data, option, plan)))
		goto out;

	ret = signature_sign(plan->md_text, plan->md_len, opts->key,
			     opts->gnupg_home, path.data, &signer, &err);
	if (ret == -3) {
		error("cannot write %s '%s': %s: pass --signature FILE in a writable folder",
		      option, path.data, err.data);
		code = EXIT_OUTPUT;
		goto out;
	}
	if (ret < 0) {
		error("%s", err.data);
		code = ret == -2 ? EXIT_USAGE : EXIT_GNUPG;
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
