/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix.h - listening unix sockets bound to a name: made in
 * pidtrace, bound to their path or abstract name again, listening;
 * restore_files.c hands them to the tasks like any other socket.
 */
#ifndef PT_RESTORE_UNIX_H
#define PT_RESTORE_UNIX_H

#include <stdbool.h>
#include <sys/types.h>

#include "restore.h"

struct restore_unix;

/*
 * restore_unix__listener() - the listening socket of @e (an fd of task
 * @pid, e->unix_sk->listening), close-on-exec. A path that holds a stale
 * socket file (nobody bound to it, nobody listening) is unlinked first; a
 * path in use, or that is not a socket, refuses the restore.
 * Return: the fd, or -errno (said through restore__fail()).
 */
int restore_unix__listener(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/*
 * restore_unix__relisten() - task @t, its credentials restored, calls
 * listen() on its listening unix sockets (one holder of each shared
 * one), so that clients see the task as their peer (SO_PEERCRED).
 * Context: @t is stopped under ptrace. Return: 0 or -errno (said).
 */
int restore_unix__relisten(struct restore_ctx *ctx, struct rtask *t);

/*
 * restore_unix__end() - the restore is over: when it @failed, remove the
 * socket files bound by restore_unix__listener() (if still those).
 */
void restore_unix__end(struct restore_ctx *ctx, bool failed);

#endif
