/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_cgroup.h - a task's cgroups (dump_cgroup.c).
 */
#ifndef PT_DUMP_CGROUP_H
#define PT_DUMP_CGROUP_H

#include "core.pb-c.h"

struct dump_ctx;
struct dump_task;

/*
 * Record @t's cgroups in @core (and its threads' where they differ; after
 * the threads are in @core), and note those the tree owns. A cgroup that
 * restore could not move a task to is refused, said in one line:
 * -EOPNOTSUPP. Return: 0 or -errno.
 */
int dump_cgroup__task(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core);
/*
 * Once every task's cgroups are noted: write cgroups.img, the cgroups the
 * tree owns (and those below them) with their settings. A cgroup that
 * could not be made again as it is: -EOPNOTSUPP, said in one line.
 */
int dump_cgroup__write(struct dump_ctx *ctx);
void dump_cgroup__free(struct dump_ctx *ctx);

#endif
