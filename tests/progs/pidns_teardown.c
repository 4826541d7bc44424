// SPDX-License-Identifier: GPL-2.0
/*
 * pidns_teardown - the init of a new pid namespace exits while a child of
 * it sleeps: the kernel (zap_pid_ns_processes) SIGKILLs the child.
 * Expected: cause pidns-teardown, SIGKILL, sender the exiting init.
 * Prints: victim=PID init=PID (both as seen from outside the namespace)
 */
#include <limits.h>
#include <sched.h>

#include "scen.h"

/*
 * /proc is still the outer namespace's mount, so /proc/self names us with
 * our pid out there: that is the pid the test and the tracer see.
 */
static pid_t outer_pid(void)
{
	char buf[32];
	ssize_t n;

	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (n <= 0)
		scen_die("readlink /proc/self");
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

static void __attribute__((noreturn)) ns_init(struct scen_sync *ready, struct scen_sync *go)
{
	struct scen_sync child_ready;
	pid_t child;

	scen_name("sc-pidns-init");
	scen_sync_init(&child_ready);
	child = scen_fork();
	if (child == 0) {
		scen_name("sc-pidns-v");
		scen_sync_post(&child_ready, outer_pid());
		scen_sleep_forever();
	}
	scen_sync_post(ready, scen_sync_wait(&child_ready));
	scen_sync_wait(go);
	/* Leaving without reaping: the kernel has to clear the namespace. */
	_exit(0);
}

int main(void)
{
	struct scen_sync ready, go;
	pid_t init, victim;
	int ret;

	scen_prog = "pidns_teardown";
	if (unshare(CLONE_NEWPID)) {
		if (errno == EPERM || errno == EINVAL) {
			scen_msg("unshare(CLONE_NEWPID): %s", strerror(errno));
			return SCEN_SKIP;
		}
		scen_die("unshare(CLONE_NEWPID)");
	}
	scen_sync_init(&ready);
	scen_sync_init(&go);
	init = scen_fork();
	if (init == 0)
		ns_init(&ready, &go);
	victim = (pid_t)scen_sync_wait(&ready);
	printf("victim=%d init=%d\n", victim, init);
	fflush(stdout);
	scen_sync_post(&go, 0);
	/* The init's exit waits until every task of the namespace is gone. */
	ret = scen_expect_exit(init, 0);
	if (!kill(victim, 0)) {
		scen_msg("victim %d outlived its pid namespace", victim);
		ret = -1;
	}
	return ret ? 1 : 0;
}
