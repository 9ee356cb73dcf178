/*
 * credaudit apply PLAN.md --gitlab-url URL [--execute]: carry out the
 * approved actions of a plan through GitLab's REST API, after checking
 * each credential's current state, and record every step in the journal
 * next to the plan. A dry run (the default) sends only GET requests.
 */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>

#include "apply_check.h"
#include "exit_code.h"
#include "fileio.h"
#include "gitlab_api.h"
#include "journal.h"
#include "plan_archive.h"
#include "model.h"
#include "msg.h"
#include "owner_digest.h"
#include "plan_cli.h"
#include "plan_read.h"
#include "signature.h"
#include "snapshot.h"
#include "timestamp.h"

static const char apply_usage[] =
"usage: credaudit apply PLAN.md --gitlab-url URL [--execute] [options]\n"
"\n"
"Carry out the approved actions of a revocation plan through GitLab's\n"
"REST API. Without --execute this is a dry run: it checks each\n"
"credential with GET requests and prints what would be sent. The admin\n"
"token is read from the GITLAB_TOKEN environment variable or from\n"
"--token-file, never from the command line.\n"
"\n"
"  --gitlab-url URL     the GitLab instance, e.g. https://gitlab.example.com\n"
"  --token-file FILE    read the token from FILE (mode 600 or 400)\n"
"  --execute            send the DELETE requests\n"
"  --force              accept a plan past its validity, created in the\n"
"                       future, for another snapshot, or whose action\n"
"                       owners changed in the --db snapshot\n"
"  --db FILE            check that the plan was made from this snapshot\n"
"                       and that the owners of its actions are unchanged\n"
"  --require-signature  accept only a plan signed by a key of --keyring\n"
"  --keyring FILE       public keys of the approvers (armored or binary)\n"
"  --signature FILE     detached signature (default: PLAN.md.asc)\n"
"  --journal FILE       journal to append to (default: journal.jsonl next\n"
"                       to the plan, or in OUT for a plan kept in\n"
"                       OUT/plans/)\n"
"  --cacert FILE        CA certificates for an https GitLab URL\n"
"  --timeout SECONDS    limit for one request (default 30)\n"
"  --retries N          further attempts after a network error, timeout,\n"
"                       429 or 5xx response (default 4)\n"
"  --retry-wait SECONDS first wait before a retry, doubled each time\n"
"                       (default 1)\n"
"  --max-wait SECONDS   longest wait, Retry-After included (default 60)\n"
"  -q, --quiet          print errors only\n"
"  -v, --verbose        print progress detail\n"
"\n"
"Exit codes: 0 every approved action done, skipped as changed, or a manual\n"
"step (listed at the end to carry out by hand), 2 usage,\n"
"3/4 the --db snapshot cannot be read, 5 the journal cannot be written,\n"
"6 GnuPG cannot be started, 7 the plan cannot be used, 8 the plan expired,\n"
"is dated in the future, is for another snapshot or the owners of its\n"
"actions changed, 9 signature missing or not good, 10 GitLab rejected\n"
"the token (401/403) or it is not an administrator's, 11 some actions\n"
"failed or were not reached, 12 --gitlab-url is not GitLab's API.\n";

/* A token longer than this is not a GitLab token. */
#define TOKEN_MAX 1024

struct apply_options {
	const char *plan;
	const char *gitlab_url;
	const char *token_file;
	const char *keyring;
	const char *signature;
	const char *db;
	const char *journal;
	const char *ca_file;
	int execute;
	int force;
	int require_signature;
	long timeout_ms;
	long retry_wait_ms;
	long max_wait_ms;
	unsigned retries;
};

struct apply_run {
	const struct apply_options *opts;
	struct plan_file plan;
	char *base_url;
	char *token;
	struct gitlab_client *client;
	struct journal journal;        /* entries of earlier runs */
	struct journal_writer writer;
	json_t *approver;              /* "unsigned", or an array of signers */
	char run_id[17];
	size_t done, would_send, skipped, failed, manual, earlier, not_reached;
	size_t stopped;
	const struct plan_item **manual_items;   /* actions recorded as manual */
	int stop_code;                 /* set when the run must stop */
};

/*
 * The number of SIGINT, SIGTERM and SIGHUP received, up to 2. After the first,
 * the request in flight finishes and is journaled, and the run stops
 * without sending another DELETE or starting another action. The second
 * also ends the request in flight.
 */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	static const char message[] =
		"credaudit: interrupted: the request in flight may take up to --timeout to finish, then the run stops; interrupt again to end the request at once\n";
	int saved_errno = errno;

	if (interrupted < 2)
		interrupted++;
	if (interrupted == 1 && msg_level != MSG_QUIET) {
		/* write() is async-signal-safe, unlike stdio. A message that
		   cannot be written changes nothing. */
		ssize_t written = write(STDERR_FILENO, message,
					sizeof(message) - 1);

		(void)written;
	}
	errno = saved_errno;
}

static int parse_count(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || end == text || *end || value > max || text[0] == '-')
		return -1;
	*out = (unsigned)value;
	return 0;
}

/*
 * Return NULL when `path` is a regular file that this user can read, or
 * why it cannot be used. A pipe or device is rejected before reading,
 * which could wait for a writer.
 */
static const char *unreadable_file(const char *path)
{
	struct stat st;

	if (access(path, R_OK) < 0 || stat(path, &st) < 0)
		return strerror(errno);
	if (S_ISDIR(st.st_mode))
		return "it is a folder; pass a file";
	if (!S_ISREG(st.st_mode))
		return "it is a pipe, socket or device; pass a file";
	return NULL;
}

static int parse_apply_options(int argc, char **argv,
			       struct apply_options *opts)
{
	static const struct option long_options[] = {
		{ "gitlab-url", required_argument, NULL, 'u' },
		{ "token-file", required_argument, NULL, 't' },
		{ "execute", no_argument, NULL, 'x' },
		{ "force", no_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "require-signature", no_argument, NULL, 'r' },
		{ "keyring", required_argument, NULL, 'k' },
		{ "signature", required_argument, NULL, 's' },
		{ "journal", required_argument, NULL, 'j' },
		{ "cacert", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "retries", required_argument, NULL, 'R' },
		{ "retry-wait", required_argument, NULL, 'W' },
		{ "max-wait", required_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	int c;

	opts->timeout_ms = 30000;
	opts->retries = 4;
	opts->retry_wait_ms = 1000;
	opts->max_wait_ms = 60000;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'u': opts->gitlab_url = optarg; break;
		case 't': opts->token_file = optarg; break;
		case 'x': opts->execute = 1; break;
		case 'f': opts->force = 1; break;
		case 'd': opts->db = optarg; break;
		case 'r': opts->require_signature = 1; break;
		case 'k': opts->keyring = optarg; break;
		case 's': opts->signature = optarg; break;
		case 'j': opts->journal = optarg; break;
		case 'c': opts->ca_file = optarg; break;
		case 'T':
			if (plan_cli_parse_seconds(optarg, 10, 3600000,
						   &opts->timeout_ms) < 0)
				return plan_cli_usage_error("apply", "invalid --timeout '%s': use seconds from 0.01 to 3600",
							    optarg);
			break;
		case 'R':
			if (parse_count(optarg, 100, &opts->retries) < 0)
				return plan_cli_usage_error("apply", "invalid --retries '%s': use a number from 0 to 100",
							    optarg);
			break;
		case 'W':
			if (plan_cli_parse_seconds(optarg, 0, 3600000,
						   &opts->retry_wait_ms) < 0)
				return plan_cli_usage_error("apply", "invalid --retry-wait '%s': use seconds from 0 to 3600",
							    optarg);
			break;
		case 'M':
			if (plan_cli_parse_seconds(optarg, 0, 86400000,
						   &opts->max_wait_ms) < 0)
				return plan_cli_usage_error("apply", "invalid --max-wait '%s': use seconds from 0 to 86400",
							    optarg);
			break;
		case 'q': msg_level = MSG_QUIET; break;
		case 'v': msg_level = MSG_VERBOSE; break;
		case 'h':
			fputs(apply_usage, stdout);
			exit(EXIT_OK);
		case ':':
			return plan_cli_usage_error("apply", "option '%s' needs a value",
						    argv[optind - 1]);
		default:
			return plan_cli_usage_error("apply", "unknown option '%s'",
						    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return plan_cli_usage_error("apply", "missing plan: pass the approved plan.md");
	opts->plan = argv[optind++];
	if (optind < argc)
		return plan_cli_usage_error("apply", "unexpected argument '%s'",
					    argv[optind]);
	if (!opts->gitlab_url)
		return plan_cli_usage_error("apply", "missing --gitlab-url: pass the address of the GitLab instance");
	if (opts->require_signature && !opts->keyring)
		return plan_cli_usage_error("apply", "--require-signature needs --keyring FILE with the approvers' public keys");
	if (opts->keyring && !opts->require_signature)
		return plan_cli_usage_error("apply", "--keyring is used only with --require-signature");
	if (opts->keyring && (why = unreadable_file(opts->keyring)))
		return plan_cli_usage_error("apply", "cannot read --keyring '%s': %s",
					    opts->keyring, why);
	if (opts->ca_file && (why = unreadable_file(opts->ca_file)))
		return plan_cli_usage_error("apply", "cannot read --cacert '%s': %s",
					    opts->ca_file, why);
	return EXIT_OK;
}

/* Check that `token` can go into an HTTP header as it is. */
static int valid_token(const char *token)
{
	size_t len = strlen(token), i;

	if (len == 0 || len > TOKEN_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (token[i] <= ' ' || token[i] > '~')
			return 0;
	return 1;
}

/* Append `text` in single quotes for a POSIX shell. */
static void shell_quote(struct buf *out, const char *text)
{
	buf_addch(out, '\'');
	for (; *text; text++) {
		if (*text == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addch(out, *text);
	}
	buf_addch(out, '\'');
}

static char *read_token_file(const char *path)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct stat st;
	char *token = NULL;
	size_t len;

	if (stat(path, &st) < 0) {
		error("cannot read --token-file '%s': %s", path,
		      strerror(errno));
		goto out;
	}
	/* A device or folder gets no chmod advice, which could do harm. */
	if (!S_ISREG(st.st_mode)) {
		error("--token-file '%s' is not a regular file: pass the file that holds the token",
		      path);
		goto out;
	}
	/* Reject group bits too, as ssh does for a private key, because a
	   group may contain more users than the administrator expects. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		struct buf quoted = BUF_INIT;

		shell_quote(&quoted, path);
		error("--token-file '%s' is open to group or other users (mode %04o): run chmod 600 %s",
		      path, (unsigned)(st.st_mode & 0777), quoted.data);
		buf_release(&quoted);
		goto out;
	}
	if (file_read_all(path, TOKEN_MAX + 2, &text, &err, NULL) < 0) {
		error("cannot read --token-file: %s", err.data);
		goto out;
	}
	len = text.len;
	while (len > 0 && (text.data[len - 1] == '\n' ||
			   text.data[len - 1] == '\r' ||
			   text.data[len - 1] == ' ' ||
			   text.data[len - 1] == '\t'))
		len--;
	text.data[len] = '\0';
	if (!valid_token(text.data)) {
		error("--token-file '%s' does not hold one token on one line (printable ASCII, no spaces)",
		      path);
		goto out;
	}
	token = xstrdup(text.data);
out:
	memset(text.data, 0, text.len);
	buf_release(&text);
	buf_release(&err);
	return token;
}

/*
 * The admin token: from --token-file when given, else from GITLAB_TOKEN,
 * which is then removed from the environment so that the GnuPG processes
 * that GPGME starts do not inherit it.
 */
static char *read_token(const struct apply_options *opts)
{
	const char *env = getenv("GITLAB_TOKEN");
	char *token;

	if (opts->token_file) {
		unsetenv("GITLAB_TOKEN");
		return read_token_file(opts->token_file);
	}
	if (!env || !*env) {
		error("no GitLab token: set GITLAB_TOKEN or pass --token-file FILE with an administrator's personal access token (scope api)");
		return NULL;
	}
	if (!valid_token(env)) {
		error("GITLAB_TOKEN is not a token: printable ASCII without spaces, at most %d characters",
		      TOKEN_MAX);
		return NULL;
	}
	token = xstrdup(env);
	unsetenv("GITLAB_TOKEN");
	return token;
}

static void free_token(char *token)
{
	if (!token)
		return;
	memset(token, 0, strlen(token));
	free(token);
}

/* Abort on allocation failure, as the rest of credaudit does. */
static void jset(json_t *object, const char *key, json_t *value)
{
	if (!value || json_object_set_new(object, key, value) < 0) {
		fputs("credaudit: out of memory building a journal line\n",
		      stderr);
		abort();
	}
}

static json_t *jstring_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *credential_json(const struct plan_item *item)
{
	json_t *cred = json_object(), *owner = json_object();

	if (!cred || !owner)
		abort();
	jset(cred, "kind", jstring_or_null(item->kind));
	jset(cred, "id", json_integer(item->cred_id));
	jset(cred, "name", jstring_or_null(item->cred_name));
	jset(owner, "id", json_integer(item->owner_id));
	jset(owner, "username", jstring_or_null(item->owner_username));
	jset(cred, "owner", owner);
	return cred;
}

/*
 * Print one result line and append it to the journal. A journal that
 * cannot be written stops the run, since a later run could not know
 * what this one did.
 */
static void record(struct apply_run *run, const struct plan_item *item,
		   const char *result, long http_status, unsigned attempts,
		   const char *detail)
{
	json_t *entry = json_object(), *request, *plan;
	char now[TS_TEXT_MAX];
	struct buf err = BUF_INIT;

	if (!entry)
		abort();
	ts_format((int64_t)time(NULL), now);
	jset(entry, "time", json_string(now));
	jset(entry, "run", json_string(run->run_id));
	jset(entry, "action", json_string(item->id));
	jset(entry, "type", jstring_or_null(item->type));
	jset(entry, "credential", credential_json(item));
	if (item->method) {
		request = json_object();
		if (!request)
			abort();
		jset(request, "method", json_string(item->method));
		jset(request, "path", json_string(item->path));
		jset(entry, "request", request);
	} else {
		jset(entry, "request", json_null());
	}
	jset(entry, "gitlab_url", json_string(run->base_url));
	jset(entry, "http_status", http_status ? json_integer(http_status) :
	     json_null());
	jset(entry, "attempts", json_integer(attempts));
	jset(entry, "result", json_string(result));
	jset(entry, "detail", json_string(detail));
	jset(entry, "approver", json_incref(run->approver));
	jset(entry, "dry_run", json_boolean(!run->opts->execute));
	jset(entry, "forced", json_boolean(run->opts->force));
	plan = json_object();
	if (!plan)
		abort();
	jset(plan, "path", json_string(run->plan.md_path));
	jset(plan, "digest", json_string(run->plan.digest));
	jset(entry, "plan", plan);

	if (!strcmp(result, JOURNAL_STOPPED))
		run->stopped++;
	if (strcmp(result, JOURNAL_SENDING) != 0 && msg_level != MSG_QUIET) {
		printf("%s: %s: %s\n", item->id,
		       strcmp(result, JOURNAL_WOULD_SEND) ? result : "would send",
		       detail);
		fflush(stdout);
	}
	if (journal_append(&run->writer, entry, &err) < 0) {
		error("%s; the run stopped", err.data);
		run->stop_code = EXIT_OUTPUT;
	}
	json_decref(entry);
	buf_release(&err);
}

/* Record a check that got no usable response, and stop the run if GitLab
   cannot be used at all. */
static void check_failed(struct apply_run *run, const struct plan_item *item,
			 const struct cred_check *check)
{
	if (check->http_status == 401 || check->http_status == 403) {
		record(run, item, JOURNAL_STOPPED, check->http_status,
		       check->attempts, check->detail.data);
		error("GitLab returned %ld: the token is invalid, expired, or not an administrator's with scope api (and admin_mode where Admin Mode is on); the run stopped, run again with a valid token",
		      check->http_status);
		run->stop_code = EXIT_GITLAB_AUTH;
		return;
	}
	if (check->outcome == GITLAB_INTERRUPTED) {
		record(run, item, JOURNAL_STOPPED, 0, check->attempts,
		       check->detail.data);
		run->stop_code = EXIT_ACTIONS_FAILED;
		return;
	}
	record(run, item, JOURNAL_FAILED, check->http_status, check->attempts,
	       check->detail.data);
	run->failed++;
	if (check->outcome != GITLAB_ANSWERED) {
		error("GitLab cannot be reached or keeps failing; the run stopped, run it again to continue");
		run->stop_code = EXIT_ACTIONS_FAILED;
	}
}

static void record_done(struct apply_run *run, const struct plan_item *item,
			long status, unsigned attempts, const char *detail)
{
	record(run, item, JOURNAL_DONE, status, attempts, detail);
	run->done++;
}

static void record_skipped(struct apply_run *run,
			   const struct plan_item *item, long status,
			   unsigned attempts, const char *detail)
{
	record(run, item, JOURNAL_SKIPPED, status, attempts, detail);
	run->skipped++;
}

/*
 * The DELETE got a response that is not success and is not retried:
 * look again, because it may have been carried out by an earlier attempt
 * or by someone else meanwhile.
 */
static void delete_refused(struct apply_run *run, const struct plan_item *item,
			   const struct gitlab_response *resp,
			   unsigned attempt, int sent_before,
			   unsigned *attempts)
{
	struct cred_check check;
	struct buf detail = BUF_INIT;

	cred_check_init(&check);
	check_credential(run->client, item, &check);
	*attempts += check.attempts;
	if (check.status == CRED_CHECK_FAILED) {
		check_failed(run, item, &check);
	} else if (check.status == CRED_GONE && attempt > 1) {
		buf_addf(&detail, "an earlier attempt took effect: %s",
			 check.detail.data);
		record_done(run, item, resp->status, *attempts, detail.data);
	} else if (check.status == CRED_GONE && sent_before) {
		/* GitLab may carry out a request whose client went away, later
		   than the check before this request. */
		buf_addf(&detail, "the request of an earlier, interrupted run took effect: %s",
			 check.detail.data);
		record_done(run, item, resp->status, *attempts, detail.data);
	} else if (check.status == CRED_GONE) {
		buf_addf(&detail, "changed just before the request: %s",
			 check.detail.data);
		record_skipped(run, item, resp->status, *attempts, detail.data);
	} else {
		buf_addf(&detail, "%s %s returned %ld", item->method,
			 item->path, resp->status);
		gitlab_error_message(resp, &detail);
		record(run, item, JOURNAL_FAILED, resp->status, *attempts,
		       detail.data);
		run->failed++;
	}
	buf_release(&detail);
	cred_check_release(&check);
}

/*
 * Handle a DELETE whose success status is not the 204 No Content that
 * GitLab's API returns. A proxy or firewall in front of GitLab can return
 * 200 with a page of its own, so the credential is checked again, and the
 * action is done only when the credential is gone.
 */
static void delete_odd_success(struct apply_run *run,
			       const struct plan_item *item,
			       const struct gitlab_response *resp,
			       unsigned *attempts)
{
	struct cred_check check;
	struct buf detail = BUF_INIT;

	cred_check_init(&check);
	check_credential(run->client, item, &check);
	*attempts += check.attempts;
	if (check.status == CRED_CHECK_FAILED) {
		check_failed(run, item, &check);
	} else if (check.status == CRED_GONE) {
		buf_addf(&detail, "%s %s returned %ld, and then: %s", item->method,
			 item->path, resp->status, check.detail.data);
		record_done(run, item, resp->status, *attempts, detail.data);
	} else {
		buf_addf(&detail, "%s %s returned %ld, not the 204 of GitLab's API, and the credential is unchanged: something in front of GitLab, such as a proxy or firewall, may have answered; check the way to GitLab and run again",
			 item->method, item->path, resp->status);
		record(run, item, JOURNAL_FAILED, resp->status, *attempts,
		       detail.data);
		run->failed++;
	}
	buf_release(&detail);
	cred_check_release(&check);
}

/*
 * Set `detail` to why the DELETE failed, for the journal and the message.
 * It replaces what a credential check left there.
 */
static void describe_last_error(struct buf *detail,
				const struct plan_item *item,
				const struct gitlab_response *resp)
{
	buf_reset(detail);
	if (resp->status)
		buf_addf(detail, "%s %s returned %ld", item->method,
			 item->path, resp->status);
	else
		buf_addf(detail, "%s %s failed: %s", item->method, item->path,
			 resp->error);
}

/*
 * Send the DELETE of an approved action whose credential is as planned.
 * A retry first checks the credential again, because a DELETE that timed
 * out may have been carried out. `sent_before` is set when an earlier run
 * journaled that it was about to send this DELETE, so that it may have
 * been carried out.
 */
static void send_delete(struct apply_run *run, const struct plan_item *item,
			unsigned attempts, int sent_before)
{
	struct gitlab_response resp;
	struct cred_check check;
	struct buf detail = BUF_INIT;
	enum gitlab_outcome outcome;
	unsigned attempt;

	gitlab_response_init(&resp);
	cred_check_init(&check);
	if (interrupted) {
		record(run, item, JOURNAL_STOPPED, 0, attempts,
		       "interrupted before the request was sent");
		run->stop_code = EXIT_ACTIONS_FAILED;
		goto out;
	}
	record(run, item, JOURNAL_SENDING, 0, attempts, "request about to be sent");
	if (run->stop_code)
		goto out;

	for (attempt = 1; ; attempt++) {
		if (attempt > 1 && interrupted) {
			describe_last_error(&detail, item, &resp);
			buf_adds(&detail, "; interrupted before the request was sent again, so the next run checks whether an earlier attempt took effect");
			record(run, item, JOURNAL_STOPPED, resp.status,
			       attempts, detail.data);
			run->stop_code = EXIT_ACTIONS_FAILED;
			goto out;
		}
		outcome = gitlab_send(run->client, item->method, item->path,
				      &resp);
		attempts++;
		if (outcome == GITLAB_INTERRUPTED) {
			record(run, item, JOURNAL_STOPPED, 0, attempts,
			       "interrupted while the request was in flight; the next run checks whether it took effect");
			run->stop_code = EXIT_ACTIONS_FAILED;
			goto out;
		}
		if (outcome == GITLAB_ANSWERED && resp.status >= 200 &&
		    resp.status < 300 && resp.status != 204) {
			delete_odd_success(run, item, &resp, &attempts);
			goto out;
		}
		if (outcome == GITLAB_ANSWERED && resp.status == 204) {
			buf_addf(&detail, "%s %s returned %ld", item->method,
				 item->path, resp.status);
			if (attempt > 1)
				buf_addf(&detail, " on attempt %u", attempt);
			record_done(run, item, resp.status, attempts,
				    detail.data);
			goto out;
		}
		if (resp.status == 401 || resp.status == 403) {
			check.http_status = resp.status;
			check.attempts = attempts;
			describe_last_error(&check.detail, item, &resp);
			gitlab_error_message(&resp, &check.detail);
			check_failed(run, item, &check);
			goto out;
		}
		if (!resp.retryable) {
			if (outcome == GITLAB_ANSWERED) {
				delete_refused(run, item, &resp, attempt,
					       sent_before, &attempts);
			} else {
				check.outcome = outcome;
				check.attempts = attempts;
				describe_last_error(&check.detail, item, &resp);
				check_failed(run, item, &check);
			}
			goto out;
		}
		if (attempt > gitlab_retries(run->client)) {
			check.outcome = GITLAB_UNREACHABLE;
			check.http_status = resp.status;
			check.attempts = attempts;
			describe_last_error(&check.detail, item, &resp);
			buf_addf(&check.detail, " on every attempt (%u)", attempt);
			check_failed(run, item, &check);
			goto out;
		}
		outcome = gitlab_backoff(run->client, attempt + 1, &resp);
		if (outcome != GITLAB_ANSWERED) {
			check.outcome = outcome;
			check.attempts = attempts;
			describe_last_error(&check.detail, item, &resp);
			buf_adds(&check.detail, outcome == GITLAB_INTERRUPTED ?
				 "; interrupted while waiting to retry" :
				 "; GitLab asks to wait longer than --max-wait");
			check_failed(run, item, &check);
			goto out;
		}
		verbose("%s: %s %s: retrying after %s", item->id, item->method,
			item->path, resp.status ? "an error response" : resp.error);
		check_credential(run->client, item, &check);
		attempts += check.attempts;
		if (check.status == CRED_CHECK_FAILED) {
			check.attempts = attempts;
			check_failed(run, item, &check);
			goto out;
		}
		if (check.status == CRED_GONE) {
			buf_addf(&detail, "the request took effect although its response was lost: %s",
				 check.detail.data);
			record_done(run, item, resp.status, attempts, detail.data);
			goto out;
		}
		if (check.status == CRED_CHANGED) {
			record_skipped(run, item, resp.status, attempts,
				       check.detail.data);
			goto out;
		}
	}
out:
	buf_release(&detail);
	cred_check_release(&check);
	gitlab_response_release(&resp);
}

static void apply_item(struct apply_run *run, const struct plan_item *item)
{
	const struct journal_entry *earlier;
	struct cred_check check;
	struct buf detail = BUF_INIT;
	int sent_before;

	if (!item->method) {
		record(run, item, JOURNAL_MANUAL, 0, 0, item->manual ?
		       item->manual : "no API request: carry it out by hand");
		run->manual_items = xrealloc(run->manual_items,
					     (run->manual + 1) *
					     sizeof(*run->manual_items));
		run->manual_items[run->manual++] = item;
		return;
	}
	earlier = journal_find(&run->journal, JOURNAL_DONE, item->id,
			       item->method, item->path, run->base_url);
	if (earlier) {
		if (msg_level != MSG_QUIET)
			printf("%s: done in an earlier run at %s (journal line %ld): not sent again\n",
			       item->id, earlier->time_text, earlier->line);
		run->earlier++;
		return;
	}
	sent_before = journal_find(&run->journal, JOURNAL_SENDING, item->id,
				   item->method, item->path,
				   run->base_url) != NULL;

	cred_check_init(&check);
	check_credential(run->client, item, &check);
	if (check.status == CRED_CHECK_FAILED) {
		check_failed(run, item, &check);
	} else if (check.status == CRED_GONE && sent_before) {
		buf_addf(&detail, "the request of an earlier, interrupted run took effect: %s",
			 check.detail.data);
		record_done(run, item, check.http_status, check.attempts,
			    detail.data);
	} else if (check.status != CRED_AS_PLANNED) {
		buf_addf(&detail, "changed since the plan: %s",
			 check.detail.data);
		record_skipped(run, item, check.http_status, check.attempts,
			       detail.data);
	} else if (!run->opts->execute) {
		buf_addf(&detail, "%s %s (%s)", item->method, item->path,
			 check.detail.data);
		record(run, item, JOURNAL_WOULD_SEND, check.http_status,
		       check.attempts, detail.data);
		run->would_send++;
	} else {
		send_delete(run, item, check.attempts, sent_before);
	}
	buf_release(&detail);
	cred_check_release(&check);
}

/* Check the signature, and set run->approver. Returns an exit code. */
static int check_approval(struct apply_run *run)
{
	const struct apply_options *opts = run->opts;
	struct plan_signer *signers = NULL;
	struct buf err = BUF_INIT, sig_path = BUF_INIT;
	enum signature_status status;
	size_t count = 0, json_only, i;
	struct stat st;
	int code = EXIT_OK;

	if (opts->signature)
		buf_adds(&sig_path, opts->signature);
	else
		buf_addf(&sig_path, "%s.asc", run->plan.md_path);

	if (!opts->require_signature) {
		if (stat(sig_path.data, &st) == 0)
			note("%s is not checked: pass --require-signature --keyring FILE to require it",
			     sig_path.data);
		run->approver = json_string("unsigned");
		goto out;
	}

	plan_cli_count_approved(&run->plan, &json_only);
	if (json_only) {
		error("%zu %s approved in %s but not ticked in the signed %s: tick them in plan.md and sign it again",
		      json_only, json_only == 1 ? "action is" : "actions are",
		      run->plan.json_path, run->plan.md_path);
		code = EXIT_SIGNATURE;
		goto out;
	}
	status = signature_verify(run->plan.md_text, run->plan.md_len,
				  sig_path.data, opts->keyring, &signers,
				  &count, &err);
	if (status != SIGNATURE_OK) {
		error("%s", err.data);
		if (status == SIGNATURE_MISSING)
			error("the plan has no signature: the approver signs it with 'credaudit approve %s --sign KEY'",
			      run->plan.md_path);
		else
			error("the approval of %s cannot be trusted: nothing was sent",
			      run->plan.md_path);
		code = status == SIGNATURE_ENGINE ? EXIT_GNUPG : EXIT_SIGNATURE;
		goto out;
	}
	run->approver = json_array();
	for (i = 0; i < count; i++) {
		json_t *signer = json_object();
		char when[TS_TEXT_MAX];

		ts_format(signers[i].signed_at, when);
		jset(signer, "fingerprint", json_string(signers[i].fingerprint));
		jset(signer, "user_id", jstring_or_null(signers[i].user_id));
		jset(signer, "signed_at", json_string(when));
		if (json_array_append_new(run->approver, signer) < 0)
			abort();
		if (msg_level == MSG_QUIET)
			continue;
		printf("good signature by ");
		plan_cli_print_signer(stdout, &signers[i]);
		printf("\n");
	}
out:
	signature_signers_free(signers, count);
	buf_release(&err);
	buf_release(&sig_path);
	return code;
}

/*
 * Compare the owners digest of the plan with that of the users rows in
 * `db`. Returns an exit code.
 */
static int check_owners(const struct apply_options *opts,
			const struct plan_file *plan)
{
	struct owner_ids owners = OWNER_IDS_INIT;
	struct owner_ids address_owners = OWNER_IDS_INIT;
	struct buf err = BUF_INIT;
	char digest[OWNER_DIGEST_MAX];
	size_t i;
	int code = EXIT_OK;

	if (!plan->owners_digest) {
		if (opts->force) {
			warning("the plan records no owners digest, so changes to the owners of its actions in '%s' are not checked; going on because of --force",
				opts->db);
			goto out;
		}
		error("the plan records no owners digest (it was made by an older credaudit), so changes to the owners of its actions in '%s' cannot be checked: make a new plan from this snapshot, or pass --force",
		      opts->db);
		code = EXIT_PLAN_STALE;
		goto out;
	}
	/* Every action counts, approved or not, as in the report. */
	for (i = 0; i < plan->count; i++) {
		owner_ids_add(&owners, plan->items[i].owner_id);
		if (!strcmp(plan->items[i].kind, "gpg_key"))
			owner_ids_add(&address_owners, plan->items[i].owner_id);
	}
	if (owner_digest_compute(opts->db, &owners, &address_owners, digest,
				 &err) < 0) {
		error("%s", err.data);
		code = EXIT_CANNOT_OPEN;
		goto out;
	}
	if (!strcmp(digest, plan->owners_digest))
		goto out;
	/* NOTE: the plan stores only the digest, so which owner changed is
	   not known here. */
	if (opts->force) {
		warning("the state, admin flag or user type of an owner of the plan's actions, or the addresses of an owner of a GPG key action, differ in '%s' from the snapshot the plan was made from; going on because of --force",
			opts->db);
		goto out;
	}
	error("the state, admin flag or user type of an owner of the plan's actions, or the addresses of an owner of a GPG key action, differ in '%s' from the snapshot the plan was made from (owners digest %s, not %s): make a new plan from this snapshot, or pass --force",
	      opts->db, digest, plan->owners_digest);
	code = EXIT_PLAN_STALE;
out:
	owner_ids_release(&owners);
	owner_ids_release(&address_owners);
	buf_release(&err);
	return code;
}

/*
 * Compare the plan's snapshot digest and owners digest with those of
 * `db`. Returns an exit code.
 */
static int check_snapshot(const struct apply_options *opts,
			  const struct plan_file *plan)
{
	struct gpg_session *gpg = NULL;
	struct model model;
	struct buf err = BUF_INIT;
	enum snapshot_status status;
	int code = EXIT_OK;

	model_init(&model);
	if (gpg_session_begin(&gpg, &err) < 0) {
		error("cannot start GnuPG to read the snapshot's GPG keys: %s",
		      err.data);
		code = EXIT_GNUPG;
		goto out;
	}
	model.now = (int64_t)time(NULL);
	status = snapshot_load(opts->db, &model, gpg, &err);
	if (status != SNAPSHOT_OK) {
		error("%s", err.data);
		code = status == SNAPSHOT_CANNOT_OPEN ? EXIT_CANNOT_OPEN :
		       status == SNAPSHOT_NOT_SNAPSHOT ? EXIT_NOT_SNAPSHOT :
		       EXIT_INTERNAL;
		goto out;
	}
	if (model.snapshot_digest && plan->snapshot_digest &&
	    !strcmp(model.snapshot_digest, plan->snapshot_digest)) {
		code = check_owners(opts, plan);
		goto out;
	}
	if (opts->force) {
		warning("the plan was made from another snapshot than '%s'; going on because of --force",
			opts->db);
		goto out;
	}
	error("the plan was made from snapshot %s, not from '%s' (%s): make a new plan from this snapshot, or pass --force",
	      plan->snapshot_digest ? plan->snapshot_digest : "without digest",
	      opts->db, model.snapshot_digest ? model.snapshot_digest : "no digest");
	code = EXIT_PLAN_STALE;
out:
	model_release(&model);
	gpg_session_end(gpg);
	buf_release(&err);
	return code;
}

/*
 * How far in the future a plan's creation time may lie, for clocks that
 * differ a little between the machines of report and apply.
 */
#define CLOCK_SKEW_MAX (5 * 60)

static int check_validity(const struct apply_options *opts,
			  const struct plan_file *plan)
{
	int64_t now = (int64_t)time(NULL);

	if (plan->created > now + CLOCK_SKEW_MAX) {
		if (opts->force) {
			warning("the plan was created at %s, which is in the future; going on because of --force",
				plan->created_text);
			return EXIT_OK;
		}
		error("the plan was created at %s, which is in the future (more than %d minutes after this computer's clock): make the plan without --now, or with the current time, or pass --force",
		      plan->created_text, CLOCK_SKEW_MAX / 60);
		return EXIT_PLAN_STALE;
	}
	if (now <= plan->valid_until)
		return EXIT_OK;
	if (opts->force) {
		warning("the plan was valid until %s; going on because of --force",
			plan->valid_until_text);
		return EXIT_OK;
	}
	error("the plan was valid until %s: make a new plan from a fresh snapshot with credaudit report, or pass --force",
	      plan->valid_until_text);
	return EXIT_PLAN_STALE;
}

/*
 * Return OUT, newly allocated, when `real_dir` (a path without symbolic
 * links, "." or "..") is OUT/plans/NAME, a folder in which a later report
 * kept a plan, or NULL. OUT has its report.json and the kept folder has
 * none, which distinguishes it from an output folder named plans/NAME.
 */
static char *kept_plan_output(const char *real_dir)
{
	char *plans = file_dirname(real_dir);
	char *out = file_dirname(plans);
	const char *base = strrchr(plans, '/') ? strrchr(plans, '/') + 1 : plans;
	struct buf report = BUF_INIT, own_report = BUF_INIT;
	int kept;

	buf_addf(&report, "%s/report.json", out);
	buf_addf(&own_report, "%s/report.json", real_dir);
	kept = !strcmp(base, PLAN_ARCHIVE_DIR) && strcmp(out, plans) != 0 &&
	       access(report.data, F_OK) == 0 &&
	       access(own_report.data, F_OK) < 0;
	buf_release(&report);
	buf_release(&own_report);
	free(plans);
	if (!kept) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Append to `path` the journal of a plan without --journal: the one
 * beside plan.md, or for a plan that a later report kept in
 * OUT/plans/NAME/, OUT's own, which the next report there reads. The kept
 * folder is recognised from the real path of the plan's folder, so that
 * "plan.md" run from inside it, "./" or "//" in the path, and symbolic
 * links all give the same journal.
 */
static void default_journal(const char *md_path, struct buf *path)
{
	char *dir = file_dirname(md_path);
	char *real_dir = realpath(dir, NULL);
	char *out = real_dir ? kept_plan_output(real_dir) : NULL;
	struct buf stray = BUF_INIT;

	if (!out) {
		buf_addf(path, "%s/%s", dir, JOURNAL_NAME);
		goto done;
	}
	buf_addf(path, "%s/%s", out, JOURNAL_NAME);
	note("%s is a plan that a later report kept in %s/%s/, so the journal is %s, which the next report there reads",
	     md_path, out, PLAN_ARCHIVE_DIR, path->data);
	/* An earlier build journaled there when the path was spelled otherwise. */
	buf_addf(&stray, "%s/%s", dir, JOURNAL_NAME);
	if (access(stray.data, F_OK) == 0)
		warning("%s is not read, because the journal of a kept plan is %s: append it there with 'cat %s >> %s', so that apply and report see what it records",
			stray.data, path->data, stray.data, path->data);
done:
	buf_release(&stray);
	free(out);
	free(real_dir);
	free(dir);
}

static int open_journal(struct apply_run *run)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	int code = EXIT_OK;

	if (run->opts->journal)
		buf_adds(&path, run->opts->journal);
	else
		default_journal(run->plan.md_path, &path);
	/* Lock before reading, so that no other run appends while this one runs. */
	if (journal_open(&run->writer, path.data, &err) < 0 ||
	    journal_read(path.data, &run->journal, &err) < 0) {
		error("%s", err.data);
		code = EXIT_OUTPUT;
		goto out;
	}
	if (run->journal.bad_lines) {
		journal_describe_bad_lines(&run->journal, path.data, &err);
		warning("%s", err.data);
	}
out:
	buf_release(&path);
	buf_release(&err);
	return code;
}

/* Print the counts of the run; they add up to the approved actions. */
static void print_summary(const struct apply_run *run, size_t not_approved)
{
	const char *actions = not_approved == 1 ? "action" : "actions";

	if (msg_level == MSG_QUIET)
		return;
	if (run->opts->execute)
		printf("%zu done, %zu skipped, %zu failed, %zu stopped, %zu manual, %zu done in earlier runs, %zu not reached; %zu %s not approved\n",
		       run->done, run->skipped, run->failed, run->stopped,
		       run->manual, run->earlier, run->not_reached,
		       not_approved, actions);
	else
		printf("dry run: %zu would be sent, %zu skipped, %zu failed, %zu stopped, %zu manual, %zu done in earlier runs, %zu not reached; %zu %s not approved; pass --execute to send the requests\n",
		       run->would_send, run->skipped, run->failed,
		       run->stopped, run->manual, run->earlier,
		       run->not_reached, not_approved, actions);
}

/*
 * List the approved manual steps again after the summary, since their
 * lines may have scrolled out of sight. They leave the exit code 0,
 * because apply cannot carry them out and a rerun would not change them.
 */
static void print_manual_steps(const struct apply_run *run)
{
	size_t i;

	if (msg_level == MSG_QUIET || !run->manual)
		return;
	printf("%zu approved %s manual: apply sends nothing for %s, so carry %s out by hand:\n",
	       run->manual, run->manual == 1 ? "action is" : "actions are",
	       run->manual == 1 ? "it" : "them",
	       run->manual == 1 ? "it" : "them");
	for (i = 0; i < run->manual; i++) {
		const struct plan_item *item = run->manual_items[i];

		printf("  %s: %s\n", item->id, item->manual ? item->manual :
		       "no API request");
	}
	fflush(stdout);
}

/*
 * Check that the GitLab URL serves GitLab's API and that the token is an
 * administrator's, before any action: a wrong URL would otherwise return
 * 404 for every credential, which reads as "deleted". Returns an exit code.
 */
static int check_server(struct apply_run *run)
{
	struct buf detail = BUF_INIT;
	long status = 0;
	int code = EXIT_OK;

	switch (check_gitlab_server(run->client, &detail, &status)) {
	case SERVER_ADMIN:
		verbose("GitLab at %s: the token is an administrator's, %s",
			run->base_url, detail.data);
		break;
	case SERVER_NOT_ADMIN:
		error("the token belongs to %s, who is not an administrator of %s: pass an administrator's personal access token with scope api",
		      detail.data, run->base_url);
		code = EXIT_GITLAB_AUTH;
		break;
	case SERVER_REJECTED:
		error("GitLab returned %ld: the token is invalid, expired, or not an administrator's with scope api (and admin_mode where Admin Mode is on); nothing was sent, run again with a valid token (%s)",
		      status, detail.data);
		code = EXIT_GITLAB_AUTH;
		break;
	case SERVER_NOT_GITLAB:
		error("--gitlab-url '%s' is not GitLab's REST API v4: %s; pass the address of the GitLab instance, the part before /api/v4, such as https://gitlab.example.com",
		      run->base_url, detail.data);
		code = EXIT_NOT_GITLAB;
		break;
	case SERVER_UNREACHABLE:
		error("cannot reach GitLab at '%s': %s; check --gitlab-url and the network, then run again",
		      run->base_url, detail.data);
		code = EXIT_ACTIONS_FAILED;
		break;
	case SERVER_INTERRUPTED:
		error("interrupted before any action: nothing was sent");
		code = EXIT_ACTIONS_FAILED;
		break;
	}
	buf_release(&detail);
	return code;
}

static int run_actions(struct apply_run *run)
{
	struct gitlab_options gopts = { 0 };
	struct sigaction action, old_int, old_term, old_hup;
	struct buf err = BUF_INIT;
	size_t i, approved;
	int code = EXIT_OK;

	gopts.url = run->base_url;
	gopts.token = run->token;
	gopts.ca_file = run->opts->ca_file;
	gopts.timeout_ms = run->opts->timeout_ms;
	gopts.retries = run->opts->retries;
	gopts.retry_wait_ms = run->opts->retry_wait_ms;
	gopts.max_wait_ms = run->opts->max_wait_ms;
	gopts.interrupted = &interrupted;
	run->client = gitlab_client_new(&gopts, &err);
	if (!run->client) {
		error("%s", err.data);
		buf_release(&err);
		return EXIT_INTERNAL;
	}

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, &old_int);
	sigaction(SIGTERM, &action, &old_term);
	/* A dropped ssh session sends SIGHUP, which must not cut a request. */
	sigaction(SIGHUP, &action, &old_hup);

	if ((code = check_server(run)))
		goto out;
	approved = plan_cli_count_approved(&run->plan, NULL);
	note("%s %zu approved %s of %s against %s",
	     run->opts->execute ? "carrying out" : "dry run of",
	     approved, approved == 1 ? "action" : "actions",
	     run->plan.md_path, run->base_url);
	for (i = 0; i < run->plan.count; i++) {
		const struct plan_item *item = &run->plan.items[i];

		if (!plan_item_approved(item))
			continue;
		if (!run->stop_code && interrupted)
			run->stop_code = EXIT_ACTIONS_FAILED;
		if (run->stop_code) {
			run->not_reached++;
			continue;
		}
		apply_item(run, item);
	}
	print_summary(run, run->plan.count - approved);
	print_manual_steps(run);
	if (interrupted && (run->stop_code || run->not_reached))
		error("interrupted: the run stopped; run it again to continue");
	else if (interrupted)
		note("interrupted while the last approved action ran, so every approved action was reached");
	if (run->stop_code)
		code = run->stop_code;
	else if (run->failed)
		code = EXIT_ACTIONS_FAILED;
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	buf_release(&err);
	return code;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_options opts = { 0 };
	struct apply_run run = { 0 };
	struct buf err = BUF_INIT;
	unsigned char nonce[8];
	size_t i;
	int code;

	run.opts = &opts;
	run.writer.fd = -1;
	if ((code = parse_apply_options(argc, argv, &opts)))
		return code;
	run.base_url = gitlab_url_check(opts.gitlab_url, &err);
	if (!run.base_url) {
		code = plan_cli_usage_error("apply", "%s", err.data);
		goto out;
	}
	run.token = read_token(&opts);
	if (!run.token) {
		code = EXIT_USAGE;
		goto out;
	}
	if ((code = plan_cli_load(&run.plan, opts.plan)))
		goto out;
	if ((code = check_approval(&run)))
		goto out;
	if ((code = check_validity(&opts, &run.plan)))
		goto out;
	if (opts.db) {
		if ((code = check_snapshot(&opts, &run.plan)))
			goto out;
	} else {
		verbose("no --db: the plan's snapshot is not compared; each credential is checked in GitLab before its action");
	}
	if (plan_cli_count_approved(&run.plan, NULL) == 0) {
		note("no action of %s is approved: tick the boxes of the actions to carry out",
		     run.plan.md_path);
		goto out;
	}
	if ((code = open_journal(&run)))
		goto out;

	gcry_create_nonce(nonce, sizeof(nonce));
	for (i = 0; i < sizeof(nonce); i++)
		snprintf(run.run_id + 2 * i, 3, "%02x", nonce[i]);
	code = run_actions(&run);
out:
	gitlab_client_free(run.client);
	journal_close(&run.writer);
	journal_release(&run.journal);
	json_decref(run.approver);
	free(run.manual_items);
	plan_file_release(&run.plan);
	free_token(run.token);
	free(run.base_url);
	buf_release(&err);
	return code;
}
