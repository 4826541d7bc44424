/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_cgroup.h - restored tasks back in their cgroups (restore_cgroup.c).
 *
 *   seize   _task(): the process, before its memory is written;
 *   memory  _threads(): threads whose cgroups differ, once they exist.
 * Both return 0 or -errno after restore_ctx__fail() said what failed.
 */
#ifndef PT_RESTORE_CGROUP_H
#define PT_RESTORE_CGROUP_H

#include "restore_ctx.h"

int restore_cgroup__task(struct restore_ctx *ctx, struct rtask *t);
int restore_cgroup__threads(struct restore_ctx *ctx, struct rtask *t);

#endif
