// SPDX-License-Identifier: GPL-2.0
/*
 * cr_reaper - run a command as a child subreaper and reap everything that
 * ends up under it, then exit when nothing is left. Checkpoint/restore
 * tests start their targets under it: after a dump kills the tree its
 * pids are free again at once (PID 1 here reaps orphans only every 1-2 s).
 *
 * With CR_REAPER_LOG=FILE it appends "PID STATUS" (the raw wait status, in
 * hex) to FILE for every process it reaps: how something orphaned below it
 * died (tests/root/cr_attribution.sh).
 *
 * It ignores SIGTERM, SIGINT and SIGHUP: a test that times out gets SIGTERM
 * with its whole process group, and a reaper that died of it would hand
 * the tree to PID 1, out of reach of the test's cleanup, which kills what
 * is below the reaper before the reaper itself (tests/cr_lib.sh).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const int stop_sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old[3];
	const char *log = getenv("CR_REAPER_LOG");
	pid_t pid;
	int i, st;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: cr_reaper CMD [ARG..]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		perror("cr_reaper: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	for (i = 0; i < 3; i++)
		sigaction(stop_sigs[i], &ign, &old[i]);
	alarm(600);
	pid = fork();
	if (pid < 0) {
		perror("cr_reaper: fork");
		return 1;
	}
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		for (i = 0; i < 3; i++) /* the command gets them as we did */
			sigaction(stop_sigs[i], &old[i], NULL);
		alarm(0);
		execvp(argv[1], argv + 1);
		perror("cr_reaper: exec");
		_exit(127);
	}
	while ((pid = wait(&st)) > 0 || errno == EINTR) {
		if (pid <= 0 || !log)
			continue;
		f = fopen(log, "a");
		if (f) {
			fprintf(f, "%d 0x%x\n", pid, st);
			fclose(f);
		}
	}
	return 0;
}
