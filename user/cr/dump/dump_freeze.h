/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_freeze.h - seize the whole tree before anything is read (dump_freeze.c).
 */
#ifndef PT_DUMP_FREEZE_H
#define PT_DUMP_FREEZE_H

#include "dump_ctx.h"

/* dump_freeze.c: seize the whole tree (ctx->tasks, parents first). */
int dump_freeze__tree(struct dump_ctx *ctx);

#endif
