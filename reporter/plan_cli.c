#include "plan_cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit_code.h"
#include "msg.h"
#include "timestamp.h"

int plan_cli_usage_error(const char *command, const char *fmt, ...)
{
	struct buf message = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&message, fmt, ap);
	va_end(ap);
	error("%s", message.data);
	buf_release(&message);
	fprintf(stderr, "Run 'credaudit %s --help' for the options.\n",
		command);
	return EXIT_USAGE;
}

/* The first line of every plan.md that `credaudit report` writes. */
#define PLAN_HEADING "# Revocation plan"

/* Print why the folder `path` is not a plan.md, and which file may be. */
static void report_folder(const char *path)
{
	struct buf inside = BUF_INIT;
	size_t len = strlen(path);

	buf_adds(&inside, path);
	if (len && path[len - 1] != '/')
		buf_addch(&inside, '/');
	buf_adds(&inside, "plan.md");
	if (access(inside.data, F_OK) == 0)
		error("'%s' is a folder: pass the plan.md in it, '%s'", path,
		      inside.data);
	else
		error("'%s' is a folder, and it has no plan.md: pass the plan.md that credaudit report wrote into its --out folder",
		      path);
	buf_release(&inside);
}

/*
 * Return 0 when `md_path` starts as a plan.md does, with or without a
 * UTF-8 byte order mark, or when it cannot be opened, which
 * plan_file_read() then reports. Otherwise print why it is not a plan
 * and return -1. So a folder, report.md or plan.json passed by mistake
 * is named before their companion files are looked for.
 */
static int check_plan_heading(const char *md_path)
{
	char first[sizeof(PLAN_UTF8_BOM) - 1 + sizeof(PLAN_HEADING) + 2] = "";
	const unsigned char *bytes = (const unsigned char *)first;
	const char *heading = first;
	struct stat st;
	FILE *file;
	size_t len = strlen(md_path);

	if (stat(md_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		report_folder(md_path);
		return -1;
	}
	/* Opening a FIFO would wait for a writer that may never come. */
	if (stat(md_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		error("'%s' is not a regular file: pass the plan.md that credaudit report wrote",
		      md_path);
		return -1;
	}
	file = fopen(md_path, "r");
	if (!file)
		return 0;
	if (!fgets(first, sizeof(first), file))
		first[0] = '\0';
	fclose(file);
	if ((bytes[0] == 0xFF && bytes[1] == 0xFE) ||
	    (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
		error("'%s' is UTF-16 text, but a plan is read as UTF-8: save it as UTF-8 in the editor, changing nothing else",
		      md_path);
		return -1;
	}
	first[strcspn(first, "\r\n")] = '\0';
	if (!strncmp(first, PLAN_UTF8_BOM, strlen(PLAN_UTF8_BOM)))
		heading += strlen(PLAN_UTF8_BOM);
	if (!strcmp(heading, PLAN_HEADING))
		return 0;
	if (len >= 5 && !strcmp(md_path + len - 5, ".json"))
		error("'%s' is not a plan.md: pass the plan.md next to it, whose boxes approve the actions",
		      md_path);
	else
		error("'%s' is not a revocation plan: pass the plan.md that credaudit report wrote, which starts with '# Revocation plan'",
		      md_path);
	return -1;
}

int plan_cli_load(struct plan_file *plan, const char *md_path)
{
	struct buf problems = BUF_INIT;
	enum plan_read_status status;
	char *line, *next;

	if (check_plan_heading(md_path) < 0) {
		memset(plan, 0, sizeof(*plan));
		return EXIT_PLAN_INVALID;
	}
	status = plan_file_read(plan, md_path, &problems);
	for (line = problems.data; *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			next = line + strlen(line);
		else
			*next++ = '\0';
		if (*line)
			error("%s", line);
	}
	buf_release(&problems);
	if (status == PLAN_READ_INVALID)
		error("the plan cannot be used as it is: fix the lines above, or make a new plan with credaudit report");
	return status == PLAN_READ_OK ? EXIT_OK : EXIT_PLAN_INVALID;
}

size_t plan_cli_count_approved(const struct plan_file *plan,
			       size_t *json_only)
{
	size_t i, approved = 0, only = 0;

	for (i = 0; i < plan->count; i++) {
		if (plan_item_approved(&plan->items[i]))
			approved++;
		if (plan->items[i].approved_json && !plan->items[i].ticked)
			only++;
	}
	if (json_only)
		*json_only = only;
	return approved;
}

void plan_cli_print_signer(FILE *out, const struct plan_signer *signer)
{
	char when[TS_TEXT_MAX];

	ts_format(signer->signed_at, when);
	fprintf(out, "%s \"%s\" signed at %s", signer->fingerprint,
		signer->user_id ? signer->user_id : "no user ID", when);
}

int plan_cli_parse_seconds(const char *text, long min_ms, long max_ms,
			   long *out)
{
	char *end;
	double seconds;

	errno = 0;
	seconds = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(seconds))
		return -1;
	seconds *= 1000.0;
	if (seconds < (double)min_ms || seconds > (double)max_ms)
		return -1;
	*out = (long)seconds;
	return 0;
}
