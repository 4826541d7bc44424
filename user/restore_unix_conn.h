/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix_conn.h - unix sockets bound to a name or connected to a
 * named one (datagram groups, accepted connections and their clients),
 * made in pidtrace the way they came to be; restore_files.c hands them
 * to the tasks like any other socket.
 */
#ifndef PT_RESTORE_UNIX_CONN_H
#define PT_RESTORE_UNIX_CONN_H

#include <stdbool.h>
#include <sys/types.h>

#include "restore.h"

struct restore_unix_conn;

/* Whether unix socket @e (e->unix_sk set) is this module's to open. */
bool restore_unix_conn__wants(struct restore_ctx *ctx, const FdEntry *e);

/*
 * restore_unix_conn__open() - the socket of @e (an fd of task @pid),
 * made with the sockets it is connected with, which wait here for their
 * own fds. Return: the fd, or -errno (said through restore__fail()).
 */
int restore_unix_conn__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/* The restore is over: close what no fd took. */
void restore_unix_conn__end(struct restore_ctx *ctx);

#endif
