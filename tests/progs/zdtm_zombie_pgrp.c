// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_zombie_pgrp - a zombie whose process group has lost its leader
 * (zdtm zombie01): a child C makes its own group, starts a sibling Z with
 * CLONE_PARENT (so Z is our child, in C's group) that exits at once, and
 * exits; we reap C, not Z. Z's group C now has no leader anywhere; a
 * restore makes it again with a helper of pid C. After SIGTERM the
 * zombie must still be ours, in group C. PASS or FAIL: why.
 */
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

int main(void)
{
	siginfo_t info;
	pid_t c, z;
	int status;

	zdtm_init();
	c = fork();
	if (c < 0)
		zdtm_fail("fork");
	if (!c) {
		if (setpgid(0, 0))
			_exit(1);
		z = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
		if (z < 0)
			_exit(2);
		_exit(0);
	}
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
		zdtm_fail("child: status 0x%x", status);
	memset(&info, 0, sizeof(info));
	if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) || !info.si_pid)
		zdtm_fail("no zombie");
	if (getpgid(info.si_pid) != c)
		zdtm_fail("zombie in group %d, not %d", getpgid(info.si_pid), c);
	printf("GROUP zombie=%d group=%d\n", info.si_pid, c);
	zdtm_ready();
	zdtm_wait_term();
	memset(&info, 0, sizeof(info));
	if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) || !info.si_pid)
		zdtm_fail("the zombie is gone");
	if (getpgid(info.si_pid) != c)
		zdtm_fail("zombie %d in group %d, not %d", info.si_pid, getpgid(info.si_pid), c);
	return zdtm_pass();
}
