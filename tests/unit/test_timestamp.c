/*
 * Unit tests for timestamp.c. Expected epoch values were computed with
 * Python's calendar.timegm, independently of the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "timestamp.h"

struct accepted {
	const char *text;
	int64_t sec;
	int date_only;
};

static const struct accepted accepted[] = {
	/* Dates. */
	{ "2026-12-04", 1796342400, 1 },
	{ "1970-01-01", 0, 1 },
	{ "2024-02-29", 1709164800, 1 },
	{ "2000-02-29", 951782400, 1 },
	{ "1600-02-29", -11670998400, 1 },
	{ "2026-01-31", 1769817600, 1 },
	{ "2026-04-30", 1777507200, 1 },
	{ "0001-01-01", -62135596800, 1 },
	{ "9999-12-31", 253402214400, 1 },
	/* Date and time, each separator, fraction and zone. */
	{ "2026-12-04 12:00:00", 1796385600, 0 },
	{ "2026-12-04T12:00:00", 1796385600, 0 },
	{ "2026-12-04t12:00:00", 1796385600, 0 },
	{ "2026-12-04T12:00:00Z", 1796385600, 0 },
	{ "2026-12-04T12:00:00z", 1796385600, 0 },
	{ "2026-12-04 12:00:00.123456", 1796385600, 0 },
	{ "2026-12-04 12:00:00.999999999999999", 1796385600, 0 },
	{ "2026-12-04 12:00:00.5+00", 1796385600, 0 },
	{ "2026-12-04 12:00:00+00", 1796385600, 0 },
	{ "2026-12-04 12:00:00-00", 1796385600, 0 },
	{ "2026-12-04 12:00:00+0000", 1796385600, 0 },
	{ "2026-12-04 12:00:00+00:00", 1796385600, 0 },
	{ "2026-12-04 12:00:00 +0000", 1796385600, 0 },
	{ "2026-12-04 12:00:00 UTC", 1796385600, 0 },
	{ "2026-12-04 12:00:00UTC", 1796385600, 0 },
	{ "2026-12-04T12:00:00.000Z", 1796385600, 0 },
	{ "2026-01-01 05:30:00+05:30", 1767225600, 0 },
	{ "2026-01-01T05:30:00+0530", 1767225600, 0 },
	{ "2025-12-31T18:30:00-05:30", 1767225600, 0 },
	{ "2026-01-01 08:00:00+08", 1767225600, 0 },
	{ "2026-01-01T00:00:00+23:59", 1767225600 - 86340, 0 },
	{ "2026-01-01T00:00:00-23:59", 1767225600 + 86340, 0 },
	{ "0001-01-01T00:00:00Z", -62135596800, 0 },
	{ "0001-01-01T00:00:00-01:00", -62135596800 + 3600, 0 },
	{ "9999-12-31T23:59:59Z", 253402300799, 0 },
	{ "9999-12-31T23:59:59+01:00", 253402300799 - 3600, 0 },
	{ "1969-12-31T23:59:59Z", -1, 0 },
	/* A leap second is read as the second before it. */
	{ "2025-12-31 23:59:60", 1767225599, 0 },
	{ "2026-06-30T23:59:60Z", 1782863999, 0 },
	/* Leading and trailing whitespace. */
	{ "  2026-12-04  ", 1796342400, 1 },
	{ "\t2026-12-04 12:00:00\r\n", 1796385600, 0 },
	{ "\n2026-12-04T12:00:00Z\n", 1796385600, 0 },
	/* Epoch integers of 9 to 11 digits. */
	{ "1796385600", 1796385600, 0 },
	{ "100000000", 100000000, 0 },
	{ "99999999999", 99999999999, 0 },
	{ " 1796385600\n", 1796385600, 0 },
};

static const char *const rejected[] = {
	"", " ", "\t\r\n",
	/* Placeholders and words. */
	"0000-00-00", "0000-00-00 00:00:00", "0000-01-01", "garbage",
	"infinity", "-infinity", "NULL", "null",
	/* Ranges. */
	"2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32",
	"2026-02-29", "1900-02-29", "2100-02-29", "2026-02-30",
	"2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31",
	"2026-01-01 24:00:00", "2026-01-01 23:60:00", "2026-01-01 23:59:61",
	"2026-01-01 99:00:00",
	/* Shapes. */
	"2026-1-01", "2026-01-1", "26-01-01", "12026-01-01", "+2026-01-01",
	"2026/01/01", "2026.01.01", "01-01-2026", "2026-01", "2026",
	"2026-01-01T", "2026-01-01X12:00:00", "2026-01-01T12",
	"2026-01-01 12:00", "2026-01-01 12:00:0", "2026-01-01 1:00:00",
	"2026-01-01 12-00-00", "2026-01-01  12:00:00",
	"2026-01-01 12:00:00.", "2026-01-01 12:00:00,5",
	"2026-01-01 12:00:00.x", "2026-01-01Z", "2026-01-01 UTC",
	"2026-01-01 12:00:00 junk", "2026-01-01 12:00:00 BC",
	/* Zones. */
	"2026-01-01 12:00:00+5", "2026-01-01 12:00:00+05:3",
	"2026-01-01 12:00:00+053", "2026-01-01 12:00:00+05:",
	"2026-01-01 12:00:00+24:00", "2026-01-01 12:00:00+05:60",
	"2026-01-01 12:00:00+05:30:00", "2026-01-01 12:00:00ZZ",
	"2026-01-01 12:00:00 GMT", "2026-01-01 12:00:00  UTC",
	"2026-01-01 12:00:00 Z+01", "2026-01-01 12:00:00+",
	"2026-01-01 12:00:00UTC+1", "2026-01-01 12:00:00 utc",
	/* Out of the years 0001 to 9999 after the offset. */
	"0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
	/* Numbers that are not epoch seconds. */
	"0", "1", "12345678", "20260101", "000000000", "0123456789",
	"123456789012", "1796385600000", "-1796385600", "+1796385600",
	"1796385600.5", "1 796385600", "17963856OO", "0x6b1a3c40",
	/* Bytes outside ASCII. */
	"\xef\xbc\x92""026-01-01", "2026-01-01T12:00:00\xff",
	"2026-01-01\xc2\xa0", "\xc2\xa0""2026-01-01",
};

static void ts_accepts_forms(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		struct timestamp ts;
		int ret = ts_parse(accepted[i].text, &ts);

		if (ret != 0 || ts.state != TS_SET)
			fail_msg("\"%s\": not accepted (state %d)",
				 accepted[i].text, ts.state);
		if (ts.sec != accepted[i].sec)
			fail_msg("\"%s\": got %" PRId64 ", expected %" PRId64,
				 accepted[i].text, ts.sec, accepted[i].sec);
		if (ts.date_only != accepted[i].date_only)
			fail_msg("\"%s\": date_only is %d", accepted[i].text,
				 ts.date_only);
		assert_null(ts.raw);
		ts_release(&ts);
	}
}

static void ts_rejects_forms(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		struct timestamp ts;
		int ret = ts_parse(rejected[i], &ts);

		if (ret != -1 || ts.state != TS_INVALID)
			fail_msg("\"%s\": not rejected (sec %" PRId64 ")",
				 rejected[i], ts.sec);
		assert_non_null(ts.raw);
		assert_string_equal(ts.raw, rejected[i]);
		assert_int_equal(ts.sec, 0);
		assert_int_equal(ts.date_only, 0);
		ts_release(&ts);
	}
}

static void ts_null_is_none(void **state)
{
	struct timestamp ts;

	memset(&ts, 0x5a, sizeof(ts));
	assert_int_equal(ts_parse(NULL, &ts), 0);
	assert_int_equal(ts.state, TS_NONE);
	assert_null(ts.raw);
	assert_int_equal(ts.sec, 0);
	assert_int_equal(ts.date_only, 0);
}

static void ts_parse_overwrites(void **state)
{
	struct timestamp ts;

	memset(&ts, 0x5a, sizeof(ts));
	assert_int_equal(ts_parse("2026-12-04T12:00:00Z", &ts), 0);
	assert_int_equal(ts.state, TS_SET);
	assert_int_equal(ts.date_only, 0);
	assert_null(ts.raw);
}

static void ts_release_resets(void **state)
{
	struct timestamp ts;

	assert_int_equal(ts_parse("not a date", &ts), -1);
	ts_release(&ts);
	assert_int_equal(ts.state, TS_NONE);
	assert_null(ts.raw);
	ts_release(&ts);
	assert_null(ts.raw);
}

static void civil_known_days(void **state)
{
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(1, 1, 1), -719162);
	assert_int_equal(days_from_civil(9999, 12, 31), 2932896);
	assert_int_equal(days_from_civil(1900, 3, 1), -25508);
	assert_int_equal(days_from_civil(2100, 3, 1), 47541);
	assert_int_equal(days_from_civil(0, 3, 1), -719468);
}

static int test_is_leap(int64_t year)
{
	if (year % 400 == 0)
		return 1;
	if (year % 100 == 0)
		return 0;
	return year % 4 == 0;
}

static unsigned test_month_days(int64_t year, unsigned month)
{
	if (month == 2)
		return test_is_leap(year) ? 29 : 28;
	if (month == 4 || month == 6 || month == 9 || month == 11)
		return 30;
	return 31;
}

/*
 * Walk every day from 0400-01-01 BC (year -399) to 9999-12-31 and check
 * that civil_from_days steps through the calendar one day at a time and
 * that days_from_civil maps each date back.
 */
static void civil_round_trip(void **state)
{
	int64_t first = days_from_civil(-399, 1, 1);
	int64_t last = days_from_civil(9999, 12, 31);
	int64_t day, year, expected_year = -399;
	unsigned month, mday, expected_month = 1, expected_mday = 1;

	for (day = first; day <= last; day++) {
		civil_from_days(day, &year, &month, &mday);
		if (year != expected_year || month != expected_month ||
		    mday != expected_mday)
			fail_msg("day %" PRId64 ": got %" PRId64 "-%u-%u, "
				 "expected %" PRId64 "-%u-%u", day, year,
				 month, mday, expected_year, expected_month,
				 expected_mday);
		if (days_from_civil(year, month, mday) != day)
			fail_msg("%" PRId64 "-%u-%u does not map back to day "
				 "%" PRId64, year, month, mday, day);

		if (++expected_mday > test_month_days(expected_year,
						      expected_month)) {
			expected_mday = 1;
			if (++expected_month > 12) {
				expected_month = 1;
				expected_year++;
			}
		}
	}
	assert_int_equal(expected_year, 10000);
}

static void ts_day_floors(void **state)
{
	assert_int_equal(ts_day(0), 0);
	assert_int_equal(ts_day(86399), 0);
	assert_int_equal(ts_day(86400), 1);
	assert_int_equal(ts_day(-1), -1);
	assert_int_equal(ts_day(-86400), -1);
	assert_int_equal(ts_day(-86401), -2);
	assert_int_equal(ts_day(1796385600), 20791);
	assert_true(ts_day(INT64_MIN) == INT64_MIN / 86400 - 1);
	assert_true(ts_day(INT64_MAX) == INT64_MAX / 86400);
}

static void ts_format_values(void **state)
{
	char out[TS_TEXT_MAX];

	ts_format(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	ts_format(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	ts_format(1796385600, out);
	assert_string_equal(out, "2026-12-04T12:00:00Z");
	ts_format(1709164800 + 3661, out);
	assert_string_equal(out, "2024-02-29T01:01:01Z");
	ts_format(253402300799, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	ts_format(-62135596800, out);
	assert_string_equal(out, "0001-01-01T00:00:00Z");
}

static void ts_format_extremes(void **state)
{
	char out[TS_TEXT_MAX];

	/* Far outside 0001-9999, but neither overflow nor overrun. */
	ts_format(INT64_MIN, out);
	assert_true(strlen(out) < TS_TEXT_MAX);
	assert_int_equal(out[strlen(out) - 1], 'Z');
	ts_format(INT64_MAX, out);
	assert_true(strlen(out) < TS_TEXT_MAX);
	assert_int_equal(out[strlen(out) - 1], 'Z');
	ts_format_date(INT64_MIN, out);
	assert_true(strlen(out) < TS_TEXT_MAX);
}

static void ts_format_dates(void **state)
{
	char out[TS_TEXT_MAX];

	ts_format_date(1796385600, out);
	assert_string_equal(out, "2026-12-04");
	ts_format_date(-1, out);
	assert_string_equal(out, "1969-12-31");
	ts_format_date(0, out);
	assert_string_equal(out, "1970-01-01");
}

static void ts_parse_format_round_trip(void **state)
{
	static const int64_t values[] = {
		0, -1, 951782400, 1796385600, 253402300799, -62135596800,
	};
	char text[TS_TEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct timestamp ts;

		ts_format(values[i], text);
		assert_int_equal(ts_parse(text, &ts), 0);
		assert_true(ts.sec == values[i]);
		ts_release(&ts);
	}
}

static void ts_value_by_state(void **state)
{
	struct timestamp ts;
	char out[TS_TEXT_MAX];

	ts_parse("2026-12-04", &ts);
	ts_format_value(&ts, out);
	assert_string_equal(out, "2026-12-04");

	ts_parse("2026-12-04 12:00:00+01", &ts);
	ts_format_value(&ts, out);
	assert_string_equal(out, "2026-12-04T11:00:00Z");

	ts_parse("1796385600", &ts);
	ts_format_value(&ts, out);
	assert_string_equal(out, "2026-12-04T12:00:00Z");

	ts_parse(NULL, &ts);
	strcpy(out, "x");
	ts_format_value(&ts, out);
	assert_string_equal(out, "");

	memset(&ts, 0, sizeof(ts));
	ts.state = TS_UNAVAILABLE;
	strcpy(out, "x");
	ts_format_value(&ts, out);
	assert_string_equal(out, "");

	ts_parse("0000-00-00", &ts);
	ts_format_value(&ts, out);
	assert_string_equal(out, "0000-00-00");
	ts_release(&ts);
}

static void ts_value_cuts_raw(void **state)
{
	struct timestamp ts;
	char out[TS_TEXT_MAX];
	char text[101];
	size_t i, len, start;

	memset(text, 'x', 100);
	text[100] = '\0';
	ts_parse(text, &ts);
	ts_format_value(&ts, out);
	len = strlen(out);
	assert_true(len < TS_TEXT_MAX);
	assert_string_equal(out + len - 3, "...");
	assert_memory_equal(out, text, len - 3);
	ts_release(&ts);

	/*
	 * Two-byte characters after 0 or 1 ASCII bytes, so that the cut
	 * falls on a first and on a second byte: it must split neither.
	 */
	for (start = 0; start < 2; start++) {
		memset(text, 'x', 100);
		for (i = start; i + 1 < 100; i += 2) {
			text[i] = '\xc3';
			text[i + 1] = '\xa9';
		}
		ts_parse(text, &ts);
		ts_format_value(&ts, out);
		len = strlen(out);
		assert_true(len < TS_TEXT_MAX);
		assert_true(len >= TS_TEXT_MAX - 5);
		assert_string_equal(out + len - 3, "...");
		assert_int_equal((len - 3 - start) % 2, 0);
		ts_release(&ts);
	}
}

/*
 * A value made of stray UTF-8 continuation bytes, as a fuzz target found
 * it, is cut where it fills the text and not shown as "..." alone.
 */
static void ts_value_stray_bytes(void **state)
{
	struct timestamp ts;
	char out[TS_TEXT_MAX];
	char text[64];
	size_t shown = TS_TEXT_MAX - 4;

	memset(text, '\x8e', 40);
	strcpy(text + 40, "26-01");
	assert_int_equal(ts_parse(text, &ts), -1);
	ts_format_value(&ts, out);
	assert_int_equal(strlen(out), shown + 3);
	assert_memory_equal(out, text, shown);
	assert_string_equal(out + shown, "...");
	ts_release(&ts);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Megabyte inputs finish at once. The bound of 5 seconds is far above a
 * linear parse, even under valgrind, and far below a quadratic one.
 */
static void ts_long_input(void **state)
{
	size_t size = 1 << 20;
	char *text = malloc(size + 1);
	struct timestamp ts;
	struct timespec start;
	const char *prefix = "2026-12-04 12:00:00.";

	assert_non_null(text);
	clock_gettime(CLOCK_MONOTONIC, &start);

	memset(text, '7', size);
	text[size] = '\0';
	assert_int_equal(ts_parse(text, &ts), -1);
	ts_release(&ts);

	memset(text, ' ', size);
	assert_int_equal(ts_parse(text, &ts), -1);
	ts_release(&ts);

	memset(text, '5', size);
	memcpy(text, prefix, strlen(prefix));
	assert_int_equal(ts_parse(text, &ts), 0);
	assert_true(ts.sec == 1796385600);

	memset(text, ' ', size);
	memcpy(text + size / 2, "2026-12-04", 10);
	assert_int_equal(ts_parse(text, &ts), 0);
	assert_true(ts.sec == 1796342400);

	assert_true(seconds_since(&start) < 5.0);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ts_accepts_forms),
		cmocka_unit_test(ts_rejects_forms),
		cmocka_unit_test(ts_null_is_none),
		cmocka_unit_test(ts_parse_overwrites),
		cmocka_unit_test(ts_release_resets),
		cmocka_unit_test(civil_known_days),
		cmocka_unit_test(civil_round_trip),
		cmocka_unit_test(ts_day_floors),
		cmocka_unit_test(ts_format_values),
		cmocka_unit_test(ts_format_extremes),
		cmocka_unit_test(ts_format_dates),
		cmocka_unit_test(ts_parse_format_round_trip),
		cmocka_unit_test(ts_value_by_state),
		cmocka_unit_test(ts_value_cuts_raw),
		cmocka_unit_test(ts_value_stray_bytes),
		cmocka_unit_test(ts_long_input),
	};

	return cmocka_run_group_tests_name("timestamp", tests, NULL, NULL);
}
