#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

#include "buf.h"

enum msg_level msg_level = MSG_NORMAL;

/*
 * Print one message line. A path or other value from the command line can
 * hold control characters, such as a terminal's escape sequences, so each
 * control character but a tab is printed as \xNN instead.
 */
__attribute__((format(printf, 2, 0)))
static void emit(const char *prefix, const char *fmt, va_list ap)
{
	struct buf text = BUF_INIT;
	size_t i;

	buf_vaddf(&text, fmt, ap);
	fputs("credaudit: ", stderr);
	fputs(prefix, stderr);
	for (i = 0; i < text.len; i++) {
		unsigned char c = (unsigned char)text.data[i];

		if ((c < 0x20 && c != '\t') || c == 0x7F)
			fprintf(stderr, "\\x%02X", c);
		else
			fputc(c, stderr);
	}
	fputc('\n', stderr);
	buf_release(&text);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("error: ", fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	if (msg_level < MSG_NORMAL)
		return;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (msg_level < MSG_NORMAL)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void verbose(const char *fmt, ...)
{
	va_list ap;

	if (msg_level < MSG_VERBOSE)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}
