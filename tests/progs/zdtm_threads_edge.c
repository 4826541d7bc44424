// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_threads_edge MODE - edge cases of multithreaded processes.
 *
 * Refused by a dump (which must leave the process running as it was):
 *   leader-exit the main thread has called pthread_exit(), a thread runs on.
 * These print READY, then wait to be killed (ZDTM_TIMEOUT at most).
 *
 * Dumped and restored (zdtm style: SIGTERM, check, PASS):
 *   churn       a thread keeps creating 4 short-lived threads and joining
 *               them, so threads come and go while the dump freezes the
 *               process; after restore the churn must go on (pthread_join
 *               of threads recreated mid-life relies on clear_child_tid).
 *   churn-nobody the same after the whole process dropped root for uid
 *               65534 (glibc's setresuid: every thread): after restore every
 *               thread must still have uid 65534 and no capability.
 */
#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>

#include <stdbool.h>

#include "zdtm.h"

static volatile int ready;
static volatile unsigned long rounds, spawned;
static volatile int stop;

static void *idle_main(void *arg)
{
	(void)arg;
	ready = 1;
	for (;;)
		pause();
	return NULL;
}

static void *short_main(void *arg)
{
	(void)arg;
	__sync_fetch_and_add(&spawned, 1);
	usleep(100);
	return NULL;
}

static void *churn_main(void *arg)
{
	pthread_t th[4];
	int i;

	(void)arg;
	while (!stop) {
		for (i = 0; i < 4; i++)
			if (pthread_create(&th[i], NULL, short_main, NULL))
				zdtm_fail("pthread_create");
		for (i = 0; i < 4; i++)
			if (pthread_join(th[i], NULL))
				zdtm_fail("pthread_join");
		rounds++;
		ready = 1;
	}
	return NULL;
}

/* Every thread of ours has uid 65534 everywhere and no capability. */
static void check_nobody(void)
{
	char path[320], line[256];
	struct dirent *e;
	DIR *d = opendir("/proc/self/task");
	int n = 0, uids, caps;
	bool gone;
	FILE *f;

	if (!d)
		zdtm_fail("/proc/self/task");
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* a short-lived thread that is gone */
		uids = caps = 0;
		errno = 0;
		while (fgets(line, sizeof(line), f)) {
			uids += !strcmp(line, "Uid:\t65534\t65534\t65534\t65534\n");
			caps += !strcmp(line, "CapEff:\t0000000000000000\n");
		}
		/*
		 * A short-lived thread may exit between the open and the read:
		 * its status then reads as ESRCH, not as other credentials.
		 */
		gone = ferror(f) && errno == ESRCH;
		fclose(f);
		if (gone)
			continue;
		if (uids != 1 || caps != 1)
			zdtm_fail("thread %s: credentials changed", e->d_name);
		n++;
	}
	closedir(d);
	if (n < 2)
		zdtm_fail("%d threads", n);
}

static int churn(bool nobody)
{
	pthread_t th;
	sigset_t all, old;
	unsigned long r0;
	int i;

	zdtm_init();
	if (nobody && setresuid(65534, 65534, 65534))
		zdtm_fail("setresuid");
	/* Threads leave SIGTERM to the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&th, NULL, churn_main, NULL))
		zdtm_fail("pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	while (!ready)
		usleep(1000);
	zdtm_ready();
	while (!zdtm_stop)
		usleep(5000);
	r0 = rounds;
	for (i = 0; i < 200 && rounds < r0 + 10; i++)
		usleep(10000);
	if (rounds < r0 + 10)
		zdtm_fail("the churn stopped: %lu rounds, %lu before", rounds, r0);
	if (nobody)
		check_nobody();
	stop = 1;
	if (pthread_join(th, NULL))
		zdtm_fail("pthread_join");
	if (spawned != rounds * 4)
		zdtm_fail("%lu threads ran for %lu rounds", spawned, rounds);
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	pthread_t th;

	if (argc == 2 && !strcmp(argv[1], "churn"))
		return churn(false);
	if (argc == 2 && !strcmp(argv[1], "churn-nobody"))
		return churn(true);
	if (argc != 2 || strcmp(argv[1], "leader-exit"))
		zdtm_fail("usage: zdtm_threads_edge leader-exit|churn|churn-nobody");
	alarm(ZDTM_TIMEOUT);
	if (pthread_create(&th, NULL, idle_main, argv[1]))
		zdtm_fail("pthread_create");
	while (!ready)
		usleep(1000);
	zdtm_ready();
	if (!strcmp(argv[1], "leader-exit"))
		pthread_exit(NULL);
	for (;;)
		pause();
}
