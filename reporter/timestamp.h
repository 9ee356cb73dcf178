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

/* The last second that ts_parse() accepts: 9999-12-31T23:59:59Z. */
#define TS_LATEST 253402300799

/*
 * Parse `text` (NUL-terminated, or NULL for SQL NULL) into `out`, which is
 * overwritten without being released first.
 *
 * Accepted, after leading and trailing ASCII whitespace is dropped:
 *  - YYYY-MM-DD, which sets `date_only` and means 00:00:00 UTC.
 *  - YYYY-MM-DD HH:MM:SS, or 'T' or 't' in place of the space, with an
 *    optional fraction (.f, any number of digits, dropped) and an optional
 *    zone: Z, z, UTC, or +HH, +HHMM, +HH:MM (or '-'), optionally after one
 *    space. A time without a zone is UTC.
 *  - An integer of seconds since the epoch: 9 to 11 digits with no sign
 *    and no leading zero, so 1973-03-03 to 5138-11-16. Shorter numbers
 *    (such as 0 or a basic-format date like 20260101) and millisecond
 *    values (13 digits) are TS_INVALID rather than a wrong date.
 *
 * Years run from 0001 to 9999, also after the zone offset is applied.
 * Month, day (leap years included), hour 0-23 and minute 0-59 are checked.
 * Second 60 (a leap second) is read as 59, because POSIX time has no leap
 * seconds. Anything else, including "" and "0000-00-00", is TS_INVALID
 * and `raw` gets a copy of the whole text.
 *
 * Returns 0 when the value is TS_NONE or TS_SET, -1 when it is TS_INVALID.
 */
int ts_parse(const char *text, struct timestamp *out);
/* Free `raw` and leave `ts` as TS_NONE. */
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
/*
 * Format a timestamp as the report shows it: date only when it was a date.
 * TS_INVALID gives the raw text, cut to fit with "..." at the end, and
 * TS_NONE and TS_UNAVAILABLE give "" so that the caller picks the word.
 */
void ts_format_value(const struct timestamp *ts, char *out);

#endif
