/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_locks.h - the image's file locks taken again by the restored
 * tasks, and compared with what they hold before the tree is let go.
 */
#ifndef PT_RESTORE_LOCKS_H
#define PT_RESTORE_LOCKS_H

#include "restore_ctx.h"
#include "restore_verify.h"

/*
 * Take @t's locks: its POSIX locks, and the flock() and OFD locks of the
 * open file descriptions @t is the one to take them for. Context: every
 * task's fds in place (after restore_files__task and epoll). Return: 0 or
 * -errno (restore_ctx__fail()ed).
 */
int restore_locks__task(struct restore_ctx *ctx, struct rtask *t);

/*
 * The locks fdinfo text @info of the restored fd shows equal those of @e.
 * Return: 0, or -EIO (restore_verify__str()ed).
 */
int restore_locks__verify(struct verify *v, const FdEntry *e, const char *info);

#endif
