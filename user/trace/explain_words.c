// SPDX-License-Identifier: GPL-2.0
/*
 * explain_words.c - the one sentence of an explanation, in plain words,
 * for each cause class; for kernel-other, the kernel path named by the
 * first frame of the stack that is not signal plumbing.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "names.h"

static void describe_task(char *buf, size_t len, const struct xtask *t)
{
	if (t->pid == t->tid)
		snprintf(buf, len, "pid %u (%s)", t->pid, t->comm);
	else
		snprintf(buf, len, "pid %u tid %u (%s)", t->pid, t->tid, t->comm);
}

/* The signal machinery: frames that say how, not why. */
static bool signal_plumbing(const char *f)
{
	static const char *const fns[] = {
		"__send_signal_locked", "send_signal_locked", "do_send_sig_info", "send_sig_info",
		"send_sig", "group_send_sig_info", "kill_pid_info", "kill_pid_info_type",
		"kill_pid", "__kill_pgrp_info", "kill_pgrp", "force_sig", "force_sig_info",
		"force_sig_info_to_task", "force_sig_fault", "force_sig_fault_to_task",
		"send_sig_fault", "__send_signal", "send_signal", "do_send_specific",
		"complete_signal", "kill_proc_info", NULL,
	};
	int i;

	for (i = 0; fns[i]; i++)
		if (!strcmp(f, fns[i]))
			return true;
	return false;
}

/* Known kernel paths that make a signal on their own account. */
static const char *path_words(const char *fn)
{
	static const struct {
		const char *prefix, *words;
	} paths[] = {
		{ "anon_pipe_write", "a write to a pipe with no reader" },
		{ "pipe_write", "a write to a pipe with no reader" },
		{ "sk_stream_error", "a send on a socket whose peer is gone" },
		{ "unix_stream_sendmsg", "a send on a UNIX socket whose peer is gone" },
		{ "it_real_fn", "an expired alarm/ITIMER_REAL timer" },
		{ "posix_timer_", "an expired POSIX timer" },
		{ "send_sigio", "an O_ASYNC file became ready" },
		{ "bpf_send_signal", "a BPF program called bpf_send_signal" },
		{ "__x64_sys_abort", "abort()" },
		{ "do_coredump", "a core dump" },
		{ "xfsz", "RLIMIT_FSIZE was exceeded" },
		{ "generic_write_check_limits", "a write beyond RLIMIT_FSIZE" },
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strncmp(fn, paths[i].prefix, strlen(paths[i].prefix)))
			return paths[i].words;
	return NULL;
}

static const char *first_cause_frame(const struct xrec *r, char *buf, size_t len)
{
	int i;

	for (i = 0; i < r->nk; i++) {
		size_t n = strcspn(r->kstack[i], "+ ");

		if (n >= len)
			n = len - 1;
		memcpy(buf, r->kstack[i], n);
		buf[n] = '\0';
		if (!signal_plumbing(buf))
			return buf;
	}
	return NULL;
}

const char *explain_words__kill_target(const struct xrec *r, char *words, size_t len)
{
	const char *kind;
	char n[48] = "";
	int target;

	if (words && len)
		words[0] = '\0';
	if (!r->syscall || !r->sys_args_valid || strcmp(r->syscall, "kill"))
		return NULL;
	target = (int)r->sys_args[0];
	if (target > 0)
		return "process";
	if (target == -1) {
		if (words)
			snprintf(words, len, "every process it may signal");
		return "all";
	}
	kind = target == 0 ? "own-group" : "group";
	if (!words)
		return kind;
	if (r->kill_pgrp_size >= PT_PGRP_MAX)
		snprintf(n, sizeof(n), " (%d or more processes)", PT_PGRP_MAX);
	else if (r->kill_pgrp_size)
		snprintf(n, sizeof(n), " (%u process%s)", r->kill_pgrp_size,
			 r->kill_pgrp_size == 1 ? "" : "es");
	if (target == 0 && r->kill_pgrp)
		snprintf(words, len, "its own process group %u%s", r->kill_pgrp, n);
	else if (target == 0)
		snprintf(words, len, "its own process group");
	else
		snprintf(words, len, "process group %d%s", -target, n);
	return kind;
}

void explain_words__detail(struct xrec *r)
{
	char who[64] = "", victim[64], call[96] = "";
	const char *sig = names__signal(r->signo) ? names__signal(r->signo) : "a signal";

	describe_task(victim, sizeof(victim), &r->victim);
	if (r->has_sender)
		describe_task(who, sizeof(who), &r->sender);
	if (r->syscall && r->sys_args_valid)
		snprintf(call, sizeof(call), "%s(%lld, %s)", r->syscall,
			 (long long)(int)r->sys_args[strcmp(r->syscall, "tgkill") ? 0 : 1],
			 sig);
	else if (r->syscall)
		snprintf(call, sizeof(call), "%s()", r->syscall);

	switch (r->cause) {
	case CAUSE_KILL_SYSCALL: {
		char aim[96];

		/* kill(0) and kill(-1) say nothing by themselves: say whom they hit. */
		explain_words__kill_target(r, aim, sizeof(aim));
		snprintf(r->detail, sizeof(r->detail), "%s called %s%s%s",
			 r->has_sender ? who : "a task", call[0] ? call : "a kill syscall",
			 aim[0] ? ": " : "", aim);
		break;
	}
	case CAUSE_OOM_KILL:
		snprintf(r->detail, sizeof(r->detail),
			 "the OOM killer chose %s in memory cgroup %s (anon-rss %llu kB)", victim,
			 r->oom.memcg[0] ? r->oom.memcg : "?",
			 (unsigned long long)r->oom.anon_rss_kb);
		break;
	case CAUSE_PIDNS_TEARDOWN:
		snprintf(r->detail, sizeof(r->detail),
			 "%s, the init of its pid namespace, exited: the kernel killed the rest",
			 r->has_sender ? who : "the namespace's init");
		break;
	case CAUSE_GROUP_EXIT:
		if (r->init_tid)
			snprintf(r->detail, sizeof(r->detail),
				 "sibling thread %u (%s) called %s: every thread dies", r->init_tid,
				 r->init_comm, r->init_syscall ? r->init_syscall : "exit_group");
		else
			snprintf(r->detail, sizeof(r->detail),
				 "a sibling thread called exit_group() (which one is unknown: it "
				 "exited before tracing saw it): every thread dies");
		break;
	case CAUSE_EXEC_DE_THREAD:
		snprintf(r->detail, sizeof(r->detail),
			 "sibling thread %u (%s) called execve(): the other threads are killed",
			 r->init_tid, r->init_comm);
		break;
	case CAUSE_PARENT_DEATH_SIGNAL:
		snprintf(r->detail, sizeof(r->detail),
			 "its parent %s exited and it had PR_SET_PDEATHSIG=%s",
			 r->has_sender ? who : "(unknown)", sig);
		break;
	case CAUSE_RLIMIT_CPU:
		snprintf(r->detail, sizeof(r->detail),
			 "it used up its RLIMIT_CPU (%s limit): the kernel sent %s",
			 r->signo == SIGKILL ? "hard" : "soft", sig);
		break;
	case CAUSE_CGROUP_KILL:
		snprintf(r->detail, sizeof(r->detail), "%s wrote to cgroup.kill of %s",
			 r->has_sender ? who : "a task",
			 r->victim.cgroup[0] ? r->victim.cgroup : "its cgroup");
		break;
	case CAUSE_SECCOMP:
		snprintf(r->detail, sizeof(r->detail),
			 "a seccomp filter killed it (SECCOMP_RET_KILL) on a forbidden syscall");
		break;
	case CAUSE_PTRACE_KILL:
		snprintf(r->detail, sizeof(r->detail), "its tracer %s %s",
			 r->has_sender ? who : "(unknown)",
			 r->sender_kind == SENDER_KERNEL ? "exited with PTRACE_O_EXITKILL" :
							   "called ptrace(PTRACE_KILL)");
		break;
	case CAUSE_FAULT:
		snprintf(r->detail, sizeof(r->detail), "the CPU faulted in %s (%s)", victim,
			 r->si_code ? r->si_code : "?");
		break;
	case CAUSE_TTY:
		snprintf(r->detail, sizeof(r->detail), "its terminal sent %s", sig);
		break;
	case CAUSE_KERNEL_OTHER: {
		char fn[80];
		const char *frame = first_cause_frame(r, fn, sizeof(fn));
		const char *words = frame ? path_words(frame) : NULL;

		if (frame && words)
			snprintf(r->detail, sizeof(r->detail), "the kernel sent %s from %s: %s", sig,
				 frame, words);
		else if (frame)
			snprintf(r->detail, sizeof(r->detail), "the kernel sent %s from %s", sig,
				 frame);
		else
			snprintf(r->detail, sizeof(r->detail),
				 "the kernel sent %s (no kernel stack was taken)", sig);
		break;
	}
	default:
		snprintf(r->detail, sizeof(r->detail), "died by %s; no generation was seen", sig);
		break;
	}
}
