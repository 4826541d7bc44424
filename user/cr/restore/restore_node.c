// SPDX-License-Identifier: GPL-2.0
/*
 * restore_node.c - a node that had been removed while a task held it open
 * and that has no contents: a device node, or (held with O_PATH) a
 * symlink, FIFO or socket node. It is made again at its path (its removed
 * parents too, restore_rmdir.c) with its type, device number or target,
 * owner and mode, opened with the fd's flags and removed at once, so the
 * fd names "PATH (deleted)" in /proc as before, on a node with no link.
 * Dump checked the name was free (dump_refuse__remakeable()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "restore_ctx.h"
#include "restore_node.h"
#include "restore_rmdir.h"

static int make(const FdEntry *e)
{
	if (S_ISLNK(e->mode))
		return symlink(e->link_target, e->path) ? -errno : 0;
	if (mknod(e->path, e->mode & (S_IFMT | 07777), e->has_rdev ? e->rdev : 0))
		return -errno;
	/* chown first (it clears set-id bits), then the mode the umask cut. */
	if (lchown(e->path, e->node_uid, e->node_gid) || chmod(e->path, e->mode & 07777))
		return -errno;
	return 0;
}

int restore_node__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int flags = (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOCTTY | O_CLOEXEC;
	int fd = -1, err;
	struct stat st;

	err = restore_rmdir__parents(ctx, pid, e->path);
	if (err)
		return err;
	err = make(e);
	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: cannot make the removed node %s again: %s",
				     pid, e->fd, e->path, strerror(-err));
	fd = open(e->path, flags);
	if (fd < 0)
		err = -errno;
	/* A symlink's owner: on the link itself, through the O_PATH fd. */
	else if (S_ISLNK(e->mode) &&
		 fchownat(fd, "", e->node_uid, e->node_gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		err = -errno;
	else if (fstat(fd, &st) || (st.st_mode & S_IFMT) != (e->mode & S_IFMT))
		err = -ESTALE;
	/* Remove what we made, not something put there since. */
	if (fd >= 0 ? fdio__unlink_same(fd, e->path) : unlink(e->path))
		err = err ? err : -EIO;
	if (err) {
		if (fd >= 0)
			close(fd);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: the removed node %s made again: %s",
				     pid, e->fd, e->path, strerror(-err));
	}
	return fd;
}
