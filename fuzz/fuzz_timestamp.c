/*
 * Fuzz target for ts_parse() and ts_format_value(): any bytes up to the
 * first NUL, read as one date or timestamp from the snapshot.
 *
 * Properties checked: a parsed value lies in the years 0001 to 9999, and
 * its display form parses back to the same instant and kind. ts_format()
 * agrees with glibc's gmtime_r(), and the day helpers agree with each
 * other. Surrounding whitespace changes nothing. An invalid value keeps
 * its text, and its display form is that text or a prefix of it cut at a
 * UTF-8 character boundary, followed by "...".
 */
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fuzz.h"
#include "timestamp.h"

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since 1970. */
#define FIRST_SECOND INT64_C(-62135596800)
#define LAST_SECOND INT64_C(253402300799)

/* The length of the well-formed UTF-8 sequence at `s` (table 3-7), or 0. */
static size_t utf8_length(const unsigned char *s, size_t left)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		need = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		need = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		need = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (left < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need;
}

/*
 * Whether `pos` falls between two characters of `s`, where a character
 * is a well-formed UTF-8 sequence or a byte that starts none.
 */
static int is_char_boundary(const unsigned char *s, size_t len, size_t pos)
{
	size_t i = 0, n;

	while (i < pos) {
		n = utf8_length(s + i, len - i);
		i += n ? n : 1;
	}
	return i == pos;
}

static void check_gmtime(int64_t sec)
{
	char ours[TS_TEXT_MAX], libc[64];
	time_t t = (time_t)sec;
	struct tm tm;

	fuzz_require(gmtime_r(&t, &tm) != NULL, "gmtime_r() converts");
	snprintf(libc, sizeof(libc), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	ts_format(sec, ours);
	fuzz_require(!strcmp(ours, libc), "ts_format() matches gmtime_r()");
}

static void check_days(int64_t sec)
{
	int64_t day = ts_day(sec), year;
	unsigned month, mday;

	fuzz_require(day * 86400 <= sec && sec < (day + 1) * 86400,
		     "ts_day() returns the day that contains the second");
	civil_from_days(day, &year, &month, &mday);
	fuzz_require(days_from_civil(year, month, mday) == day,
		     "days_from_civil() inverts civil_from_days()");
}

static void check_set(const struct timestamp *ts)
{
	char shown[TS_TEXT_MAX];
	struct timestamp again;

	fuzz_require(ts->raw == NULL, "a parsed value keeps no text");
	fuzz_require(ts->sec >= FIRST_SECOND && ts->sec <= LAST_SECOND,
		     "a parsed value lies in the years 0001 to 9999");
	if (ts->date_only)
		fuzz_require(ts->sec % 86400 == 0, "a date is at midnight UTC");

	ts_format_value(ts, shown);
	fuzz_require(ts_parse(shown, &again) == 0 && again.state == TS_SET,
		     "the display form parses");
	fuzz_require(again.sec == ts->sec, "the display form keeps the instant");
	fuzz_require(again.date_only == ts->date_only,
		     "the display form keeps date or timestamp");
	ts_release(&again);

	check_gmtime(ts->sec);
	check_days(ts->sec);
}

static void check_invalid(const struct timestamp *ts, const char *text)
{
	char shown[TS_TEXT_MAX];
	size_t raw_len, shown_len, prefix_len;

	fuzz_require(ts->raw != NULL && !strcmp(ts->raw, text),
		     "an invalid value keeps its whole text");
	fuzz_require(ts->sec == 0 && ts->date_only == 0,
		     "an invalid value has no instant");

	memset(shown, 'x', sizeof(shown));
	ts_format_value(ts, shown);
	fuzz_require(memchr(shown, '\0', sizeof(shown)) != NULL,
		     "the display form fits TS_TEXT_MAX");
	raw_len = strlen(ts->raw);
	shown_len = strlen(shown);
	if (raw_len < TS_TEXT_MAX) {
		fuzz_require(!strcmp(shown, ts->raw),
			     "a short invalid value is shown whole");
		return;
	}
	fuzz_require(shown_len >= 3 && !strcmp(shown + shown_len - 3, "..."),
		     "a long invalid value ends with \"...\"");
	prefix_len = shown_len - 3;
	fuzz_require(!memcmp(shown, ts->raw, prefix_len),
		     "a long invalid value is shown as a prefix");
	fuzz_require(prefix_len + 3 >= TS_TEXT_MAX - 4,
		     "the prefix is at most three bytes shorter than fits");
	fuzz_require(is_char_boundary((const unsigned char *)ts->raw, raw_len,
				      prefix_len),
		     "the prefix ends at a UTF-8 character boundary");
}

/* Parse `text` with blanks and a line break around it, which change nothing. */
static void check_padded(const char *text, const struct timestamp *ts)
{
	struct buf padded = BUF_INIT;
	struct timestamp again;

	buf_addf(&padded, " \t%s\r\n", text);
	ts_parse(padded.data, &again);
	fuzz_require(again.state == ts->state,
		     "surrounding whitespace keeps the state");
	fuzz_require(again.sec == ts->sec && again.date_only == ts->date_only,
		     "surrounding whitespace keeps the value");
	ts_release(&again);
	buf_release(&padded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct timestamp ts;
	int ret = ts_parse(text, &ts);

	if (ret == 0) {
		fuzz_require(ts.state == TS_SET, "a text is never TS_NONE");
		check_set(&ts);
	} else {
		fuzz_require(ret == -1 && ts.state == TS_INVALID,
			     "a failure is TS_INVALID and returns -1");
		check_invalid(&ts, text);
	}
	check_padded(text, &ts);

	ts_release(&ts);
	fuzz_require(ts.state == TS_NONE && ts.raw == NULL,
		     "release leaves TS_NONE");
	ts_release(&ts);
	free(text);
	return 0;
}
