/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symprobe.h - what the symbolization tests (test_usym.c, test_symcache.c)
 * look up in their own binary, built with -g: a function and the line it
 * starts on, a return address and the line of its call, and a child whose
 * address space is a copy of the test's. Include it from one file of a
 * test binary only: it defines the functions it names.
 */
#ifndef PT_SYMPROBE_H
#define PT_SYMPROBE_H

#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The source file DWARF names for probe_fn and call_site. */
#define SYMPROBE_FILE "symprobe.h"

/* The line of probe_fn's opening brace: its entry maps to it or the next. */
enum { PROBE_FN_LINE = __LINE__ + 2 };
__attribute__((noinline)) int probe_fn(int x)
{
	return x * 3 + 1;
}

static __attribute__((noinline)) uint64_t return_address(void)
{
	return (uint64_t)(uintptr_t)__builtin_return_address(0);
}

/* A return address in this file and the line of its call. */
__attribute__((noinline)) void call_site(uint64_t *pc, int *line)
{
	*line = __LINE__ + 1;
	*pc = return_address();
}

/* A child that waits to be killed; its address space is a copy of ours. */
static inline pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Never outlive the test, even if it crashes. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return pid;
}

static inline void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

#endif
