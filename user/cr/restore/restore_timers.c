// SPDX-License-Identifier: GPL-2.0
/*
 * restore_timers.c - POSIX timers are created again inside the task with
 * their old ids (prctl(PR_TIMER_CREATE_RESTORE_IDS): timer_create() then
 * takes the id it is given), their clock and their notification (signal,
 * sigev_value, target thread), then armed with the time they had left and
 * their interval; itimers likewise with setitimer(). The overrun count of
 * a POSIX timer cannot be set: it starts again from 0.
 */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_timers.h"

#ifndef PR_TIMER_CREATE_RESTORE_IDS
#define PR_TIMER_CREATE_RESTORE_IDS 77
#define PR_TIMER_CREATE_RESTORE_IDS_OFF 0
#define PR_TIMER_CREATE_RESTORE_IDS_ON 1
#endif

/* The kernel's struct sigevent (64 bytes), and the id timer_create() reads back. */
struct ksigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;
	int32_t pad[11];
};

struct create_args {
	struct ksigevent ev;
	int32_t id;
};

static void ns_to_ts(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = ns / 1000000000ULL;
	ts->tv_nsec = ns % 1000000000ULL;
}

static int posix_timer(struct restore_ctx *ctx, struct rtask *t, const PosixTimerEntry *p)
{
	struct create_args a;
	struct itimerspec its;
	unsigned long addr;
	int32_t got = -1;
	long r;
	int err;

	memset(&a, 0, sizeof(a));
	a.ev.value = p->sigval;
	a.ev.signo = p->signo;
	a.ev.notify = p->notify;
	a.ev.tid = p->has_notify_tid ? p->notify_tid : 0;
	a.id = p->id;
	err = restore_ctx__put(t, 0, &a, sizeof(a), &addr);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: timer %d: %s", t->pid, p->id,
				     strerror(-err));
	r = restore_ctx__sys(t, SYS_timer_create, p->clockid, addr,
			 addr + offsetof(struct create_args, id), 0, 0, 0);
	if (!r)
		r = ptrace__read_mem(t->pt, addr + offsetof(struct create_args, id), &got,
					  sizeof(got));
	if (r || got != p->id)
		return restore_ctx__fail(ctx, t->pid, r ? (int)r : -EEXIST,
				     "pid %d: timer_create(id %d, clock %d): %s", t->pid, p->id,
				     p->clockid, r ? strerror((int)-r) : "got another id");
	if (!p->value_ns)
		return 0;
	ns_to_ts(p->value_ns, &its.it_value);
	ns_to_ts(p->interval_ns, &its.it_interval);
	err = restore_ctx__put(t, 0, &its, sizeof(its), &addr);
	r = err ? err : restore_ctx__sys(t, SYS_timer_settime, p->id, 0, addr, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: timer_settime(%d): %s", t->pid,
				     p->id, strerror((int)-r));
	return 0;
}

static int itimer(struct restore_ctx *ctx, struct rtask *t, const ItimerEntry *e)
{
	struct itimerval v;
	unsigned long addr;
	long r;
	int err;

	v.it_value.tv_sec = e->value_us / 1000000;
	v.it_value.tv_usec = e->value_us % 1000000;
	v.it_interval.tv_sec = e->interval_us / 1000000;
	v.it_interval.tv_usec = e->interval_us % 1000000;
	/* A timer that was due (0 left) but periodic fires at once. */
	if (!e->value_us && e->interval_us)
		v.it_value.tv_usec = 1;
	err = restore_ctx__put(t, 0, &v, sizeof(v), &addr);
	r = err ? err : restore_ctx__sys(t, SYS_setitimer, e->which, addr, 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: setitimer(%u): %s", t->pid,
				     e->which, strerror((int)-r));
	return 0;
}

int restore_timers__task(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCore *c = t->core;
	size_t i;
	long r;
	int err = 0;

	if (c->n_posix_timers) {
		r = restore_ctx__sys(t, SYS_prctl, PR_TIMER_CREATE_RESTORE_IDS,
				 PR_TIMER_CREATE_RESTORE_IDS_ON, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: POSIX timers: cannot choose their ids (PR_TIMER_CREATE_RESTORE_IDS): %s",
					     t->pid, strerror((int)-r));
		for (i = 0; !err && i < c->n_posix_timers; i++)
			err = posix_timer(ctx, t, c->posix_timers[i]);
		r = restore_ctx__sys(t, SYS_prctl, PR_TIMER_CREATE_RESTORE_IDS,
				 PR_TIMER_CREATE_RESTORE_IDS_OFF, 0, 0, 0, 0);
		if (!err && r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_TIMER_CREATE_RESTORE_IDS: %s",
					     t->pid, strerror((int)-r));
	}
	for (i = 0; !err && i < c->n_itimers; i++)
		err = itimer(ctx, t, c->itimers[i]);
	return err;
}
