/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_inotify.h - inotify instances: each watch (wd, mask) read from
 * fdinfo, the watched object resolved from its file handle to a path, so
 * that restore can add the watch again by path and find the same inode.
 */
#ifndef PT_DUMP_INOTIFY_H
#define PT_DUMP_INOTIFY_H

#include <stdbool.h>
#include <sys/types.h>

#include "dump_ctx.h"

/**
 * dump_inotify__fd() - describe inotify fd @fd of @pid (@info: its
 * fdinfo) into @e. Refused (printed, naming the fd): events queued and
 * not read yet, a watched object that no path reaches (deleted, on a
 * file system without file handles, outside every mount).
 * Context: the task is stopped (seized).
 * Return: 0, -EOPNOTSUPP (refused), -EINVAL (fdinfo not understood),
 * other -errno.
 */
int dump_inotify__fd(pid_t pid, int fd, const char *info, FdEntry *e, bool drop_events);

#endif
