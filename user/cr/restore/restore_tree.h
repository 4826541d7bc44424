/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_tree.h - create the tasks of the tree with their old pids, seize them, kill
 * or let them go (restore_tree.c).
 */
#ifndef PT_RESTORE_TREE_H
#define PT_RESTORE_TREE_H

#include "restore_ctx.h"

int restore_tree__call(struct restore_ctx *ctx, int ctl, int op, int arg, long *ret);
int restore_tree__check_pids(struct restore_ctx *ctx);
int restore_tree__create(struct restore_ctx *ctx);
int restore_tree__seize(struct restore_ctx *ctx);
/* Kill and reap every task created so far (and helpers). */
void restore_tree__kill_all(struct restore_ctx *ctx);
int restore_tree__detach_all(struct restore_ctx *ctx);

#endif
