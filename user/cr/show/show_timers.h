/* SPDX-License-Identifier: GPL-2.0 */
/* show_timers.h - a task's timers in `pidtrace show` (show_timers.c). */
#ifndef PT_SHOW_TIMERS_H
#define PT_SHOW_TIMERS_H

#include <json-c/json.h>

#include "core.pb-c.h"

void show_timers__print(const TaskCore *c);
void show_timers__json(const TaskCore *c, struct json_object *o);

#endif
