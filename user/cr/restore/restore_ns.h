/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_ns.h - `restore --pidns`: the tree in a pid namespace of its own
 * (restore_ns.c).
 */
#ifndef PT_RESTORE_NS_H
#define PT_RESTORE_NS_H

#include "restore_ctx.h"

int restore_ns__start(struct restore_ctx *ctx);
/* The pid pidtrace sees for @pid, a child of the task seen as @parent_opid. */
pid_t restore_ns__outer_pid(pid_t parent_opid, pid_t pid);
/* Give the init a copy of @fd; @num gets its number there. */
int restore_ns__hold(struct restore_ctx *ctx, int fd, int *num);
/* The tree runs: the init reaps; with @detach it outlives pidtrace. */
int restore_ns__run(struct restore_ctx *ctx, bool detach);
/* Without --detach: the root's wait status, once it exited. */
int restore_ns__wait_root(struct restore_ctx *ctx, int *status);
void restore_ns__kill(struct restore_ctx *ctx);

#endif
