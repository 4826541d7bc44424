/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_scm.h - file descriptors in flight (SCM_RIGHTS) in a unix socket's
 * queue: which queued message carries which open files (restore_scm.h
 * sends them again).
 */
#ifndef PT_DUMP_SCM_H
#define PT_DUMP_SCM_H

#include <sys/types.h>

#include "dump_ctx.h"

/**
 * dump_scm__fd() - fill e->unix_sk->scm for unix socket fd @fd of @pid,
 * whose queue (already in e->unix_sk->queue) holds files in flight
 * (@info: its fdinfo, with scm_fds). The messages are read with MSG_PEEK
 * in pidtrace, which gives pidtrace its own copies of the files and leaves
 * the messages queued: a dump that fails has taken nothing. Pidtrace holds
 * the copies until dump_scm__free() (an open file description is known by
 * comparing fds with kcmp). A pipe end in flight is saved with its pipe;
 * another file only when a task of the tree holds it too (its kind and
 * open file description are saved, dump_scm__check() makes sure).
 * Return: 0, -EOPNOTSUPP (refused, printed), -ESRCH, other -errno (not printed).
 */
int dump_scm__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *info, FdEntry *e);

/*
 * dump_scm__check() - every fd of the tree known: each file in flight
 * other than a pipe end is held by a task of the tree too.
 * Return: 0, or -EOPNOTSUPP with the first one that is not said.
 */
int dump_scm__check(struct dump_ctx *ctx);

/* Close the copies of files in flight and free the module's state. */
void dump_scm__free(struct dump_ctx *ctx);

#endif
