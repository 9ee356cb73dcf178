#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, size_t max_bytes, struct buf *out,
		  struct buf *err, int *missing)
{
	struct stat st;
	char chunk[65536];
	size_t total = 0;
	ssize_t n;
	int fd, ret = -1;

	if (missing)
		*missing = 0;
	/* O_NONBLOCK keeps open() from waiting for the writer of a FIFO. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (missing && errno == ENOENT)
			*missing = 1;
		buf_addf(err, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		buf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_addf(err, "'%s' is not a regular file but a %s: pass a file",
			 path, S_ISDIR(st.st_mode) ? "folder" :
			 S_ISFIFO(st.st_mode) ? "pipe" : "device or socket");
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			buf_addf(err, "cannot read '%s': %s", path,
				 strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > max_bytes) {
			buf_addf(err, "'%s' is larger than %zu bytes", path,
				 max_bytes);
			goto out;
		}
		buf_add(out, chunk, (size_t)n);
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

int file_write_atomic(const char *path, const void *data, size_t len,
		      unsigned mode, struct buf *err)
{
	struct buf temp = BUF_INIT;
	const char *p = data;
	size_t done = 0;
	int fd, ret = -1;

	buf_addf(&temp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(temp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  (mode_t)mode);
	if (fd < 0) {
		buf_addf(err, "cannot create '%s': %s", temp.data,
			 strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf_addf(err, "cannot write '%s': %s", temp.data,
				 strerror(errno));
			close(fd);
			goto remove;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		buf_addf(err, "cannot write '%s': %s", temp.data,
			 strerror(errno));
		goto remove;
	}
	if (rename(temp.data, path) < 0) {
		buf_addf(err, "cannot rename '%s' to '%s': %s", temp.data,
			 path, strerror(errno));
		goto remove;
	}
	ret = 0;
	goto out;
remove:
	unlink(temp.data);
out:
	buf_release(&temp);
	return ret;
}

char *file_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}
