// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_pgrp_orphan - process groups whose leader is not in the tree.
 *
 * Default: a group whose leader exited (zdtm zombie01, with a live
 * member too). A child C makes its own group, starts two siblings with
 * CLONE_PARENT (so they are our children, in C's group): L, which waits,
 * and Z, which exits at once; C exits and we reap it, not Z. Group C now
 * has no leader: no process has pid C. After SIGTERM: L and the zombie Z
 * are still ours and in group C, the group exists (kill(-C, 0)) and no
 * process has pid C (the leader stays gone); a new child of ours can still
 * join group C. Prints "GROUP group=C live=L zombie=Z".
 *
 * "outside": a group led by a live process outside the dumped tree. We
 * lead our own group G, and fork R (printed as the READY pid: the tree to
 * dump) which makes its own group and forks X into group G. A dump of R
 * must refuse X's group; on SIGTERM R checks X is still in group G.
 *
 * PASS or FAIL: why.
 */
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static pid_t clone_parent(void)
{
	return syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
}

static void wait_forever(void)
{
	for (;;)
		pause();
}

static int outside(void)
{
	pid_t g = getpid(), r, x;
	int st;

	if (setpgid(0, 0))
		zdtm_fail("setpgid");
	fflush(stdout);
	r = fork();
	if (r < 0)
		zdtm_fail("fork");
	if (r) {
		/* The leader, outside the tree: waits for R (killed, or its verdict). */
		waitpid(r, &st, 0);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	if (setpgid(0, 0))
		zdtm_fail("setpgid R");
	x = fork();
	if (x < 0)
		zdtm_fail("fork X");
	if (!x) {
		if (setpgid(0, g))
			_exit(1);
		wait_forever();
	}
	while (getpgid(x) != g)
		usleep(1000);
	zdtm_ready();
	zdtm_wait_term();
	if (getpgid(x) != g)
		zdtm_fail("X in group %d, not %d", getpgid(x), g);
	kill(x, SIGKILL);
	waitpid(x, NULL, 0);
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	pid_t c, l = 0, z = 0, n;
	siginfo_t info;
	int p[2], status;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "outside"))
		return outside();
	if (pipe(p))
		zdtm_fail("pipe");
	fflush(stdout);
	c = fork();
	if (c < 0)
		zdtm_fail("fork");
	if (!c) {
		if (setpgid(0, 0))
			_exit(1);
		l = clone_parent();
		if (!l) {
			close(p[0]);
			close(p[1]);
			wait_forever();
		}
		z = clone_parent();
		if (!z)
			_exit(3);
		if (l < 0 || z < 0 || write(p[1], (pid_t[]){ l, z }, 2 * sizeof(pid_t)) != 2 * sizeof(pid_t))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &l, sizeof(l)) != sizeof(l) || read(p[0], &z, sizeof(z)) != sizeof(z))
		zdtm_fail("the pids of L and Z");
	close(p[0]);
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
		zdtm_fail("child: status 0x%x", status);
	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, z, &info, WEXITED | WNOWAIT) || info.si_pid != z)
		zdtm_fail("no zombie");
	if (getpgid(l) != c || getpgid(z) != c)
		zdtm_fail("L in group %d, Z in %d, not %d", getpgid(l), getpgid(z), c);
	printf("GROUP group=%d live=%d zombie=%d\n", c, l, z);
	zdtm_ready();
	zdtm_wait_term();

	if (getpgid(l) != c || getpgid(z) != c)
		zdtm_fail("L in group %d, Z in %d, not %d", getpgid(l), getpgid(z), c);
	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, z, &info, WEXITED | WNOWAIT) || info.si_pid != z ||
	    info.si_code != CLD_EXITED || info.si_status != 3)
		zdtm_fail("the zombie %d is not ours, exited 3 (code %d status %d)", z, info.si_code,
			  info.si_status);
	if (kill(-c, 0))
		zdtm_fail("group %d does not exist", c);
	if (!kill(c, 0) || errno != ESRCH)
		zdtm_fail("a process has pid %d, the group's leader that had exited", c);
	/* The group can still be joined. */
	fflush(stdout);
	n = fork();
	if (n < 0)
		zdtm_fail("fork");
	if (!n)
		_exit(setpgid(0, c) ? 1 : 0);
	if (waitpid(n, &status, 0) != n || !WIFEXITED(status) || WEXITSTATUS(status))
		zdtm_fail("a new child cannot join group %d", c);
	kill(l, SIGKILL);
	waitpid(l, NULL, 0);
	return zdtm_pass();
}
