// SPDX-License-Identifier: GPL-2.0
/*
 * restore_state.c - a task's signal state, limits, scheduling, credentials
 * (restore_state__task) and, last of all, rseq, the parent-death signal,
 * the registers and the blocked mask (restore_state__finish); the other
 * threads of the process get theirs from restore_threads.c on the way.
 *
 * Every signal stays blocked while the task is driven: queued signals are
 * re-queued by the task to itself (rt_sigqueueinfo to oneself accepts any
 * si_code, so they keep their siginfo) and wait, like the original ones
 * did, for the restored mask. Credentials come after everything that needs
 * privilege and are only ever lowered to what the image recorded.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "log.h"
#include "procfs.h"
#include "rlimits.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_mem.h"
#include "restore_seccomp.h"
#include "restore_state.h"
#include "restore_taskstate.h"
#include "restore_threads.h"
#include "restore_timers.h"
#include "restore_unix.h"
#include "testfault.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

struct kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

static int sigactions(struct restore_ctx *ctx, struct rtask *t)
{
	struct kernel_sigaction ka;
	unsigned long addr;
	size_t i;
	long r;
	int err;

	for (i = 0; i < t->core->n_sigactions; i++) {
		const SigactionEntry *e = t->core->sigactions[i];

		/* The stub reset every action to all zeros (restore_tree.c). */
		if (!e->handler && !e->flags && !e->restorer && !e->mask)
			continue;
		/* restore-skip-sigaction: a test fault skips one (restore_verify.c tells). */
		if (testfault__point("restore-skip-sigaction"))
			continue;
		ka.handler = e->handler;
		ka.flags = e->flags;
		ka.restorer = e->restorer;
		ka.mask = e->mask;
		err = restore_ctx__put(t, 0, &ka, sizeof(ka), &addr);
		r = err ? err : restore_ctx__sys(t, SYS_rt_sigaction, e->sig, addr, 0, 8, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: sigaction(%u): %s", t->pid,
					     e->sig, strerror((int)-r));
	}
	return 0;
}

static int queue(struct restore_ctx *ctx, struct rtask *t, const SiginfoEntry *e, bool shared)
{
	unsigned long addr;
	long r;
	int err;

	if (e->raw.len != 128)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: bad siginfo in the image", t->pid);
	err = restore_ctx__put(t, 0, e->raw.data, e->raw.len, &addr);
	if (err)
		r = err;
	else if (shared)
		r = restore_ctx__sys(t, SYS_rt_sigqueueinfo, t->pid, e->signo, addr, 0, 0, 0);
	else
		r = restore_ctx__sys(t, SYS_rt_tgsigqueueinfo, t->pid, t->pid, e->signo, addr, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: cannot queue signal %u: %s",
				     t->pid, e->signo, strerror((int)-r));
	return 0;
}

static int signals(struct restore_ctx *ctx, struct rtask *t)
{
	const ThreadCore *th = t->core->thread;
	unsigned long addr;
	stack_t ss;
	size_t i;
	long r;
	int err;

	err = ptrace__set_sigmask(t->pt, ~0ULL);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot block signals: %s", t->pid,
				     strerror(-err));
	err = sigactions(ctx, t);
	for (i = 0; !err && i < th->n_pending; i++)
		err = queue(ctx, t, th->pending[i], false);
	for (i = 0; !err && i < t->core->n_shared_pending; i++)
		err = queue(ctx, t, t->core->shared_pending[i], true);
	if (err || !th->sigaltstack || (th->sigaltstack->flags & SS_DISABLE))
		return err;
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = (void *)(uintptr_t)th->sigaltstack->sp;
	ss.ss_size = th->sigaltstack->size;
	ss.ss_flags = th->sigaltstack->flags & SS_AUTODISARM;
	err = restore_ctx__put(t, 0, &ss, sizeof(ss), &addr);
	r = err ? err : restore_ctx__sys(t, SYS_sigaltstack, addr, 0, 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: sigaltstack: %s", t->pid,
				     strerror((int)-r));
	return 0;
}

static int rlimits(struct restore_ctx *ctx, struct rtask *t)
{
	struct {
		uint64_t cur, max;
	} lim;
	unsigned long addr;
	size_t i;
	long r;
	int err;

	for (i = 0; i < t->core->n_rlimits; i++) {
		const RlimitEntry *e = t->core->rlimits[i];
		struct rlimit own;

		/* The stub has pidtrace's limits: set only what differs. */
		if (!getrlimit(e->resource, &own) && own.rlim_cur == e->cur && own.rlim_max == e->max)
			continue;
		lim.cur = e->cur;
		lim.max = e->max;
		err = restore_ctx__put(t, 0, &lim, sizeof(lim), &addr);
		r = err ? err : restore_ctx__sys(t, SYS_prlimit64, 0, e->resource, addr, 0, 0, 0);
		if (r == -EPERM)
			return restore_ctx__fail(ctx, t->pid, -EPERM,
					     "pid %d: RLIMIT_%s: cannot raise the hard limit to %llu "
					     "(pidtrace lacks CAP_SYS_RESOURCE)",
					     t->pid, rlimits__name(e->resource),
					     (unsigned long long)e->max);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: RLIMIT_%s: %s", t->pid,
					     rlimits__name(e->resource), strerror((int)-r));
	}
	return 0;
}

/* Our own credentials, to see whether the image's differ. */
static bool same_creds(const TaskCreds *c)
{
	uint32_t v[64];
	char *status = NULL;
	size_t n = 0, i;
	uint64_t x;
	bool same = false;

	if (procfs__read(0, "status", &status, NULL))
		return false;
	if (procfs__field_list(status, "Uid:", v, 64, &n) || n != c->n_uid)
		goto out;
	for (i = 0; i < n; i++)
		if (v[i] != c->uid[i])
			goto out;
	if (procfs__field_list(status, "Gid:", v, 64, &n) || n != c->n_gid)
		goto out;
	for (i = 0; i < n; i++)
		if (v[i] != c->gid[i])
			goto out;
	n = 0;
	procfs__field_list(status, "Groups:", v, 64, &n);
	if (n != c->n_groups)
		goto out;
	for (i = 0; i < n; i++)
		if (v[i] != c->groups[i])
			goto out;
	if (procfs__field_u64(status, "CapEff:", 16, &x) || x != c->cap_eff ||
	    procfs__field_u64(status, "CapPrm:", 16, &x) || x != c->cap_prm ||
	    procfs__field_u64(status, "CapInh:", 16, &x) || x != c->cap_inh ||
	    procfs__field_u64(status, "CapBnd:", 16, &x) || x != c->cap_bnd ||
	    procfs__field_u64(status, "CapAmb:", 16, &x) || x != c->cap_amb)
		goto out;
	same = true;
out:
	free(status);
	return same;
}

#define SYSCALL_OK(expr)                                                                   \
	do {                                                                               \
		r = (expr);                                                                \
		if (r < 0) {                                                               \
			what = #expr;                                                      \
			goto fail;                                                         \
		}                                                                          \
	} while (0)

#define SECBIT_KEEP_CAPS_BIT (1L << 4)

static int creds(struct restore_ctx *ctx, struct rtask *t, const TaskCreds *c)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	const char *what = "";
	unsigned long addr;
	unsigned int cap;
	long r = 0;

	if (!c)
		return 0;
	/*
	 * Securebits other than KEEP_CAPS (never in an image: dump refuses
	 * them) are pidtrace's own, inherited by the stubs and their threads
	 * from whoever started it (setpriv --securebits): cleared first, they
	 * change what setresuid() does to the capabilities below.
	 */
	r = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	if (r > 0 && (r & ~SECBIT_KEEP_CAPS_BIT))
		SYSCALL_OK(restore_ctx__sys(t, SYS_prctl, PR_SET_SECUREBITS, r & SECBIT_KEEP_CAPS_BIT,
					    0, 0, 0, 0));
	if (c->no_new_privs)
		SYSCALL_OK(restore_ctx__sys(t, SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0));
	if (same_creds(c))
		return 0;
	if (c->n_uid != 4 || c->n_gid != 4)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: bad credentials in the image",
				     t->pid);
	for (cap = 0; cap < 64; cap++)
		if (!(c->cap_bnd & (1ULL << cap)))
			restore_ctx__sys(t, SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0, 0);
	SYSCALL_OK(restore_ctx__sys(t, SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0, 0));
	if (c->n_groups * 4 > RESTORE_DATA_SIZE)
		return restore_ctx__fail(ctx, t->pid, -E2BIG, "pid %d: too many groups", t->pid);
	SYSCALL_OK(restore_ctx__put(t, 0, c->groups, c->n_groups * 4, &addr));
	SYSCALL_OK(restore_ctx__sys(t, SYS_setgroups, c->n_groups, addr, 0, 0, 0, 0));
	SYSCALL_OK(restore_ctx__sys(t, SYS_setresgid, c->gid[0], c->gid[1], c->gid[2], 0, 0, 0));
	SYSCALL_OK(restore_ctx__sys(t, SYS_setfsgid, c->gid[3], 0, 0, 0, 0, 0));
	SYSCALL_OK(restore_ctx__sys(t, SYS_setresuid, c->uid[0], c->uid[1], c->uid[2], 0, 0, 0));
	SYSCALL_OK(restore_ctx__sys(t, SYS_setfsuid, c->uid[3], 0, 0, 0, 0, 0));
	data[0].effective = (uint32_t)c->cap_eff;
	data[1].effective = (uint32_t)(c->cap_eff >> 32);
	data[0].permitted = (uint32_t)c->cap_prm;
	data[1].permitted = (uint32_t)(c->cap_prm >> 32);
	data[0].inheritable = (uint32_t)c->cap_inh;
	data[1].inheritable = (uint32_t)(c->cap_inh >> 32);
	SYSCALL_OK(restore_ctx__put(t, 0, &hdr, sizeof(hdr), &addr));
	SYSCALL_OK(restore_ctx__put(t, 64, data, sizeof(data), NULL));
	SYSCALL_OK(restore_ctx__sys(t, SYS_capset, addr, addr + 64, 0, 0, 0, 0));
	for (cap = 0; cap < 64; cap++)
		if (c->cap_amb & (1ULL << cap))
			SYSCALL_OK(restore_ctx__sys(t, SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
						cap, 0, 0, 0));
	SYSCALL_OK(restore_ctx__sys(t, SYS_prctl, PR_SET_KEEPCAPS, 0, 0, 0, 0, 0));
	/* New credentials cleared the stub's parent-death signal: until finish, it must stay. */
	SYSCALL_OK(restore_ctx__sys(t, SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0, 0));
	return 0;
fail:
	return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: credentials: %s: %s", t->pid, what,
			     strerror((int)-r));
}

int restore_state__creds(struct restore_ctx *ctx, struct rtask *t, const TaskCreds *c)
{
	return creds(ctx, t, c);
}

int restore_state__task(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCreds *c = t->core->creds;
	long r = 0;
	int err;

	err = signals(ctx, t);
	if (!err && t->core->has_nice)
		r = restore_ctx__sys(t, SYS_setpriority, PRIO_PROCESS, 0, t->core->nice, 0, 0, 0);
	if (!err && r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: setpriority(%d): %s", t->pid,
				     t->core->nice, strerror((int)-r));
	if (!err && c) {
		r = restore_ctx__sys(t, SYS_personality, c->personality, 0, 0, 0, 0, 0);
		if (r < 0)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: personality: %s", t->pid,
					     strerror((int)-r));
	}
	/* Scheduling, loginuid and the like, before the credentials that may forbid them. */
	if (!err)
		err = restore_taskstate__thread(ctx, t, t->pid, t->core->thread);
	if (!err)
		err = restore_taskstate__task(ctx, t);
	/* Seccomp filters before any thread's credentials are lowered (restore_seccomp.c). */
	if (!err)
		err = restore_seccomp__task(ctx, t);
	/* Threads' own state, before the credentials that may forbid it. */
	if (!err)
		err = restore_threads__state(ctx, t);
	/* Each thread lowered its own above: the leader, which runs the rest, goes last. */
	if (!err)
		err = creds(ctx, t, c);
	/* Listeners' peer credentials are the caller of listen()'s. */
	if (!err)
		err = restore_unix__relisten(ctx, t);
	/* Limits last: a low RLIMIT_NOFILE or RLIMIT_AS would get in the way. */
	if (!err)
		err = rlimits(ctx, t);
	if (!err && t->core->mm) {
		r = restore_ctx__sys(t, SYS_prctl, PR_SET_DUMPABLE, t->core->mm->dumpable, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_SET_DUMPABLE: %s",
					     t->pid, strerror((int)-r));
	}
	if (!err)
		err = restore_taskstate__last(ctx, t);
	return err;
}

void restore_state__thread_regs(const ThreadCore *th, struct user_regs_struct *r)
{
	long ret = th->has_syscall_ret ? (long)th->syscall_ret : 0;

	restore_state__regs_from_pb(th->regs, r);
	if (!th->has_syscall_restart || !th->syscall_restart || !th->has_syscall_nr ||
	    (ret != -ERESTARTSYS && ret != -ERESTARTNOHAND && ret != -ERESTARTNOINTR) ||
	    (long)r->orig_rax != -1 || (long)r->rax != th->syscall_nr)
		return;
	r->rip += 2;
	r->rax = (unsigned long long)ret;
	r->orig_rax = th->syscall_nr;
}

void restore_state__regs_from_pb(const UserRegs *u, struct user_regs_struct *r)
{
	r->r15 = u->r15;
	r->r14 = u->r14;
	r->r13 = u->r13;
	r->r12 = u->r12;
	r->rbp = u->rbp;
	r->rbx = u->rbx;
	r->r11 = u->r11;
	r->r10 = u->r10;
	r->r9 = u->r9;
	r->r8 = u->r8;
	r->rax = u->rax;
	r->rcx = u->rcx;
	r->rdx = u->rdx;
	r->rsi = u->rsi;
	r->rdi = u->rdi;
	r->orig_rax = u->orig_rax;
	r->rip = u->rip;
	r->cs = u->cs;
	r->eflags = u->eflags;
	r->rsp = u->rsp;
	r->ss = u->ss;
	r->fs_base = u->fs_base;
	r->gs_base = u->gs_base;
	r->ds = u->ds;
	r->es = u->es;
	r->fs = u->fs;
	r->gs = u->gs;
}

int restore_state__finish(struct restore_ctx *ctx, struct rtask *t)
{
	const ThreadCore *th = t->core->thread;
	struct user_regs_struct regs;
	long r;
	int err;

	/*
	 * From here the parent-death signals are the image's: pidtrace's
	 * death must still kill the task until it is let go (the detach
	 * clears this). Its threads die with it.
	 */
	err = ptrace__set_exitkill(t->pt);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: PTRACE_O_EXITKILL: %s", t->pid,
				     strerror(-err));
	/* The other threads first: their calls run from code they share with the leader. */
	err = restore_threads__finish(ctx, t);
	if (err)
		return err;
	if (th->rseq && th->rseq->pointer) {
		r = restore_ctx__sys(t, SYS_rseq, th->rseq->pointer, th->rseq->size, 0,
				 th->rseq->signature, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: rseq: %s", t->pid,
					     strerror((int)-r));
	}
	r = restore_ctx__sys(t, SYS_prctl, PR_SET_PDEATHSIG,
			 t->core->has_pdeath_sig ? t->core->pdeath_sig : 0, 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_SET_PDEATHSIG: %s", t->pid,
				     strerror((int)-r));
	/* Timers run again from here: as late as the data page allows. */
	err = restore_timers__task(ctx, t);
	if (err)
		return err;
	err = restore_mem__finish(ctx, t);
	if (err)
		return err;
	/* fs/gs base travel in the general registers (NT_PRSTATUS). */
	restore_state__thread_regs(th, &regs);
	err = ptrace__set_xstate(t->pt, th->xstate.data, th->xstate.len);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot set the FPU state: %s",
				     t->pid, strerror(-err));
	err = ptrace__set_regs(t->pt, &regs);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot set the registers: %s",
				     t->pid, strerror(-err));
	err = ptrace__set_sigmask(t->pt, th->blocked);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot set the signal mask: %s",
				     t->pid, strerror(-err));
	return 0;
}
