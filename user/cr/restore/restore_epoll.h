/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_epoll.h - epoll instances: made empty in pidtrace with the other
 * descriptions (restore_files.c hands them to the tasks), then, once every
 * fd of the task that carries the interest list is in place, filled with
 * epoll_ctl(EPOLL_CTL_ADD) injected in that task, so that each entry has
 * its fd number, events and data again; an entry whose file had left its
 * number is added with that file put there for the call.
 */
#ifndef PT_RESTORE_EPOLL_H
#define PT_RESTORE_EPOLL_H

#include <sys/types.h>

#include "restore_ctx.h"
#include "restore_files.h"

/*
 * restore_epoll__open() - a new, empty epoll instance for @e (an fd of
 * task @pid), close-on-exec.
 * Return: the fd in pidtrace, or -errno (said through restore_ctx__fail()).
 */
int restore_epoll__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/*
 * restore_epoll__task() - add the interest lists @t carries to its epoll
 * instances. A one-shot entry that had fired is made to fire again, when
 * its file is ready for anything, so that it is disarmed as it was.
 * Context: after restore_files__task() for @t, before restore_files__close().
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_epoll__task(struct restore_ctx *ctx, struct rtask *t);

struct verify;
/*
 * restore_epoll__verify() - every entry of @e whose file is not at its
 * number (closed or replaced after it was added) watches that file again:
 * the description the image names, as some task of the tree holds it
 * (kcmp KCMP_EPOLL_TFD). Return: 0, or -EIO (said).
 */
int restore_epoll__verify(struct verify *v, const FdEntry *e);

/*
 * restore_epoll__inflight() - fill the epoll in flight @f (no task of the
 * tree holds it; pidtrace's copy @fd, @src_fd in the fd source), made by
 * restore_scm.c, in task @pid of the tree: every entry added there on its
 * file put at its number (epoll_target.ofd_id), the instance at a number
 * above them all for the while; then the instance's fdinfo is compared
 * with the image (a difference fails the restore).
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_epoll__inflight(struct restore_ctx *ctx, pid_t pid, const FdEntry *f, int fd,
			    int src_fd);

#endif
