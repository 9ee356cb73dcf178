#ifndef CREDAUDIT_REPORT_H
#define CREDAUDIT_REPORT_H

#include <stdint.h>

#include "plan_filter.h"

/* What `credaudit report` was asked to do. */
struct report_options {
	const char *db;
	const char *out;
	const char *template_dir;   /* NULL: the built-in template */
	int64_t now;
	int plan_valid_days;
	struct plan_filter plan_filter; /* --plan-severity, --plan-rules */
	int no_cache;               /* --no-cache: no GPG key cache */
	const char *tool_version;
};

/*
 * Write every output of a report for `opts` (docs/architecture.md):
 * stream the snapshot's credentials through the policy, the plan and the
 * outputs that list them, then write the overview, and commit all files
 * at once. Returns an exit code of exit_code.h; the reason of a failure
 * went to stderr.
 */
int report_run(const struct report_options *opts);

#endif
