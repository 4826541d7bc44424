/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_reuseport.h - TCP sockets sharing a port through SO_REUSEPORT,
 * one of which turned the flag off after binding (zdtm
 * socket-tcp-reuseport). The kernel checks the flag of both sockets at
 * each bind() and listen(), so the copy that had it cleared is bound and
 * listens with it set, like the original was, and has it cleared only
 * once every socket of the tree is bound (restore_tcp__finish()).
 */
#ifndef PT_RESTORE_REUSEPORT_H
#define PT_RESTORE_REUSEPORT_H

#include <stdbool.h>

#include "restore_ctx.h"

/*
 * restore_reuseport__needed() - whether TCP socket @e, without
 * SO_REUSEPORT, shares its port with another socket of the image that has
 * it: then it held the flag when it was bound.
 */
bool restore_reuseport__needed(const struct restore_ctx *ctx, const FdEntry *e);

/* Clear SO_REUSEPORT of @s (a copy is kept) at restore_reuseport__finish(). 0 or -errno. */
int restore_reuseport__defer(int s);

/* Every socket is bound: the flags off. Return: 0 or -errno. */
int restore_reuseport__finish(void);

/* The restore failed: the copies go. */
void restore_reuseport__drop(void);

#endif
