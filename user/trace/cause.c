// SPDX-License-Identifier: GPL-2.0
/*
 * cause.c - pick the cause class of a signal death.
 *
 * Two kinds of evidence: structural hints the BPF side read from kernel
 * objects at generation (sender exiting, pdeath_signal, pid namespace
 * reaper...) and the kernel stack. On 6.18 several of the deciding
 * functions are inlined (forget_original_parent, check_rlimit, cgroup_kill,
 * de_thread), so stack rules name their callers, which stay visible.
 */
#include <signal.h>
#include <string.h>

#include "cause.h"
#include "color.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS */
#endif


enum {
	NR_write = 1,
	NR_kill = 62,
	NR_ptrace = 101,
	NR_rt_sigqueueinfo = 129,
	NR_tkill = 200,
	NR_tgkill = 234,
	NR_rt_tgsigqueueinfo = 297,
	NR_pidfd_send_signal = 424,
};

static const char *const names[CAUSE__COUNT] = {
	[CAUSE_UNKNOWN] = "unknown",
	[CAUSE_KILL_SYSCALL] = "kill-syscall",
	[CAUSE_OOM_KILL] = "oom-kill",
	[CAUSE_PIDNS_TEARDOWN] = "pidns-teardown",
	[CAUSE_GROUP_EXIT] = "group-exit",
	[CAUSE_EXEC_DE_THREAD] = "exec-de-thread",
	[CAUSE_PARENT_DEATH_SIGNAL] = "parent-death-signal",
	[CAUSE_RLIMIT_CPU] = "rlimit-cpu",
	[CAUSE_CGROUP_KILL] = "cgroup-kill",
	[CAUSE_SECCOMP] = "seccomp",
	[CAUSE_PTRACE_KILL] = "ptrace-kill",
	[CAUSE_FAULT] = "fault",
	[CAUSE_TTY] = "tty",
	[CAUSE_RESTORE_HELPER] = "restore-helper",
	[CAUSE_RESTORE_ROLLBACK] = "restore-rollback",
	[CAUSE_KERNEL_OTHER] = "kernel-other",
};

const char *cause__name(enum cause c)
{
	return (c >= 0 && c < CAUSE__COUNT) ? names[c] : "unknown";
}

bool cause__is_kill_syscall(int nr)
{
	switch (nr) {
	case NR_kill:
	case NR_tkill:
	case NR_tgkill:
	case NR_rt_sigqueueinfo:
	case NR_rt_tgsigqueueinfo:
	case NR_pidfd_send_signal:
		return true;
	}
	return false;
}

bool cause__user_kill(const struct pt_signal_event *g)
{
	return g->info_kind == PT_INFO_REAL &&
	       (g->si_code == SI_USER || g->si_code == SI_QUEUE || g->si_code == SI_TKILL) &&
	       (cause__is_kill_syscall(g->syscall_nr) || cause__is_kill_syscall(g->orig_ax));
}

/* Does the stack hold one of the NULL-terminated function names? */
static bool stack_has(const struct cause_facts *f, const char *const *fns)
{
	int i, j;

	for (i = 0; i < f->kstack_n; i++) {
		if (!f->kstack[i])
			continue;
		for (j = 0; fns[j]; j++)
			if (!strcmp(f->kstack[i], fns[j]))
				return true;
	}
	return false;
}

static const char *const oom_fns[] = { "__oom_kill_process", "oom_kill_process", "out_of_memory",
				       "oom_kill_memcg_member", NULL };
static const char *const pidns_fns[] = { "zap_pid_ns_processes", NULL };
static const char *const cgkill_fns[] = { "cgroup_kill_write", "__cgroup_kill", "cgroup_kill",
					  "cgroup_post_fork", NULL };
static const char *const cputimer_fns[] = { "run_posix_cpu_timers", "handle_posix_cpu_timers",
					    "posix_cpu_timers_work", "check_process_timers",
					    "check_thread_timers", NULL };
static const char *const ptrace_fns[] = { "ptrace_request", "arch_ptrace", "__x64_sys_ptrace",
					  "exit_ptrace", "__ptrace_detach", NULL };
static const char *const tty_fns[] = { "n_tty_receive_signal_char", "isig", "__isig",
				       "tty_signal_session_leader", "__tty_hangup", "tty_vhangup",
				       "n_tty_receive_char_special", "disassociate_ctty", NULL };
static const char *const seccomp_fns[] = { "__seccomp_filter", "__secure_computing", NULL };

static bool is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP;
}

static enum cause classify_generation(const struct cause_facts *f)
{
	const struct pt_signal_event *g = f->gen;
	bool noinfo = g->info_kind == PT_INFO_NOINFO;
	bool priv = g->info_kind == PT_INFO_PRIV;

	if ((g->sig == SIGSYS && g->si_code == SYS_SECCOMP) || stack_has(f, seccomp_fns))
		return CAUSE_SECCOMP;
	if (f->oom || stack_has(f, oom_fns))
		return CAUSE_OOM_KILL;
	if (stack_has(f, pidns_fns) ||
	    (priv && g->sig == SIGKILL && (g->hints & PT_HINT_SENDER_IS_REAPER) &&
	     (g->hints & PT_HINT_SENDER_EXITING) && !(g->hints & PT_HINT_SELF)))
		return CAUSE_PIDNS_TEARDOWN;
	if (noinfo && (g->hints & PT_HINT_SENDER_EXITING) && (g->hints & PT_HINT_PDEATH_MATCH))
		return CAUSE_PARENT_DEATH_SIGNAL;
	if (stack_has(f, cgkill_fns))
		return CAUSE_CGROUP_KILL;
	if ((g->sig == SIGKILL || g->sig == SIGXCPU) && priv && stack_has(f, cputimer_fns))
		return CAUSE_RLIMIT_CPU;
	if (stack_has(f, ptrace_fns) || (noinfo && g->orig_ax == NR_ptrace) ||
	    (priv && (g->hints & PT_HINT_EXITKILL) && (g->hints & PT_HINT_SENDER_EXITING)))
		return CAUSE_PTRACE_KILL;
	if (cause__user_kill(g))
		return CAUSE_KILL_SYSCALL;
	if (g->info_kind == PT_INFO_REAL && g->si_code > 0 && g->si_code != SI_KERNEL &&
	    is_fault_signal(g->sig))
		return CAUSE_FAULT;
	if (stack_has(f, tty_fns))
		return CAUSE_TTY;
	/* A real siginfo with SI_USER but no syscall we know: still a user kill. */
	if (g->info_kind == PT_INFO_REAL && g->si_code <= 0 && g->info_pid)
		return CAUSE_KILL_SYSCALL;
	return CAUSE_KERNEL_OTHER;
}

enum cause cause__classify(const struct cause_facts *f)
{
	const struct pt_exit_event *x = f->exit;

	if (x && (x->flags & PT_EXIT_EXEC_ZAP))
		return CAUSE_EXEC_DE_THREAD;
	if (x && (x->flags & PT_EXIT_SIBLING_EXIT))
		return CAUSE_GROUP_EXIT;
	if (f->gen)
		return classify_generation(f);
	if (x && (x->flags & PT_EXIT_SECCOMP_DEAD))
		return CAUSE_SECCOMP;
	if (f->oom || (x && (x->flags & PT_EXIT_OOM_VICTIM)))
		return CAUSE_OOM_KILL;
	return CAUSE_UNKNOWN;
}

const char *cause__color(enum cause c, bool expected)
{
	if (expected)
		return COLOR_GREEN;
	switch (c) {
	case CAUSE_KILL_SYSCALL:
		return COLOR_YELLOW;
	case CAUSE_OOM_KILL:
	case CAUSE_FAULT:
		return COLOR_RED;
	case CAUSE_RESTORE_HELPER:
		/* A helper's death that nobody declared: not the plan. */
	case CAUSE_RESTORE_ROLLBACK:
		return COLOR_BOLD_RED;
	case CAUSE_TTY:
		return COLOR_CYAN;
	case CAUSE_PIDNS_TEARDOWN:
	case CAUSE_GROUP_EXIT:
	case CAUSE_EXEC_DE_THREAD:
	case CAUSE_PARENT_DEATH_SIGNAL:
	case CAUSE_RLIMIT_CPU:
	case CAUSE_CGROUP_KILL:
	case CAUSE_SECCOMP:
	case CAUSE_PTRACE_KILL:
	case CAUSE_KERNEL_OTHER:
		return COLOR_MAGENTA;
	default:
		return "";
	}
}
