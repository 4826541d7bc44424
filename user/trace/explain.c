// SPDX-License-Identifier: GPL-2.0
/*
 * explain.c - tie deaths to the generations that caused them, classify,
 * and say it in words (see explain.h).
 *
 * Generations of fatal signals wait in a table keyed by the victim's thread
 * group until the group dies (pending_gens.c); one that never leads to a death
 * (blocked, handled later...) ages out. The ring buffer keeps reservation
 * order, and a generation always happens before the death it causes, so
 * the generation is in the table by the time the death arrives.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "explain_record.h"
#include "log.h"
#include "names.h"
#include "pending_gens.h"
#include "symbolize.h"

struct oom_note {
	struct oom_note *next;
	struct pt_oom_event ev;
};

/* A sibling killed by exit_group(), waiting for the caller's own exit record. */
struct held_exit {
	struct held_exit *next;
	struct pt_exit_event ev;
};

/* The thread that called exit_group() in a thread group. */
struct initiator_note {
	struct initiator_note *next;
	uint32_t tgid, tid;
	char comm[PT_COMM_LEN];
	uint64_t ts_ns;
};

struct expectation {
	struct expectation *next;
	uint32_t pid;
	uint32_t sender; /* the thread group whose kill() is the planned one */
	int signo;
	uint64_t since_ns; /* monotonic: the decision; an earlier generation is not it */
	enum cause cause;
	char why[256];
};

struct explain {
	struct explain_opts opts;
	struct pending_gens *pend;
	struct oom_note *ooms;
	struct held_exit *held;
	struct initiator_note *inits;
	struct expectation *expect;
	struct symbolizer *sym;
	int64_t wall_off_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t deaths, signals;
};

static int64_t ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct explain *explain__new(const struct explain_opts *opts)
{
	struct explain *ex = calloc(1, sizeof(*ex));

	if (!ex)
		return NULL;
	ex->opts = *opts;
	ex->sym = symbolize__new(opts->symbolize_user);
	if (ex->sym && opts->kstacks_for_cause)
		symbolize__kstacks_for_cause(ex->sym);
	ex->pend = pending_gens__new();
	if (!ex->sym || !ex->pend) {
		symbolize__free(ex->sym);
		pending_gens__free(ex->pend);
		free(ex);
		return NULL;
	}
	ex->wall_off_ns = ts_ns(CLOCK_REALTIME) - ts_ns(CLOCK_MONOTONIC);
	return ex;
}

void explain__free(struct explain *ex)
{
	if (!ex)
		return;
	pending_gens__free(ex->pend);
	while (ex->ooms) {
		struct oom_note *o = ex->ooms;

		ex->ooms = o->next;
		free(o);
	}
	while (ex->expect) {
		struct expectation *e = ex->expect;

		ex->expect = e->next;
		free(e);
	}
	while (ex->held) {
		struct held_exit *h = ex->held;

		ex->held = h->next;
		free(h);
	}
	while (ex->inits) {
		struct initiator_note *n = ex->inits;

		ex->inits = n->next;
		free(n);
	}
	symbolize__free(ex->sym);
	free(ex);
}

uint64_t explain__deaths(const struct explain *ex)
{
	return ex->deaths;
}

uint64_t explain__signals(const struct explain *ex)
{
	return ex->signals;
}

int explain__expect(struct explain *ex, uint32_t pid, uint32_t sender, int signo, uint64_t since_ns,
		    enum cause cause, const char *why)
{
	struct expectation *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->pid = pid;
	e->sender = sender;
	e->signo = signo;
	e->since_ns = since_ns;
	e->cause = cause;
	snprintf(e->why, sizeof(e->why), "%s", why ? why : "");
	e->next = ex->expect;
	ex->expect = e;
	return 0;
}

/*
 * The expectation that the death of @pid fulfils: the generation @g that
 * killed it is the planned signal, sent by a kill syscall (@r's class) of
 * the planned sender, after the decision. A death with no generation seen,
 * or by anyone else's signal, or by one sent before the decision (someone
 * else's kill that the plan only came after), or by the kernel on the
 * sender's behalf (an OOM kill while it wrote memory) is nobody's plan:
 * NULL.
 */
static struct expectation *find_expectation(struct explain *ex, uint32_t pid,
					    const struct pt_signal_event *g, const struct xrec *r)
{
	struct expectation *e;

	if (!g || r->cause != CAUSE_KILL_SYSCALL)
		return NULL;
	for (e = ex->expect; e; e = e->next)
		if (e->pid == pid && e->sender == g->sender.pid && e->signo == g->sig &&
		    g->hdr.ts_ns >= e->since_ns)
			return e;
	return NULL;
}

size_t explain__pending(const struct explain *ex, int signo)
{
	return pending_gens__count(ex->pend, signo);
}

static struct oom_note *oom_take(struct explain *ex, uint32_t tgid)
{
	struct oom_note **pp, *o;

	for (pp = &ex->ooms; *pp; pp = &(*pp)->next) {
		o = *pp;
		if (o->ev.victim.pid == tgid) {
			*pp = o->next;
			return o;
		}
	}
	return NULL;
}

static int emit(struct explain *ex, struct xrec *r)
{
	return ex->opts.emit ? ex->opts.emit(ex->opts.ctx, r) : 0;
}

static int on_signal(struct explain *ex, const struct pt_signal_event *g,
		     const struct pt_ustack *u)
{
	struct xrec *r;
	int err = 0;

	if (g->result == 0)
		pending_gens__add(ex->pend, g, u);
	if (!ex->opts.report_signals)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->kind = XREC_SIGNAL;
	explain_record__wall(r, ex->wall_off_ns, g->hdr.ts_ns);
	explain_record__task(&r->victim, &g->victim);
	explain_record__cgpath(&g->victim_cgroup, r->victim.cgroup, sizeof(r->victim.cgroup));
	r->delay_us = -1;
	explain_record__generation(ex->sym, r, g, u, NULL, NULL);
	explain_words__detail(r);
	ex->signals++;
	err = emit(ex, r);
	free(r);
	return err;
}

static int process_exit(struct explain *ex, const struct pt_exit_event *x)
{
	struct pending_gen *gens = NULL, *p, *chosen = NULL;
	struct oom_note *oom = NULL;
	struct expectation *exp;
	int termsig = x->exit_code & 0x7f;
	/* Killed by a sibling's exit_group()/execve(): a thread-level death. */
	bool zap = x->flags & (PT_EXIT_EXEC_ZAP | PT_EXIT_SIBLING_EXIT);
	struct xrec *r;
	int err;

	/* Lineage-mode exits that are no death by signal: nothing to explain. */
	if (!zap && !termsig && !(x->flags & PT_EXIT_SECCOMP_DEAD)) {
		pending_gens__free_list(pending_gens__take(ex->pend, x->task.pid));
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->kind = XREC_DEATH;
	explain_record__wall(r, ex->wall_off_ns, x->hdr.ts_ns);
	explain_record__task(&r->victim, &x->task);
	explain_record__cgpath(&x->cgroup, r->victim.cgroup, sizeof(r->victim.cgroup));
	r->has_exit = true;
	r->exit_status = x->exit_code;
	r->signo = zap ? SIGKILL : termsig;
	r->delay_us = -1;
	if (x->initiator_tid) {
		r->has_initiator = true;
		r->init_tid = x->initiator_tid;
		memcpy(r->init_comm, x->initiator_comm, sizeof(r->init_comm));
		r->init_comm[sizeof(r->init_comm) - 1] = '\0';
		r->init_syscall = x->initiator_syscall >= 0 ? names__syscall(x->initiator_syscall) :
							      NULL;
	}

	if (!zap) {
		gens = pending_gens__take(ex->pend, x->task.pid);
		oom = oom_take(ex, x->task.pid);
		/* The first generation of the signal that killed it is the cause. */
		for (p = gens; p; p = p->next)
			if (p->ev.sig == termsig && !chosen)
				chosen = p;
	}
	explain_record__generation(ex->sym, r, chosen ? &chosen->ev : NULL,
			 chosen && chosen->has_u ? &chosen->u : NULL, x, oom ? &oom->ev : NULL);
	if (chosen)
		r->delay_us = (int64_t)(x->hdr.ts_ns - chosen->ev.hdr.ts_ns) / 1000;
	if (oom) {
		r->has_oom = true;
		explain_record__cgpath(&oom->ev.memcg, r->oom.memcg, sizeof(r->oom.memcg));
		r->oom.total_vm_kb = oom->ev.total_vm_pages * 4;
		r->oom.anon_rss_kb = oom->ev.anon_rss_pages * 4;
		r->oom.file_rss_kb = oom->ev.file_rss_pages * 4;
		r->oom.shmem_rss_kb = oom->ev.shmem_rss_pages * 4;
		r->oom.oom_score_adj = oom->ev.oom_score_adj;
		explain_record__task(&r->oom.trigger, &oom->ev.killer);
	}
	for (p = gens; p; p = p->next) {
		if (p == chosen || r->nalso == X_MAX_ALSO)
			continue;
		r->also[r->nalso].has_sender = true;
		explain_record__task(&r->also[r->nalso].sender, &p->ev.sender);
		r->also[r->nalso].signo = p->ev.sig;
		r->also[r->nalso].result = names__gen_result(p->ev.result);
		{
			struct cause_facts f = { .gen = &p->ev };

			r->also[r->nalso].cause = cause__classify(&f);
		}
		r->nalso++;
	}
	if (!chosen && !zap && r->cause == CAUSE_UNKNOWN)
		xrecs__add_unknown(r, "sender: %s",
			    "no generation of this signal was seen (sent before tracing started, "
			    "or the record was dropped)");

	exp = find_expectation(ex, x->task.pid, chosen ? &chosen->ev : NULL, r);
	if (exp) {
		r->expected = true;
		r->cause = exp->cause;
	}
	explain_words__detail(r);
	if (exp && exp->why[0])
		snprintf(r->detail, sizeof(r->detail), "%s", exp->why);
	ex->deaths++;
	err = emit(ex, r);

	pending_gens__free_list(gens);
	free(oom);
	free(r);
	return err;
}

/* How long a sibling's death waits for the exit_group() caller's record. */
#define HOLD_MAX_NS (500ULL * 1000000ULL)
#define INIT_MAX_AGE_NS (10ULL * 1000000000ULL)

static const struct initiator_note *find_initiator(struct explain *ex, uint32_t tgid)
{
	struct initiator_note *n;

	for (n = ex->inits; n; n = n->next)
		if (n->tgid == tgid)
			return n;
	return NULL;
}

static void fill_initiator(struct pt_exit_event *x, const struct initiator_note *n)
{
	x->initiator_tid = n->tid;
	memcpy(x->initiator_comm, n->comm, sizeof(x->initiator_comm));
	x->initiator_syscall = 231; /* exit_group */
}

/* Emit held siblings of @tgid (all when tgid is 0, or those older than @before). */
static int release_held(struct explain *ex, uint32_t tgid, uint64_t before)
{
	struct held_exit **pp = &ex->held;
	int err = 0;

	while (*pp) {
		struct held_exit *h = *pp;
		const struct initiator_note *n;

		if ((tgid && h->ev.task.pid != tgid) ||
		    (!tgid && before && h->ev.hdr.ts_ns + HOLD_MAX_NS > before)) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		n = find_initiator(ex, h->ev.task.pid);
		if (n)
			fill_initiator(&h->ev, n);
		if (!err)
			err = process_exit(ex, &h->ev);
		free(h);
	}
	return err;
}

int explain__flush(struct explain *ex)
{
	return release_held(ex, 0, 0);
}

static void expire_initiators(struct explain *ex, uint64_t now)
{
	struct initiator_note **pp = &ex->inits;

	while (*pp) {
		struct initiator_note *n = *pp;

		if (now > n->ts_ns + INIT_MAX_AGE_NS) {
			*pp = n->next;
			free(n);
		} else {
			pp = &n->next;
		}
	}
}

/*
 * Siblings killed by exit_group() may exit before the caller does, and only
 * the caller's own record says who it was: hold their deaths until it
 * comes (or for HOLD_MAX_NS).
 */
static int on_exit_event(struct explain *ex, const struct pt_exit_event *x)
{
	int err;

	if (x->flags & PT_EXIT_INITIATOR) {
		struct initiator_note *n = calloc(1, sizeof(*n));

		if (!n)
			return -ENOMEM;
		n->tgid = x->task.pid;
		n->tid = x->task.tid;
		memcpy(n->comm, x->task.comm, sizeof(n->comm));
		n->comm[sizeof(n->comm) - 1] = '\0';
		n->ts_ns = x->hdr.ts_ns;
		expire_initiators(ex, x->hdr.ts_ns);
		n->next = ex->inits;
		ex->inits = n;
		err = release_held(ex, x->task.pid, 0);
		if (err)
			return err;
	}
	if ((x->flags & PT_EXIT_SIBLING_EXIT) && !x->initiator_tid) {
		const struct initiator_note *n = find_initiator(ex, x->task.pid);
		struct held_exit *h;

		if (n) {
			struct pt_exit_event copy = *x;

			fill_initiator(&copy, n);
			return process_exit(ex, &copy);
		}
		h = malloc(sizeof(*h));
		if (!h)
			return -ENOMEM;
		h->ev = *x;
		h->next = ex->held;
		ex->held = h;
		return 0;
	}
	return process_exit(ex, x);
}

static int on_oom(struct explain *ex, const struct pt_oom_event *o)
{
	struct oom_note *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->ev = *o;
	n->next = ex->ooms;
	ex->ooms = n;
	return 0;
}

/* Register what a traced task runs, so its frames resolve after it is gone. */
static int on_exec(struct explain *ex, const struct pt_exec_event *e)
{
	symbolize__add_exec(ex->sym, e->task.pid, e->filename);
	return 0;
}

int explain__feed(struct explain *ex, const void *data, size_t size)
{
	const struct pt_hdr *h = data;

	/* Shorter than a header: nothing to read, not even its type. */
	if (size < sizeof(*h))
		return 0;
	if (ex->held) {
		int err = release_held(ex, 0, h->ts_ns);

		if (err)
			return err;
	}

	switch (h->type) {
	case PT_EV_SIGNAL:
		if (size < sizeof(struct pt_signal_event))
			return 0;
		if (size >= sizeof(struct pt_signal_dwarf_event) && ex->opts.symbolize_user) {
			const struct pt_signal_dwarf_event *de = data;
			struct pt_ustack u = de->s.u;

			/* Now, while the sender's files are most likely still there. */
			symbolize__unwind(ex->sym, de->s.sig.sender.pid, de->s.sig.sender.tid, &de->d,
					  size - offsetof(struct pt_signal_dwarf_event, d), &u);
			return on_signal(ex, data, &u);
		}
		return on_signal(ex, data,
				 size >= sizeof(struct pt_signal_ustack_event) ?
					 &((const struct pt_signal_ustack_event *)data)->u : NULL);
	case PT_EV_EXIT:
		if (size < sizeof(struct pt_exit_event))
			return 0;
		return on_exit_event(ex, data);
	case PT_EV_OOM:
		if (size < sizeof(struct pt_oom_event))
			return 0;
		return on_oom(ex, data);
	case PT_EV_EXEC:
		if (size < sizeof(struct pt_exec_event))
			return 0;
		return on_exec(ex, data);
	default:
		return 0;
	}
}
