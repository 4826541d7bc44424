/* SPDX-License-Identifier: GPL-2.0 */
/*
 * watchdog.h - the tracer around a job (a restore, a run): every task the
 * job creates is registered in the tracer's pid filter, deaths the job
 * plans are declared expected, and every death by a signal of a registered
 * task is kept, fully explained, for the job's report. An unexpected death
 * is flagged so the job can roll back.
 *
 * Typical use:
 *	watchdog__start(&wd, &opts);     starts loading the tracer (a thread)
 *	... read the job's input ...
 *	watchdog__ready(wd);             loaded and attached: before the first task exists
 *	watchdog__track(wd, pid);        for every task created
 *	watchdog__expect(wd, pid, ...);  just before pidtrace kills a task on purpose
 *	watchdog__poll(wd, 0);           between steps: reads pending records
 *	watchdog__unexpected(wd)         any unplanned death so far?
 *	watchdog__settle(wd);            at the end: every record up to now is read
 *	watchdog__deaths(wd, &n)         the explanations, for the report
 *	watchdog__free(wd);
 */
#ifndef PT_WATCHDOG_H
#define PT_WATCHDOG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "explain.h"

struct watchdog;

struct watchdog_opts {
	bool follow_children; /* children of tracked tasks are tracked too */
	bool lineage;	      /* fork/exec/pidfd/reap records (pidtrace run) */
	bool user_stacks;     /* senders' user stacks, symbolized */
	/* Called for every explained death, as it is read (may be NULL). */
	int (*on_death)(void *ctx, const struct xrec *r);
	void *ctx;
};

/*
 * Start loading and attaching the tracer, in a thread of its own (~15 ms):
 * the caller reads its input meanwhile. Return: 0 or -errno.
 */
int watchdog__start(struct watchdog **out, const struct watchdog_opts *opts);
/*
 * Wait until the tracer is loaded and attached; the other functions but
 * watchdog__expect() wait for it too. Return: 0 or the load's -errno
 * (not reported: watchdog__error() says why).
 */
int watchdog__ready(struct watchdog *wd);
/* Why the tracer could not start, in a sentence ("" when it did). */
const char *watchdog__error(const struct watchdog *wd);
int watchdog__track(struct watchdog *wd, pid_t pid);
/*
 * Declare that pidtrace is about to kill @pid with SIGKILL (call it right
 * before the kill): its death record gets expected, class @cause, detail
 * @why -- only if the kernel's record of the signal that killed it says
 * SIGKILL, sent by pidtrace (this process) with a kill syscall, after this
 * call. A death by anyone else's signal, even one sent a moment before,
 * keeps its own cause and is unexpected.
 */
int watchdog__expect(struct watchdog *wd, pid_t pid, enum cause cause, const char *why);
/* The same for a task that kills itself with @signo at pidtrace's command (a zombie, a helper). */
int watchdog__expect_self(struct watchdog *wd, pid_t pid, int signo, enum cause cause,
			  const char *why);
/* Read what the kernel side has, waiting up to timeout_ms. Return: records or -errno. */
int watchdog__poll(struct watchdog *wd, int timeout_ms);
/*
 * Read every record the kernel side made until now (exactly: a marker
 * record, no quiet period to wait for), then wait for the deaths that
 * SIGKILLs already read announce (1 s at most); release what explain
 * holds back. Return: 0 or -errno.
 */
int watchdog__settle(struct watchdog *wd);
/* Number of deaths of tracked tasks that nobody declared expected. */
size_t watchdog__unexpected(const struct watchdog *wd);
/* Every death record kept so far (valid until the next poll or free). */
const struct xrec *watchdog__deaths(const struct watchdog *wd, size_t *n);
/* Records lost because the ring buffer was full. */
unsigned long long watchdog__drops(struct watchdog *wd);
void watchdog__free(struct watchdog *wd);

#endif
