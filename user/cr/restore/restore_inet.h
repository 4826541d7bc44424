/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_inet.h - inet sockets (TCP listeners, closed TCP sockets, TCP
 * connections, UDP sockets) at restore:
 * made in pidtrace, in its network namespace, with their options, bound
 * to their address and port, listening or connected as they were;
 * restore_files.c hands them to the tasks like any other socket.
 */
#ifndef PT_RESTORE_INET_H
#define PT_RESTORE_INET_H

#include <sys/types.h>

#include "restore_ctx.h"

/**
 * restore_inet__open() - the socket of @e (an fd of task @pid, FD_INET),
 * close-on-exec. An address in use (the original still running, without
 * SO_REUSEPORT) fails the restore, naming it.
 * Return: the fd, or -errno (said through restore_ctx__fail()).
 */
int restore_inet__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/*
 * restore_inet__buf_lock() - SO_BUF_LOCK of socket @s as @k had it, after
 * its sizes are set (which locks them). Return: 0 or -errno, @what said.
 */
int restore_inet__buf_lock(int s, const InetSkEntry *k, const char **what);

#endif
