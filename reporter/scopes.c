#include "scopes.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The scope lists that GitLab writes through Ruby's YAML (Psych) take three
 * shapes: a block list ("---\n- api\n"), the empty flow list "--- []", and,
 * from hand-made or older exports, a flow list with items. This file reads
 * exactly those shapes, line by line, and rejects everything else: no
 * comments, anchors, tags, mappings, nesting, indentation or escapes.
 */

/* Scopes of personal, project and group access tokens in GitLab 17/18. */
static const char *const known_scopes[] = {
	"api", "read_api", "read_user", "create_runner", "manage_runner",
	"k8s_proxy", "self_rotate", "read_repository", "write_repository",
	"read_registry", "write_registry", "read_virtual_registry",
	"write_virtual_registry", "read_observability", "write_observability",
	"ai_features", "ai_workflows", "sudo", "admin_mode",
	"read_service_ping",
};

/* Scopes that GitLab honours only when the token's owner is an admin. */
static const char *const admin_only_scopes[] = {
	"sudo", "admin_mode", "read_service_ping",
};

enum list_state {
	LIST_START,    /* nothing but blank lines so far */
	LIST_HEADER,   /* after a bare "---" line */
	LIST_BLOCK,    /* after at least one "- item" line */
	LIST_DONE,     /* after a flow list, when only blank lines may follow */
};

/* One line of the text, without its line break and trailing blanks. */
struct line {
	const char *p;
	const char *end;
	size_t number;   /* 1-based, for messages */
};

void strlist_add(struct strlist *list, const char *s, size_t len)
{
	if (list->count == list->cap) {
		if (list->cap > SIZE_MAX / 2 / sizeof(*list->items)) {
			fputs("credaudit: too many strings for one list\n", stderr);
			abort();
		}
		list->cap = list->cap ? list->cap * 2 : 8;
		list->items = xrealloc(list->items,
				       list->cap * sizeof(*list->items));
	}
	list->items[list->count++] = xstrndup(s, len);
}

int strlist_has(const struct strlist *list, const char *s)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->items[i], s))
			return 1;
	return 0;
}

void strlist_release(struct strlist *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
	list->cap = 0;
}

static int in_table(const char *const *table, size_t count, const char *s)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!strcmp(table[i], s))
			return 1;
	return 0;
}

int scope_is_known(const char *scope)
{
	size_t count = sizeof(known_scopes) / sizeof(known_scopes[0]);

	return in_table(known_scopes, count, scope);
}

int scope_is_admin_only(const char *scope)
{
	size_t count = sizeof(admin_only_scopes) / sizeof(admin_only_scopes[0]);

	return in_table(admin_only_scopes, count, scope);
}

static int is_scope_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void skip_spaces(struct line *l)
{
	while (l->p < l->end && *l->p == ' ')
		l->p++;
}

__attribute__((format(printf, 3, 4)))
static int set_error(struct buf *err, const struct line *l,
		     const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	if (l)
		buf_addf(err, "line %zu: ", l->number);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Describe the byte `c` for a message: 'x' when printable, else its code. */
static const char *describe_char(char c, char out[16])
{
	unsigned char u = (unsigned char)c;

	if (u == '\'')
		snprintf(out, 16, "\"'\"");
	else if (u >= 0x20 && u < 0x7f)
		snprintf(out, 16, "'%c'", c);
	else
		snprintf(out, 16, "byte 0x%02x", u);
	return out;
}

/*
 * Read one item at `l->p`: an optional ':' (a Ruby symbol), then a name in
 * single or double quotes, or a bare name. Names contain letters, digits,
 * '_', '-' and '.'. The item ends at the first byte that cannot continue
 * it, where the caller checks what follows.
 */
static int read_item(struct line *l, struct strlist *out, struct buf *err)
{
	const char *start;
	char quote = 0;
	char desc[16];

	if (l->p < l->end && *l->p == ':')
		l->p++;
	if (l->p < l->end && (*l->p == '"' || *l->p == '\'')) {
		quote = *l->p;
		l->p++;
	}

	start = l->p;
	while (l->p < l->end && is_scope_char(*l->p))
		l->p++;

	if (quote) {
		if (l->p == l->end)
			return set_error(err, l, "missing closing %c quote",
					 quote);
		if (*l->p != quote)
			return set_error(err, l, "unexpected character %s "
					 "in a quoted scope",
					 describe_char(*l->p, desc));
	}
	if (l->p == start && !quote && l->p < l->end && *l->p != ',' &&
	    *l->p != ']')
		return set_error(err, l, "unexpected character %s at the "
				 "start of a scope", describe_char(*l->p, desc));
	if (l->p == start)
		return set_error(err, l, "empty scope");
	strlist_add(out, start, (size_t)(l->p - start));
	if (quote)
		l->p++;
	return 0;
}

/* Read a block item line "- name". */
static int read_block_item(struct line *l, struct strlist *out,
			   struct buf *err)
{
	char desc[16];

	l->p++;
	if (l->p == l->end)
		return set_error(err, l, "empty list item");
	if (*l->p != ' ')
		return set_error(err, l, "expected a space after '-'");
	skip_spaces(l);
	if (read_item(l, out, err))
		return -1;
	if (l->p != l->end)
		return set_error(err, l, "unexpected character %s after "
				 "the scope", describe_char(*l->p, desc));
	return 0;
}

/* Read a flow list "[a, b]" that must end the line. */
static int read_flow_list(struct line *l, struct strlist *out,
			  struct buf *err)
{
	char desc[16];

	l->p++;
	skip_spaces(l);
	if (l->p < l->end && *l->p == ']') {
		l->p++;
	} else {
		for (;;) {
			if (read_item(l, out, err))
				return -1;
			skip_spaces(l);
			if (l->p == l->end)
				return set_error(err, l, "missing ']' at the "
						 "end of the flow list");
			if (*l->p == ']') {
				l->p++;
				break;
			}
			if (*l->p != ',')
				return set_error(err, l, "unexpected "
						 "character %s in the flow "
						 "list",
						 describe_char(*l->p, desc));
			l->p++;
			skip_spaces(l);
		}
	}
	if (l->p != l->end)
		return set_error(err, l, "unexpected character %s after "
				 "the flow list", describe_char(*l->p, desc));
	return 0;
}

/*
 * Find the line that starts at `p`: its end excludes "\n" or "\r\n" and
 * trailing blanks. Returns where the next line starts.
 */
static const char *next_line(const char *p, const char *end, struct line *l)
{
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	const char *next = eol ? eol + 1 : end;

	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	while (eol > p && is_blank(eol[-1]))
		eol--;
	l->p = p;
	l->end = eol;
	return next;
}

static int is_header(const struct line *l)
{
	return l->end - l->p >= 3 && !memcmp(l->p, "---", 3) &&
	       (l->end - l->p == 3 || l->p[3] == ' ');
}

static int read_line(struct line *l, enum list_state *state,
		     struct strlist *out, struct buf *err)
{
	char desc[16];

	if (l->p == l->end)
		return 0;

	switch (*state) {
	case LIST_START:
		if (is_header(l)) {
			l->p += 3;
			skip_spaces(l);
			*state = LIST_HEADER;
			if (l->p == l->end)
				return 0;
			if (*l->p != '[')
				return set_error(err, l, "expected a list "
						 "after '---'");
			*state = LIST_DONE;
			return read_flow_list(l, out, err);
		}
		if (*l->p == '[') {
			*state = LIST_DONE;
			return read_flow_list(l, out, err);
		}
		break;
	case LIST_HEADER:
	case LIST_BLOCK:
		break;
	case LIST_DONE:
	default:
		return set_error(err, l, "unexpected text after the flow "
				 "list");
	}

	if (*l->p != '-')
		return set_error(err, l, "expected a list item \"- scope\", "
				 "found %s", describe_char(*l->p, desc));
	*state = LIST_BLOCK;
	return read_block_item(l, out, err);
}

int scopes_parse(const char *yaml, size_t len, struct strlist *out,
		 struct buf *err)
{
	enum list_state state = LIST_START;
	const char *p = yaml, *end = yaml + len;
	size_t first_new = out->count;
	struct line l;
	const char *nul;
	size_t number = 0;

	if (!yaml || !len)
		return set_error(err, NULL, "empty text, expected a YAML "
				 "list");
	nul = memchr(yaml, '\0', len);
	if (nul)
		return set_error(err, NULL, "NUL byte at offset %zu",
				 (size_t)(nul - yaml));

	while (p < end) {
		p = next_line(p, end, &l);
		l.number = ++number;
		if (read_line(&l, &state, out, err))
			goto fail;
	}

	if (state == LIST_START)
		return set_error(err, NULL, "blank text, expected a YAML list");
	if (state == LIST_HEADER)
		return set_error(err, NULL, "no list after '---'");
	return 0;

fail:
	while (out->count > first_new)
		free(out->items[--out->count]);
	return -1;
}
