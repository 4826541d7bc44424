// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_helper.c - a transient thread inside a held task that runs calls
 * only the task itself can make (vmsplice() of its memory), leaving
 * nothing behind whenever pidtrace dies (see ptrace__helper_start() in
 * ptrace.h; docs/PERFORMANCE.md, "round six", has the kernel facts).
 *
 * T, the held task, runs on its crash-safe chain (ptrace_safe.c): getpid()
 * (so that the signal mask is all blocked before the clone runs, whatever
 * stop pidtrace dies at), then clone(CLONE_VM | CLONE_THREAD |
 * CLONE_SIGHAND | CLONE_FILES | CLONE_VFORK, newsp). CLONE_VFORK keeps T
 * in the clone until the new thread H exits (kernel/fork.c,
 * wait_for_vfork_done()); with PTRACE_O_TRACEVFORK the kernel attaches H
 * to us and holds it in a PTRACE_EVENT_STOP before its first instruction
 * (ptrace_init_task()). newsp is a second signal frame below T's, whose
 * registers say exit(0) from the `syscall; ret` gadget with every signal
 * blocked: H let go at any stop runs at most the call it is at, then `ret`
 * takes it to rt_sigreturn and exit. H's first call is close_range(0, ~0,
 * CLOSE_RANGE_UNSHARE): its descriptor table becomes its own and empty
 * (fs/file.c, __close_range(): nothing copied, nothing to close or flush
 * when it exits), so what it opens is seen by no other thread and closed by
 * the kernel when it exits. Then T's clone returns and its own frame puts
 * it back exactly.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/close_range.h>

#include "log.h"
#include "ptrace_int.h"
#include "testfault.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#define HELPER_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM | CLONE_VFORK)

struct ptrace_helper {
	struct ptrace_task *t;	/* the task, in its clone() */
	struct ptrace_task *h;	/* the helper thread, NULL once gone */
	struct user_regs_struct resume;
	uint64_t mask;
	void *xs;
	size_t xlen;
	unsigned long hframe;	/* the helper's exit frame (its stack pointer) */
	unsigned long area;	/* scratch for the helper's arguments */
	size_t area_len;
	long clone_ret;
	bool adopted;		/* H's first stop was waited for */
};

pid_t ptrace__helper_tid(const struct ptrace_helper *hp)
{
	return hp->h && !hp->h->exited ? hp->h->pid : 0;
}

unsigned long ptrace__helper_area(const struct ptrace_helper *hp, size_t *len)
{
	*len = hp->area_len;
	return hp->area;
}

/* T from a syscall-entry stop of clone() to the VFORK event (or the exit stop: failed). */
static int run_to_event(struct ptrace_task *t, pid_t *tid)
{
	unsigned long msg;
	int status, err;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, t->pid, 0, 0))
			return ptrace__pt_err(t);
		err = ptrace__wait_stop(t, &status);
		if (err)
			return err;
		if (ptrace__is_syscall_stop(status))
			return 0;
		if ((status >> 16) == PTRACE_EVENT_VFORK) {
			if (ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg))
				return ptrace__pt_err(t);
			*tid = (pid_t)msg;
			return 0;
		}
		if (ptrace__is_event_stop(status))
			continue;
		if (ptrace__is_stop_signal(WSTOPSIG(status))) {
			t->deferred_sig = WSTOPSIG(status);
			continue;
		}
		return -EFAULT;
	}
}

/* H's first stop: the one the kernel gives a thread it attached to us. */
static int adopt(struct ptrace_helper *hp, pid_t tid)
{
	struct ptrace_task *h = hp->h;
	int status, err;

	err = ptrace__wait_stop(h, &status);
	hp->adopted = true;
	if (!err && !(ptrace__is_event_stop(status) && WSTOPSIG(status) == SIGTRAP))
		err = -EIO;
	/* Its options are T's (the kernel copies them): no vfork events of its own. */
	if (!err && ptrace(PTRACE_SETOPTIONS, tid, 0, PTRACE_O_TRACESYSGOOD | hp->t->opts))
		err = ptrace__pt_err(h);
	if (!err)
		err = testfault__point("splice-helper-stop");
	return err;
}

int ptrace__helper_calls(struct ptrace_helper *hp, struct ptrace_call *calls, size_t n)
{
	struct ptrace_task *h = hp->h;
	struct user_regs_struct r;
	size_t i;
	int err = h && h->pid ? ptrace__get_regs(h, &r) : -ESRCH;

	for (i = 0; !err && i < n; i++) {
		r.rip = hp->t->g_syscall;
		r.rsp = hp->hframe;
		ptrace__load_syscall(&r, calls[i].nr, calls[i].args);
		err = ptrace__set_regs(h, &r);
		if (!err)
			err = ptrace__to_syscall_stop(h);
		if (!err)
			err = ptrace__safe_expect_nr(h, calls[i].nr);
		if (!err)
			err = testfault__point("splice-entry");
		if (!err)
			err = ptrace__to_syscall_stop(h);
		if (!err)
			err = ptrace__get_regs(h, &r);
		if (!err) {
			calls[i].ret = (long)r.rax;
			err = testfault__point("splice-exit");
		}
	}
	if (h && h->deferred_sig) {
		hp->t->deferred_sig = h->deferred_sig;
		h->deferred_sig = 0;
	}
	return err;
}

/* Let H go its own way (its frame's exit) and wait until it is gone. */
static void helper_exit(struct ptrace_helper *hp)
{
	struct ptrace_task *h = hp->h;
	int status, sig = 0;

	if (!h || !h->pid) {
		free(h);
		hp->h = NULL;
		return;
	}
	testfault__stop("splice-helper-exit");
	/* Not even in its first stop yet: wait for it there, it cannot be let go before. */
	if (!hp->adopted && ptrace__wait_stop(h, &status))
		h->exited = true;
	hp->adopted = true;
	while (!h->exited) {
		if (ptrace(PTRACE_CONT, h->pid, 0, sig)) {
			if (errno == ESRCH && !ptrace__pt_err(h))
				continue;
			/* Not ours any more: detached, it exits by its frame alone. */
			ptrace(PTRACE_DETACH, h->pid, 0, 0);
			break;
		}
		if (ptrace__wait_stop(h, &status))
			break;
		sig = 0;
		if (ptrace__is_stop_signal(WSTOPSIG(status)) && !ptrace__is_event_stop(status))
			hp->t->deferred_sig = WSTOPSIG(status);
	}
	free(h);
	hp->h = NULL;
}

/* T from its VFORK event stop through clone's exit and its own sigreturn. */
static int finish_t(struct ptrace_helper *hp, bool in_event)
{
	struct ptrace_task *t = hp->t;
	struct user_regs_struct r;
	int err = 0;

	if (in_event)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__get_regs(t, &r);
	if (!err) {
		hp->clone_ret = (long)r.rax;
		err = testfault__point("splice-clone-exit");
	}
	if (!err && ptrace(PTRACE_SETOPTIONS, t->pid, 0, PTRACE_O_TRACESYSGOOD | t->opts))
		err = ptrace__pt_err(t);
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__safe_expect_nr(t, SYS_rt_sigreturn);
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__safe_verify(t, &hp->resume, hp->mask, hp->xs, hp->xlen);
	if (!err)
		err = ptrace__to_interrupt_stop(t);
	return err;
}

/* T's way back when it is at a stop and we are still here. */
static int put_back(struct ptrace_helper *hp)
{
	struct ptrace_task *t = hp->t;
	int err;

	ptrace(PTRACE_SETOPTIONS, t->pid, 0, PTRACE_O_TRACESYSGOOD | t->opts);
	err = ptrace__set_regs(t, &hp->resume);
	if (!err)
		err = ptrace__set_sigmask(t, hp->mask);
	if (!err)
		err = ptrace__set_xstate(t, hp->xs, hp->xlen);
	if (!err)
		err = ptrace__to_interrupt_stop(t);
	return err;
}

static void helper_free(struct ptrace_helper *hp)
{
	free(hp->h);
	free(hp->xs);
	free(hp);
}

int ptrace__helper_start(struct ptrace_task *t, size_t area_len, struct ptrace_helper **out)
{
	struct ptrace_helper *hp;
	struct user_regs_struct saved, r;
	long nr_getpid = SYS_getpid;
	pid_t tid = 0;
	int err;

	*out = NULL;
	if (t->exited)
		return -ESRCH;
	/* A stopped group would take the new thread into its stop. */
	if (!t->safe || t->safe_failed || t->stop_sig)
		return -EOPNOTSUPP;
	hp = calloc(1, sizeof(*hp));
	if (!hp)
		return -ENOMEM;
	hp->t = t;
	/* H's handle exists before H: nothing can keep a thread that exists from being handled. */
	hp->h = calloc(1, sizeof(*hp->h));
	if (!hp->h) {
		free(hp);
		return -ENOMEM;
	}
	hp->h->mem_fd = -1;
	err = ptrace__get_regs(t, &saved);
	if (!err)
		err = ptrace__get_sigmask(t, &hp->mask);
	if (!err)
		err = ptrace__get_xstate(t, &hp->xs, &hp->xlen);
	if (err)
		goto fail;
	hp->resume = saved;
	ptrace__normalize_restart(&hp->resume);
	err = ptrace__safe_prepare(t, hp->resume.rsp, hp->xlen);
	if (err)
		goto fail;
	hp->hframe = (t->frame - PTRACE_SAFE_FRAME) & ~15UL;
	hp->area = (hp->hframe - area_len) & ~63UL;
	hp->area_len = hp->hframe - hp->area;
	if (!ptrace__safe_in_stack(t, hp->area, hp->resume.rsp)) {
		err = -EOPNOTSUPP;
		goto fail;
	}
	err = ptrace__safe_write_frame(t, &hp->resume, hp->mask, hp->xs, hp->xlen);
	if (!err)
		err = ptrace__safe_exit_frame(t, hp->hframe, &saved);
	if (err)
		goto fail;
	/* Registers first: from here on T finishes alone (getpid, then its sigreturn). */
	r = saved;
	r.rip = t->g_syscall;
	r.rsp = t->frame;
	ptrace__load_syscall(&r, nr_getpid, (long[6]){ 0 });
	err = ptrace__set_regs(t, &r);
	if (!err)
		err = ptrace__set_sigmask(t, ~0ULL);
	if (!err && ptrace(PTRACE_SETOPTIONS, t->pid, 0,
			   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEVFORK | t->opts))
		err = ptrace__pt_err(t);
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__to_syscall_stop(t);
	/* getpid's exit stop: the mask is all blocked, the clone may come next. */
	if (!err)
		err = ptrace__get_regs(t, &r);
	if (err)
		goto back;
	r.rip = t->g_syscall;
	r.rsp = t->frame;
	ptrace__load_syscall(&r, SYS_clone, (long[6]){ HELPER_FLAGS, (long)hp->hframe });
	err = ptrace__set_regs(t, &r);
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__safe_expect_nr(t, SYS_clone);
	if (!err)
		err = testfault__point("splice-clone-entry");
	if (!err)
		err = run_to_event(t, &tid);
	if (err)
		goto back;
	if (!tid) {
		/* No thread (EAGAIN under pids.max or RLIMIT_NPROC, EPERM by seccomp). */
		err = finish_t(hp, false);
		if (!err)
			err = hp->clone_ret < 0 ? (int)hp->clone_ret : -EIO;
		goto out;
	}
	hp->h->pid = tid;
	err = testfault__point("splice-clone-event");
	if (!err)
		err = adopt(hp, tid);
	if (!err) {
		struct ptrace_call c = { .nr = SYS_close_range, .args = { 0, ~0U, CLOSE_RANGE_UNSHARE } };

		err = ptrace__helper_calls(hp, &c, 1);
		if (!err && c.ret)
			err = c.ret < 0 && c.ret > -4096 ? (int)c.ret : -EIO;
	}
	if (!err) {
		*out = hp;
		return 0;
	}
	ptrace__helper_end(hp);
	return err;
back:
	/* Not put back as it was: never a quiet fallback to the copy path. */
	if (!t->exited && put_back(hp) && !t->exited) {
		pr_err("pid %d: cannot put it back as it was after a failed helper clone", t->pid);
		err = -ENOTRECOVERABLE;
	}
out:
	if (t->exited)
		err = -ESRCH;
fail:
	helper_free(hp);
	return err;
}

int ptrace__helper_end(struct ptrace_helper *hp)
{
	struct ptrace_task *t;
	pid_t tid;
	int err;

	if (!hp)
		return 0;
	t = hp->t;
	tid = ptrace__helper_tid(hp);
	helper_exit(hp);
	err = finish_t(hp, true);
	if (!err && hp->clone_ret != tid)
		pr_debug("pid %d: helper clone returned %ld for thread %d", t->pid, hp->clone_ret,
			 tid);
	if (err && !t->exited && put_back(hp) && !t->exited) {
		pr_err("pid %d: cannot put it back as it was after its vmsplice helper", t->pid);
		err = -ENOTRECOVERABLE;
	}
	if (t->exited)
		err = -ESRCH;
	ptrace__requeue_stop(t);
	helper_free(hp);
	return err;
}
