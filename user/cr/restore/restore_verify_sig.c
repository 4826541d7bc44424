// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_sig.c - a restored task's signal state against the image
 * (restore_verify.h): dispositions (SigIgn, SigCgt; then handler, flags,
 * restorer and mask by an rt_sigaction run in the task for each action
 * other than all zeros), pending sets; and the scratch area those calls
 * write their results to.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_verify.h"

/* Signals a timer of the image may have raised since the timers were restored. */
static uint64_t timer_signals(const TaskCore *c)
{
	static const int itimer_sig[] = {SIGALRM, SIGVTALRM, SIGPROF};
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < c->n_itimers; i++)
		if (c->itimers[i]->which < 3 &&
		    (c->itimers[i]->value_us || c->itimers[i]->interval_us))
			m |= 1ULL << (itimer_sig[c->itimers[i]->which] - 1);
	for (i = 0; i < c->n_posix_timers; i++) {
		const PosixTimerEntry *p = c->posix_timers[i];

		if (p->notify != SIGEV_NONE && p->signo > 0 && p->signo <= 64 &&
		    (p->value_ns || p->interval_ns))
			m |= 1ULL << (p->signo - 1);
	}
	return m;
}

static uint64_t pending_set(SiginfoEntry *const *q, size_t n)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (q[i]->signo >= 1 && q[i]->signo <= 64)
			m |= 1ULL << (q[i]->signo - 1);
	return m;
}

/*
 * Pending signals: each of the image's is pending again; one more is
 * accepted only if a restored timer can have raised it meanwhile.
 */
static int check_pending(struct verify *v, const char *what, uint64_t img, uint64_t now)
{
	uint64_t timers = timer_signals(v->t->core);

	v->n->sigmasks++;
	if ((img & ~now) || ((now & ~img) & ~timers))
		return restore_verify__num(v, what, VF_HEX, img, now);
	return 0;
}

/*
 * A scratch area in the task for the results of the calls below: under the
 * red zone of its stack, its bytes kept to be put back (no mapping added,
 * its memory left as it was); a mapped page where the stack cannot be read.
 */
static int scratch_get(struct verify *v)
{
	const ThreadCore *th = v->t->core->thread;
	unsigned long addr;
	int err;

	if (v->scratch)
		return 0;
	if (th && th->regs && th->regs->rsp > 4096) {
		addr = (th->regs->rsp - 128 - 256) & ~63UL;
		if (!ptrace__read_mem(v->t->pt, addr, v->saved, sizeof(v->saved))) {
			v->scratch = addr;
			return 0;
		}
	}
	err = ptrace__scratch(v->t->pt, 4096, &v->scratch);
	v->n->injected++;
	v->scratch_mapped = !err;
	return err;
}

/* Put the stack's bytes back, or unmap the page. */
int restore_verify_sig__scratch_put(struct verify *v)
{
	int err = 0;

	if (!v->scratch)
		return 0;
	if (v->scratch_mapped) {
		err = ptrace__unmap_scratch(v->t->pt);
		v->n->injected++;
	} else {
		err = ptrace__write_mem(v->t->pt, v->scratch, v->saved, sizeof(v->saved));
	}
	v->scratch = 0;
	v->scratch_mapped = false;
	return err;
}

/*
 * Run syscall @nr in the task with the scratch area as argument @argi and
 * copy @len (at most 64) bytes of its result. A stack that turns out not
 * writable (-EFAULT) gives way to a mapped page.
 */
int restore_verify_sig__remote_read(struct verify *v, long nr, long a0, int argi, long a2, long a3,
				    void *out, size_t len)
{
	long args[4], r;
	int err, tries;

	for (tries = 0; tries < 2; tries++) {
		err = scratch_get(v);
		if (err)
			return err;
		args[0] = a0;
		args[1] = 0;
		args[2] = a2;
		args[3] = a3;
		args[argi] = v->scratch;
		r = restore_ctx__sys(v->t, nr, args[0], args[1], args[2], args[3], 0, 0);
		v->n->injected++;
		if (r == -EFAULT && !v->scratch_mapped) {
			err = restore_verify_sig__scratch_put(v);
			if (err)
				return err;
			err = ptrace__scratch(v->t->pt, 4096, &v->scratch);
			v->n->injected++;
			if (err)
				return err;
			v->scratch_mapped = true;
			continue;
		}
		if (r)
			return (int)r;
		return ptrace__read_mem(v->t->pt, v->scratch, out, len);
	}
	return -EFAULT;
}

/* The kernel's struct sigaction on x86-64 (rt_sigaction's layout). */
struct kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/*
 * Dispositions: /proc tells ignored and caught signals apart (SigIgn,
 * SigCgt) for all of them at once; handler, flags, restorer and mask of
 * an action other than all zeros need an rt_sigaction in the task.
 */
int restore_verify_sig__actions(struct verify *v, const char *status)
{
	const TaskCore *c = v->t->core;
	uint64_t ign = 0, cgt = 0;
	struct kernel_sigaction ka;
	char what[64];
	size_t i;
	int err;

	for (i = 0; i < c->n_sigactions; i++) {
		const SigactionEntry *e = c->sigactions[i];

		if (e->sig < 1 || e->sig > 64)
			continue;
		if (e->handler == (uint64_t)(uintptr_t)SIG_IGN)
			ign |= 1ULL << (e->sig - 1);
		else if (e->handler != (uint64_t)(uintptr_t)SIG_DFL)
			cgt |= 1ULL << (e->sig - 1);
	}
	err = restore_verify__num(v, "ignored signals", VF_HEX, ign,
				  restore_verify__hex(status, "SigIgn:"));
	if (!err)
		err = restore_verify__num(v, "caught signals", VF_HEX, cgt,
					  restore_verify__hex(status, "SigCgt:"));
	if (err)
		return err;
	for (i = 0; i < c->n_sigactions; i++) {
		const SigactionEntry *e = c->sigactions[i];

		v->n->sigactions++;
		if (!e->handler && !e->flags && !e->restorer && !e->mask)
			continue;
		err = restore_verify_sig__remote_read(v, SYS_rt_sigaction, e->sig, 2, 0, 8, &ka,
						      sizeof(ka));
		if (err) {
			snprintf(what, sizeof(what), "sigaction(%u)", e->sig);
			return restore_verify__cannot(v, what, err);
		}
		snprintf(what, sizeof(what), "signal %u: handler", e->sig);
		err = restore_verify__num(v, what, VF_HEX, e->handler, ka.handler);
		snprintf(what, sizeof(what), "signal %u: flags", e->sig);
		if (!err)
			err = restore_verify__num(v, what, VF_HEX, e->flags, ka.flags);
		snprintf(what, sizeof(what), "signal %u: restorer", e->sig);
		if (!err)
			err = restore_verify__num(v, what, VF_HEX, e->restorer, ka.restorer);
		snprintf(what, sizeof(what), "signal %u: mask", e->sig);
		if (!err)
			err = restore_verify__num(v, what, VF_HEX, e->mask, ka.mask);
		if (err)
			return err;
	}
	return 0;
}

/* Pending signals of a queue of the image against a mask of /proc. */
int restore_verify_sig__pending(struct verify *v, const char *what, SiginfoEntry *const *q,
				size_t n, uint64_t now)
{
	return check_pending(v, what, pending_set(q, n), now);
}
