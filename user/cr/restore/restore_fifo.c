// SPDX-License-Identifier: GPL-2.0
/*
 * restore_fifo.c - named FIFOs. pidtrace opens each FIFO of the tree once
 * read-write and non-blocking (a FIFO opened read-write has a reader and
 * a writer at once, so it never waits for a peer), writes back the bytes
 * it held at dump, then hands every fd of the tree its own description,
 * opened through that one with the fd's mode (O_RDONLY, O_WRONLY,
 * O_RDWR) and flags. Its hold ends when the tasks have their fds: from
 * then on the FIFO has the readers and writers the tree had.
 *
 * A FIFO opened by path must be the one that was open at dump (dev, ino):
 * one replaced since is refused. A FIFO whose name was unlinked is made
 * again: mkfifo under a free name next to where it was, opened, renamed
 * to the old name if nothing took it since, given its owner and mode,
 * unlinked: /proc shows "PATH (deleted)" as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "restore_ctx.h"
#include "restore_fifo.h"

struct fifo_held {
	uint64_t dev, ino;	/* as at dump */
	int fd;			/* pidtrace's O_RDWR description */
};

struct restore_fifo {
	struct fifo_held *held;
	size_t n;
};

static bool has_data(const FdEntry *e, const void *dev)
{
	return e->fifo && e->fifo->data_here && e->dev == *(const uint64_t *)dev;
}

/* The fd entry of the tree that carries the unread bytes of FIFO (dev, ino). */
static const FifoEntry *data_entry(struct restore_ctx *ctx, uint64_t dev, uint64_t ino)
{
	const FdEntry *e = restore_ctx__find_fd(ctx, FD_TYPE__FD_FIFO, ino, has_data, &dev, NULL);

	return e ? e->fifo : NULL;
}

/*
 * A new FIFO in place of deleted @e: made under a free name beside the
 * old one, opened, moved to the old name when that is free (so /proc names
 * it as before), given its owner and mode, unlinked.
 */
static int make_deleted(const FdEntry *e)
{
	char name[4200];
	int fd, i, err = 0;

	for (i = 0;; i++) {
		if (i >= 100)
			return -EEXIST;
		snprintf(name, sizeof(name), "%s.pidtrace-fifo-%d-%d", e->path, (int)getpid(), i);
		if (!mkfifo(name, 0600))
			break;
		if (errno != EEXIST)
			return -errno;
	}
	fd = open(name, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		unlink(name);
		return err;
	}
	if (!renameat2(AT_FDCWD, name, AT_FDCWD, e->path, RENAME_NOREPLACE))
		snprintf(name, sizeof(name), "%s", e->path);
	if (e->fifo->has_uid && fchown(fd, e->fifo->uid, e->fifo->gid))
		err = -errno;
	if (!err && e->has_mode && fchmod(fd, e->mode & 07777))
		err = -errno;
	return fdio__unlink_made(fd, name, err);
}

/* pidtrace's read-write hold on the FIFO of @e, made and filled on first use. */
static int hold(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct restore_fifo *r = ctx->fifo;
	const FifoEntry *d;
	struct fifo_held *h;
	struct stat st;
	size_t i;
	int fd, err;

	if (!r) {
		r = ctx->fifo = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
	}
	for (i = 0; i < r->n; i++)
		if (r->held[i].dev == e->dev && r->held[i].ino == e->ino)
			return r->held[i].fd;
	h = realloc(r->held, (r->n + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	r->held = h;
	if (e->fifo->deleted) {
		fd = make_deleted(e);
		if (fd < 0)
			return restore_ctx__fail(ctx, pid, fd,
					     "pid %d fd %u: cannot make deleted FIFO %s again: %s",
					     pid, e->fd, e->path, strerror(-fd));
	} else {
		fd = open(e->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: open FIFO %s: %s", pid,
					     e->fd, e->path, strerror(errno));
		if (fstat(fd, &st) || !S_ISFIFO(st.st_mode) || st.st_dev != e->dev ||
		    st.st_ino != e->ino) {
			close(fd);
			return restore_ctx__fail(ctx, pid, -ESTALE,
					     "pid %d fd %u: %s is not the FIFO that was open at dump time",
					     pid, e->fd, e->path);
		}
	}
	d = data_entry(ctx, e->dev, e->ino);
	err = 0;
	if (d && d->capacity && fcntl(fd, F_GETPIPE_SZ) != (int)d->capacity &&
	    fcntl(fd, F_SETPIPE_SZ, d->capacity) < 0)
		err = -errno;
	if (!err && d && d->data.len)
		err = fdio__write_all(fd, d->data.data, d->data.len);
	if (err) {
		close(fd);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: cannot refill FIFO %s (%zu bytes): %s",
				     pid, e->fd, e->path, d ? d->data.len : 0, strerror(-err));
	}
	r->held[r->n++] = (struct fifo_held){ e->dev, e->ino, fd };
	return fd;
}

int restore_fifo__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int h, fd, flags;
	char path[64];

	if (!e->fifo || !e->path || !e->has_dev || !e->has_ino)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: FIFO without its state", pid,
				     e->fd);
	h = hold(ctx, pid, e);
	if (h < 0)
		return h;
	/*
	 * Through the hold, never by path again: the same inode (the only
	 * way to a deleted one). Non-blocking, as the peer may be opened later.
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", h);
	if (e->flags & O_PATH)
		flags = O_PATH | O_CLOEXEC;
	else
		flags = (e->flags & O_ACCMODE) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	fd = open(path, flags);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: reopen FIFO %s: %s", pid, e->fd,
				     e->path, strerror(errno));
	if (!(e->flags & O_PATH) &&
	    fcntl(fd, F_SETFL, e->flags & (O_NONBLOCK | O_APPEND | O_DIRECT | O_NOATIME))) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: FIFO %s flags: %s", pid, e->fd,
				     e->path, strerror(errno));
	}
	return fd;
}

void restore_fifo__close(struct restore_ctx *ctx)
{
	struct restore_fifo *r = ctx->fifo;
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		close(r->held[i].fd);
	free(r->held);
	free(r);
	ctx->fifo = NULL;
}
