#ifndef CREDAUDIT_BUF_H
#define CREDAUDIT_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A growable byte string that is always NUL-terminated.
 *
 * After buf_init() the pointer `data` is never NULL: an empty buffer points
 * at a static empty string, so callers may print it without checks. The
 * buffer owns its memory until buf_detach() hands it to the caller or
 * buf_release() frees it. Allocation failure aborts the program with a
 * message, as running out of memory leaves no report worth writing.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { buf_empty, 0, 0 }

extern char buf_empty[];

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Empty the buffer but keep its memory for reuse. */
void buf_reset(struct buf *b);
/* Make room for at least `extra` more bytes after the current end. */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
/* Append a string literal without measuring it at run time. */
#define buf_addlit(b, lit) buf_add((b), "" lit, sizeof(lit) - 1)
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Return the string, which the caller frees, and leave `b` empty. */
char *buf_detach(struct buf *b, size_t *len);

/* Allocation helpers that abort with a message on failure. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);

/*
 * Every renderer appends a few bytes at a time, millions of times on a
 * large snapshot, so the common case of a buffer with room stays inline
 * and only growing calls out.
 */
void buf_add_slow(struct buf *b, const void *data, size_t len);

static inline void buf_add_inline(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;  /* `data` may then be NULL, which memcpy() rejects */
	if (b->len + len < b->cap) {
		memcpy(b->data + b->len, data, len);
		b->len += len;
		b->data[b->len] = '\0';
	} else {
		buf_add_slow(b, data, len);
	}
}

static inline void buf_addch_inline(struct buf *b, int c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
	} else {
		char ch = (char)c;

		buf_add_slow(b, &ch, 1);
	}
}

#define buf_add(b, data, len) buf_add_inline((b), (data), (len))
#define buf_addch(b, c) buf_addch_inline((b), (c))

#endif
