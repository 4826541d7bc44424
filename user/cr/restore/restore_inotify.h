/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_inotify.h - inotify instances, made in pidtrace with their
 * watches (restore_files.c hands them to the tasks like the other
 * descriptions), each watch with its wd number of before.
 */
#ifndef PT_RESTORE_INOTIFY_H
#define PT_RESTORE_INOTIFY_H

#include <sys/types.h>

#include "restore_ctx.h"

/*
 * restore_inotify__open() - a new inotify instance for @e (an fd of task
 * @pid), close-on-exec, with @e's watches added again by path in wd order,
 * numbers the original had freed burnt, so that every wd is the one in
 * the image. Fails naming the path when it is gone or no longer the
 * inode the watch had ("the watched file was replaced").
 * Return: the fd in pidtrace, or -errno (said through restore_ctx__fail()).
 */
int restore_inotify__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/*
 * restore_inotify__drain() - read away what task @t's inotify instances
 * have queued since they were made: the events of pidtrace's own last
 * closes of files they watch (a deleted file made again), which the
 * original never had (dump refuses unread events).
 * Context: once pidtrace has closed its descriptions, the task stopped.
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_inotify__drain(struct restore_ctx *ctx, struct rtask *t);

#endif
