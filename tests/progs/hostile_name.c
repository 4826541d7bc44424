// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_name.c - a process that names itself with terminal escape
 * sequences, as any unprivileged process may: prctl(PR_SET_NAME) with
 * ESC ] 0 ; pwn BEL (retitle the terminal) ESC [ 2 J (clear the screen).
 *
 *   hostile_name victim      name itself, print "ready", wait to be killed
 *   hostile_name kill PID    name itself, SIGKILL PID from its own code
 *
 * With HOSTILE_8BIT=1 in the environment the name is 8-bit instead: a lone
 * 0x9b (CSI to a terminal in 8-bit mode, not UTF-8) then "2J".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define HOSTILE "\033]0;pwn\a\033[2J"

/* Not inlined: the sender's own frame in its user stack. */
static __attribute__((noinline)) int hostile_kill(pid_t pid)
{
	return kill(pid, SIGKILL);
}

int main(int argc, char **argv)
{
	const char *name = getenv("HOSTILE_8BIT") ? "\x9b" "2Jpwn" : HOSTILE;

	if (prctl(PR_SET_NAME, name)) {
		perror("prctl");
		return 1;
	}
	if (argc == 2 && !strcmp(argv[1], "victim")) {
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc == 3 && !strcmp(argv[1], "kill"))
		return hostile_kill(atoi(argv[2])) ? 1 : 0;
	fprintf(stderr, "usage: hostile_name victim | kill PID\n");
	return 2;
}
