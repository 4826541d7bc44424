// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_dead_race - CRIU's pidfd_dead failure, reproduced on purpose.
 *
 * Like CRIU's restore, this "restorer" treats any child killed by a signal
 * as fatal in its SIGCHLD handler. To get a pidfd to a dead process it
 * forks a helper, opens a pidfd on it, SIGKILLs it and reaps it: the
 * handler sees "killed by signal 9" and aborts the whole job, as in
 * "175 killed by signal 9: Restoring FAILED." (exit status 1).
 * Prints: helper=PID restorer=PID pidfd=FD
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void sigchld_handler(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	int n;

	/* CRIU's rule: a child killed by a signal means the restore failed. */
	if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED) {
		n = snprintf(msg, sizeof(msg), "%d killed by signal %d: Restoring FAILED.\n",
			     si->si_pid, si->si_status);
		if (write(2, msg, n) < 0)
			_exit(2);
		_exit(1);
	}
}

static pid_t make_helper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* The helper's only job was to exist long enough to get a pidfd. */
static void free_helper(pid_t helper)
{
	kill(helper, SIGKILL);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = sigchld_handler, .sa_flags = SA_SIGINFO };
	pid_t helper;
	int pidfd;

	sigaction(SIGCHLD, &sa, NULL);
	helper = make_helper();
	if (helper < 0)
		return 99;
	pidfd = syscall(SYS_pidfd_open, helper, 0);
	if (pidfd < 0) {
		perror("pidfd_open");
		return 99;
	}
	printf("helper=%d restorer=%d pidfd=%d\n", helper, getpid(), pidfd);
	fflush(stdout);
	free_helper(helper);
	/* The handler runs as soon as SIGCHLD arrives: it never gets here. */
	waitpid(helper, NULL, 0);
	printf("restore finished\n");
	return 0;
}
