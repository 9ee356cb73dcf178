/*
 * credentials.csv: one row per credential and one column per field of
 * its report.json object (docs/report-csv.md), for spreadsheets. The
 * values come from the walk in render_members.c that also writes
 * report.json, so the two files cannot disagree:
 *
 * - a string is its report.json value, in the display form of text.h;
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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "render_members.h"

/* Write the buffer out when it grows past this. */
#define FLUSH_SIZE (256 * 1024)

/* A cell of the current row: a span of csv_sink.row, empty when len is 0. */
struct cell {
	size_t start;
	size_t len;
};

struct csv_sink {
	struct sink sink;
	FILE *file;
	struct buf out;
	struct member_writer writer;
	struct member_walk walk;
	/*
	 * The cells of the row being written, already quoted. The walk
	 * gives members in report.json's order, which for a GPG key is not
	 * the order of the columns, so the row is laid out at its end.
	 */
	struct buf row;
	struct cell cells[MEMBER_COLUMN_COUNT];
};

static struct csv_sink *csv_of(struct member_writer *writer)
{
	return (struct csv_sink *)((char *)writer -
				   offsetof(struct csv_sink, writer));
}

/* The bytes that make RFC 4180 enclose a cell in double quotes. */
static const unsigned char quoted_bytes[256] = {
	[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1,
};

static int needs_quotes(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (quoted_bytes[(unsigned char)text[i]])
			return 1;
	return 0;
}

/* Whether a spreadsheet would run a text cell that starts with `c`. */
static int needs_guard(char c)
{
	switch (c) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
	case '\'':
		return 1;
	default:
		return 0;
	}
}

/* Append `len` bytes as one CSV cell, quoted when RFC 4180 needs it. */
static void add_field(struct buf *out, const char *text, size_t len,
		      int is_text)
{
	int quote = needs_quotes(text, len);
	size_t i, start = 0;

	if (quote)
		buf_addch(out, '"');
	if (is_text && len && needs_guard(text[0]))
		buf_addch(out, '\'');
	if (!quote) {
		buf_add(out, text, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (text[i] != '"')
			continue;
		/*
		 * Copy through the quote and start the next run at it, so the
		 * quote is written twice, as RFC 4180 escapes it.
		 */
		buf_add(out, text + start, i + 1 - start);
		start = i;
	}
	buf_add(out, text + start, len - start);
	buf_addch(out, '"');
}

/*
 * Add the cell of `member`. The "owner" and "resource" members have no
 * column and add none.
 */
static void add_cell(struct member_writer *writer, enum cred_member member,
		     const char *text, size_t len, int is_text)
{
	struct csv_sink *c = csv_of(writer);
	struct cell *cell;

	if (member >= MEMBER_COLUMN_COUNT)
		return;
	cell = &c->cells[member];
	cell->start = c->row.len;
	add_field(&c->row, text, len, is_text);
	cell->len = c->row.len - cell->start;
}

static void member_null(struct member_writer *writer, enum cred_member member)
{
	/* Every cell starts empty, so null adds nothing. */
}

static void member_text(struct member_writer *writer, enum cred_member member,
			const char *text, size_t len)
{
	add_cell(writer, member, text, len, 1);
}

static void member_integer(struct member_writer *writer,
			   enum cred_member member, int64_t value)
{
	char text[JSON_INT_MAX];

	add_cell(writer, member, text, json_int_text(value, text), 0);
}

static void member_boolean(struct member_writer *writer,
			   enum cred_member member, int value)
{
	if (value)
		add_cell(writer, member, "true", 4, 0);
	else
		add_cell(writer, member, "false", 5, 0);
}

static void member_json(struct member_writer *writer, enum cred_member member,
			const char *json, size_t len)
{
	add_cell(writer, member, json, len, 0);
}

static void member_object(struct member_writer *writer,
			  enum cred_member member)
{
	/* The members of "owner" and "resource" have columns of their own. */
}

static void member_end(struct member_writer *writer)
{
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
	char *end;
	size_t i;

	buf_reset(&c->row);
	memset(c->cells, 0, sizeof(c->cells));
	member_walk_credential(&c->walk, cred, decision);

	/* The cells, a comma between each two and CRLF fit in this room. */
	buf_grow(&c->out, c->row.len + MEMBER_COLUMN_COUNT + 1);
	end = c->out.data + c->out.len;
	for (i = 0; i < MEMBER_COLUMN_COUNT; i++) {
		const struct cell *cell = &c->cells[i];

		if (i)
			*end++ = ',';
		/* A row leaves most columns of the other kinds empty. */
		if (!cell->len)
			continue;
		memcpy(end, c->row.data + cell->start, cell->len);
		end += cell->len;
	}
	*end++ = '\r';
	*end++ = '\n';
	*end = '\0';
	c->out.len = (size_t)(end - c->out.data);
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

	member_walk_release(&c->walk);
	buf_release(&c->row);
	buf_release(&c->out);
	free(c);
}

struct sink *render_csv_sink(const struct render_context *ctx, FILE *out)
{
	struct csv_sink *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->sink.name = "credentials.csv";
	c->sink.credential = csv_credential;
	c->sink.end = csv_end;
	c->sink.free = csv_free;
	c->file = out;
	c->writer.null = member_null;
	c->writer.text = member_text;
	c->writer.integer = member_integer;
	c->writer.boolean = member_boolean;
	c->writer.json = member_json;
	c->writer.object = member_object;
	c->writer.end = member_end;
	member_walk_init(&c->walk, &c->writer);
	buf_init(&c->row);
	buf_init(&c->out);
	for (i = 0; i < MEMBER_COLUMN_COUNT; i++) {
		if (i)
			buf_addch(&c->out, ',');
		buf_add(&c->out, member_names[i].name, member_names[i].len);
	}
	buf_addlit(&c->out, "\r\n");
	return &c->sink;
}
