#include "plan_scan.h"

#include <errno.h>
#include <string.h>

/*
 * Bytes kept of each line of plan.md, from its first character that is
 * not a space, a tab or '>'. The list marker, the box and the header
 * lines (the "Plan digest" line is 88 bytes) fit. The rest of a line is
 * only searched for "[x]".
 */
#define LINE_HEAD_MAX 256

#define DIGEST_PREFIX "Plan digest: `sha256:"
#define DIGEST_HEX_LEN 64
#define CREATED_PREFIX "Created: "

struct md_line {
	char head[LINE_HEAD_MAX];
	size_t len;
	size_t bytes;           /* bytes of the line so far, indent included */
	int past_indent;
	int box_text;           /* bytes of "[x]" matched at the end so far */
	int has_ticked_text;    /* "[x]" or "[X]" occurs in the line */
};

struct md_scan {
	struct plan_scan *scan;
	struct md_line line;
	long number;            /* of the current line, from 1 */
	int after_cr;           /* the last byte was a CR, which ends a line */
	int seen_digest;
	int seen_created;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the list marker at the start of `s`, or 0 when there is none. */
static size_t list_marker_len(const char *s, size_t len)
{
	size_t digits = 0;

	if (len && (s[0] == '-' || s[0] == '+' || s[0] == '*'))
		return 1;
	while (digits < len && digits < 9 && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits && digits < len && (s[digits] == '.' || s[digits] == ')'))
		return digits + 1;
	return 0;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* "Plan digest: `sha256:HEX`" with 64 lowercase hex digits. */
static void read_digest(struct md_scan *md, const char *s, size_t len)
{
	size_t at = strlen(DIGEST_PREFIX), i;

	if (len < at + DIGEST_HEX_LEN + 1 || s[at + DIGEST_HEX_LEN] != '`')
		return;
	for (i = at; i < at + DIGEST_HEX_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return;
	memcpy(md->scan->digest, s + at, PLAN_SCAN_DIGEST_HEX);
	md->scan->digest[PLAN_SCAN_DIGEST_HEX] = '\0';
}

/*
 * "Created: TIME". The time is written again by ts_format(), so it holds
 * only digits, '-', ':', 'T' and 'Z', whatever plan.md contained.
 * plan_archive.c drops the '-' and ':' from the folder name it makes.
 */
static void read_created(struct md_scan *md, const char *s, size_t len)
{
	char text[LINE_HEAD_MAX + 1];
	struct timestamp ts;
	size_t at = strlen(CREATED_PREFIX);

	memcpy(text, s + at, len - at);
	text[len - at] = '\0';
	if (ts_parse(text, &ts) == 0 && ts.state == TS_SET)
		ts_format(ts.sec, md->scan->created);
	ts_release(&ts);
}

/* Record what a list item's text after its marker shows: a box or a header. */
static void read_item(struct md_scan *md, const char *s, size_t len)
{
	struct plan_scan *scan = md->scan;
	char box;

	if (len && s[0] == '[') {
		box = len >= 3 && s[2] == ']' && (len == 3 || is_blank(s[3])) ?
			s[1] : '\0';
		if (box == 'x' || box == 'X' ||
		    (box == ' ' && md->line.has_ticked_text)) {
			if (!scan->ticked_line)
				scan->ticked_line = md->number;
		} else if (box != ' ' && !scan->damaged_line) {
			scan->damaged_line = md->number;
		}
		return;
	}
	if (starts_with(s, len, DIGEST_PREFIX) && !md->seen_digest) {
		md->seen_digest = 1;
		read_digest(md, s, len);
	} else if (starts_with(s, len, CREATED_PREFIX) && !md->seen_created) {
		md->seen_created = 1;
		read_created(md, s, len);
	}
}

static void end_line(struct md_scan *md)
{
	struct md_line *line = &md->line;
	size_t len = line->len, at;

	at = list_marker_len(line->head, len);
	if (at && at < len && is_blank(line->head[at])) {
		while (at < len && is_blank(line->head[at]))
			at++;
		read_item(md, line->head + at, len - at);
	}
	memset(line, 0, sizeof(*line));
	md->number++;
}

/* Follow "[x]" and "[X]" through the line, wherever it occurs. */
static void match_ticked_text(struct md_line *line, char c)
{
	if (line->box_text == 2 && c == ']')
		line->has_ticked_text = 1;
	if (c == '[')
		line->box_text = 1;
	else if (line->box_text == 1 && (c == 'x' || c == 'X'))
		line->box_text = 2;
	else
		line->box_text = 0;
}

static void md_byte(struct md_scan *md, char c)
{
	struct md_line *line = &md->line;
	int after_cr = md->after_cr;

	/* CommonMark ends a line at LF, CR LF or a lone CR. */
	md->after_cr = c == '\r';
	if (c == '\r' || (c == '\n' && !after_cr)) {
		end_line(md);
		return;
	}
	if (c == '\n')
		return;
	line->bytes++;
	match_ticked_text(line, c);
	if (!line->past_indent && (is_blank(c) || c == '>'))
		return;
	line->past_indent = 1;
	if (line->len < LINE_HEAD_MAX)
		line->head[line->len++] = c;
}

int plan_scan_markdown(FILE *file, struct plan_scan *scan)
{
	struct md_scan md;
	char chunk[PLAN_SCAN_CHUNK];
	size_t n, i;

	memset(&md, 0, sizeof(md));
	md.scan = scan;
	md.number = 1;
	scan->created[0] = '\0';
	scan->digest[0] = '\0';
	scan->ticked_line = 0;
	scan->damaged_line = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		for (i = 0; i < n; i++)
			md_byte(&md, chunk[i]);
	if (ferror(file)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	if (md.line.bytes)
		end_line(&md);
	return 0;
}

/* plan.json */

#define APPROVED_NAME "approved"
#define APPROVED_NAME_LEN 8

enum json_state {
	JSON_OUTSIDE,        /* between tokens, or in one that is not a string */
	JSON_STRING,
	JSON_ESCAPE,         /* after a backslash in a string */
	JSON_UNICODE,        /* in the four hex digits of \uXXXX */
	JSON_AFTER_STRING,   /* a member name is followed by ':' */
	JSON_AFTER_COLON,
	JSON_TRUE,           /* in the literal true */
};

struct json_scan {
	enum json_state state;
	size_t matched;      /* characters of "approved" the string matched */
	int mismatch;        /* the string is not "approved" */
	int is_approved;     /* the last string was "approved" */
	unsigned code;       /* of a \uXXXX escape */
	int hex_digits;
	int true_len;        /* characters of "true" read */
	size_t count;
};

/* Compare one decoded character of a string with "approved". */
static void json_string_char(struct json_scan *js, unsigned c)
{
	if (js->matched < APPROVED_NAME_LEN &&
	    c == (unsigned char)APPROVED_NAME[js->matched])
		js->matched++;
	else
		js->mismatch = 1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void json_escape(struct json_scan *js, char c)
{
	static const char simple[] = "\"\\/bfnrt";
	static const char decoded[] = "\"\\/\b\f\n\r\t";
	const char *at = c ? strchr(simple, c) : NULL;

	if (c == 'u') {
		js->state = JSON_UNICODE;
		js->code = 0;
		js->hex_digits = 0;
		return;
	}
	/* An invalid escape cannot be part of "approved". */
	json_string_char(js, at ? (unsigned char)decoded[at - simple] : 0);
	js->state = JSON_STRING;
}

static void json_unicode(struct json_scan *js, char c)
{
	int value = hex_value(c);

	if (value < 0) {
		js->mismatch = 1;
		js->state = JSON_STRING;
		return;
	}
	js->code = js->code * 16 + (unsigned)value;
	if (++js->hex_digits == 4) {
		json_string_char(js, js->code);
		js->state = JSON_STRING;
	}
}

static void json_byte(struct json_scan *js, char c);

/* Leave a state that `c` does not continue, and read `c` outside. */
static void json_reread(struct json_scan *js, char c)
{
	js->state = JSON_OUTSIDE;
	json_byte(js, c);
}

static void json_byte(struct json_scan *js, char c)
{
	switch (js->state) {
	case JSON_OUTSIDE:
		if (c == '"') {
			js->state = JSON_STRING;
			js->matched = 0;
			js->mismatch = 0;
		}
		break;
	case JSON_STRING:
		if (c == '\\') {
			js->state = JSON_ESCAPE;
		} else if (c == '"') {
			js->is_approved = !js->mismatch &&
					  js->matched == APPROVED_NAME_LEN;
			js->state = JSON_AFTER_STRING;
		} else {
			json_string_char(js, (unsigned char)c);
		}
		break;
	case JSON_ESCAPE:
		json_escape(js, c);
		break;
	case JSON_UNICODE:
		json_unicode(js, c);
		break;
	case JSON_AFTER_STRING:
		if (c == ':' && js->is_approved)
			js->state = JSON_AFTER_COLON;
		else if (c == ':')
			js->state = JSON_OUTSIDE;
		else if (!is_blank(c) && c != '\n' && c != '\r')
			json_reread(js, c);
		break;
	case JSON_AFTER_COLON:
		if (c == 't') {
			js->state = JSON_TRUE;
			js->true_len = 1;
		} else if (!is_blank(c) && c != '\n' && c != '\r') {
			json_reread(js, c);
		}
		break;
	case JSON_TRUE:
		if (c != "true"[js->true_len]) {
			json_reread(js, c);
		} else if (++js->true_len == 4) {
			js->count++;
			js->state = JSON_OUTSIDE;
		}
		break;
	}
}

int plan_scan_json(FILE *file, struct plan_scan *scan)
{
	struct json_scan js;
	char chunk[PLAN_SCAN_CHUNK];
	size_t n, i;

	memset(&js, 0, sizeof(js));
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		for (i = 0; i < n; i++)
			json_byte(&js, chunk[i]);
	scan->json_approved = js.count;
	if (ferror(file)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
