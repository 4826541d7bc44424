/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show_threads.h - how `pidtrace show` prints the threads of a process
 * (task_core.threads) and the per-thread fields of its main thread, plain
 * (show.c) and JSON (show_json.c; fields in docs/image.md).
 */
#ifndef PT_SHOW_THREADS_H
#define PT_SHOW_THREADS_H

#include <json-c/json.h>

#include "core.pb-c.h"

/* Plain: the main thread's exit state, then one block per other thread. */
void show_threads__print(const TaskCore *c);
/* JSON: "clear_child_tid", "robust_list"... and "threads" into @task. */
void show_threads__json(const TaskCore *c, struct json_object *task);

#endif
