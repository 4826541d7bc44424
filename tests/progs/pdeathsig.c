// SPDX-License-Identifier: GPL-2.0
/*
 * pdeathsig - a child with PR_SET_PDEATHSIG(SIGKILL) loses its parent.
 * We are a child subreaper, so the orphan is reparented to us and we can
 * check how it died.
 * Expected: cause parent-death-signal, SIGKILL, sender the exiting parent.
 * Prints: victim=PID parent=PID
 */
#include "scen.h"

int main(void)
{
	struct scen_sync ready;
	pid_t parent, victim;
	int ret = 0;

	scen_prog = "pdeathsig";
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		scen_die("prctl(PR_SET_CHILD_SUBREAPER)");
	scen_sync_init(&ready);
	parent = scen_fork();
	if (parent == 0) {
		struct scen_sync armed;
		pid_t me = getpid();
		pid_t child;

		scen_name("sc-pdeath-p");
		scen_sync_init(&armed);
		child = scen_fork();
		if (child == 0) {
			scen_name("sc-pdeath-v");
			if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
				scen_die("prctl(PR_SET_PDEATHSIG)");
			/* Armed too late if the parent is already gone. */
			if (getppid() != me)
				_exit(1);
			scen_sync_post(&armed, 0);
			scen_sleep_forever();
		}
		scen_sync_wait(&armed);
		scen_sync_post(&ready, child);
		_exit(0);
	}
	victim = (pid_t)scen_sync_wait(&ready);
	printf("victim=%d parent=%d\n", victim, parent);
	fflush(stdout);
	ret |= scen_expect_exit(parent, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
