/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show_taskstate.h - how `pidtrace show` prints scheduling (per thread)
 * and the per-process knobs of dump_taskstate.c: oom_score_adj, loginuid,
 * THP disable, child subreaper, membarrier (fields in docs/image.md).
 */
#ifndef PT_SHOW_TASKSTATE_H
#define PT_SHOW_TASKSTATE_H

#include <json-c/json.h>

#include "core.pb-c.h"

/* Plain: a "sched" line per thread, a "process" line (show.c). */
void show_taskstate__print(const TaskCore *c);
/*
 * JSON: "sched" and the knobs into @task, and "sched" into each element
 * of its "threads" array (already added by show_threads__json).
 */
void show_taskstate__json(const TaskCore *c, struct json_object *task);

#endif
