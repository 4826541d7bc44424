/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_epoll.h - epoll instances: their interest lists (watched fd, event
 * mask, user data) read from fdinfo, each target checked with
 * kcmp(KCMP_EPOLL_TFD) to still be the file at the number it was added
 * with, or else found in the tree's fds, so that restore can add it again
 * with epoll_ctl in the task.
 */
#ifndef PT_DUMP_EPOLL_H
#define PT_DUMP_EPOLL_H

#include <sys/types.h>

#include "dump_ctx.h"

struct dump_epoll;

/**
 * dump_epoll__fd() - describe epoll fd @fd of @pid (@info: its fdinfo)
 * into @e. The interest list is stored once per instance (an instance
 * shared by fork or dup is met again), with its first holder; a target
 * that is not the file at its number there is found in the fds of the
 * tree (ctx->tasks) and stored by its open file description.
 * Context: the tree is frozen.
 * Return: 0, -EOPNOTSUPP (a target no fd of the tree holds; printed),
 * -EINVAL (fdinfo not understood), -ESRCH, other -errno.
 */
int dump_epoll__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *info, FdEntry *e);

/**
 * dump_epoll__inflight() - describe an epoll in flight in a unix socket
 * (fd @fd of @pid), pidtrace's copy @cfd (@info: its fdinfo), into @f's
 * epoll: every entry by the open file description of the tree that is
 * its file (epoll_target.ofd_id), for restore_epoll__inflight().
 * Context: the tree is frozen.
 * Return: 0, -EOPNOTSUPP (a target no fd of the tree holds, a one-shot
 * entry that fired; printed), -EINVAL, other -errno.
 */
int dump_epoll__inflight(struct dump_ctx *ctx, pid_t pid, int fd, int cfd, const char *info,
			 FdEntry *f);

void dump_epoll__free(struct dump_epoll *ep);

#endif
