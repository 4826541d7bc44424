/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix_dgram.h - unix datagram sockets linked by connect() to
 * named ones, made as a group (restore_unix_conn.c keeps them).
 */
#ifndef PT_RESTORE_UNIX_DGRAM_H
#define PT_RESTORE_UNIX_DGRAM_H

#include "restore_ctx.h"

/*
 * restore_unix_dgram__open() - make datagram socket @e (an fd of task
 * @pid) with every socket it is linked to by connect(), bound, refilled
 * and connected, each kept by restore_unix_conn__keep().
 * Return: 0, or -errno (said through restore_ctx__fail()).
 */
int restore_unix_dgram__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

#endif
