// SPDX-License-Identifier: GPL-2.0
/*
 * rlimit_cpu - a busy child with RLIMIT_CPU soft = hard = 1 s and SIGXCPU
 * ignored: the posix CPU timer code SIGKILLs it at the hard limit (after
 * about 1 s of CPU).
 * Expected: cause rlimit-cpu, SIGKILL from the kernel.
 * Prints: victim=PID
 */
#include "scen.h"

int main(void)
{
	pid_t victim;

	scen_prog = "rlimit_cpu";
	victim = scen_fork();
	if (victim == 0) {
		struct rlimit rl = { 1, 1 };
		volatile unsigned long n = 0;
		time_t start = time(NULL);

		scen_name("sc-rlimit-cpu");
		signal(SIGXCPU, SIG_IGN);
		if (setrlimit(RLIMIT_CPU, &rl))
			scen_die("setrlimit(RLIMIT_CPU)");
		/* Wall-clock guard: a starved child must not spin forever. */
		while (time(NULL) - start < SCEN_TIMEOUT)
			n++;
		_exit(3);
	}
	printf("victim=%d\n", victim);
	fflush(stdout);
	return scen_expect_signal(victim, SIGKILL) ? 1 : 0;
}
