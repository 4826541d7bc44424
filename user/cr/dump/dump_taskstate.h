/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_taskstate.h - a thread's scheduling policy, priority and
 * reset-on-fork flag; a process's oom_score_adj, loginuid, THP disable,
 * child subreaper and membarrier registrations (dump_taskstate.c).
 * What restore could not give back is refused in one line (-EOPNOTSUPP).
 */
#ifndef PT_DUMP_TASKSTATE_H
#define PT_DUMP_TASKSTATE_H

#include <sys/types.h>

#include "core.pb-c.h"

struct dump_task;

/* Thread @tid of process @pid (held): its scheduling, into @th. */
int dump_taskstate__thread(pid_t pid, pid_t tid, ThreadCore *th);
/* The process knobs, into @core (its threads already filled). */
int dump_taskstate__task(struct dump_task *t, TaskCore *core);

#endif
