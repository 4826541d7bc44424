/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_numa.h - mappings' own NUMA policies (mbind) set back in the
 * restored task (restore_numa.c).
 */
#ifndef PT_RESTORE_NUMA_H
#define PT_RESTORE_NUMA_H

#include "restore_ctx.h"

/*
 * Context: @t's mappings are in place. Return: 0 or -errno (said through
 * restore_ctx__fail()).
 */
int restore_numa__vmas(struct restore_ctx *ctx, struct rtask *t);

#endif
