/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_load.h - what the check phase reads: the whole image, checked, and pidtrace's
 * vDSO block (restore_load.c).
 */
#ifndef PT_RESTORE_LOAD_H
#define PT_RESTORE_LOAD_H

#include "restore_ctx.h"

int restore_load__image(struct restore_ctx *ctx);
/* pidtrace's vDSO block: its size, where a `syscall` is in it. */
int restore_load__vdso(struct restore_ctx *ctx);
/* Free everything the context holds (tasks are not touched). */
void restore_load__free(struct restore_ctx *ctx);

#endif
