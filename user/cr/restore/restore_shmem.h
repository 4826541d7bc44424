/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_shmem.h - shared anonymous memory, made before any stub (restore_shmem.c).
 */
#ifndef PT_RESTORE_SHMEM_H
#define PT_RESTORE_SHMEM_H

#include "restore_ctx.h"

/* Make every shared anonymous object, filled (before any stub exists). */
int restore_shmem__create(struct restore_ctx *ctx);
/* The fd (in pidtrace and every stub) of object @shmid, -1 if none. */
int restore_shmem__fd(const struct restore_ctx *ctx, uint64_t shmid);
void restore_shmem__close(struct restore_ctx *ctx);

#endif
