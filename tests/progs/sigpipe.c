// SPDX-License-Identifier: GPL-2.0
/*
 * sigpipe - a child writes to a pipe nobody reads, with SIGPIPE at its
 * default action: the pipe code sends it SIGPIPE (a kernel path that is
 * none of the named classes; its si_code is SI_USER, like a kill()).
 * Expected: cause kernel-other, SIGPIPE, sender the victim itself
 * (syscall write), a kernel stack through pipe_write.
 * Prints: victim=PID
 */
#include "scen.h"

int main(void)
{
	pid_t victim;

	scen_prog = "sigpipe";
	victim = scen_fork();
	if (victim == 0) {
		int fd[2];

		scen_name("sc-sigpipe");
		/* Whoever started us may have ignored it. */
		signal(SIGPIPE, SIG_DFL);
		if (pipe(fd))
			scen_die("pipe");
		close(fd[0]);
		if (write(fd[1], "x", 1) < 0)
			scen_die("write to a pipe without reader");
		_exit(3);
	}
	printf("victim=%d\n", victim);
	fflush(stdout);
	return scen_expect_signal(victim, SIGPIPE) ? 1 : 0;
}
