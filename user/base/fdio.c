// SPDX-License-Identifier: GPL-2.0
/*
 * fdio.c - whole reads and writes on a file descriptor (see fdio.h).
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"

int fdio__write_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

ssize_t fdio__pread_all(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, (char *)buf + got, len - got, off + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int fdio__unlink_same(int fd, const char *name)
{
	struct stat a, b;

	if (fstat(fd, &a) || lstat(name, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev ||
	    unlink(name))
		return -EIO;
	return 0;
}

int fdio__unlink_made(int fd, const char *name, int err)
{
	if (fdio__unlink_same(fd, name))
		err = err ? err : -EIO;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
