// SPDX-License-Identifier: GPL-2.0
/* verdict.c - a death, its lineage and its pattern in one sentence. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "verdict.h"

/* A helper lives briefly: longer than this, it is a worker, not a helper. */
#define HELPER_MAX_LIFE_NS (2ULL * 1000000000ULL)
/* A supervisor lets its child run a while before a timeout kill. */
#define TIMEOUT_MIN_LIFE_NS (200ULL * 1000000ULL)

const char *verdict__pattern_name(enum verdict_pattern p)
{
	switch (p) {
	case PATTERN_DEAD_PIDFD_HELPER:
		return "dead-pidfd-helper";
	case PATTERN_PARENT_DEATH:
		return "parent-death";
	case PATTERN_SUPERVISOR_TIMEOUT:
		return "supervisor-timeout";
	default:
		return NULL;
	}
}

struct sbuf {
	char *p;
	size_t len, off;
};

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off += (size_t)n;
}

static const char *via(const struct xrec *r)
{
	return r->syscall ? r->syscall : "a signal";
}

static void put_sender_code(struct sbuf *b, const struct xrec *r)
{
	if (r->sender_fn[0])
		put(b, " from %s()", r->sender_fn);
	if (r->sender_src[0])
		put(b, " at %s", r->sender_src);
}

/* ", sent to its own process group 4193 (3 processes)" for kill(0)/kill(-N)/kill(-1). */
static void put_kill_target(struct sbuf *b, const struct xrec *r)
{
	char aim[96];
	const char *kind = explain_words__kill_target(r, aim, sizeof(aim));

	if (kind && aim[0])
		put(b, ", sent to %s", aim);
}

static const struct lineage_pidfd *pidfd_by(const struct lineage_task *t, uint32_t pid)
{
	int i;

	for (i = 0; t && i < t->npidfds; i++)
		if (t->pidfds[i].opener.pid == pid)
			return &t->pidfds[i];
	return NULL;
}

static void put_sigchld(struct sbuf *b, const struct lineage_task *t)
{
	if (!t || !t->has_parent_handler)
		return;
	/*
	 * Whether the handler saw the death depends on the mask of the thread
	 * that forked the child: a parent that blocks SIGCHLD around its own
	 * kill()+waitpid() (CRIU's kill_helper() since #2491) reaps the child
	 * before its handler may run.
	 */
	if (t->parent_chld_handler > 1 && t->parent_chld_blocked)
		put(b, "; the parent had a SIGCHLD handler installed but SIGCHLD blocked when "
		       "this child died, so the handler could not see the death as it happened");
	else if (t->parent_chld_handler > 1)
		put(b, "; the parent had a SIGCHLD handler installed and SIGCHLD unblocked, so "
		       "the handler could see this child die by a signal");
	else if (t->parent_chld_handler == 1)
		put(b, "; the parent ignored SIGCHLD (the child was reaped automatically)");
}

static void put_reaper(struct sbuf *b, const struct lineage_task *t)
{
	if (t && t->has_reaper)
		put(b, "; pid %u (%s) reaped it with %s()", t->reaper.pid, t->reaper.comm,
		    names__syscall(t->reaper.syscall_nr) ? names__syscall(t->reaper.syscall_nr) :
							    "wait");
}

enum verdict_pattern verdict__write(const struct xrec *r, const struct lineage_task *task,
				    const struct lineage *l, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };
	const char *sig = names__signal(r->signo) ? names__signal(r->signo) : "a signal";
	const struct lineage_pidfd *pfd;
	enum verdict_pattern pat = PATTERN_NONE;
	uint64_t life = 0;

	buf[0] = '\0';
	if (task && task->start_ns && r->ts_ns > task->start_ns)
		life = r->ts_ns - task->start_ns;

	if (r->victim.tid && r->victim.tid != r->victim.pid)
		put(&b, "thread %u of pid %u (%s) ", r->victim.tid, r->victim.pid, r->victim.comm);
	else
		put(&b, "pid %u (%s) ", r->victim.pid, r->victim.comm);
	if (r->cause == CAUSE_KILL_SYSCALL && r->has_sender && task && task->has_creator &&
	    task->creator.pid == r->sender.pid && life && life < HELPER_MAX_LIFE_NS &&
	    (pfd = pidfd_by(task, r->sender.pid))) {
		/* The creator opened a pidfd on its helper, then killed it. */
		pat = PATTERN_DEAD_PIDFD_HELPER;
		put(&b, "was killed by its creator pid %u (%s) via %s(2)", r->sender.pid,
		    r->sender.comm, via(r));
		put_kill_target(&b, r);
		put_sender_code(&b, r);
		if (r->has_gen && pfd->opener.ts_ns && r->ts_ns >= pfd->opener.ts_ns)
			put(&b, ", %.1f ms after pid %u opened a pidfd on it",
			    (double)(r->ts_ns - pfd->opener.ts_ns - (r->delay_us > 0 ? r->delay_us * 1000 : 0)) / 1e6,
			    pfd->opener.pid);
		put(&b, ": this is the dead-pidfd helper pattern (a short-lived child made "
			"only to hold a pidfd to a dead process)");
		put_sigchld(&b, task);
		put_reaper(&b, task);
		put(&b, ".");
		return pat;
	}
	if (r->cause == CAUSE_PARENT_DEATH_SIGNAL) {
		const struct lineage_task *parent = r->has_sender ?
						    lineage__get(l, r->sender.tid) : NULL;

		pat = PATTERN_PARENT_DEATH;
		put(&b, "was killed by %s because its parent pid %u (%s) exited and it had set "
			"PR_SET_PDEATHSIG=%s", sig, r->sender.pid, r->sender.comm, sig);
		if (parent && parent->exited && (parent->exit_code & 0x7f))
			put(&b, "; the parent itself had been killed by %s",
			    names__signal(parent->exit_code & 0x7f) ?
				    names__signal(parent->exit_code & 0x7f) : "a signal");
		put(&b, ".");
		return pat;
	}
	if (r->cause == CAUSE_KILL_SYSCALL && r->has_sender && task &&
	    (r->victim.ppid == r->sender.pid ||
	     (task->has_creator && task->creator.pid == r->sender.pid)) &&
	    (r->signo == SIGTERM || r->signo == SIGKILL || r->signo == SIGINT) &&
	    life >= TIMEOUT_MIN_LIFE_NS) {
		pat = PATTERN_SUPERVISOR_TIMEOUT;
		put(&b, "was killed by its supervisor pid %u (%s) with %s via %s(2)", r->sender.pid,
		    r->sender.comm, sig, via(r));
		put_kill_target(&b, r);
		put_sender_code(&b, r);
		put(&b, " after running %.2f s: a supervisor's timeout or shutdown", life / 1e9);
		put_reaper(&b, task);
		put(&b, ".");
		return pat;
	}
	/* No pattern: the explanation, with what the lineage adds. */
	if (r->has_exit && !(r->exit_status & 0x7f))
		/* A zapped thread whose group exited with a code: no signal killed it. */
		put(&b, "exited with code %u: %s", (r->exit_status >> 8) & 0xff, r->detail);
	else if (r->signo == SIGABRT && r->aborted && r->sender_fn[0])
		put(&b, "died by SIGABRT: %s() %s %s()%s%s", r->aborted == 2 ? "assert" : "abort",
		    r->aborted == 2 ? "failed in" : "called from", r->sender_fn,
		    r->sender_src[0] ? " at " : "", r->sender_src);
	else
		put(&b, "died by %s: %s", sig, r->detail);
	if (r->has_fault) {
		if (r->fault_at[0])
			put(&b, ", at %s", r->fault_at);
		if (r->fault_what[0])
			put(&b, "; the address 0x%llx is %s", (unsigned long long)r->fault_addr,
			    r->fault_what);
	}
	if (r->cause == CAUSE_KILL_SYSCALL && !(r->signo == SIGABRT && r->aborted))
		put_sender_code(&b, r);
	if (task && task->has_creator)
		put(&b, "; it was created by pid %u (%s)", task->creator.pid, task->creator.comm);
	put_sigchld(&b, task);
	put_reaper(&b, task);
	put(&b, ".");
	return pat;
}
