/*
 * A main() for a fuzz target without libFuzzer: run every file named on
 * the command line, or every file in a named directory, through
 * LLVMFuzzerTestOneInput() once. A broken property aborts, so the exit
 * status is 0 only when all inputs passed. The file name goes to stderr
 * before each run, so the last name printed is the failing input.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fuzz.h"

static int run_file(const char *path)
{
	struct buf data = BUF_INIT;
	char chunk[65536];
	uint8_t *copy;
	size_t n, size;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: failed to open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, n);
	if (ferror(f)) {
		fprintf(stderr, "replay: failed to read '%s'\n", path);
		fclose(f);
		buf_release(&data);
		return -1;
	}
	fclose(f);

	fprintf(stderr, "replay: %s\n", path);
	/* A copy of exactly the input's size, so that ASan detects overreads. */
	size = data.len;
	copy = xmalloc(size);
	memcpy(copy, data.data, size);
	buf_release(&data);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run the regular files of `dir` in name order, skipping dot files. */
static int run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	char **names = NULL;
	size_t used = 0, cap = 0, i;
	char path[4096];
	struct stat st;
	int ret = 0;

	if (!d) {
		fprintf(stderr, "replay: failed to open directory '%s': %s\n",
			dir, strerror(errno));
		return -1;
	}
	while ((entry = readdir(d))) {
		if (entry->d_name[0] == '.')
			continue;
		if (used == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[used++] = xstrdup(entry->d_name);
	}
	closedir(d);
	if (used)
		qsort(names, used, sizeof(*names), compare_names);

	for (i = 0; i < used; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path))
				ret = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: failed to read '%s': %s\n",
				argv[i], strerror(errno));
			ret = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count))
				ret = 1;
		} else if (run_file(argv[i])) {
			ret = 1;
		} else {
			count++;
		}
	}
	printf("replayed %zu inputs\n", count);
	return ret;
}
