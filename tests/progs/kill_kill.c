// SPDX-License-Identifier: GPL-2.0
/*
 * kill_kill - a separate process SIGKILLs a sleeping victim with kill(2).
 * Expected: cause kill-syscall, syscall kill, si_code SI_USER.
 * Prints: victim=PID sender=PID
 */
#include "scen.h"

int main(void)
{
	pid_t victim, sender;
	int ret = 0;

	scen_prog = "kill_kill";
	victim = scen_spawn_sleeper("sc-kill-v");
	sender = scen_fork();
	if (sender == 0) {
		scen_name("sc-kill-s");
		if (kill(victim, SIGKILL))
			scen_die("kill(%d)", victim);
		_exit(0);
	}
	printf("victim=%d sender=%d\n", victim, sender);
	fflush(stdout);
	ret |= scen_expect_exit(sender, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
