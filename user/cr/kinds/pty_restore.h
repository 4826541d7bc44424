/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pty_restore.h - pseudo-terminal pairs made again: kind_pty.c's restore
 * hooks (kinds.h says when each runs).
 */
#ifndef PT_PTY_RESTORE_H
#define PT_PTY_RESTORE_H

#include <stdbool.h>
#include <sys/types.h>

#include "files.pb-c.h"

struct restore_ctx;
struct rtask;

int pty_restore__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
int pty_restore__ctty_pts(struct restore_ctx *ctx, struct rtask *t, int *pts);
int pty_restore__task(struct restore_ctx *ctx, struct rtask *t);
int pty_restore__tree(struct restore_ctx *ctx);
void pty_restore__end(struct restore_ctx *ctx, bool failed);

#endif
