// SPDX-License-Identifier: GPL-2.0
/*
 * kill_burst - a burst for the tracer's ring buffer: N victims killed with
 * SIGKILL by one loop, as fast as it goes.
 *
 * Usage: kill_burst COMM N
 * Forks N children named COMM that block, waits until every one is ready,
 * sends SIGKILL to each in one loop, then reaps them all.
 * Prints: victims=PID,PID,.. and killed=N (those that died by SIGKILL).
 * Exits 0 when every child died by SIGKILL.
 */
#include "scen.h"

int main(int argc, char **argv)
{
	int i, n, p[2], killed = 0, status;
	pid_t *pids;
	char c;

	scen_prog = "kill_burst";
	if (argc != 3 || (n = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: kill_burst COMM N\n");
		return 2;
	}
	scen_name(argv[1]);
	pids = calloc(n, sizeof(*pids));
	if (!pids || pipe(p))
		scen_die("setup");
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			scen_die("fork #%d", i);
		if (pids[i] == 0) {
			close(p[0]);
			alarm(SCEN_TIMEOUT);
			if (write(p[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	close(p[1]);
	/* Every child is blocked in pause() before the burst starts. */
	for (i = 0; i < n; i++)
		if (read(p[0], &c, 1) != 1)
			scen_die("child #%d not ready", i);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	printf("victims=");
	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL)
			killed++;
		printf("%s%d", i ? "," : "", pids[i]);
	}
	printf("\nkilled=%d\n", killed);
	free(pids);
	return killed == n ? 0 : 1;
}
