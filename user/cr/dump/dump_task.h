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
/*
 * Whose fd table @t uses: the first task of the tree (parents come first)
 * that shares it (kcmp KCMP_FILES, CLONE_FILES), into @fi->fd_table_of
 * (unset when none: its own table, dumped with it). Restore makes the
 * sharing again by creating @t with CLONE_FILES, from its parent: a task
 * whose parent does not share its table (the task that cloned it exited,
 * or unshared since) is refused (printed, -EOPNOTSUPP).
 */
int dump_task__fd_table(struct dump_ctx *ctx, struct dump_task *t, FilesImage *fi);

#endif
