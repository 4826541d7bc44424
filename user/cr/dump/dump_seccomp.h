/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_seccomp.h - a thread's seccomp mode and filters (dump_seccomp.c).
 */
#ifndef PT_DUMP_SECCOMP_H
#define PT_DUMP_SECCOMP_H

#include <sys/types.h>

#include "core.pb-c.h"

struct ptrace_task;

/*
 * Right after thread @tid of process @pid is seized as @pt: its syscalls,
 * the ones dump runs in it included, bypass its seccomp filters while it
 * is held. Return: 0; -EOPNOTSUPP (printed) when the thread is under
 * seccomp and pidtrace may not suspend it; -ESRCH.
 */
int dump_seccomp__hold(struct ptrace_task *pt, pid_t pid, pid_t tid);

/*
 * Thread @tid of @pid (held as @pt): its mode and filters into @th.
 * Return: 0, -EOPNOTSUPP (printed: a filter restore cannot give back), -errno.
 */
int dump_seccomp__thread(struct ptrace_task *pt, pid_t pid, pid_t tid, ThreadCore *th);

#endif
