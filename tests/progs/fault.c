// SPDX-License-Identifier: GPL-2.0
/*
 * fault - a child dereferences NULL and dies by SIGSEGV (no core file).
 * Expected: cause fault, SIGSEGV, si_code SEGV_MAPERR.
 * Prints: victim=PID
 */
#include "scen.h"

int main(void)
{
	pid_t victim;

	scen_prog = "fault";
	victim = scen_fork();
	if (victim == 0) {
		volatile int *null = NULL;

		scen_name("sc-fault");
		scen_no_core();
		/* cppcheck-suppress nullPointer ; the point of the program */
		*null = 1;
		_exit(3);
	}
	printf("victim=%d\n", victim);
	fflush(stdout);
	return scen_expect_signal(victim, SIGSEGV) ? 1 : 0;
}
