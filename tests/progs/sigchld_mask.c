// SPDX-License-Identifier: GPL-2.0
/*
 * sigchld_mask MODE - a parent with a SIGCHLD handler SIGKILLs and reaps a
 * child of its own, with SIGCHLD blocked around the kill and the waitpid()
 * (MODE "blocked", as CRIU's kill_helper() does since #2491) or not
 * ("unblocked", the #2490 race). Prints "victim=PID".
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_chld(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t chld, old;
	pid_t child;
	int st, blocked = argc > 1 && !strcmp(argv[1], "blocked");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		pause();
		_exit(0);
	}
	if (blocked)
		sigprocmask(SIG_BLOCK, &chld, &old);
	kill(child, SIGKILL);
	if (waitpid(child, &st, 0) != child)
		return 2;
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	printf("victim=%d\n", child);
	return 0;
}
