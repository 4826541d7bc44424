/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_mem.h - replace a seized stub's memory with the image's (restore_mem.c).
 */
#ifndef PT_RESTORE_MEM_H
#define PT_RESTORE_MEM_H

#include "restore_ctx.h"

int restore_mem__task(struct restore_ctx *ctx, struct rtask *t);
/* Final cleanup of the mechanics pages once nothing else needs them. */
int restore_mem__finish(struct restore_ctx *ctx, struct rtask *t);

#endif
