// SPDX-License-Identifier: GPL-2.0
/*
 * sleeper - a victim for kills sent from a test script: takes COMM as its
 * name, prints its pid, sleeps (at most SECONDS, default 30) and exits 3.
 *
 * Usage: sleeper COMM [SECONDS]
 * Prints: victim=PID (once the name is set)
 */
#include "scen.h"

int main(int argc, char **argv)
{
	int secs = argc > 2 ? atoi(argv[2]) : SCEN_TIMEOUT;

	scen_prog = "sleeper";
	if (argc < 2) {
		fprintf(stderr, "usage: sleeper COMM [SECONDS]\n");
		return 2;
	}
	scen_name(argv[1]);
	printf("victim=%d\n", getpid());
	fflush(stdout);
	if (secs > 0)
		sleep(secs);
	return 3;
}
