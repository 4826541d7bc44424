// SPDX-License-Identifier: GPL-2.0
/*
 * dump_fifo.c - named FIFOs. An fd on a FIFO is its path (the /proc link),
 * its open mode and flags; the FIFO's unread bytes are copied once per
 * FIFO (dev, ino), in the first fd of the tree that has it, with tee(2)
 * (pipe_peek.c), which leaves them where they are: a dump that fails
 * after this has taken nothing from the tree. They are read through the
 * task's own open file (pidfd_getfd), not a new open of the FIFO, unless
 * that fd is write-only.
 *
 * A FIFO whose name was unlinked ("PATH (deleted)", no link left) keeps
 * its owner and permission bits: restore makes a new one beside the old
 * name and unlinks it. One unlinked but still linked under another name
 * cannot be found by path: refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_fifo.h"
#include "dump_rofs.h"
#include "kinds.h"
#include "log.h"
#include "pipe_peek.h"

#define DELETED " (deleted)"

struct fifo_seen {
	uint64_t dev, ino;
};

struct dump_fifo {
	struct fifo_seen *seen;
	size_t n;
};

bool dump_fifo__claims(const char *link, const struct stat *st)
{
	return S_ISFIFO(st->st_mode) && link[0] == '/';
}

/* Whether (dev, ino) was met before; if not, it is now. Return: 1, 0, -ENOMEM. */
static int seen_before(struct dump_ctx *ctx, uint64_t dev, uint64_t ino)
{
	struct dump_fifo *f = ctx->fifo;
	struct fifo_seen *arr;
	size_t i;

	if (!f) {
		f = ctx->fifo = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
	}
	for (i = 0; i < f->n; i++)
		if (f->seen[i].dev == dev && f->seen[i].ino == ino)
			return 1;
	arr = realloc(f->seen, (f->n + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	f->seen = arr;
	arr[f->n++] = (struct fifo_seen){ dev, ino };
	return 0;
}

int dump_fifo__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		  const struct stat *st, FdEntry *e)
{
	size_t len = strlen(link), dl = strlen(DELETED);
	bool deleted = len > dl && !strcmp(link + len - dl, DELETED);
	char path[64];
	FifoEntry *f;
	uint8_t *data;
	size_t n;
	int err, first, copy, sz;

	if (deleted && st->st_nlink) {
		pr_err("pid %d fd %d: named FIFO %s, unlinked but linked elsewhere, is not supported",
		       pid, fd, link);
		return -EOPNOTSUPP;
	}
	e->type = FD_TYPE__FD_FIFO;
	e->path = strndup(link, deleted ? len - dl : len);
	f = e->fifo = PB_NEW(FifoEntry, fifo_entry);
	if (!f || !e->path)
		return -ENOMEM;
	/* Made again by mkfifo in its directory: not on a read-only mount. */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if (deleted && dump_rofs__read_only(path) > 0) {
		pr_err("pid %d fd %d: named FIFO %s, unlinked, on a read-only mount where restore cannot make it again, is not supported",
		       pid, fd, link);
		return -EOPNOTSUPP;
	}
	if (deleted) {
		f->has_deleted = f->deleted = true;
		f->has_uid = f->has_gid = true;
		f->uid = st->st_uid;
		f->gid = st->st_gid;
	}
	first = seen_before(ctx, st->st_dev, st->st_ino);
	if (first < 0)
		return first;
	first = !first;
	/* The capacity in every fd (restore may meet any of them first). */
	copy = kinds__copy_fd(pid, fd);
	if (copy < 0)
		return procfs__exists(pid) ? copy : -ESRCH;
	sz = fcntl(copy, F_GETPIPE_SZ);
	f->capacity = sz > 0 ? sz : 0;	/* an O_PATH fd cannot tell */
	if (!first) {
		close(copy);
		return 0;
	}
	/*
	 * The bytes through the task's own open file when it can read; a
	 * write-only (or O_PATH) fd needs a new reader, opened through /proc
	 * (an open that counts as a reader arriving: a task blocked in open()
	 * for writing, waiting for one, would get its fd).
	 */
	if ((e->flags & O_ACCMODE) != O_WRONLY && !(e->flags & O_PATH)) {
		err = pipe_peek__fd(copy, &f->capacity, &data, &n);
	} else {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		err = pipe_peek__copy(path, &f->capacity, &data, &n);
	}
	close(copy);
	if (err)
		return procfs__exists(pid) ? err : -ESRCH;
	f->has_data_here = f->data_here = true;
	f->has_data = true;
	f->data.data = data;
	f->data.len = n;
	return 0;
}

void dump_fifo__free(struct dump_ctx *ctx)
{
	if (!ctx->fifo)
		return;
	free(ctx->fifo->seen);
	free(ctx->fifo);
	ctx->fifo = NULL;
}
