/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cause.h - the cause classes of a signal death, and the decision that
 * picks one from what the kernel told us (docs/watch-json.md lists them).
 */
#ifndef PT_CAUSE_H
#define PT_CAUSE_H

#include <stdbool.h>

#include "pidtrace.h"

enum cause {
	CAUSE_UNKNOWN = 0,
	CAUSE_KILL_SYSCALL,
	CAUSE_OOM_KILL,
	CAUSE_PIDNS_TEARDOWN,
	CAUSE_GROUP_EXIT,
	CAUSE_EXEC_DE_THREAD,
	CAUSE_PARENT_DEATH_SIGNAL,
	CAUSE_RLIMIT_CPU,
	CAUSE_CGROUP_KILL,
	CAUSE_SECCOMP,
	CAUSE_PTRACE_KILL,
	CAUSE_FAULT,
	CAUSE_TTY,
	CAUSE_RESTORE_HELPER,
	CAUSE_RESTORE_ROLLBACK,
	CAUSE_KERNEL_OTHER,
	CAUSE__COUNT,
};

/* What the classifier looks at. Any pointer may be NULL. */
struct cause_facts {
	const struct pt_signal_event *gen; /* the generation of the fatal signal */
	const struct pt_exit_event *exit;  /* the death */
	const struct pt_oom_event *oom;	   /* the OOM killer chose this victim */
	const char *const *kstack;	   /* kernel stack symbol names, innermost first */
	int kstack_n;
};

const char *cause__name(enum cause c);
/* Return: the class for these facts, CAUSE_UNKNOWN when nothing fits. */
enum cause cause__classify(const struct cause_facts *f);
/* Is nr one of the syscalls a task uses to send a signal? */
bool cause__is_kill_syscall(int nr);
/*
 * Was @g sent by a kill syscall from user space (a real siginfo with
 * SI_USER, SI_QUEUE or SI_TKILL)? Its cause is then CAUSE_KILL_SYSCALL
 * whatever its kernel stack holds: no kernel-made kill runs in that path.
 */
bool cause__user_kill(const struct pt_signal_event *g);

/*
 * The SGR sequence for a death of class @c; @expected is the record's
 * "expected" flag (a restore helper dying on purpose). Never NULL; ""
 * for a class without a colour.
 */
const char *cause__color(enum cause c, bool expected);

#endif
