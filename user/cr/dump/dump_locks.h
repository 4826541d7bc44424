/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_locks.h - the file locks a tree holds, into the image (fd_entry
 * locks), and the lock states restore could not bring back, refused.
 */
#ifndef PT_DUMP_LOCKS_H
#define PT_DUMP_LOCKS_H

#include <sys/stat.h>

#include "dump_ctx.h"

/*
 * The locks fdinfo text @info of fd @fd of @pid shows, into @e: flock(),
 * POSIX and OFD locks, leases. A lease being broken, a delegation or
 * another kind is refused.
 * Return: 0, -EOPNOTSUPP (printed), -ENOMEM.
 */
int dump_locks__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		   const struct stat *st, const char *info, FdEntry *e);

/*
 * A thread of @t frozen inside a lock request that waits (fcntl F_SETLKW,
 * F_OFD_SETLKW, flock() without LOCK_NB), as @core's registers show it:
 * refused (printed). Return: 0 or -EOPNOTSUPP.
 */
int dump_locks__pending(struct dump_task *t, const TaskCore *core);

/*
 * Once every fd is read: a lock of the tree a process outside it waits
 * for (it would get it when the tree is killed), and a flock() or OFD lock
 * or a lease whose open file description a process outside the tree also
 * holds (it keeps the lock after the tree is gone) are refused (printed).
 * Return: 0, -EOPNOTSUPP, other -errno.
 */
int dump_locks__outside(struct dump_ctx *ctx);

void dump_locks__free(struct dump_ctx *ctx);

#endif
