// SPDX-License-Identifier: GPL-2.0
/*
 * restore_relink.c - a file that was unlinked at the path it was opened
 * by but is still linked elsewhere (st_nlink > 0): its inode lives on, so
 * restore opens that very inode, not a copy. Dump kept its file handle
 * (name_to_handle_at); restore finds the inode with open_by_handle_at()
 * on the file system of the path's directory, links it at its old path
 * (the removed parents made again for as long as it takes, restore_rmdir.c),
 * opens that path with the fd's flags and unlinks it at once, so /proc
 * shows "PATH (deleted)" on the same device and inode as at dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "restore_ctx.h"
#include "restore_relink.h"
#include "restore_rmdir.h"

/* The inode of @e by its handle, O_PATH, found through @path's directory. */
static int by_handle(const FdEntry *e, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct file_handle *h;
	int mfd, fd, err = 0;

	snprintf(dir, sizeof(dir), "%.*s", slash && slash != path ? (int)(slash - path) : 1, path);
	/* Not O_PATH: open_by_handle_at() wants a real open file there. */
	mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	h = malloc(sizeof(*h) + e->relink_handle.len);
	if (!h) {
		close(mfd);
		return -ENOMEM;
	}
	h->handle_bytes = e->relink_handle.len;
	h->handle_type = e->relink_handle_type;
	memcpy(h->f_handle, e->relink_handle.data, e->relink_handle.len);
	fd = open_by_handle_at(mfd, h, O_PATH | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	free(h);
	close(mfd);
	return err ? err : fd;
}

int restore_relink__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int flags = (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOCTTY | O_CLOEXEC;
	const char *step = "find it by its file handle";
	int h, fd = -1, err;
	struct stat st;

	err = restore_rmdir__parents(ctx, pid, e->path);
	if (err)
		return err;
	h = by_handle(e, e->path);
	if (h < 0) {
		err = h;
		goto fail;
	}
	/* A handle names one inode of one file system: it must be that one still. */
	step = "its handle leads elsewhere";
	if (fstat(h, &st) || st.st_dev != e->dev || st.st_ino != e->ino || !S_ISREG(st.st_mode)) {
		err = -ESTALE;
		goto fail;
	}
	step = "link it at its path";
	if (linkat(h, "", AT_FDCWD, e->path, AT_EMPTY_PATH)) {
		err = -errno;
		goto fail;
	}
	step = "open it there";
	fd = open(e->path, flags);
	if (fd < 0)
		err = -errno;
	else if (fstat(fd, &st) || st.st_dev != e->dev || st.st_ino != e->ino)
		err = -ESTALE;
	/* Unlink the name we gave it, not something put there since. */
	if (fdio__unlink_same(h, e->path))
		err = err ? err : -EIO;
	if (!err && e->has_pos && lseek(fd, e->pos, SEEK_SET) < 0) {
		step = "lseek";
		err = -errno;
	}
fail:
	if (h >= 0)
		close(h);
	if (!err)
		return fd;
	if (fd >= 0)
		close(fd);
	return restore_ctx__fail(ctx, pid, err,
			     "pid %d fd %u: file %s, unlinked but linked elsewhere: %s: %s", pid,
			     e->fd, e->path, step, strerror(-err));
}
