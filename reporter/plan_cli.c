#include "plan_cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

int plan_cli_load(struct plan_file *plan, const char *md_path)
{
	struct buf problems = BUF_INIT;
	enum plan_read_status status;
	char *line, *next;

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
