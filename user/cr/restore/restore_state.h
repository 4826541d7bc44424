/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_state.h - signals, limits, credentials and registers (restore_state.c).
 */
#ifndef PT_RESTORE_STATE_H
#define PT_RESTORE_STATE_H

#include "restore_ctx.h"

int restore_state__task(struct restore_ctx *ctx, struct rtask *t);
int restore_state__finish(struct restore_ctx *ctx, struct rtask *t);
/* The image's registers of a task or thread, as PTRACE_SETREGS takes them. */
void restore_state__regs_from_pb(const UserRegs *u, struct user_regs_struct *r);
/*
 * restore_state__thread_regs() - the registers a restored thread resumes
 * with. One dumped inside an interrupted syscall the kernel restarts, or
 * ends with EINTR when a handler runs first (-ERESTARTSYS, -ERESTARTNOHAND,
 * -ERESTARTNOINTR), gets that call's registers back, not the rewound ones
 * of the image, so that the kernel decides as it would have: a SIGTERM that
 * comes before the thread is back in sigsuspend() still wakes it. A sleep
 * (-ERESTART_RESTARTBLOCK) keeps the rewound form: its remaining time
 * lives in a restart block the new task does not have.
 */
void restore_state__thread_regs(const ThreadCore *th, struct user_regs_struct *r);
/*
 * Credentials @c (NULL: none in the image) for @t, set by calls injected
 * into @t: each thread of a process sets its own.
 */
int restore_state__creds(struct restore_ctx *ctx, struct rtask *t, const TaskCreds *c);

#endif
