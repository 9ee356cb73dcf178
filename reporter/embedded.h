#ifndef CREDAUDIT_EMBEDDED_H
#define CREDAUDIT_EMBEDDED_H

#include <stddef.h>

/* A file from queries/ or templates/ compiled into the binary. */
struct embedded_file {
	const char *name;   /* base name, e.g. "tokens.sql" */
	const char *data;   /* NUL-terminated */
	size_t size;
};

/* Return the embedded file called `name`, or NULL. */
const struct embedded_file *embedded_file(const char *name);

#endif
