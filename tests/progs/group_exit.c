// SPDX-License-Identifier: GPL-2.0
/*
 * group_exit - one thread of a two-thread process calls _exit(42)
 * (exit_group) while the other sleeps: the kernel kills the sleeper.
 *
 * Usage: group_exit [leader|thread]
 *   leader (default): the main thread exits the group, the second thread dies.
 *   thread: the second thread exits the group, the main thread dies.
 * Expected: a death of the sleeping thread, cause group-exit, initiator the
 * exiting thread with syscall exit_group; the process exits with status 42.
 * Prints: victim=PID victim_tid=TID initiator=TID
 */
#include <pthread.h>

#include "scen.h"

static struct scen_sync thread_ready;
static struct scen_sync *report;

static void *sleeper(void *arg)
{
	scen_sync_post(&thread_ready, scen_gettid());
	scen_sleep_forever();
}

static void *exiter(void *arg)
{
	scen_sync_post(report, scen_gettid());
	/* Let the main thread settle into its sleep: it is the victim. */
	scen_sleep_ms(100);
	_exit(42);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "leader";
	struct scen_sync ready;
	long victim_tid, initiator;
	pid_t proc;

	scen_prog = "group_exit";
	if (strcmp(mode, "leader") && strcmp(mode, "thread")) {
		fprintf(stderr, "usage: group_exit [leader|thread]\n");
		return 2;
	}
	scen_sync_init(&ready);
	proc = scen_fork();
	if (proc == 0) {
		pthread_t th;

		/* Set before the thread exists, so both threads carry it. */
		scen_name("sc-grpexit");
		if (!strcmp(mode, "leader")) {
			scen_sync_init(&thread_ready);
			if (pthread_create(&th, NULL, sleeper, NULL))
				scen_die("pthread_create");
			scen_sync_post(&ready, scen_sync_wait(&thread_ready));
			_exit(42);
		}
		report = &ready;
		if (pthread_create(&th, NULL, exiter, NULL))
			scen_die("pthread_create");
		scen_sleep_forever();
	}
	if (!strcmp(mode, "leader")) {
		victim_tid = scen_sync_wait(&ready);
		initiator = proc;
	} else {
		victim_tid = proc;
		initiator = scen_sync_wait(&ready);
	}
	printf("victim=%d victim_tid=%ld initiator=%ld\n", proc, victim_tid, initiator);
	fflush(stdout);
	return scen_expect_exit(proc, 42) ? 1 : 0;
}
