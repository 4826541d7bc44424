// SPDX-License-Identifier: GPL-2.0
/* watchdog.c - the tracer around a job (see watchdog.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tracer.h"
#include "watchdog.h"

struct watchdog {
	struct watchdog_opts opts;
	struct tracer *tracer;
	struct explain *ex;
	struct xrec *deaths;
	size_t ndeaths, cap;
	size_t unexpected;
};

static int on_record(void *ctx, const struct xrec *r)
{
	struct watchdog *wd = ctx;

	if (r->kind != XREC_DEATH)
		return 0;
	if (wd->ndeaths == wd->cap) {
		size_t cap = wd->cap ? wd->cap * 2 : 16;
		struct xrec *v = realloc(wd->deaths, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		wd->deaths = v;
		wd->cap = cap;
	}
	wd->deaths[wd->ndeaths++] = *r;
	if (!r->expected)
		wd->unexpected++;
	return wd->opts.on_death ? wd->opts.on_death(wd->opts.ctx, r) : 0;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	struct watchdog *wd = ctx;

	return explain__feed(wd->ex, data, size);
}

int watchdog__start(struct watchdog **out, const struct watchdog_opts *opts)
{
	struct tracer_opts topts = { 0 };
	struct explain_opts xopts = { 0 };
	struct watchdog *wd;
	int err;

	wd = calloc(1, sizeof(*wd));
	if (!wd)
		return -ENOMEM;
	wd->opts = *opts;
	xopts.symbolize_user = opts->user_stacks;
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
	topts.on_event = on_event;
	topts.ctx = wd;
	wd->tracer = tracer__new(&topts);
	if (!wd->tracer) {
		err = -errno;
		goto err;
	}
	err = tracer__start(wd->tracer);
	if (err)
		goto err;
	*out = wd;
	return 0;
err:
	watchdog__free(wd);
	return err;
}

int watchdog__track(struct watchdog *wd, pid_t pid)
{
	return tracer__track(wd->tracer, pid);
}

int watchdog__expect(struct watchdog *wd, pid_t pid, enum cause cause, const char *why)
{
	return explain__expect(wd->ex, pid, cause, why);
}

int watchdog__poll(struct watchdog *wd, int timeout_ms)
{
	return timeout_ms ? tracer__poll(wd->tracer, timeout_ms) : tracer__drain(wd->tracer);
}

size_t watchdog__unexpected(const struct watchdog *wd)
{
	return wd->unexpected;
}

const struct xrec *watchdog__deaths(const struct watchdog *wd, size_t *n)
{
	*n = wd->ndeaths;
	return wd->deaths;
}

unsigned long long watchdog__drops(struct watchdog *wd)
{
	struct tracer_stats st;

	if (tracer__stats(wd->tracer, &st))
		return 0;
	return st.drops;
}

void watchdog__free(struct watchdog *wd)
{
	if (!wd)
		return;
	tracer__free(wd->tracer);
	explain__free(wd->ex);
	free(wd->deaths);
	free(wd);
}
