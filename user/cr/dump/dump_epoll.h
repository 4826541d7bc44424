/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_epoll.h - epoll instances: their interest lists (watched fd, event
 * mask, user data) read from fdinfo, each target checked with
 * kcmp(KCMP_EPOLL_TFD) to still be the file at the number it was added
 * with, so that restore can add it again with epoll_ctl in the task.
 */
#ifndef PT_DUMP_EPOLL_H
#define PT_DUMP_EPOLL_H

#include <sys/types.h>

#include "dump_ctx.h"

struct dump_epoll;

/**
 * dump_epoll__fd() - describe epoll fd @fd of @pid (@info: its fdinfo)
 * into @e. The interest list is stored once per instance (an instance
 * shared by fork or dup is met again), in the first holder where every
 * target is still the file at its number.
 * Context: the task is stopped (seized).
 * Return: 0, -EINVAL (fdinfo not understood), -ESRCH, other -errno.
 */
int dump_epoll__fd(struct dump_epoll **ep, pid_t pid, int fd, const char *info, FdEntry *e);

/*
 * Once every task's fds are known: refuse an instance that no holder's
 * fd table can be the interest list of (a target closed or replaced after
 * it was added). Return: 0 or -EOPNOTSUPP (printed).
 */
int dump_epoll__check(const struct dump_epoll *ep);

void dump_epoll__free(struct dump_epoll *ep);

#endif
