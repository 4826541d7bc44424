// SPDX-License-Identifier: GPL-2.0
/*
 * watchdog.c - the tracer around a job (see watchdog.h).
 *
 * The tracer (the light skeleton of bpf/watchdog.bpf.c) loads in a thread
 * of its own, so that the job can read its input meanwhile; everything
 * else happens on the caller's thread once the load is over (ptrace work
 * in particular stays on the main thread). The thread touches nothing but
 * the tracer, which nobody else uses until watchdog__ready() joined it.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "interrupts.h"
#include "log.h"
#include "tracer.h"
#include "watchdog.h"
#include "xrecs.h"

/* How long watchdog__settle() waits for the records it knows must come. */
#define SETTLE_SYNC_MS	1000
#define SETTLE_DYING_MS 1000

struct watchdog {
	struct watchdog_opts opts;
	struct tracer *tracer;
	struct explain *ex;
	struct xrecs deaths;
	size_t unexpected;
	pthread_t loader;
	bool loading; /* the loader thread runs or is not joined yet */
	int load_err; /* its result, once joined */
};

static int on_record(void *ctx, const struct xrec *r)
{
	struct watchdog *wd = ctx;
	int err;

	if (r->kind != XREC_DEATH)
		return 0;
	err = xrecs__push(&wd->deaths, r);
	if (err)
		return err;
	if (!r->expected)
		wd->unexpected++;
	return wd->opts.on_death ? wd->opts.on_death(wd->opts.ctx, r) : 0;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	struct watchdog *wd = ctx;

	return explain__feed(wd->ex, data, size);
}

static void *load_main(void *arg)
{
	struct watchdog *wd = arg;

	interrupts__block_own();
	wd->load_err = tracer__start(wd->tracer);
	return NULL;
}

int watchdog__start(struct watchdog **out, const struct watchdog_opts *opts)
{
	struct tracer_opts topts = { 0 };
	struct explain_opts xopts = { 0 };
	struct watchdog *wd;
	sigset_t all, old;
	int err;

	wd = calloc(1, sizeof(*wd));
	if (!wd)
		return -ENOMEM;
	wd->opts = *opts;
	xopts.symbolize_user = opts->user_stacks;
	/* The job's report names no kernel stack: a rollback's kills need none. */
	xopts.kstacks_for_cause = true;
	xopts.emit = on_record;
	xopts.ctx = wd;
	wd->ex = explain__new(&xopts);
	if (!wd->ex) {
		err = -ENOMEM;
		goto err;
	}
	/* Every fatal generation to a tracked task, and every death. */
	topts.filter.sig_mask = ~0ULL;
	topts.filter.deaths_only = 1;
	topts.filter.filter_pids = 1;
	topts.filter.follow_children = opts->follow_children;
	topts.filter.lineage = opts->lineage;
	topts.filter.ustacks = opts->user_stacks;
	topts.filter.cgroup_ssid = -1;
	/*
	 * The default ring, 4 MiB: a rollback kills and reaps every task
	 * before it reads the tracer, ~1.3 KiB of records each, so this holds
	 * the deaths of ~3000 tasks (1 MiB would start ~1 ms sooner).
	 */
	topts.ringbuf_bytes = 0;
	/* The light tracer has no lineage programs (bpf/watchdog.bpf.c). */
	topts.light = !opts->lineage;
	topts.defer_errors = true; /* the job says it: watchdog__error() */
	topts.on_event = on_event;
	topts.ctx = wd;
	wd->tracer = tracer__new(&topts);
	if (!wd->tracer) {
		err = -errno;
		goto err;
	}
	/* The loader must not take the signals the job waits for. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&wd->loader, NULL, load_main, wd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		/* No thread: load here and now. */
		wd->load_err = tracer__start(wd->tracer);
	} else {
		wd->loading = true;
	}
	*out = wd;
	return 0;
err:
	watchdog__free(wd);
	return err;
}

int watchdog__ready(struct watchdog *wd)
{
	if (wd->loading) {
		pthread_join(wd->loader, NULL);
		wd->loading = false;
	}
	return wd->load_err;
}

const char *watchdog__error(const struct watchdog *wd)
{
	return wd->load_err ? tracer__error(wd->tracer) : "";
}

int watchdog__track(struct watchdog *wd, pid_t pid)
{
	int err = watchdog__ready(wd);

	return err ? err : tracer__track(wd->tracer, pid);
}

/*
 * The decision is now: the tracer's clock is CLOCK_MONOTONIC too
 * (bpf_ktime_get_ns), so a generation stamped before this instant was
 * made before pidtrace decided anything.
 */
int watchdog__expect(struct watchdog *wd, pid_t pid, enum cause cause, const char *why)
{
	return explain__expect(wd->ex, pid, getpid(), SIGKILL, clock__mono_ns(), cause, why);
}

int watchdog__expect_self(struct watchdog *wd, pid_t pid, int signo, enum cause cause,
			  const char *why)
{
	if (!signo)
		return 0; /* an exit: no death by a signal to explain */
	return explain__expect(wd->ex, pid, pid, signo, clock__mono_ns(), cause, why);
}

int watchdog__poll(struct watchdog *wd, int timeout_ms)
{
	int err = watchdog__ready(wd);

	if (err)
		return err;
	return timeout_ms ? tracer__poll(wd->tracer, timeout_ms) : tracer__drain(wd->tracer);
}

int watchdog__settle(struct watchdog *wd)
{
	double until;
	int err;

	err = watchdog__ready(wd);
	if (err)
		return err;
	err = tracer__sync(wd->tracer, SETTLE_SYNC_MS);
	if (err == -EOPNOTSUPP) /* the full tracer (lineage): what is there */
		err = tracer__drain(wd->tracer) < 0 ? -EIO : 0;
	if (err)
		return err;
	/*
	 * A SIGKILL recorded already kills its task: wait for that death's
	 * own record (its task may still be on its way out).
	 */
	until = clock__mono_ms() + SETTLE_DYING_MS;
	while (explain__pending(wd->ex, SIGKILL) && clock__mono_ms() < until) {
		err = tracer__poll(wd->tracer, 10);
		if (err < 0 && err != -EINTR)
			return err;
	}
	return explain__flush(wd->ex);
}

size_t watchdog__unexpected(const struct watchdog *wd)
{
	return wd->unexpected;
}

const struct xrec *watchdog__deaths(const struct watchdog *wd, size_t *n)
{
	*n = wd->deaths.n;
	return wd->deaths.v;
}

unsigned long long watchdog__drops(struct watchdog *wd)
{
	struct tracer_stats st;

	if (watchdog__ready(wd) || tracer__stats(wd->tracer, &st))
		return 0;
	return st.drops;
}

void watchdog__free(struct watchdog *wd)
{
	if (!wd)
		return;
	watchdog__ready(wd);
	tracer__free(wd->tracer);
	explain__free(wd->ex);
	xrecs__free(&wd->deaths);
	free(wd);
}
