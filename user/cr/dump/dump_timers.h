/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_timers.h - a process's timers: the three setitimer() timers and
 * every POSIX timer (timer_create), with the time left and the interval.
 */
#ifndef PT_DUMP_TIMERS_H
#define PT_DUMP_TIMERS_H

#include "dump_ctx.h"

/**
 * dump_timers__task() - fill core->itimers and core->posix_timers.
 * @scratch: 4 KiB of scratch memory in the task.
 * Context: @t is stopped; remote syscalls (getitimer, timer_gettime).
 * Return: 0 or -errno (printed but -ESRCH).
 */
int dump_timers__task(struct dump_task *t, TaskCore *core, unsigned long scratch);

#endif
