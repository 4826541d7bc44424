// SPDX-License-Identifier: GPL-2.0
/*
 * kill_pidfd - a separate process opens a pidfd on a sleeping victim and
 * SIGKILLs it with pidfd_send_signal(2) (raw syscalls: glibc 2.36 has no
 * wrappers).
 * Expected: cause kill-syscall, syscall pidfd_send_signal, si_code SI_USER.
 * Prints: victim=PID sender=PID
 */
#include "scen.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int main(void)
{
	pid_t victim, sender;
	int ret = 0;

	scen_prog = "kill_pidfd";
	victim = scen_spawn_sleeper("sc-pidfd-v");
	sender = scen_fork();
	if (sender == 0) {
		int pidfd;

		scen_name("sc-pidfd-s");
		pidfd = (int)syscall(SYS_pidfd_open, victim, 0);
		if (pidfd < 0)
			scen_die("pidfd_open(%d)", victim);
		if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0))
			scen_die("pidfd_send_signal(%d)", victim);
		_exit(0);
	}
	printf("victim=%d sender=%d\n", victim, sender);
	fflush(stdout);
	ret |= scen_expect_exit(sender, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
