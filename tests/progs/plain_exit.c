// SPDX-License-Identifier: GPL-2.0
/*
 * plain_exit - children that end with exit(2), not exit_group(2): one
 * forked child calling syscall(SYS_exit, 0), one clone()d child whose
 * function returns (glibc's clone then calls exit(2)). On this kernel the
 * last thread leaving by exit(2) marks its own group as exiting, which a
 * tracer may mistake for a zapped sibling: neither died by a signal.
 * Prints "fork=PID clone=PID" once both are reaped with status 0.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_fn(void *arg)
{
	(void)arg;
	return 0;
}

int main(void)
{
	static char stack[64 << 10];
	pid_t f, c;
	int st1, st2;

	f = fork();
	if (f < 0)
		return 2;
	if (f == 0)
		syscall(SYS_exit, 0);
	c = clone(child_fn, stack + sizeof(stack), SIGCHLD, NULL);
	if (c < 0)
		return 2;
	if (waitpid(f, &st1, 0) != f || waitpid(c, &st2, 0) != c)
		return 2;
	printf("fork=%d clone=%d status=%d,%d\n", f, c, st1, st2);
	return st1 || st2 ? 1 : 0;
}
