// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_holder - holds pidfds to two reaped children: one that exited with
 * 3, one its parent killed with SIGTERM. Prints, for each, the pid, the
 * pidfs inode of the pidfd and the fd:
 *   exit3_pid=P exit3_ino=I exit3_fd=F term_pid=P term_ino=I term_fd=F
 * then waits for SIGTERM (or 30 s).
 */
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long)st.st_ino;
}

int main(void)
{
	pid_t a, b;
	int fa, fb;

	a = fork();
	if (a == 0) {
		usleep(100000);
		_exit(3);
	}
	b = fork();
	if (b == 0) {
		for (;;)
			pause();
	}
	fa = syscall(SYS_pidfd_open, a, 0);
	fb = syscall(SYS_pidfd_open, b, 0);
	if (fa < 0 || fb < 0)
		return 99;
	kill(b, SIGTERM);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	printf("exit3_pid=%d exit3_ino=%lu exit3_fd=%d term_pid=%d term_ino=%lu term_fd=%d\n", a,
	       ino_of(fa), fa, b, ino_of(fb), fb);
	fflush(stdout);
	alarm(30);
	pause();
	return 0;
}
