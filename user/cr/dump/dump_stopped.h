/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_stopped.h - tasks in a group stop (SIGSTOP and the terminal stop
 * signals): held in their stop, dumped like any other, the stop signal
 * recorded (restore_stopped.h stops them again).
 */
#ifndef PT_DUMP_STOPPED_H
#define PT_DUMP_STOPPED_H

#include "dump_ctx.h"

/**
 * dump_stopped__seize() - seize @t (t->stat read), running or in a group
 * stop; refuse, in one line, what cannot be dumped stopped: a tracing
 * stop, a stopped process with several threads.
 * Return: as ptrace__seize() (0, -ESRCH, -EPERM...; not printed), or
 * -EOPNOTSUPP (printed; the task is left as it was).
 */
int dump_stopped__seize(struct dump_task *t);

/* Record in @core the stop @t was in when seized (nothing if none). */
void dump_stopped__core(const struct dump_task *t, TaskCore *core);

#endif
