/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_cgroup.h - a task's cgroups (dump_cgroup.c).
 */
#ifndef PT_DUMP_CGROUP_H
#define PT_DUMP_CGROUP_H

#include "core.pb-c.h"

struct dump_task;

/*
 * Record @t's cgroups in @core (and its threads' where they differ; after
 * the threads are in @core). A cgroup that restore could not move a task
 * to is refused, said in one line: -EOPNOTSUPP. Return: 0 or -errno.
 */
int dump_cgroup__task(struct dump_task *t, TaskCore *core);

#endif
