// SPDX-License-Identifier: GPL-2.0
/*
 * restore_threads.c - recreate the threads of a multithreaded process (see
 * restore_threads.h for when each step runs).
 *
 * A thread is made the way glibc's pthread_create() makes one, by clone3()
 * with CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
 * CLONE_SYSVSEM | CLONE_SETTLS (tls: its fs base) and CLONE_CHILD_CLEARTID
 * (its clear_child_tid), plus set_tid = its old tid; the call is injected
 * into the leader with PTRACE_O_TRACECLONE, so the kernel hands us the
 * thread stopped before its first instruction (ptrace_clone.c). Then the
 * thread is driven like any restored task: injected calls for what the
 * kernel keeps per thread, then its registers. set_tid needs CAP_SYS_ADMIN
 * (or CAP_CHECKPOINT_RESTORE), so threads are made while the leader still
 * has pidtrace's credentials; each thread then gets the image's
 * credentials itself, its own (thread_core.creds) or else the process's:
 * credentials are per thread, so each is set by the injected calls of
 * the thread it belongs to, as the last of that thread's state, and the
 * leader's only after every thread's (restore_state.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sched.h>

#include "log.h"
#include "procfs.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_state.h"
#include "restore_taskstate.h"
#include "restore_threads.h"
#include "watchdog.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#ifndef CLONE_SETTLS
#define CLONE_SETTLS 0x00080000
#endif
#define MIN_XSTATE 576
#define MAX_XSTATE (64 * 1024)

struct rthread {
	pid_t tid;		/* as in the image, and as the process sees it */
	pid_t otid;		/* as pidtrace sees it (differs with --pidns) */
	const ThreadCore *th;
	struct ptrace_task *pt;
};

struct rthreads {
	struct rthread *v;
	size_t n;
};

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

static int check_entry(struct restore_ctx *ctx, const struct rtask *t, const ThreadCore *th)
{
	size_t i;

	if (!th->tid || (pid_t)th->tid == t->pid || !th->regs || !th->comm)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: core-%d.img: damaged thread entry",
				     t->pid, t->pid);
	if (th->xstate.len < MIN_XSTATE || th->xstate.len > MAX_XSTATE)
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d thread %u: FPU state of %zu bytes: impossible", t->pid,
				     th->tid, th->xstate.len);
	for (i = 0; i < th->n_pending; i++)
		if (th->pending[i]->raw.len != 128 || !th->pending[i]->signo ||
		    th->pending[i]->signo > 64)
			return restore_ctx__fail(ctx, t->pid, -EINVAL,
					     "pid %d thread %u: damaged queued signal", t->pid,
					     th->tid);
	return 0;
}

/* A tid already taken on this system: who has it. */
static int tid_in_use(struct restore_ctx *ctx, const struct rtask *t, pid_t tid)
{
	char path[64], ns[32] = "?";
	struct procfs_stat st;
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d", tid);
	if (access(path, F_OK))
		return 0;
	if (!stat("/proc/self/ns/pid", &sb))
		snprintf(ns, sizeof(ns), "%lu", (unsigned long)sb.st_ino);
	if (procfs__stat(tid, &st))
		snprintf(st.comm, sizeof(st.comm), "?");
	return restore_ctx__fail(ctx, t->pid, -EEXIST,
			     "pid %d thread %d: tid %d is in use by '%s' (pid namespace %s)",
			     t->pid, tid, tid, st.comm, ns);
}

int restore_threads__check(struct restore_ctx *ctx)
{
	pid_t *all;
	size_t i, j, n = 0, total = 0;
	int err = 0;

	for (i = 0; i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie)
			total += ctx->tasks[i].core->n_threads;
	if (!total)
		return 0;
	all = calloc(total + ctx->ntasks, sizeof(*all));
	if (!all)
		return restore_ctx__fail(ctx, 0, -ENOMEM, "out of memory");
	for (i = 0; i < ctx->ntasks; i++) {
		const struct rtask *t = &ctx->tasks[i];

		all[n++] = t->pid;
		for (j = 0; !err && !t->zombie && j < t->core->n_threads; j++) {
			err = check_entry(ctx, t, t->core->threads[j]);
			all[n++] = t->core->threads[j]->tid;
			/* --pidns: a new namespace, every tid is free. */
			if (!err && !ctx->pidns)
				err = tid_in_use(ctx, t, t->core->threads[j]->tid);
		}
	}
	qsort(all, n, sizeof(*all), cmp_pid);
	for (i = 1; !err && i < n; i++)
		if (all[i] == all[i - 1])
			err = restore_ctx__fail(ctx, all[i], -EINVAL,
					    "the image has two tasks or threads with id %d", all[i]);
	free(all);
	return err;
}

/* @t's thread @r as a task of its own, for restore_ctx__sys() and friends. */
static struct rtask as_task(const struct rtask *t, const struct rthread *r)
{
	struct rtask tt = *t;

	tt.pid = r->tid;
	tt.opid = r->otid;
	tt.pt = r->pt;
	tt.threads = NULL;
	return tt;
}

static int create_one(struct restore_ctx *ctx, struct rtask *t, const ThreadCore *th)
{
	struct rthreads *ts = t->threads;
	struct clone_args ca;
	struct ptrace_task *pt = NULL;
	unsigned long addr;
	pid_t tid = th->tid;
	long ret = 0;
	int err;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		   CLONE_SYSVSEM | CLONE_SETTLS;
	ca.tls = th->regs->fs_base;
	if (th->has_clear_child_tid && th->clear_child_tid) {
		ca.flags |= CLONE_CHILD_CLEARTID;
		ca.child_tid = th->clear_child_tid;
	}
	ca.set_tid_size = 1;
	err = restore_ctx__put(t, sizeof(ca), &tid, sizeof(tid), &addr);
	ca.set_tid = addr;
	if (!err)
		err = restore_ctx__put(t, 0, &ca, sizeof(ca), &addr);
	if (!err)
		err = ptrace__clone_thread(t->pt, t->vdso_sys, addr, sizeof(ca), &pt, &ret);
	if (pt) {
		struct rthread *r = &ts->v[ts->n++];

		r->tid = tid;
		r->otid = ptrace__pid(pt);
		r->th = th;
		r->pt = pt;
		watchdog__track(ctx->wd, r->otid);
		ctx->threads++;
	}
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d thread %d: cannot create it: %s",
				     t->pid, tid, strerror(-err));
	if (ret < 0)
		return restore_ctx__fail(ctx, t->pid, (int)ret,
				     "pid %d thread %d: clone3 with set_tid failed: %s", t->pid, tid,
				     strerror((int)-ret));
	if (ret != tid || !pt)
		return restore_ctx__fail(ctx, t->pid, -EIO, "pid %d thread %d: created with tid %ld",
				     t->pid, tid, ret);
	return 0;
}

int restore_threads__create(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i, n = t->core->n_threads;
	int err = 0;

	if (!n)
		return 0;
	if (!t->vdso_sys)
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d: no syscall instruction to create its threads from",
				     t->pid);
	t->threads = calloc(1, sizeof(*t->threads));
	if (t->threads)
		t->threads->v = calloc(n, sizeof(*t->threads->v));
	if (!t->threads || !t->threads->v)
		return restore_ctx__fail(ctx, t->pid, -ENOMEM, "out of memory");
	for (i = 0; !err && i < n; i++)
		err = create_one(ctx, t, t->core->threads[i]);
	return err;
}

/* Run a call in @t; a failure is said as "<what>: <reason>". */
static int sys_ok(struct restore_ctx *ctx, struct rtask *t, const char *what, long nr, long a0,
		  long a1, long a2, long a3)
{
	long r = restore_ctx__sys(t, nr, a0, a1, a2, a3, 0, 0);

	if (r < 0 && r > -4096)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: %s: %s", t->pid, what,
				     strerror((int)-r));
	return 0;
}

/* clear_child_tid and robust list: what the kernel does for the thread at its exit. */
static int exit_state(struct restore_ctx *ctx, struct rtask *t, const ThreadCore *th, bool leader)
{
	long r;
	int err = 0;

	/* A thread got its clear_child_tid from clone3 already. */
	if (leader && th->has_clear_child_tid) {
		r = restore_ctx__sys(t, SYS_set_tid_address, th->clear_child_tid, 0, 0, 0, 0, 0);
		if (r < 0 && r > -4096)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: set_tid_address: %s",
					     t->pid, strerror((int)-r));
	}
	if (th->has_robust_list && th->robust_list)
		err = sys_ok(ctx, t, "set_robust_list", SYS_set_robust_list, th->robust_list,
			     th->robust_list_len, 0, 0);
	return err;
}

static int thread_signals(struct restore_ctx *ctx, struct rtask *tt, pid_t tgid,
			  const ThreadCore *th)
{
	unsigned long addr;
	stack_t ss;
	size_t i;
	int err = 0;

	/* To itself: rt_tgsigqueueinfo() keeps any siginfo only for the caller's own tid. */
	for (i = 0; !err && i < th->n_pending; i++) {
		const SiginfoEntry *e = th->pending[i];

		err = restore_ctx__put(tt, 0, e->raw.data, e->raw.len, &addr);
		if (err)
			return restore_ctx__fail(ctx, tt->pid, err, "pid %d: %s", tt->pid,
					     strerror(-err));
		err = sys_ok(ctx, tt, "cannot queue a signal", SYS_rt_tgsigqueueinfo, tgid,
			     tt->pid, e->signo, addr);
	}
	if (err || !th->sigaltstack || (th->sigaltstack->flags & SS_DISABLE))
		return err;
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = (void *)(uintptr_t)th->sigaltstack->sp;
	ss.ss_size = th->sigaltstack->size;
	ss.ss_flags = th->sigaltstack->flags & SS_AUTODISARM;
	err = restore_ctx__put(tt, 0, &ss, sizeof(ss), &addr);
	if (err)
		return restore_ctx__fail(ctx, tt->pid, err, "pid %d: %s", tt->pid, strerror(-err));
	return sys_ok(ctx, tt, "sigaltstack", SYS_sigaltstack, addr, 0, 0, 0);
}

static int state_one(struct restore_ctx *ctx, struct rtask *t, const struct rthread *r)
{
	struct rtask tt = as_task(t, r);
	const ThreadCore *th = r->th;
	/* Its own credentials, or (absent) the process's. */
	const TaskCreds *c = th->creds ? th->creds : t->core->creds;
	unsigned long addr;
	int err = 0;

	if (c)
		err = sys_ok(ctx, &tt, "personality", SYS_personality, c->personality, 0, 0, 0);
	if (!err && th->has_nice)
		err = sys_ok(ctx, &tt, "setpriority", SYS_setpriority, PRIO_PROCESS, 0, th->nice,
			     0);
	if (!err)
		err = restore_taskstate__thread(ctx, &tt, t->pid, th);
	if (!err && th->comm[0]) {
		char comm[16];

		snprintf(comm, sizeof(comm), "%s", th->comm);
		err = restore_ctx__put(&tt, 0, comm, sizeof(comm), &addr);
		if (err)
			return restore_ctx__fail(ctx, tt.pid, err, "pid %d: %s", tt.pid,
					     strerror(-err));
		err = sys_ok(ctx, &tt, "PR_SET_NAME", SYS_prctl, PR_SET_NAME, addr, 0, 0);
	}
	if (!err)
		err = exit_state(ctx, &tt, th, false);
	if (!err)
		err = thread_signals(ctx, &tt, t->pid, th);
	/* Last: the image's credentials may not allow what comes before. */
	if (!err)
		err = restore_state__creds(ctx, &tt, c);
	return err;
}

int restore_threads__state(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	int err;

	err = exit_state(ctx, t, t->core->thread, true);
	for (i = 0; !err && t->threads && i < t->threads->n; i++)
		err = state_one(ctx, t, &t->threads->v[i]);
	return err;
}

static int finish_one(struct restore_ctx *ctx, struct rtask *t, const struct rthread *r)
{
	struct rtask tt = as_task(t, r);
	const ThreadCore *th = r->th;
	struct user_regs_struct regs;
	int err = 0;

	if (th->rseq && th->rseq->pointer)
		err = sys_ok(ctx, &tt, "rseq", SYS_rseq, th->rseq->pointer, th->rseq->size, 0,
			     th->rseq->signature);
	if (!err)
		err = sys_ok(ctx, &tt, "PR_SET_PDEATHSIG", SYS_prctl, PR_SET_PDEATHSIG,
			     th->has_pdeath_sig ? th->pdeath_sig : 0, 0, 0);
	if (err)
		return err;
	restore_state__thread_regs(th, &regs);
	err = ptrace__set_xstate(r->pt, th->xstate.data, th->xstate.len);
	if (err)
		return restore_ctx__fail(ctx, tt.pid, err, "pid %d thread %d: cannot set the FPU state: %s",
				     t->pid, r->tid, strerror(-err));
	err = ptrace__set_regs(r->pt, &regs);
	if (err)
		return restore_ctx__fail(ctx, tt.pid, err, "pid %d thread %d: cannot set the registers: %s",
				     t->pid, r->tid, strerror(-err));
	err = ptrace__set_sigmask(r->pt, th->blocked);
	if (err)
		return restore_ctx__fail(ctx, tt.pid, err,
				     "pid %d thread %d: cannot set the signal mask: %s", t->pid,
				     r->tid, strerror(-err));
	return 0;
}

int restore_threads__finish(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && t->threads && i < t->threads->n; i++)
		err = finish_one(ctx, t, &t->threads->v[i]);
	return err;
}

static void free_threads(struct rtask *t)
{
	if (!t->threads)
		return;
	free(t->threads->v);
	free(t->threads);
	t->threads = NULL;
}

int restore_threads__detach(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	int err = 0, e;

	for (i = 0; t->threads && i < t->threads->n; i++) {
		struct rthread *r = &t->threads->v[i];

		e = ptrace__detach(r->pt);
		r->pt = NULL;
		if (e && !err)
			err = restore_ctx__fail(ctx, t->pid, e, "pid %d thread %d: cannot detach: %s",
					    t->pid, r->tid, strerror(-e));
	}
	free_threads(t);
	return err;
}

void restore_threads__kill(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;

	for (i = 0; t->threads && i < t->threads->n; i++) {
		struct rthread *r = &t->threads->v[i];

		if (!r->pt)
			continue;
		watchdog__expect(ctx->wd, r->otid, CAUSE_RESTORE_ROLLBACK,
				 "restore rolled back (thread)");
		ptrace__kill(r->pt);
		r->pt = NULL;
	}
	free_threads(t);
}

size_t restore_threads__count(const struct rtask *t)
{
	return t->threads ? t->threads->n : 0;
}

struct rtask restore_threads__task(const struct rtask *t, size_t i, const ThreadCore **th)
{
	*th = t->threads->v[i].th;
	return as_task(t, &t->threads->v[i]);
}

pid_t restore_threads__opid(const struct rtask *t, pid_t tid)
{
	size_t i;

	for (i = 0; t->threads && i < t->threads->n; i++)
		if (t->threads->v[i].tid == tid)
			return t->threads->v[i].otid;
	return 0;
}
