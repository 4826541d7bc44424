// SPDX-License-Identifier: GPL-2.0
/*
 * lineage_clone_pidfd - a parent creates a child with clone3(CLONE_PIDFD),
 * kills it through that pidfd with pidfd_send_signal() and reaps it with
 * waitid(P_PIDFD). pidtrace run must report: created by the parent with
 * clone3, a pidfd opened at clone time, the kill via pidfd_send_signal,
 * reaped with waitid. Prints: child=PID parent=PID
 */
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void stop_child(int pidfd)
{
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

int main(void)
{
	struct clone_args args;
	siginfo_t si;
	int pidfd = -1;
	long pid;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		perror("clone3");
		return 99;
	}
	if (pid == 0) {
		for (;;)
			pause();
	}
	printf("child=%ld parent=%d\n", pid, getpid());
	fflush(stdout);
	usleep(300000);
	stop_child(pidfd);
	if (waitid(P_PIDFD, pidfd, &si, WEXITED)) {
		perror("waitid");
		return 99;
	}
	return si.si_code == CLD_KILLED && si.si_status == SIGKILL ? 0 : 98;
}
