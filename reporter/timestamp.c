#include "timestamp.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define SECONDS_PER_DAY 86400

/* Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define EPOCH_SHIFT 719468
/* Days in one 400-year cycle, which repeats exactly. */
#define DAYS_PER_ERA 146097

/* An epoch integer has 9 to 11 digits, as timestamp.h explains. */
#define EPOCH_DIGITS_MIN 9
#define EPOCH_DIGITS_MAX 11

/* A read position in the text. `end` points one past the last byte. */
struct cursor {
	const char *p;
	const char *end;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/*
 * The year is counted from March, so that the leap day is the last day of
 * the counted year and the month lengths from March on follow a fixed
 * 153-day pattern over five months.
 */
int64_t days_from_civil(int64_t year, unsigned month, unsigned day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = floor_div(y, 400);
	int64_t year_of_era = y - era * 400;
	int64_t month_from_march = month > 2 ? month - 3 : month + 9;
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
			     year_of_era / 100 + day_of_year;

	return era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT;
}

void civil_from_days(int64_t days, int64_t *year, unsigned *month,
		     unsigned *day)
{
	int64_t shifted = days + EPOCH_SHIFT;
	int64_t era = floor_div(shifted, DAYS_PER_ERA);
	int64_t day_of_era = shifted - era * DAYS_PER_ERA;
	int64_t year_of_era, day_of_year, month_from_march;

	/* Remove the leap days so far in the era, then divide by 365. */
	year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
		       day_of_era / (DAYS_PER_ERA - 1)) / 365;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
				    year_of_era / 100);
	month_from_march = (5 * day_of_year + 2) / 153;

	*day = (unsigned)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	*month = (unsigned)(month_from_march < 10 ? month_from_march + 3 :
			    month_from_march - 9);
	*year = year_of_era + era * 400 + (*month <= 2);
}

int64_t ts_day(int64_t sec)
{
	return floor_div(sec, SECONDS_PER_DAY);
}

static int is_leap_year(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned days_in_month(int64_t year, unsigned month)
{
	static const unsigned days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int at_end(const struct cursor *c)
{
	return c->p == c->end;
}

/* Consume `ch` if it is next. */
static int skip_char(struct cursor *c, char ch)
{
	if (at_end(c) || *c->p != ch)
		return 0;
	c->p++;
	return 1;
}

/* Read exactly `count` digits as a number, or fail and consume none. */
static int read_digits(struct cursor *c, int count, unsigned *value)
{
	unsigned v = 0;
	int i;

	if (c->end - c->p < count)
		return -1;
	for (i = 0; i < count; i++) {
		if (!is_digit(c->p[i]))
			return -1;
		v = v * 10 + (unsigned)(c->p[i] - '0');
	}
	c->p += count;
	*value = v;
	return 0;
}

/* Read "YYYY-MM-DD" with a year from 0001 to 9999 into days since the epoch. */
static int read_date(struct cursor *c, int64_t *days)
{
	unsigned year, month, day;

	if (read_digits(c, 4, &year) || !skip_char(c, '-') ||
	    read_digits(c, 2, &month) || !skip_char(c, '-') ||
	    read_digits(c, 2, &day))
		return -1;
	if (year < 1 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month))
		return -1;
	*days = days_from_civil(year, month, day);
	return 0;
}

/*
 * Read "HH:MM:SS" and an optional fraction, which is dropped. A leap
 * second (:60) becomes :59 because POSIX time has no leap seconds, and
 * moving it forward instead could change the date.
 */
static int read_time(struct cursor *c, int64_t *sec)
{
	unsigned hour, minute, second;

	if (read_digits(c, 2, &hour) || !skip_char(c, ':') ||
	    read_digits(c, 2, &minute) || !skip_char(c, ':') ||
	    read_digits(c, 2, &second))
		return -1;
	if (hour > 23 || minute > 59 || second > 60)
		return -1;
	if (second == 60)
		second = 59;

	if (skip_char(c, '.')) {
		if (at_end(c) || !is_digit(*c->p))
			return -1;
		while (!at_end(c) && is_digit(*c->p))
			c->p++;
	}
	*sec = (int64_t)hour * 3600 + minute * 60 + second;
	return 0;
}

/*
 * Read a zone: "Z", "UTC", or a sign and HH, HHMM or HH:MM, optionally
 * after one space. `*offset` is the zone's offset east of UTC in seconds.
 */
static int read_zone(struct cursor *c, int64_t *offset)
{
	unsigned hours, minutes = 0;
	int sign;

	*offset = 0;
	if (at_end(c))
		return 0;
	skip_char(c, ' ');
	if (skip_char(c, 'Z') || skip_char(c, 'z'))
		return 0;
	if (c->end - c->p >= 3 && !memcmp(c->p, "UTC", 3)) {
		c->p += 3;
		return 0;
	}

	if (skip_char(c, '+'))
		sign = 1;
	else if (skip_char(c, '-'))
		sign = -1;
	else
		return -1;
	if (read_digits(c, 2, &hours))
		return -1;
	if (skip_char(c, ':')) {
		if (read_digits(c, 2, &minutes))
			return -1;
	} else if (!at_end(c) && read_digits(c, 2, &minutes)) {
		return -1;
	}
	if (hours > 23 || minutes > 59)
		return -1;
	*offset = sign * ((int64_t)hours * 3600 + minutes * 60);
	return 0;
}

static int parse_calendar(struct cursor *c, int64_t *sec, int *date_only)
{
	int64_t days, time_of_day, offset, first, last;

	if (read_date(c, &days))
		return -1;
	if (at_end(c)) {
		*sec = days * SECONDS_PER_DAY;
		*date_only = 1;
		return 0;
	}

	if (!skip_char(c, 'T') && !skip_char(c, 't') && !skip_char(c, ' '))
		return -1;
	if (read_time(c, &time_of_day) || read_zone(c, &offset) || !at_end(c))
		return -1;

	/* An offset may move the instant out of the years 0001 to 9999. */
	*sec = days * SECONDS_PER_DAY + time_of_day - offset;
	first = days_from_civil(1, 1, 1) * SECONDS_PER_DAY;
	last = (days_from_civil(9999, 12, 31) + 1) * SECONDS_PER_DAY - 1;
	if (*sec < first || *sec > last)
		return -1;
	*date_only = 0;
	return 0;
}

static int parse_epoch(const struct cursor *c, int64_t *sec)
{
	const char *p;
	int64_t value = 0;
	ptrdiff_t len = c->end - c->p;

	if (len < EPOCH_DIGITS_MIN || len > EPOCH_DIGITS_MAX)
		return -1;
	for (p = c->p; p < c->end; p++) {
		if (!is_digit(*p))
			return -1;
		value = value * 10 + (*p - '0');
	}
	if (*c->p == '0')
		return -1;
	*sec = value;
	return 0;
}

int ts_parse(const char *text, struct timestamp *out)
{
	struct cursor c;

	memset(out, 0, sizeof(*out));
	if (!text) {
		out->state = TS_NONE;
		return 0;
	}

	c.p = text;
	c.end = text + strlen(text);
	while (c.p < c.end && is_space(*c.p))
		c.p++;
	while (c.end > c.p && is_space(c.end[-1]))
		c.end--;

	if (!parse_epoch(&c, &out->sec)) {
		out->state = TS_SET;
		return 0;
	}
	if (!parse_calendar(&c, &out->sec, &out->date_only)) {
		out->state = TS_SET;
		return 0;
	}

	out->state = TS_INVALID;
	out->date_only = 0;
	out->sec = 0;
	out->raw = xstrdup(text);
	return -1;
}

void ts_release(struct timestamp *ts)
{
	free(ts->raw);
	memset(ts, 0, sizeof(*ts));
	ts->state = TS_NONE;
}

/* Split `sec` into its day and the seconds into that day, without overflow. */
static void split_day(int64_t sec, int64_t *day, unsigned *second_of_day)
{
	int64_t rem = sec % SECONDS_PER_DAY;

	*day = sec / SECONDS_PER_DAY;
	if (rem < 0) {
		rem += SECONDS_PER_DAY;
		(*day)--;
	}
	*second_of_day = (unsigned)rem;
}

/* Write `value` as exactly `width` decimal digits, zero-padded. */
static char *put_digits(char *p, unsigned value, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + value % 10);
		value /= 10;
	}
	return p + width;
}

/*
 * Write the date of `sec`, and its time unless `date_only`. Every report
 * formats a few timestamps per credential, so the usual years 0000-9999
 * are written digit by digit; others go through snprintf.
 */
static void format_utc(int64_t sec, int date_only, char *out)
{
	int64_t day, year;
	unsigned second_of_day, month, mday;
	char *p = out;

	split_day(sec, &day, &second_of_day);
	civil_from_days(day, &year, &month, &mday);
	if (year < 0 || year > 9999) {
		if (date_only)
			snprintf(out, TS_TEXT_MAX, "%04" PRId64 "-%02u-%02u",
				 year, month, mday);
		else
			snprintf(out, TS_TEXT_MAX,
				 "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ",
				 year, month, mday, second_of_day / 3600,
				 second_of_day / 60 % 60, second_of_day % 60);
		return;
	}
	p = put_digits(p, (unsigned)year, 4);
	*p++ = '-';
	p = put_digits(p, month, 2);
	*p++ = '-';
	p = put_digits(p, mday, 2);
	if (!date_only) {
		*p++ = 'T';
		p = put_digits(p, second_of_day / 3600, 2);
		*p++ = ':';
		p = put_digits(p, second_of_day / 60 % 60, 2);
		*p++ = ':';
		p = put_digits(p, second_of_day % 60, 2);
		*p++ = 'Z';
	}
	*p = '\0';
}

void ts_format(int64_t sec, char *out)
{
	format_utc(sec, 0, out);
}

void ts_format_date(int64_t sec, char *out)
{
	format_utc(sec, 1, out);
}

static int is_continuation_byte(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/*
 * Return where to cut `text` to keep at most `max` bytes (text[max] must
 * exist) without splitting a UTF-8 character. A character has at most
 * three continuation bytes, so the cut moves back at most three bytes.
 * A longer run of continuation bytes is invalid UTF-8, and cutting into
 * it splits no character.
 */
static size_t utf8_cut(const char *text, size_t max)
{
	size_t start = max;
	unsigned char lead;
	size_t char_len;

	if (!is_continuation_byte(text[max]))
		return max;
	while (start > 0 && max - start < 3 && is_continuation_byte(text[start]))
		start--;
	if (is_continuation_byte(text[start]))
		return max;

	lead = (unsigned char)text[start];
	if (lead >= 0xf0)
		char_len = 4;
	else if (lead >= 0xe0)
		char_len = 3;
	else if (lead >= 0xc0)
		char_len = 2;
	else
		char_len = 1;
	return start + char_len > max ? start : max;
}

/* Copy `raw`, cut at a UTF-8 character boundary with "..." if it is long. */
static void format_raw(const char *raw, char *out)
{
	size_t len = strlen(raw);

	if (len < TS_TEXT_MAX) {
		memcpy(out, raw, len + 1);
		return;
	}
	len = utf8_cut(raw, TS_TEXT_MAX - 4);
	memcpy(out, raw, len);
	memcpy(out + len, "...", 4);
}

void ts_format_value(const struct timestamp *ts, char *out)
{
	switch (ts->state) {
	case TS_SET:
		if (ts->date_only)
			ts_format_date(ts->sec, out);
		else
			ts_format(ts->sec, out);
		break;
	case TS_INVALID:
		format_raw(ts->raw ? ts->raw : "", out);
		break;
	case TS_NONE:
	case TS_UNAVAILABLE:
	default:
		out[0] = '\0';
		break;
	}
}
