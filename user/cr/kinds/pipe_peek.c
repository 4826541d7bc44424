// SPDX-License-Identifier: GPL-2.0
/*
 * pipe_peek.c - copy a pipe's buffered bytes without consuming them: tee(2)
 * duplicates the buffers into a private pipe sized like the original,
 * which is then read. Used for anonymous pipes (dump_files.c) and named
 * FIFOs (kind_fifo.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "pipe_peek.h"

int pipe_peek__copy(const char *path, uint32_t *cap, uint8_t **data, size_t *len)
{
	int src, err;

	*data = NULL;
	*len = 0;
	src = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (src < 0)
		return -errno;
	err = pipe_peek__fd(src, cap, data, len);
	close(src);
	return err;
}

int pipe_peek__fd(int src, uint32_t *cap, uint8_t **data, size_t *len)
{
	int tmp[2] = { -1, -1 }, sz, err = 0;
	ssize_t n, got;
	uint8_t *buf = NULL;

	*data = NULL;
	*len = 0;
	sz = fcntl(src, F_GETPIPE_SZ);
	if (sz < 0 || pipe2(tmp, O_NONBLOCK | O_CLOEXEC) || fcntl(tmp[1], F_SETPIPE_SZ, sz) < sz) {
		err = -errno;
		goto out;
	}
	n = tee(src, tmp[1], sz, SPLICE_F_NONBLOCK);
	if (n < 0 && errno != EAGAIN) {
		err = -errno;
		goto out;
	}
	if (n > 0) {
		buf = malloc(n);
		if (!buf) {
			err = -ENOMEM;
			goto out;
		}
		got = read(tmp[0], buf, n);
		if (got != n) {
			free(buf);
			err = -EIO;
			goto out;
		}
		*data = buf;
		*len = n;
	}
	*cap = sz;
out:
	if (tmp[0] >= 0) {
		close(tmp[0]);
		close(tmp[1]);
	}
	return err;
}
