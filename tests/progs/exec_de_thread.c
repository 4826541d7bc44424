// SPDX-License-Identifier: GPL-2.0
/*
 * exec_de_thread - one thread of a two-thread process calls execve
 * (/bin/true) while the other sleeps: de_thread() kills the sleeper.
 *
 * Usage: exec_de_thread [leader|thread]
 *   leader (default): the main thread execs, the second thread dies.
 *   thread: the second thread execs; the main thread dies and the exec'ing
 *           thread takes over its pid.
 * Expected: a death of the sleeping thread, cause exec-de-thread, initiator
 * the exec'ing thread with syscall execve; the process then exits 0.
 * Prints: victim=PID victim_tid=TID initiator=TID
 */
#include <pthread.h>

#include "scen.h"

static struct scen_sync thread_ready;
static struct scen_sync *report;

static void do_exec(void)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { NULL };

	execve("/bin/true", argv, envp);
	scen_die("execve /bin/true");
}

static void *sleeper(void *arg)
{
	scen_sync_post(&thread_ready, scen_gettid());
	scen_sleep_forever();
}

static void *execer(void *arg)
{
	scen_sync_post(report, scen_gettid());
	/* Let the main thread settle into its sleep: it is the victim. */
	scen_sleep_ms(100);
	do_exec();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "leader";
	struct scen_sync ready;
	long victim_tid, initiator;
	pid_t proc;

	scen_prog = "exec_de_thread";
	if (strcmp(mode, "leader") && strcmp(mode, "thread")) {
		fprintf(stderr, "usage: exec_de_thread [leader|thread]\n");
		return 2;
	}
	scen_sync_init(&ready);
	proc = scen_fork();
	if (proc == 0) {
		pthread_t th;

		/* Set before the thread exists, so both threads carry it. */
		scen_name("sc-exec");
		if (!strcmp(mode, "leader")) {
			scen_sync_init(&thread_ready);
			if (pthread_create(&th, NULL, sleeper, NULL))
				scen_die("pthread_create");
			scen_sync_post(&ready, scen_sync_wait(&thread_ready));
			do_exec();
		}
		report = &ready;
		if (pthread_create(&th, NULL, execer, NULL))
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
	return scen_expect_exit(proc, 0) ? 1 : 0;
}
