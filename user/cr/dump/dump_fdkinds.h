/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_fdkinds.h - the fd kinds beyond files, pipes and pidfds: unnamed
 * unix sockets (socketpairs, with their queued data), eventfd, signalfd,
 * timerfd, epoll (dump_epoll.h), inotify (dump_inotify.h), memfd, and
 * regular files deleted while open (with their contents); and, for every
 * other kind, a refusal that names the object ("pid 812 fd 7: io_uring is
 * not supported").
 */
#ifndef PT_DUMP_FDKINDS_H
#define PT_DUMP_FDKINDS_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dump_ctx.h"

/* Whether dump_fdkinds__fd() is the one to describe (or refuse) this fd. */
bool dump_fdkinds__claims(const char *link, const struct stat *st);

/**
 * dump_fdkinds__fd() - describe fd @fd of @pid (@link: its /proc link,
 * @st: stat of the file) into @e; the caller fills the common fields
 * (flags, position, ofd_id) and e->dev, e->ino, e->mode before.
 * Context: the task is stopped (seized).
 * Return: 0, -EOPNOTSUPP (refused, printed naming the object), -ESRCH,
 * other -errno (not printed).
 */
int dump_fdkinds__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		     const struct stat *st, FdEntry *e);

/*
 * Once every task's fds are known: refuse a unix socket whose peer lives
 * outside the dumped tree, and an epoll instance no holder can be restored
 * with (dump_epoll__check()). Return: 0 or -EOPNOTSUPP (printed).
 */
int dump_fdkinds__shared(struct dump_ctx *ctx);

/* The @i-th unix socket of the tree: false past the last (dump_sockets__unix()). */
bool dump_fdkinds__unix_peer(struct dump_ctx *ctx, size_t i, uint64_t *ino, uint64_t *peer,
			     pid_t *pid, int *fd);

/* Free what the module keeps in @ctx. */
void dump_fdkinds__free(struct dump_ctx *ctx);

#endif
