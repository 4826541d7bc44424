// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_kill - a tracer (a separate process) PTRACE_SEIZEs a sleeping
 * victim and kills it with PTRACE_KILL (deprecated, still a SIGKILL).
 * Expected: cause ptrace-kill, SIGKILL, sender the tracer (syscall ptrace).
 * Prints: victim=PID tracer=PID
 */
#include <sys/ptrace.h>

#include "scen.h"

int main(void)
{
	pid_t victim, tracer;
	int ret = 0;

	scen_prog = "ptrace_kill";
	victim = scen_spawn_sleeper("sc-ptkill-v");
	tracer = scen_fork();
	if (tracer == 0) {
		int status;

		scen_name("sc-ptkill-t");
		if (ptrace(PTRACE_SEIZE, victim, 0, 0))
			scen_die("PTRACE_SEIZE %d", victim);
		if (ptrace(PTRACE_KILL, victim, 0, 0))
			scen_die("PTRACE_KILL %d", victim);
		/* As its tracer we hear of the death first. */
		if (waitpid(victim, &status, __WALL) != victim)
			scen_die("waitpid %d", victim);
		_exit(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : 1);
	}
	printf("victim=%d tracer=%d\n", victim, tracer);
	fflush(stdout);
	ret |= scen_expect_exit(tracer, 0);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}
