// SPDX-License-Identifier: GPL-2.0
/*
 * kill_sigqueue - a separate process SIGKILLs a sleeping victim with
 * sigqueue(3), i.e. rt_sigqueueinfo(2).
 * Expected: cause kill-syscall, syscall rt_sigqueueinfo, si_code SI_QUEUE.
 * Prints: victim=PID sender=PID
 */
#include "scen.h"

int main(void)
{
	pid_t victim, sender;
	int ret = 0;

	scen_prog = "kill_sigqueue";
	victim = scen_spawn_sleeper("sc-sigqueue-v");
	sender = scen_fork();
	if (sender == 0) {
		union sigval val = { .sival_int = 42 };

		scen_name("sc-sigqueue-s");
		if (sigqueue(victim, SIGKILL, val))
			scen_die("sigqueue(%d)", victim);
		_exit(0);
	}
	printf("victim=%d sender=%d\n", victim, sender);
	fflush(stdout);
	ret |= scen_expect_exit(sender, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
