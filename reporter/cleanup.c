#include "cleanup.h"

#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLEANUP_SLOTS 64

/* Static storage, so that the signal handler never touches the heap. */
static struct {
	char path[PATH_MAX];
	int is_dir;
	volatile sig_atomic_t used;
} slots[CLEANUP_SLOTS];

int cleanup_add(const char *path, int is_dir)
{
	size_t len = strlen(path);
	int i;

	if (len >= PATH_MAX)
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

/* Remove a folder tree by running rm, since nftw() is not signal-safe. */
static void remove_tree(const char *path)
{
	char *const argv[] = { "rm", "-rf", "--", (char *)path, NULL };
	char *const envp[] = { NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execve("/bin/rm", argv, envp);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0)
			;
}

static void on_signal(int sig)
{
	int i;

	for (i = 0; i < CLEANUP_SLOTS; i++) {
		if (!slots[i].used)
			continue;
		if (slots[i].is_dir)
			remove_tree(slots[i].path);
		else
			unlink(slots[i].path);
		slots[i].used = 0;
	}
	/* End the program the way the signal would have. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void cleanup_install(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction action;
	size_t i;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_signal;
	sigfillset(&action.sa_mask);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &action, NULL);
}
