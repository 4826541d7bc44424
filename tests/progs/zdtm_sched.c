// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_sched - scheduling is per thread and survives: the main thread runs
 * SCHED_RR priority 7 with SCHED_RESET_ON_FORK, one thread SCHED_FIFO
 * priority 3, another SCHED_IDLE, and a child process SCHED_BATCH with
 * nice 6 (set by the parent, like zdtm's sched_policy00 does). After
 * SIGTERM each is read back with sched_getattr (the threads by tid, the
 * child by pid) and must match; so must the CPU affinity of the idle
 * thread (CPU 0 only) and of the child (the last CPU only).
 * PASS or FAIL: why.
 * "deadline": the FIFO thread runs SCHED_DEADLINE instead (dump must
 * refuse it; after SIGTERM it must still have it).
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
};

struct want {
	const char *who;
	pid_t tid;
	uint32_t policy, prio;
	uint64_t flags;
	int nice;
};

static struct want want[4];
static volatile pid_t tids[2];

static void get(pid_t tid, struct attr *a)
{
	memset(a, 0, sizeof(*a));
	if (syscall(SYS_sched_getattr, tid, a, sizeof(*a), 0))
		zdtm_fail("sched_getattr(%d)", tid);
}

static void set(const struct want *w)
{
	struct attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.policy = w->policy;
	a.prio = w->prio;
	a.flags = w->flags;
	a.nice = w->nice;
	if (syscall(SYS_sched_setattr, w->tid, &a, 0))
		zdtm_fail("sched_setattr(%s)", w->who);
}

static void *idle(void *arg)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	tids[(intptr_t)arg] = syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	bool deadline = argc > 1 && !strcmp(argv[1], "deadline");
	pthread_t th[2];
	cpu_set_t cpus, aff[4];
	struct attr a;
	pid_t child;
	int i, status;

	zdtm_init();
	for (i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, idle, (void *)(intptr_t)i))
			zdtm_fail("pthread_create");
	while (!tids[0] || !tids[1])
		usleep(1000);
	child = fork();
	if (child < 0)
		zdtm_fail("fork");
	if (!child) {
		for (;;)
			pause();
	}
	want[0] = (struct want){ "main", getpid(), SCHED_RR, 7, 1, 0 };
	want[1] = (struct want){ "fifo thread", tids[0], SCHED_FIFO, 3, 0, 0 };
	want[2] = (struct want){ "idle thread", tids[1], SCHED_IDLE, 0, 0, 0 };
	want[3] = (struct want){ "batch child", child, SCHED_BATCH, 0, 0, 6 };
	if (deadline) {
		want[1].policy = 6; /* SCHED_DEADLINE: 1 ms every 100 ms */
		want[1].prio = 0;
	}
	for (i = 0; i < 4; i++) {
		if (i == 1 && deadline) {
			struct attr d = { sizeof(d), 6, 0, 0, 0, 1000000, 100000000, 100000000 };

			if (syscall(SYS_sched_setattr, want[1].tid, &d, 0))
				zdtm_fail("sched_setattr(SCHED_DEADLINE)");
			continue;
		}
		set(&want[i]);
	}
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(tids[1], sizeof(cpus), &cpus))
		zdtm_fail("sched_setaffinity(idle thread)");
	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	if (sched_setaffinity(child, sizeof(cpus), &cpus))
		zdtm_fail("sched_setaffinity(child)");
	for (i = 0; i < 4; i++)
		if (sched_getaffinity(want[i].tid, sizeof(aff[i]), &aff[i]))
			zdtm_fail("sched_getaffinity(%s)", want[i].who);
	if (sched_getscheduler(0) != (SCHED_RR | SCHED_RESET_ON_FORK))
		zdtm_fail("main: reset-on-fork not set");
	zdtm_ready();
	zdtm_wait_term();
	for (i = 0; i < 4; i++) {
		get(want[i].tid, &a);
		if (a.policy != want[i].policy || a.prio != want[i].prio ||
		    (a.flags & 1) != want[i].flags) {
			kill(child, SIGKILL);
			zdtm_fail("%s: policy %u priority %u flags 0x%llx, expected %u %u 0x%llx",
				  want[i].who, a.policy, a.prio, (unsigned long long)a.flags,
				  want[i].policy, want[i].prio, (unsigned long long)want[i].flags);
		}
	}
	for (i = 0; i < 4; i++) {
		if (sched_getaffinity(want[i].tid, sizeof(cpus), &cpus))
			zdtm_fail("sched_getaffinity(%s) after", want[i].who);
		if (!CPU_EQUAL(&cpus, &aff[i])) {
			kill(child, SIGKILL);
			zdtm_fail("%s: CPU affinity changed (%d CPUs, were %d)", want[i].who,
				  CPU_COUNT(&cpus), CPU_COUNT(&aff[i]));
		}
	}
	errno = 0;
	i = getpriority(PRIO_PROCESS, child);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	if (i != 6)
		zdtm_fail("batch child: nice %d, expected 6", i);
	return zdtm_pass();
}
