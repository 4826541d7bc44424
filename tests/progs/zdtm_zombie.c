// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_zombie - zombies come back as zombies: a child that exited with 7
 * and one killed by SIGUSR2, both not reaped; and a live child L with a
 * zombie child of its own (exit 5). The root also holds a pidfd to the
 * first zombie. After restore each parent reaps its zombies and checks
 * their wait status (the first through its pidfd, with waitid(P_PIDFD)).
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static void wait_zombie(pid_t pid)
{
	char path[64], buf[256], *p;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 1000; i++) {
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			p = strrchr(buf, ')');
			if (p && p[2] == 'Z')
				return;
		}
		usleep(1000);
	}
	zdtm_fail("pid %d did not become a zombie", pid);
}

static void expect_status(pid_t pid, int want, const char *what)
{
	int st;

	if (waitpid(pid, &st, WNOHANG) != pid)
		zdtm_fail("%s %d is not a zombie", what, pid);
	if (st != want)
		zdtm_fail("%s %d: wait status 0x%x, expected 0x%x", what, pid, st, want);
}

int main(void)
{
	pid_t z1, z2, l, g = 0;
	int p[2], st, zfd;
	siginfo_t si;

	zdtm_init();
	if (pipe(p))
		zdtm_fail("pipe");
	fflush(stdout);
	z1 = fork();
	if (z1 == 0)
		_exit(7);
	z2 = fork();
	if (z2 == 0) {
		signal(SIGUSR2, SIG_DFL);
		raise(SIGUSR2);
		_exit(1);
	}
	l = fork();
	if (l == 0) {
		close(p[0]);
		g = fork();
		if (g == 0)
			_exit(5);
		wait_zombie(g);
		if (write(p[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		close(p[1]);
		zdtm_wait_term();
		expect_status(g, 5 << 8, "grandchild");
		exit(0);
	}
	close(p[1]);
	if (read(p[0], &g, sizeof(g)) != sizeof(g))
		zdtm_fail("child L");
	close(p[0]);
	wait_zombie(z1);
	wait_zombie(z2);
	zfd = syscall(SYS_pidfd_open, z1, 0);
	if (zfd < 0)
		zdtm_fail("pidfd_open(zombie)");
	zdtm_ready();
	zdtm_wait_term();
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, zfd, &si, WEXITED | WNOHANG) || si.si_pid != z1 ||
	    si.si_code != CLD_EXITED || si.si_status != 7)
		zdtm_fail("reaping the zombie through its pidfd: pid %d code %d status %d", si.si_pid,
			  si.si_code, si.si_status);
	expect_status(z2, SIGUSR2, "child");
	kill(l, SIGTERM);
	if (waitpid(l, &st, 0) != l || st != 0)
		zdtm_fail("child L failed (status 0x%x)", st);
	return zdtm_pass();
}
