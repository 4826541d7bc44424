/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_signals.h - a task's and a thread's signal state (dump_signals.c).
 */
#ifndef PT_DUMP_SIGNALS_H
#define PT_DUMP_SIGNALS_H

#include "dump_ctx.h"

/* dump_signals.c: sigactions, mask, queued signals, altstack, pdeath. */
int dump_signals__task(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core);
/* One thread's blocked mask, private queue and sigaltstack (@scratch: 4 KiB in the task). */
int dump_signals__thread(struct ptrace_task *pt, unsigned long scratch, ThreadCore *th);

#endif
