// SPDX-License-Identifier: GPL-2.0
/*
 * dump_timers.c - itimers (getitimer inside the task) and POSIX timers:
 * their ids, clocks and how they notify from /proc/PID/timers, the time
 * left and the interval from timer_gettime() inside the task. A timer's
 * time keeps running while the task is stopped: what is saved is the time
 * left at the moment it was read.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "dump_ctx.h"
#include "dump_timers.h"
#include "log.h"
#include "ptrace.h"

struct kitimerval {
	struct timeval interval, value;
};

static int add_itimer(TaskCore *core, unsigned int which, const struct kitimerval *v)
{
	ItimerEntry *e, **arr;

	arr = realloc(core->itimers, (core->n_itimers + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	core->itimers = arr;
	e = PB_NEW(ItimerEntry, itimer_entry);
	if (!e)
		return -ENOMEM;
	arr[core->n_itimers++] = e;
	e->which = which;
	e->value_us = v->value.tv_sec * 1000000ULL + v->value.tv_usec;
	e->interval_us = v->interval.tv_sec * 1000000ULL + v->interval.tv_usec;
	return 0;
}

static int itimers(struct dump_task *t, TaskCore *core, unsigned long scratch)
{
	struct kitimerval v[ITIMER_PROF + 1];
	struct ptrace_call calls[ITIMER_PROF + 1];
	unsigned int which;
	int err;

	/* One batch of remote calls (ptrace__syscalls()), one slot each. */
	memset(calls, 0, sizeof(calls));
	for (which = ITIMER_REAL; which <= ITIMER_PROF; which++) {
		calls[which].nr = SYS_getitimer;
		calls[which].args[0] = which;
		calls[which].args[1] = (long)(scratch + which * sizeof(v[0]));
	}
	err = ptrace__syscalls(t->pt, calls, ITIMER_PROF + 1);
	for (which = ITIMER_REAL; !err && which <= ITIMER_PROF; which++)
		if (calls[which].ret < 0 && calls[which].ret > -4096)
			err = (int)calls[which].ret;
	if (!err)
		err = ptrace__read_mem(t->pt, scratch, v, sizeof(v));
	if (err)
		return err;
	for (which = ITIMER_REAL; which <= ITIMER_PROF; which++) {
		if (!v[which].value.tv_sec && !v[which].value.tv_usec &&
		    !v[which].interval.tv_sec && !v[which].interval.tv_usec)
			continue;
		err = add_itimer(core, which, &v[which]);
		if (err)
			return err;
	}
	return 0;
}

/* One "ID: ..." block of /proc/PID/timers into @e. Return: 0 or -EINVAL. */
static int parse_timer(const char *block, PosixTimerEntry *e)
{
	const char *sig = procfs__field(block, "signal:");
	const char *notify = procfs__field(block, "notify:");
	char how[16] = "", whom[8] = "";
	unsigned long long val;
	uint64_t v;
	int signo, pid;

	if (procfs__field_u64(block, "ID:", 10, &v) || !sig || !notify)
		return -EINVAL;
	e->id = (int32_t)v;
	if (procfs__field_u64(block, "ClockID:", 10, &v))
		return -EINVAL;
	e->clockid = (int32_t)v;
	if (sscanf(sig, "%d/%llx", &signo, &val) != 2 ||
	    sscanf(notify, "%15[a-z]/%7[a-z].%d", how, whom, &pid) != 3)
		return -EINVAL;
	e->signo = signo;
	e->sigval = val;
	e->notify = !strcmp(how, "none") ? SIGEV_NONE : !strcmp(how, "thread") ? SIGEV_THREAD :
		    SIGEV_SIGNAL;
	if (!strcmp(whom, "tid")) {
		e->notify |= SIGEV_THREAD_ID;
		e->has_notify_tid = true;
		e->notify_tid = pid;
	}
	return 0;
}

static int posix_timers(struct dump_task *t, TaskCore *core, unsigned long scratch)
{
	char *buf = NULL, *block, *next;
	struct itimerspec its;
	PosixTimerEntry *e, **arr;
	long overrun;
	int err;

	err = procfs__read(t->pid, "timers", &buf, NULL);
	if (err)
		return err;
	for (block = strstr(buf, "ID:"); block; block = next) {
		next = strstr(block + 3, "\nID:");
		if (next)
			*next++ = '\0';
		arr = realloc(core->posix_timers, (core->n_posix_timers + 1) * sizeof(*arr));
		if (!arr) {
			err = -ENOMEM;
			break;
		}
		core->posix_timers = arr;
		e = PB_NEW(PosixTimerEntry, posix_timer_entry);
		if (!e) {
			err = -ENOMEM;
			break;
		}
		arr[core->n_posix_timers++] = e;
		if (parse_timer(block, e)) {
			pr_err("pid %d: /proc/%d/timers: unexpected format", t->pid, t->pid);
			err = -EOPNOTSUPP;
			break;
		}
		err = dump_ctx__syscall(t, SYS_timer_gettime, e->id, scratch, 0, 0, NULL);
		if (!err)
			err = ptrace__read_mem(t->pt, scratch, &its, sizeof(its));
		if (!err)
			err = dump_ctx__syscall(t, SYS_timer_getoverrun, e->id, 0, 0, 0, &overrun);
		if (err)
			break;
		e->value_ns = its.it_value.tv_sec * 1000000000ULL + its.it_value.tv_nsec;
		e->interval_ns = its.it_interval.tv_sec * 1000000000ULL + its.it_interval.tv_nsec;
		e->has_overrun = true;
		e->overrun = overrun;
	}
	free(buf);
	return err;
}

int dump_timers__task(struct dump_task *t, TaskCore *core, unsigned long scratch)
{
	int err = itimers(t, core, scratch);

	if (!err)
		err = posix_timers(t, core, scratch);
	if (err && err != -ESRCH && err != -EOPNOTSUPP)
		pr_err("pid %d: cannot read its timers: %s", t->pid, strerror(-err));
	return err;
}
