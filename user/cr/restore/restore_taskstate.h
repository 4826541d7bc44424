/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_taskstate.h - what dump_taskstate.c saved, set back in the
 * stubs before their credentials are lowered (restore_taskstate.c).
 */
#ifndef PT_RESTORE_TASKSTATE_H
#define PT_RESTORE_TASKSTATE_H

#include "restore_ctx.h"

/* Thread @tt (the leader itself, or one as_task() of process @pid): scheduling, loginuid. */
int restore_taskstate__thread(struct restore_ctx *ctx, struct rtask *tt, pid_t pid,
			      const ThreadCore *th);
/* Process @t: oom_score_adj, THP disable, child subreaper, membarrier registrations. */
int restore_taskstate__task(struct restore_ctx *ctx, struct rtask *t);

/*
 * KEEP_CAPS and memory-deny-write-execute, after the credentials and the
 * limits. Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_taskstate__last(struct restore_ctx *ctx, struct rtask *t);

#endif
