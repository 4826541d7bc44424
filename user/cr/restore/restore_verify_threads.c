// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_threads.c - every thread of a restored process against
 * the image: the same tids, each with its name, blocked mask, scheduling
 * policy, priority and nice, CPU affinity, seccomp state and credentials (see
 * restore_verify_threads.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfs.h"
#include "restore_ctx.h"
#include "restore_seccomp.h"
#include "restore_verify.h"
#include "restore_verify_threads.h"
#include "sched_attr.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/*
 * CPU affinity: status' Cpus_allowed (32-bit hex groups, highest first,
 * comma separated) against the image's sched_getaffinity bytes.
 */
static int check_affinity(struct verify *v, const ThreadCore *th, const char *status, bool leader)
{
	const char *f = procfs__field(status, "Cpus_allowed:"), *p;
	uint8_t now[1024] = {0};
	size_t nbits = 0, i, n = th->cpu_affinity.len;
	char what[64];

	if (!f)
		return 0;
	while (*f == ' ' || *f == '\t')
		f++;
	for (p = f; *p && *p != '\n'; p++)
		;
	/* From the last hex digit backwards: bit 0 first. */
	while (p-- > f) {
		int d;

		if (*p == ',')
			continue;
		d = *p >= 'a' ? *p - 'a' + 10 : *p - '0';
		if (nbits / 8 < sizeof(now))
			now[nbits / 8] |= (d & 0xf) << (nbits % 8);
		nbits += 4;
	}
	v->n->sched++;
	snprintf(what, sizeof(what), leader ? "CPU affinity" : "thread %u: CPU affinity", th->tid);
	for (i = 0; i < sizeof(now) && i < (nbits + 7) / 8; i++) {
		uint8_t img = i < n ? th->cpu_affinity.data[i] : 0;

		if (img != now[i]) {
			char a[32], b[32];

			snprintf(a, sizeof(a), "byte %zu 0x%02x", i, img);
			snprintf(b, sizeof(b), "0x%02x", now[i]);
			return restore_ctx__fail(v->ctx, v->pid, -EIO,
					     "pid %d: %s (%s) in the image, %s after restore",
					     v->pid, what, a, b);
		}
	}
	return 0;
}

/* One thread's own state: name, blocked and pending signals, scheduling. */
static int check_thread(struct verify *v, const ThreadCore *th, const char *name, bool leader)
{
	const TaskCore *c = v->t->core;
	char sname[64], what[80], *status = NULL;
	struct vstat st;
	int err;

	snprintf(sname, sizeof(sname), "%s/stat", name);
	err = restore_verify__stat(v->opid, sname, &st);
	if (err)
		return restore_verify__cannot(v, sname, err);
	snprintf(sname, sizeof(sname), "%s/status", name);
	err = procfs__read(v->opid, sname, &status, NULL);
	if (err)
		return restore_verify__cannot(v, sname, err);
	if (leader) {
		snprintf(what, sizeof(what), "blocked signals");
	} else {
		snprintf(what, sizeof(what), "thread %u: comm", th->tid);
		err = restore_verify__str(v, what, th->comm, st.comm);
		snprintf(what, sizeof(what), "thread %u: blocked signals", th->tid);
	}
	if (!err)
		err = restore_verify__num(v, what, VF_HEX, th->blocked,
					  restore_verify__hex(status, "SigBlk:"));
	v->n->sigmasks++;
	if (!err) {
		snprintf(what, sizeof(what),
			 leader ? "pending signals" : "thread %u: pending signals", th->tid);
		err = restore_verify_sig__pending(v, what, th->pending, th->n_pending,
						  restore_verify__hex(status, "SigPnd:"));
	}
	if (!err && (th->has_nice || (leader && c->has_nice))) {
		snprintf(what, sizeof(what), leader ? "nice" : "thread %u: nice", th->tid);
		err = restore_verify__num(v, what, VF_SDEC, th->has_nice ? th->nice : c->nice,
					  st.nice);
		v->n->sched++;
	}
	if (!err && th->has_cpu_affinity)
		err = check_affinity(v, th, status, leader);
	/* /proc shows the policy without SCHED_RESET_ON_FORK (not compared). */
	if (!err && th->has_sched_policy) {
		snprintf(what, sizeof(what),
			 leader ? "scheduling policy" : "thread %u: scheduling policy", th->tid);
		err = restore_verify__num(v, what, VF_DEC, th->sched_policy & ~SCHED_RESET_ON_FORK,
					  st.policy);
		v->n->sched++;
	}
	if (!err && th->has_sched_priority) {
		snprintf(what, sizeof(what),
			 leader ? "scheduling priority" : "thread %u: scheduling priority",
			 th->tid);
		err = restore_verify__num(v, what, VF_DEC, th->sched_priority, st.rt_priority);
		v->n->sched++;
	}
	/* Both per thread, both readable from outside (the slack with CAP_SYS_NICE). */
	if (!err && th->has_ioprio) {
		snprintf(what, sizeof(what), leader ? "ioprio" : "thread %u: ioprio", th->tid);
		err = restore_verify__num(v, what, VF_HEX, th->ioprio,
					  syscall(SYS_ioprio_get, 1, atoi(name + 5)));
		v->n->sched++;
	}
	if (!err && th->has_sched_runtime) {
		struct taskstate_sched_attr a;

		memset(&a, 0, sizeof(a));
		snprintf(what, sizeof(what), leader ? "time slice" : "thread %u: time slice", th->tid);
		if (syscall(SYS_sched_getattr, atoi(name + 5), &a, sizeof(a), 0))
			return restore_verify__cannot(v, what, -errno);
		err = restore_verify__num(v, what, VF_DEC, th->sched_runtime, a.sched_runtime);
		v->n->sched++;
	}
	if (!err && th->has_timer_slack_ns && th->timer_slack_ns) {
		char *buf = NULL;

		snprintf(what, sizeof(what), leader ? "timer slack" : "thread %u: timer slack",
			 th->tid);
		/* /proc/TID: there is no task/TID/timerslack_ns. */
		if (!procfs__read(atoi(name + 5), "timerslack_ns", &buf, NULL))
			err = restore_verify__num(v, what, VF_DEC, th->timer_slack_ns,
						  strtoull(buf, NULL, 10));
		free(buf);
		v->n->sched++;
	}
	if (!err)
		err = restore_seccomp__verify(v, th, status, leader);
	/* Per thread: its own credentials, or the process's (the leader: restore_verify_task.c). */
	if (!err && !leader) {
		char dir[80];

		snprintf(dir, sizeof(dir), "%s/", name);
		snprintf(what, sizeof(what), "thread %u: ", th->tid);
		err = restore_verify_task__creds(v, th->creds ? th->creds : c->creds, status, dir,
						 what);
	}
	free(status);
	return err;
}

static const ThreadCore *find_thread(const TaskCore *c, uint32_t tid)
{
	size_t i;

	for (i = 0; i < c->n_threads; i++)
		if (c->threads[i]->tid == tid)
			return c->threads[i];
	return NULL;
}

/* Every thread of the process: the image's tids, no more, each with its state. */
int restore_verify_threads__all(struct verify *v)
{
	const TaskCore *c = v->t->core;
	char name[64], *status = NULL;
	size_t seen = 0;
	struct dirent *de;
	uint32_t tid;
	DIR *d;
	int err = 0;

	snprintf(name, sizeof(name), "/proc/%d/task", v->opid);
	d = opendir(name);
	if (!d)
		return restore_verify__cannot(v, "its threads", -errno);
	while (!err && (de = readdir(d))) {
		const ThreadCore *th;
		int otid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		otid = atoi(de->d_name);
		snprintf(name, sizeof(name), "task/%d", otid);
		if (otid == v->opid) {
			err = check_thread(v, c->thread, name, true);
			seen++;
			continue;
		}
		snprintf(name, sizeof(name), "task/%d/status", otid);
		err = procfs__read(v->opid, name, &status, NULL);
		if (!err)
			err = restore_verify__ns_last(status, "NSpid:", &tid);
		free(status);
		status = NULL;
		if (err) {
			err = restore_verify__cannot(v, name, err);
			break;
		}
		th = find_thread(c, tid);
		if (!th) {
			err = restore_ctx__fail(
				v->ctx, v->pid, -EIO,
				"pid %d: thread %u: none in the image, running after restore",
				v->pid, tid);
			break;
		}
		snprintf(name, sizeof(name), "task/%d", otid);
		err = check_thread(v, th, name, false);
		seen++;
	}
	closedir(d);
	if (!err && seen != c->n_threads + 1)
		err = restore_verify__num(v, "threads", VF_DEC, c->n_threads + 1, seen);
	if (!err)
		v->n->threads += seen;
	return err;
}
