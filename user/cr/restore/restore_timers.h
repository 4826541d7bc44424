/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_timers.h - a restored process's itimers and POSIX timers, with
 * their ids, clocks, signals, time left and intervals.
 */
#ifndef PT_RESTORE_TIMERS_H
#define PT_RESTORE_TIMERS_H

#include "restore_ctx.h"

/*
 * restore_timers__task() - create and arm @t's timers (injected calls).
 * Context: late (finish phase): the time left starts running again here;
 * @t's data page is still mapped. Return: 0 or -errno (said through
 * restore_ctx__fail()).
 */
int restore_timers__task(struct restore_ctx *ctx, struct rtask *t);

#endif
