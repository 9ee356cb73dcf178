#ifndef CREDAUDIT_CLEANUP_H
#define CREDAUDIT_CLEANUP_H

#include <signal.h>

/*
 * Paths to remove when a signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) ends the
 * program: temporary output files and the private GnuPG home. Normal exits
 * remove them through their owners; this covers the paths a signal would
 * otherwise leave behind. The handler uses only async-signal-safe calls.
 */

/* The way cleanup_add() removes `path`. */
enum cleanup_kind {
	CLEANUP_FILE,
	CLEANUP_TREE,         /* a folder and everything in it */
	CLEANUP_EMPTY_DIR,    /* a folder, only when it is empty at the end */
};

/* Remember `path` and how to remove it. Returns 0, or -1 when the path
 * is too long, every slot is taken, or a signal is ending the program:
 * the caller must then not create the path. */
int cleanup_add(const char *path, int kind);
/* Forget `path` once its owner has removed or renamed it. */
void cleanup_forget(const char *path);
/* Install the handlers; call once at start-up. */
void cleanup_install(void);

/*
 * Set the line that the handler writes to stderr when a signal ends the
 * program, before and after cleanup_committed(): for a report, whether
 * the previous one is left or the new one is complete. Lines longer than
 * the handler's buffer are cut. Without a call it writes "interrupted".
 */
void cleanup_set_messages(const char *before_commit, const char *after_commit);
/* Say that the outputs are in place, for the handler's message. */
void cleanup_committed(void);
/*
 * Fill `set` with the signals that a worker thread blocks: every signal
 * but the faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT), so that the
 * main thread handles the others and a fault in the worker while a
 * signal ends the program reaches the handler that parks the thread.
 */
void cleanup_worker_signals(sigset_t *set);
/*
 * Block the handled signals in the calling thread, or unblock them: a
 * signal that arrives while blocked is handled when unblocked.
 */
void cleanup_block_signals(int block);

#endif
