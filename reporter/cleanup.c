#include "cleanup.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLEANUP_SLOTS 64
/* Descriptors that close_descriptors() closes when close_range() fails. */
#define CLOSE_FALLBACK_MAX 4096

/* Static storage, so that the signal handler never touches the heap. */
static struct {
	char path[PATH_MAX];
	int is_dir;
	volatile sig_atomic_t used;
} slots[CLEANUP_SLOTS];

/* Set by the handler: nothing may be registered, so nothing created. */
static volatile sig_atomic_t ending;

int cleanup_add(const char *path, int is_dir)
{
	size_t len = strlen(path);
	int i;

	if (len >= PATH_MAX || ending)
		return -1;
	for (i = 0; i < CLEANUP_SLOTS; i++) {
		if (slots[i].used)
			continue;
		memcpy(slots[i].path, path, len + 1);
		slots[i].is_dir = is_dir;
		slots[i].used = 1;
		return 0;
	}
	return -1;
}

void cleanup_forget(const char *path)
{
	int i;

	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (slots[i].used && !strcmp(slots[i].path, path))
			slots[i].used = 0;
}

/* Folder depth that remove_tree() descends; GnuPG homes have two levels. */
#define REMOVE_DEPTH_MAX 8

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Remove the entries of the open folder `dir`, and then the folder itself
 * as `name` in `parent`. Only system calls are used (getdents64, openat,
 * unlinkat), since a signal handler may not call nftw(), malloc() or
 * fork(): a fork() in the handler deadlocked when another thread held
 * the allocator's lock.
 */
static void remove_at(int parent, const char *name, int depth)
{
	char entries[4096] __attribute__((aligned(8)));
	int dir;
	long n;

	if (unlinkat(parent, name, 0) == 0 || depth >= REMOVE_DEPTH_MAX)
		return;
	dir = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return;
	while ((n = syscall(SYS_getdents64, dir, entries, sizeof(entries))) > 0) {
		long at = 0;

		while (at < n) {
			struct linux_dirent64 *entry = (void *)(entries + at);
			const char *child = entry->d_name;

			at += entry->d_reclen;
			if (!strcmp(child, ".") || !strcmp(child, ".."))
				continue;
			remove_at(dir, child, depth + 1);
		}
	}
	close(dir);
	unlinkat(parent, name, AT_REMOVEDIR);
}

static void remove_tree(const char *path)
{
	remove_at(AT_FDCWD, path, 0);
}

/*
 * Remove a folder that a GnuPG process may still write to. GPGME starts
 * gpg detached, so it outlives this process for a moment and can create
 * files in its home again after the first removal. Closing every
 * descriptor first ends gpg's input and output, so it exits soon. The
 * folder is then removed again until it has stayed away for
 * REMOVED_CHECKS checks in a row, at most REMOVE_TRIES times.
 */
#define REMOVED_CHECKS 3
#define REMOVE_TRIES 40
#define REMOVE_PAUSE_NS 25000000L

static void remove_tree_for_good(const char *path)
{
	const struct timespec pause = { 0, REMOVE_PAUSE_NS };
	int tries, absent = 0;

	for (tries = 0; tries < REMOVE_TRIES && absent < REMOVED_CHECKS; tries++) {
		if (access(path, F_OK) == 0) {
			remove_tree(path);
			absent = 0;
		} else {
			absent++;
		}
		nanosleep(&pause, NULL);
	}
}

/* Close every descriptor but stdin, stdout and stderr. */
static void close_descriptors(void)
{
	int fd;

	if (close_range(3, ~0U, 0) == 0)
		return;
	for (fd = 3; fd < CLOSE_FALLBACK_MAX; fd++)
		close(fd);
}

/* Messages of the handler, in static storage because it must not touch the heap. */
#define MESSAGE_MAX (PATH_MAX + 256)
static char message_before[MESSAGE_MAX] = "credaudit: interrupted\n";
static char message_after[MESSAGE_MAX] = "credaudit: interrupted\n";
static volatile sig_atomic_t committed;
static int stderr_is_tty;

static void set_message(char *dst, const char *text)
{
	size_t len = strlen(text);

	if (len > MESSAGE_MAX - 2)
		len = MESSAGE_MAX - 2;
	memcpy(dst, text, len);
	dst[len] = '\n';
	dst[len + 1] = '\0';
}

void cleanup_set_messages(const char *before_commit, const char *after_commit)
{
	set_message(message_before, before_commit);
	set_message(message_after, after_commit);
}

void cleanup_committed(void)
{
	committed = 1;
}

static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

void cleanup_block_signals(int block)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(handled_signals) / sizeof(handled_signals[0]); i++)
		sigaddset(&set, handled_signals[i]);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* Write `text` to stderr with write(2), which a handler may call. */
static void write_stderr(const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(STDERR_FILENO, text, len);

		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

/*
 * The handler for faults in other threads while on_signal() cleans up:
 * with their descriptors closed, libraries may crash, and a crash would
 * end the program before the folders are removed. The thread waits
 * instead, and ends with the program.
 */
static void park_thread(int sig)
{
	(void)sig;
	for (;;)
		pause();
}

static const int faults[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

void cleanup_worker_signals(sigset_t *set)
{
	size_t i;

	sigfillset(set);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(set, faults[i]);
}

static void park_faulting_threads(void)
{
	struct sigaction action;
	size_t i;

	memset(&action, 0, sizeof(action));
	action.sa_handler = park_thread;
	sigfillset(&action.sa_mask);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigaction(faults[i], &action, NULL);
	/* A write to a pipe whose reader is gone then fails with EPIPE. */
	action.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &action, NULL);
}

static void on_signal(int sig)
{
	int i, found;

	ending = 1;
	park_faulting_threads();
	/* A progress line on a terminal is not ended yet. */
	if (stderr_is_tty)
		write_stderr("\n");
	write_stderr(committed ? message_after : message_before);
	close_descriptors();
	/* Files first: they are quick, while a GnuPG home may take a while. */
	for (i = 0; i < CLEANUP_SLOTS; i++) {
		if (!slots[i].used || slots[i].is_dir)
			continue;
		unlink(slots[i].path);
		slots[i].used = 0;
	}
	/*
	 * Other threads go on running, and one may have registered a folder
	 * in a slot already passed, just before `ending` was set: sweep until
	 * a pass finds nothing.
	 */
	do {
		found = 0;
		for (i = 0; i < CLEANUP_SLOTS; i++) {
			if (!slots[i].used || slots[i].is_dir != CLEANUP_TREE)
				continue;
			remove_tree_for_good(slots[i].path);
			slots[i].used = 0;
			found = 1;
		}
	} while (found);
	/* Last, a folder made for outputs, now that they are gone. */
	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (slots[i].used && slots[i].is_dir == CLEANUP_EMPTY_DIR)
			rmdir(slots[i].path);
	/* End the program the way the signal would have. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void cleanup_install(void)
{
	struct sigaction action;
	size_t i;

	stderr_is_tty = isatty(STDERR_FILENO);
	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	sigfillset(&action.sa_mask);
	for (i = 0; i < sizeof(handled_signals) / sizeof(handled_signals[0]); i++)
		sigaction(handled_signals[i], &action, NULL);
}
