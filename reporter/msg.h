#ifndef CREDAUDIT_MSG_H
#define CREDAUDIT_MSG_H

/*
 * Messages for the person running credaudit. Everything goes to stderr with
 * "credaudit: " in front; reports and data never pass through here.
 * An error names what failed, the value, and what to do next.
 */
enum msg_level {
	MSG_QUIET = 0,    /* -q: errors only */
	MSG_NORMAL = 1,   /* warnings and notes */
	MSG_VERBOSE = 2,  /* -v: progress detail */
};

extern enum msg_level msg_level;

void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
