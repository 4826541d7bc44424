// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_clone.c - create a thread inside a held task (see
 * ptrace__clone_thread() in ptrace.h).
 *
 * The task runs clone3() from a `syscall` instruction with
 * PTRACE_O_TRACECLONE set for that one call: the kernel attaches the new
 * thread to us and holds it in a PTRACE_EVENT_STOP before it runs a single
 * instruction, so nothing has to be prepared for it to run (no stack, no
 * code): its registers are set before it ever leaves that stop. Between
 * the syscall-entry and syscall-exit stops of the caller comes a
 * PTRACE_EVENT_CLONE stop, whose event message is the new thread's tid as
 * pidtrace sees it (the pid namespace of the caller may differ).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "log.h"
#include "ptrace_int.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static bool is_clone_event(int status)
{
	return (status >> 16) == PTRACE_EVENT_CLONE;
}

/* Run the prepared clone3() to its exit stop; @child gets the new tid (0: none). */
static int run_clone(struct ptrace_task *t, pid_t *child)
{
	unsigned long msg;
	int status, err, sig = 0, stops = 0;

	while (stops < 2) {
		if (ptrace(PTRACE_SYSCALL, t->pid, 0, sig))
			return ptrace__pt_err(t);
		err = ptrace__wait_stop(t, &status);
		if (err)
			return err;
		sig = 0;
		if (ptrace__is_syscall_stop(status)) {
			stops++;
		} else if (is_clone_event(status)) {
			if (ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg))
				return ptrace__pt_err(t);
			*child = (pid_t)msg;
		} else if (ptrace__is_event_stop(status)) {
			continue;
		} else if (ptrace__is_stop_signal(WSTOPSIG(status))) {
			t->deferred_sig = WSTOPSIG(status);
		} else {
			pr_debug("pid %d: signal %d during clone3", t->pid, WSTOPSIG(status));
			return -EFAULT;
		}
	}
	return 0;
}

/* Take the thread the kernel attached to us; it is held in its first stop. */
static int adopt(pid_t tid, struct ptrace_task **out)
{
	struct ptrace_task *c;
	int status, err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->pid = tid;
	c->mem_fd = -1;
	/* Its initial stop (SIGTRAP | PTRACE_EVENT_STOP << 8), as after PTRACE_INTERRUPT. */
	err = ptrace__wait_stop(c, &status);
	if (!err && !(ptrace__is_event_stop(status) && WSTOPSIG(status) == SIGTRAP))
		err = -EIO;
	/* It inherited PTRACE_O_TRACECLONE: it must not adopt threads of its own. */
	if (!err && ptrace(PTRACE_SETOPTIONS, tid, 0, PTRACE_O_TRACESYSGOOD))
		err = ptrace__pt_err(c);
	*out = c;
	return err;
}

int ptrace__clone_thread(struct ptrace_task *t, unsigned long sys_ip, unsigned long args,
			      size_t size, struct ptrace_task **out, long *ret)
{
	struct user_regs_struct saved, r;
	pid_t child = 0;
	uint64_t mask;
	int err, err2;

	*out = NULL;
	if (t->exited)
		return -ESRCH;
	err = ptrace__get_regs(t, &saved);
	if (!err)
		err = ptrace__get_sigmask(t, &mask);
	if (err)
		return err;
	/* The new thread inherits this mask: it starts with every signal blocked. */
	err = ptrace__set_sigmask(t, ~0ULL);
	if (err)
		return err;
	r = saved;
	r.rip = sys_ip;
	r.orig_rax = -1;
	r.rax = SYS_clone3;
	r.rdi = args;
	r.rsi = size;
	err = ptrace__set_regs(t, &r);
	if (!err && ptrace(PTRACE_SETOPTIONS, t->pid, 0,
			   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | t->opts))
		err = ptrace__pt_err(t);
	if (!err)
		err = run_clone(t, &child);
	if (!err)
		err = ptrace__get_regs(t, &r);
	if (!err)
		*ret = (long)r.rax;
	if (t->exited)
		return -ESRCH;
	err2 = ptrace(PTRACE_SETOPTIONS, t->pid, 0, PTRACE_O_TRACESYSGOOD | t->opts) ?
		       ptrace__pt_err(t) : 0;
	if (!err2)
		err2 = ptrace__set_regs(t, &saved);
	if (!err2)
		err2 = ptrace__set_sigmask(t, mask);
	if (!err2)
		err2 = ptrace__to_interrupt_stop(t);
	/* A thread that exists is handed over even on error: the caller kills it. */
	if (child) {
		int e = adopt(child, out);

		if (!err)
			err = e;
	}
	return err ? err : err2;
}
