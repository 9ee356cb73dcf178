#ifndef CREDAUDIT_SCOPES_H
#define CREDAUDIT_SCOPES_H

#include <stddef.h>

#include "buf.h"

/* A list of owned strings, which strlist_release() frees. */
struct strlist {
	char **items;
	size_t count;
	size_t cap;
};

#define STRLIST_INIT { NULL, 0, 0 }

void strlist_add(struct strlist *list, const char *s, size_t len);
int strlist_has(const struct strlist *list, const char *s);
void strlist_release(struct strlist *list);

/*
 * Parse GitLab's YAML scope list ("---\n- api\n- :read_user\n", "--- []\n",
 * or a flow list "--- [api, read_user]") from `len` bytes of `yaml` and
 * append the scopes to `out` in order, duplicates included. A leading ':'
 * (a Ruby symbol) and surrounding quotes are removed. The "---" line is
 * optional, CRLF line ends and blank lines are accepted, and a scope is
 * made of letters, digits, '_', '-' and '.'. Anything else is rejected,
 * because this is no general YAML parser.
 *
 * Returns 0, or -1 with `out` unchanged and a one-line reason, such as
 * "line 2: empty list item", appended to `err` (which may be NULL).
 */
int scopes_parse(const char *yaml, size_t len, struct strlist *out,
		 struct buf *err);

/* Return 1 when `scope` is one that GitLab knows, 0 otherwise. */
int scope_is_known(const char *scope);
/* Return 1 for scopes that only work for administrators (sudo, admin_mode,
 * read_service_ping). */
int scope_is_admin_only(const char *scope);

#endif
