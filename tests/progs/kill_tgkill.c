// SPDX-License-Identifier: GPL-2.0
/*
 * kill_tgkill - a separate process SIGKILLs a sleeping victim with tgkill(2).
 * Expected: cause kill-syscall, syscall tgkill, si_code SI_TKILL.
 * Prints: victim=PID sender=PID
 */
#include "scen.h"

int main(void)
{
	pid_t victim, sender;
	int ret = 0;

	scen_prog = "kill_tgkill";
	victim = scen_spawn_sleeper("sc-tgkill-v");
	sender = scen_fork();
	if (sender == 0) {
		scen_name("sc-tgkill-s");
		if (syscall(SYS_tgkill, victim, victim, SIGKILL))
			scen_die("tgkill(%d)", victim);
		_exit(0);
	}
	printf("victim=%d sender=%d\n", victim, sender);
	fflush(stdout);
	ret |= scen_expect_exit(sender, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
