#ifndef CREDAUDIT_PLAN_CLI_H
#define CREDAUDIT_PLAN_CLI_H

#include <stdio.h>

#include "plan_read.h"
#include "signature.h"

/* Command-line helpers that `approve` and `apply` share. */

/* Print an error and a pointer to --help; returns EXIT_USAGE. */
int plan_cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Read the plan with plan_file_read() and print each problem as an
 * error. Returns EXIT_OK or EXIT_PLAN_INVALID.
 */
int plan_cli_load(struct plan_file *plan, const char *md_path);

/* Number of approved actions; `json_only`, if not NULL, gets the number
   approved in plan.json without a tick in plan.md. */
size_t plan_cli_count_approved(const struct plan_file *plan,
			       size_t *json_only);

/* Print "FINGERPRINT "user ID" signed at TIME" for one signer. */
void plan_cli_print_signer(FILE *out, const struct plan_signer *signer);

/*
 * Parse a number of seconds such as "30" or "0.2" into milliseconds
 * between `min_ms` and `max_ms`. Returns 0, or -1 when it is not one.
 */
int plan_cli_parse_seconds(const char *text, long min_ms, long max_ms,
			   long *out);

#endif
