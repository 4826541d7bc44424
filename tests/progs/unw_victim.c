// SPDX-License-Identifier: GPL-2.0
/*
 * unw_victim - a child that dies by its own hand, in parse_config():
 *   null      writes through a NULL pointer (SIGSEGV, the NULL page)
 *   rodata    writes to a string literal (SIGSEGV, wrong protection)
 *   overflow  recurses until its stack runs over (SIGSEGV, below the stack)
 *   abort     calls abort() (SIGABRT)
 *   assert    fails an assert() (SIGABRT through __assert_fail)
 * Usage: unw_victim MODE
 * Prints: victim=PID line=L (the line of the faulting statement)
 */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int unw_sink;

__attribute__((noinline)) static int recurse(int n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	if (n < 0) /* never: the compiler must not see an endless recursion */
		return 0;
	return recurse(n + 1) + pad[0];
}

enum { L_NULL = __LINE__ + 8, L_RODATA, L_OVERFLOW, L_ABORT, L_ASSERT };
__attribute__((noinline)) static int parse_config(const char *mode)
{
	volatile int *null = NULL;
	char *ro = (char *)"read-only";
	int r = 0;

	/* L_NULL and what follows count down to these lines: keep them so. */
	if (!strcmp(mode, "null")) *null = 1;
	if (!strcmp(mode, "rodata")) ro[0] = 'R';
	if (!strcmp(mode, "overflow")) r = recurse(0);
	if (!strcmp(mode, "abort")) abort();
	if (!strcmp(mode, "assert")) assert(strcmp(mode, "assert") != 0);
	return r;
}

int main(int argc, char **argv)
{
	struct rlimit no_core = { 0, 0 };
	pid_t victim;
	int st, line;

	if (argc != 2)
		return 2;
	line = !strcmp(argv[1], "null")	    ? L_NULL :
	       !strcmp(argv[1], "rodata")   ? L_RODATA :
	       !strcmp(argv[1], "overflow") ? L_OVERFLOW :
	       !strcmp(argv[1], "abort")    ? L_ABORT :
					      L_ASSERT;
	victim = fork();
	if (victim < 0)
		return 1;
	if (victim == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		unw_sink = parse_config(argv[1]);
		_exit(0);
	}
	printf("victim=%d line=%d\n", victim, line);
	fflush(stdout);
	if (waitpid(victim, &st, 0) != victim || !WIFSIGNALED(st))
		return 1;
	return 0;
}
