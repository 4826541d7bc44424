// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_exitkill - a tracer (a separate process) PTRACE_SEIZEs a sleeping
 * victim with PTRACE_O_EXITKILL and exits: the kernel SIGKILLs the tracee.
 * Expected: cause ptrace-kill, SIGKILL, sender the exiting tracer.
 * Prints: victim=PID tracer=PID
 */
#include <sys/ptrace.h>

#include "scen.h"

int main(void)
{
	pid_t victim, tracer;
	int ret = 0;

	scen_prog = "ptrace_exitkill";
	victim = scen_spawn_sleeper("sc-ptexit-v");
	tracer = scen_fork();
	if (tracer == 0) {
		scen_name("sc-ptexit-t");
		if (ptrace(PTRACE_SEIZE, victim, 0, PTRACE_O_EXITKILL))
			scen_die("PTRACE_SEIZE %d", victim);
		_exit(0);
	}
	printf("victim=%d tracer=%d\n", victim, tracer);
	fflush(stdout);
	ret |= scen_expect_exit(tracer, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
