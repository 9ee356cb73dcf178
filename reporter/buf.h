#ifndef CREDAUDIT_BUF_H
#define CREDAUDIT_BUF_H

#include <stdarg.h>
#include <stddef.h>

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

#endif
