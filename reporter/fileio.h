#ifndef CREDAUDIT_FILEIO_H
#define CREDAUDIT_FILEIO_H

#include <stddef.h>

#include "buf.h"

/*
 * Small file helpers for the approve and apply commands, which read
 * plans, keyrings and token files that a person may have edited.
 */

/*
 * Append the whole content of `path` to `out`. A file larger than
 * `max_bytes` is an error, so a wrong path (a device, a huge log) cannot
 * exhaust memory. Returns 0, or -1 with a one-line reason that names the
 * file appended to `err`; `*missing` (may be NULL) is set to 1 when the
 * file does not exist.
 */
int file_read_all(const char *path, size_t max_bytes, struct buf *out,
		  struct buf *err, int *missing);

/*
 * Write `len` bytes to `path` through a temporary file in the same
 * folder that is synced and then renamed, so readers see the old file
 * or the new one, never a part. The file gets mode `mode` (before the
 * umask). Returns 0, or -1 with a reason appended to `err`.
 */
int file_write_atomic(const char *path, const void *data, size_t len,
		      unsigned mode, struct buf *err);

/* The folder part of `path` ("." when it has none), newly allocated. */
char *file_dirname(const char *path);

#endif
