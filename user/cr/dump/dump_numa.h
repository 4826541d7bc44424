/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_numa.h - mappings with a NUMA policy of their own (mbind), found in
 * /proc/PID/numa_maps and asked exactly in the task (dump_numa.c).
 */
#ifndef PT_DUMP_NUMA_H
#define PT_DUMP_NUMA_H

#include "core.pb-c.h"

struct dump_task;

/* Held process @t: its mappings' own policies into @core. 0 or -errno. */
int dump_numa__vmas(struct dump_task *t, TaskCore *core);

#endif
