#ifndef CREDAUDIT_TIMESTAMP_H
#define CREDAUDIT_TIMESTAMP_H

#include <stdint.h>

/*
 * A date or time read from the snapshot, converted to UTC.
 *
 * GitLab stores dates ("expires_at" of a token) and timestamps ("created_at")
 * in PostgreSQL; exports turn them into several text forms. All are parsed
 * here in C, never compared as text in SQL.
 */
enum ts_state {
	TS_NONE,         /* NULL in the snapshot: the value is absent */
	TS_SET,          /* parsed; `sec` is valid */
	TS_INVALID,      /* present but not parseable; `raw` holds the text */
	TS_UNAVAILABLE,  /* the column does not exist in this snapshot */
};

struct timestamp {
	enum ts_state state;
	int date_only;   /* the text was a bare date (YYYY-MM-DD) */
	int64_t sec;     /* seconds since 1970-01-01T00:00:00Z */
	char *raw;       /* owned copy of the text when state is TS_INVALID */
};

#define TS_TEXT_MAX 32

/*
 * Parse `text` (NUL-terminated, or NULL for SQL NULL) into `out`.
 * Accepted: YYYY-MM-DD; YYYY-MM-DD HH:MM:SS with optional fraction and
 * optional zone (Z, +HH, +HHMM, +HH:MM); the same with 'T' in place of the
 * space; an integer of seconds since the epoch. Returns 0 when the value
 * is TS_NONE or TS_SET, -1 when it is TS_INVALID.
 */
int ts_parse(const char *text, struct timestamp *out);
void ts_release(struct timestamp *ts);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t *year, unsigned *month,
		     unsigned *day);

/* The UTC day (days since the epoch) that contains `sec`. */
int64_t ts_day(int64_t sec);

/* Format as "2026-12-04T12:00:00Z" or "2026-12-04"; `out` holds TS_TEXT_MAX. */
void ts_format(int64_t sec, char *out);
void ts_format_date(int64_t sec, char *out);
/* Format a timestamp as the report shows it: date only when it was a date. */
void ts_format_value(const struct timestamp *ts, char *out);

#endif
