// SPDX-License-Identifier: GPL-2.0
/*
 * dump_signals.c - a task's signal state: every sigaction (read inside the
 * task: /proc only tells which signals are caught or ignored), the blocked
 * mask, both pending queues with their siginfo, the alternate stack and the
 * parent-death signal.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "dump_ctx.h"
#include "dump_signals.h"
#include "dump_timers.h"
#include "log.h"
#include "ptrace.h"

/* The kernel's struct sigaction on x86-64 (rt_sigaction's layout). */
struct kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/*
 * All 62 in one batch of remote calls (ptrace__syscalls()), each writing
 * its own slot of the scratch area, read back at once; the parent-death
 * signal (@pdeath) in the same batch.
 */
static int fill_sigactions(struct dump_task *t, TaskCore *core, unsigned long scratch,
			   int32_t *pdeath)
{
	struct kernel_sigaction ka[64];
	struct ptrace_call calls[64];
	unsigned long pd_at = scratch + sizeof(ka);
	SigactionEntry *e;
	size_t n = 0, i;
	int sig, err;

	_Static_assert(sizeof(ka) + sizeof(*pdeath) <= 4096, "the scratch area holds them all");
	core->sigactions = calloc(64, sizeof(*core->sigactions));
	if (!core->sigactions)
		return -ENOMEM;
	memset(calls, 0, sizeof(calls));
	for (sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		calls[n].nr = SYS_rt_sigaction;
		calls[n].args[0] = sig;
		calls[n].args[2] = (long)(scratch + n * sizeof(ka[0]));
		calls[n].args[3] = 8;
		n++;
	}
	/* Slot n, after the 62 (two are never read: SIGKILL, SIGSTOP). */
	calls[n].nr = SYS_prctl;
	calls[n].args[0] = PR_GET_PDEATHSIG;
	calls[n].args[1] = (long)pd_at;
	err = ptrace__syscalls(t->pt, calls, n + 1);
	for (i = 0; !err && i <= n; i++)
		if (calls[i].ret < 0 && calls[i].ret > -4096)
			err = (int)calls[i].ret;
	if (!err)
		err = ptrace__read_mem(t->pt, scratch, ka, n * sizeof(ka[0]));
	if (!err)
		err = ptrace__read_mem(t->pt, pd_at, pdeath, sizeof(*pdeath));
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		e = PB_NEW(SigactionEntry, sigaction_entry);
		if (!e)
			return -ENOMEM;
		core->sigactions[core->n_sigactions++] = e;
		e->sig = calls[i].args[0];
		e->handler = ka[i].handler;
		e->flags = ka[i].flags;
		e->restorer = ka[i].restorer;
		e->mask = ka[i].mask;
	}
	return 0;
}

static SiginfoEntry *siginfo_to_pb(const siginfo_t *si)
{
	SiginfoEntry *e = PB_NEW(SiginfoEntry, siginfo_entry);

	if (!e)
		return NULL;
	e->signo = si->si_signo;
	e->code = si->si_code;
	e->err_no = si->si_errno;
	/* Sent by a process: kill, tkill, sigqueue, pidfd_send_signal. */
	if (si->si_code <= 0) {
		e->has_sender_pid = e->has_sender_uid = true;
		e->sender_pid = si->si_pid;
		e->sender_uid = si->si_uid;
	}
	e->raw.data = malloc(sizeof(*si));
	if (!e->raw.data) {
		siginfo_entry__free_unpacked(e, NULL);
		return NULL;
	}
	memcpy(e->raw.data, si, sizeof(*si));
	e->raw.len = sizeof(*si);
	return e;
}

static int fill_pending(struct ptrace_task *pt, bool shared, SiginfoEntry ***out, size_t *n)
{
	siginfo_t *si = NULL;
	size_t cnt = 0, i;
	int err;

	err = ptrace__peek_siginfo(pt, shared, &si, &cnt);
	if (err || !cnt)
		return err;
	*out = calloc(cnt, sizeof(**out));
	if (!*out) {
		free(si);
		return -ENOMEM;
	}
	for (i = 0; i < cnt; i++) {
		(*out)[i] = siginfo_to_pb(&si[i]);
		if (!(*out)[i]) {
			free(si);
			return -ENOMEM;
		}
		(*n)++;
	}
	free(si);
	return 0;
}

static int fill_altstack(struct ptrace_task *pt, ThreadCore *th, unsigned long scratch)
{
	long args[6] = { 0, (long)scratch }, r = 0;
	stack_t ss;
	int err;

	err = ptrace__syscall(pt, SYS_sigaltstack, args, &r);
	if (!err && r < 0 && r > -4096)
		err = (int)r;
	if (!err)
		err = ptrace__read_mem(pt, scratch, &ss, sizeof(ss));
	if (err)
		return err;
	th->sigaltstack = PB_NEW(SigaltstackEntry, sigaltstack_entry);
	if (!th->sigaltstack)
		return -ENOMEM;
	th->sigaltstack->sp = (uint64_t)ss.ss_sp;
	th->sigaltstack->flags = ss.ss_flags;
	th->sigaltstack->size = ss.ss_size;
	return 0;
}

int dump_signals__thread(struct ptrace_task *pt, unsigned long scratch, ThreadCore *th)
{
	int err;

	err = ptrace__get_sigmask(pt, &th->blocked);
	if (!err)
		err = fill_pending(pt, false, &th->pending, &th->n_pending);
	if (!err)
		err = fill_altstack(pt, th, scratch);
	return err;
}

int dump_signals__task(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core)
{
	ThreadCore *th = core->thread;
	unsigned long scratch;
	int32_t pdeath = 0;
	int err;

	(void)ctx;
	if (t->zombie)
		return 0;
	err = ptrace__scratch(t->pt, 4096, &scratch);
	if (!err)
		err = fill_sigactions(t, core, scratch, &pdeath);
	if (!err)
		err = dump_signals__thread(t->pt, scratch, th);
	if (!err)
		err = fill_pending(t->pt, true, &core->shared_pending, &core->n_shared_pending);
	err = dump_ctx__gone_err(t, err);
	if (err) {
		if (err != -ESRCH)
			pr_err("pid %d: cannot read its signal state: %s", t->pid, strerror(-err));
		return err;
	}
	core->has_pdeath_sig = true;
	core->pdeath_sig = pdeath;
	/* Timers send signals: they are read here, with the same scratch area. */
	return dump_timers__task(t, core, scratch);
}
