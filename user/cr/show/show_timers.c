// SPDX-License-Identifier: GPL-2.0
/* show_timers.c - a task's itimers and POSIX timers in `pidtrace show`, plain and JSON. */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#include "escape.h"
#include "kinds_show.h"
#include "names.h"
#include "show_timers.h"

static const char *itimer_name(uint32_t which)
{
	return which == ITIMER_REAL ? "real" : which == ITIMER_VIRTUAL ? "virtual" :
	       which == ITIMER_PROF ? "prof" : "?";
}

static const char *notify_name(int32_t n)
{
	return n == SIGEV_SIGNAL ? "signal" : n == SIGEV_NONE ? "none" :
	       n == SIGEV_THREAD_ID ? "thread-id" : n == SIGEV_THREAD ? "thread" : "?";
}

void show_timers__print(const TaskCore *c)
{
	char name[16];
	size_t i;

	for (i = 0; i < c->n_itimers; i++)
		printf("  itimer %s: %.3f s left, every %.3f s\n",
		       itimer_name(c->itimers[i]->which), c->itimers[i]->value_us / 1e6,
		       c->itimers[i]->interval_us / 1e6);
	for (i = 0; i < c->n_posix_timers; i++) {
		const PosixTimerEntry *t = c->posix_timers[i];

		printf("  timer %d: clock %d, %s %s value 0x%lx, %.3f s left, every %.3f s\n",
		       t->id, t->clockid, notify_name(t->notify),
		       t->notify == SIGEV_NONE ? "-" : names__signame(t->signo, name, sizeof(name)),
		       (unsigned long)t->sigval, t->value_ns / 1e9, t->interval_ns / 1e9);
	}
}

void show_timers__json(const TaskCore *c, struct json_object *o)
{
	struct json_object *a = json_object_new_array();
	char name[16];
	size_t i;

	for (i = 0; i < c->n_itimers; i++) {
		struct json_object *t = json_object_new_object();

		kinds_show__add(t, "which", escape__json_string(itimer_name(c->itimers[i]->which)));
		kinds_show__add(t, "value_us", kinds_show__u64(c->itimers[i]->value_us));
		kinds_show__add(t, "interval_us", kinds_show__u64(c->itimers[i]->interval_us));
		json_object_array_add(a, t);
	}
	kinds_show__add(o, "itimers", a);
	a = json_object_new_array();
	for (i = 0; i < c->n_posix_timers; i++) {
		const PosixTimerEntry *p = c->posix_timers[i];
		struct json_object *t = json_object_new_object();

		kinds_show__add(t, "id", json_object_new_int(p->id));
		kinds_show__add(t, "clockid", json_object_new_int(p->clockid));
		kinds_show__add(t, "notify", escape__json_string(notify_name(p->notify)));
		kinds_show__add(t, "signo", json_object_new_int(p->signo));
		if (p->signo > 0)
			kinds_show__add(t, "signal", escape__json_string(names__signame(p->signo, name, sizeof(name))));
		kinds_show__add(t, "sigval", kinds_show__hex(p->sigval));
		if (p->has_notify_tid)
			kinds_show__add(t, "tid", json_object_new_int(p->notify_tid));
		kinds_show__add(t, "value_ns", kinds_show__u64(p->value_ns));
		kinds_show__add(t, "interval_ns", kinds_show__u64(p->interval_ns));
		if (p->has_overrun)
			kinds_show__add(t, "overrun", json_object_new_int(p->overrun));
		json_object_array_add(a, t);
	}
	kinds_show__add(o, "posix_timers", a);
}
