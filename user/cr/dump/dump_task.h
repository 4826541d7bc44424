/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_task.h - one task's identity, credentials, registers, mm fields and limits
 * (dump_task.c).
 */
#ifndef PT_DUMP_TASK_H
#define PT_DUMP_TASK_H

#include "dump_ctx.h"

/* dump_task.c: everything about one task but signals, memory and files. */
int dump_task__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore **out);
/*
 * The credentials (uids, gids, groups, capabilities, no_new_privs, seccomp
 * mode, personality) of thread @tid of process @pid, from its @status.
 */
int dump_task__creds(pid_t pid, pid_t tid, const char *status, TaskCreds **out);
/* One thread's tid, comm, registers (normalized), FPU state and rseq. */
int dump_task__thread(pid_t tid, struct ptrace_task *pt, ThreadCore **out);

#endif
