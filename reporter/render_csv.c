/*
 * credentials.csv: one row per credential and one column per field of
 * its report.json object (docs/report-csv.md), for spreadsheets. The
 * values come from the JSON object itself, split into its members, so
 * the two files cannot disagree:
 *
 * - a string is its JSON value, in the display form of text.h;
 * - a number or boolean is its JSON text, and null is an empty cell;
 * - the members of "owner" and "resource" get a column each
 *   ("owner.username");
 * - any other array or object is its compact JSON text.
 *
 * Quoting follows RFC 4180: a cell with a comma, a double quote, CR or
 * LF is enclosed in double quotes, with each double quote doubled, and
 * rows end with CRLF. A text cell that starts with =, +, -, @, a tab or
 * CR, which spreadsheets would run as a formula, or with an apostrophe,
 * gets an apostrophe in front; readers drop the first apostrophe of a
 * text cell that has one.
 */
#include "render_core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

/* Write the buffer out when it grows past this. */
#define FLUSH_SIZE (256 * 1024)

/* The columns, in the order of report.json's fields. */
static const char *const columns[] = {
	"kind", "id", "name",
	"owner.id", "owner.in_snapshot", "owner.username", "owner.name",
	"owner.state", "owner.user_type", "owner.admin",
	"resource.type", "resource.id", "resource.path",
	"state", "created_at",
	"scopes", "last_used_at", "expires_at", "revoked", "revoked_at",
	"impersonation", "previous_token_id",
	"key_type", "declared_type", "bits", "fingerprint_sha256",
	"fingerprint_md5", "key_error", "usage_type", "ldap",
	"primary_keyid", "fingerprint", "user_ids", "emails", "algorithm",
	"curve", "key_created_at", "key_expires_at", "key_expired",
	"key_revoked", "extra_keys", "verification",
	"verified_by_revoked_uid",
	"findings", "plan_action", "unavailable", "invalid", "text_flags",
};

#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

/* A value of the current row: a span of its JSON text. */
struct cell {
	const char *json;
	size_t len;
	int set;
};

struct csv_sink {
	struct sink sink;
	FILE *file;
	struct sink *json;          /* makes the JSON of each credential */
	int own_json;               /* `json` belongs to this sink */
	struct buf out;
	struct cell cells[COLUMN_COUNT];
	/* Column of each member position, learnt per kind: members come in
	   the same order for every credential of a kind. */
	int learnt[KIND_COUNT][COLUMN_COUNT + 8];
	size_t learnt_count[KIND_COUNT];
};

/*
 * The end of the JSON value that starts at `p`, which is well-formed:
 * the ',' or closing bracket after it.
 */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		switch (*p) {
		case '"':
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (!depth)
				return p;
			depth--;
			break;
		case ',':
			if (!depth)
				return p;
			break;
		}
		p++;
	}
	return p;
}

/* Whether `column` is the member `name` of `prefix` (NULL: top level). */
static int column_matches(int column, const char *name, size_t len,
			  const char *prefix)
{
	const char *col;
	size_t plen = prefix ? strlen(prefix) : 0;

	if (column < 0)
		return 0;
	col = columns[column];
	if (plen && (strncmp(col, prefix, plen) || col[plen] != '.'))
		return 0;
	col += plen ? plen + 1 : 0;
	return strlen(col) == len && !memcmp(col, name, len);
}

static int column_of(const char *name, size_t len, const char *prefix)
{
	size_t i;

	for (i = 0; i < COLUMN_COUNT; i++)
		if (column_matches((int)i, name, len, prefix))
			return (int)i;
	return -1;
}

/*
 * Split the members of the object at `p` into cells. The members of
 * "owner" and "resource" go one level down with their name as prefix.
 * `position` counts members for the per-kind cache of columns.
 */
static const char *split_object(struct csv_sink *c, enum cred_kind kind,
				const char *p, const char *end,
				const char *prefix, size_t *position)
{
	p++;  /* '{' */
	while (p < end && *p != '}') {
		const char *name = p + 1, *value, *after;
		size_t name_len;
		int column;

		/* Keys are field names: no escapes. */
		name_len = (size_t)(strchr(name, '"') - name);
		value = name + name_len + 2;
		if (!prefix && *value == '{' &&
		    ((name_len == 5 && !memcmp(name, "owner", 5)) ||
		     (name_len == 8 && !memcmp(name, "resource", 8)))) {
			after = split_object(c, kind, value, end,
					     name_len == 5 ? "owner" : "resource",
					     position);
		} else {
			after = skip_value(value, end);
			if (*position < c->learnt_count[kind]) {
				column = c->learnt[kind][*position];
				if (!column_matches(column, name, name_len, prefix))
					column = column_of(name, name_len, prefix);
			} else {
				column = column_of(name, name_len, prefix);
				if (*position < COLUMN_COUNT + 8) {
					c->learnt[kind][*position] = column;
					c->learnt_count[kind] = *position + 1;
				}
			}
			if (column >= 0) {
				c->cells[column].json = value;
				c->cells[column].len = (size_t)(after - value);
				c->cells[column].set = 1;
			}
			(*position)++;
		}
		p = after;
		if (p < end && *p == ',')
			p++;
	}
	return p + 1;
}

/* Append `len` bytes as one CSV cell, quoted when RFC 4180 needs it. */
static void add_field(struct buf *out, const char *text, size_t len,
		      int is_text)
{
	int quote = 0, guard = 0;
	size_t i;

	for (i = 0; i < len && !quote; i++)
		quote = text[i] == ',' || text[i] == '"' || text[i] == '\r' ||
			text[i] == '\n';
	if (is_text && len && strchr("=+-@\t\r'", text[0]))
		guard = 1;
	if (quote)
		buf_addch(out, '"');
	if (guard)
		buf_addch(out, '\'');
	if (!quote) {
		buf_add(out, text, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (text[i] == '"')
			buf_addch(out, '"');
		buf_addch(out, text[i]);
	}
	buf_addch(out, '"');
}

static unsigned hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return 0;
}

/* Decode a JSON string (as Jansson writes it) into `out`. */
static void unquote(struct buf *out, const char *json, size_t len)
{
	const char *p = json + 1, *end = json + len - 1;
	int i;

	while (p < end) {
		const char *backslash = memchr(p, '\\', (size_t)(end - p));
		unsigned code;

		if (!backslash) {
			buf_add(out, p, (size_t)(end - p));
			return;
		}
		buf_add(out, p, (size_t)(backslash - p));
		p = backslash + 1;
		switch (*p) {
		case 'b': buf_addch(out, '\b'); break;
		case 'f': buf_addch(out, '\f'); break;
		case 'n': buf_addch(out, '\n'); break;
		case 'r': buf_addch(out, '\r'); break;
		case 't': buf_addch(out, '\t'); break;
		case 'u':
			/* Jansson writes only control characters as \u00XX. */
			code = 0;
			for (i = 1; i <= 4 && p + i < end; i++)
				code = code << 4 | hex_digit(p[i]);
			buf_addch(out, (int)code);
			p += 4;
			break;
		default: buf_addch(out, *p); break;
		}
		p++;
	}
}

static int flush(struct csv_sink *c, struct buf *err)
{
	if (c->out.len && fwrite(c->out.data, 1, c->out.len, c->file) != c->out.len) {
		buf_addf(err, "cannot write credentials.csv: %s", strerror(errno));
		return -1;
	}
	buf_reset(&c->out);
	return 0;
}

static int csv_credential(struct sink *sink, const struct credential *cred,
			  const struct plan_decision *decision,
			  struct buf *err)
{
	struct csv_sink *c = (struct csv_sink *)sink;
	struct buf text = BUF_INIT;
	const char *json;
	size_t len, i, position = 0;

	if (c->own_json)
		render_json_credential(c->json, cred, decision);
	render_json_line(c->json, &json, &len);
	memset(c->cells, 0, sizeof(c->cells));
	split_object(c, cred->kind, json, json + len, NULL, &position);

	for (i = 0; i < COLUMN_COUNT; i++) {
		const struct cell *cell = &c->cells[i];

		if (i)
			buf_addch(&c->out, ',');
		if (!cell->set || (cell->len == 4 && !memcmp(cell->json, "null", 4)))
			continue;
		if (cell->json[0] == '"') {
			buf_reset(&text);
			unquote(&text, cell->json, cell->len);
			add_field(&c->out, text.data, text.len, 1);
		} else {
			add_field(&c->out, cell->json, cell->len, 0);
		}
	}
	buf_adds(&c->out, "\r\n");
	buf_release(&text);
	return c->out.len > FLUSH_SIZE ? flush(c, err) : 0;
}

static int csv_end(struct sink *sink, struct buf *err)
{
	struct csv_sink *c = (struct csv_sink *)sink;

	if (flush(c, err) < 0)
		return -1;
	if (fflush(c->file) || ferror(c->file)) {
		buf_addf(err, "cannot write credentials.csv: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void csv_free(struct sink *sink)
{
	struct csv_sink *c = (struct csv_sink *)sink;

	if (c->own_json)
		c->json->free(c->json);
	buf_release(&c->out);
	free(c);
}

struct sink *render_csv_sink(const struct render_context *ctx, FILE *out,
			     struct sink *json)
{
	struct csv_sink *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->sink.name = "credentials.csv";
	c->sink.credential = csv_credential;
	c->sink.end = csv_end;
	c->sink.free = csv_free;
	c->file = out;
	c->json = json;
	if (!json) {
		c->json = render_json_sink(ctx, NULL);
		c->own_json = 1;
	}
	buf_init(&c->out);
	for (i = 0; i < COLUMN_COUNT; i++) {
		if (i)
			buf_addch(&c->out, ',');
		buf_adds(&c->out, columns[i]);
	}
	buf_adds(&c->out, "\r\n");
	return &c->sink;
}
