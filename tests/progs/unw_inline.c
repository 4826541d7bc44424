// SPDX-License-Identifier: GPL-2.0
/*
 * unw_inline - a supervisor whose kill() is in code the compiler inlined:
 * main -> stop_worker -> (inlined) send_kill -> (inlined) kill_now -> kill().
 * Built -O2 -g (Makefile): kill_now() and send_kill() have no frame and no
 * symbol of their own, only DW_TAG_inlined_subroutine scopes in
 * stop_worker()'s DWARF; the report must still name them, innermost first.
 *
 * Prints: victim=PID
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Keeps the calls from being tail calls (which would leave no frame). */
volatile int unw_sink;

static inline __attribute__((always_inline)) int kill_now(pid_t worker)
{
	int r = kill(worker, SIGKILL);

	unw_sink += r;
	return r;
}

static inline __attribute__((always_inline)) int send_kill(pid_t worker)
{
	int r = kill_now(worker);

	unw_sink += 3;
	return r;
}

__attribute__((noinline)) int stop_worker(pid_t worker)
{
	int r = send_kill(worker);

	unw_sink += 2;
	return r;
}

int main(void)
{
	pid_t worker = fork();
	int r;

	if (worker < 0)
		return 1;
	if (worker == 0) {
		pause();
		_exit(0);
	}
	printf("victim=%d\n", worker);
	fflush(stdout);
	r = stop_worker(worker);
	waitpid(worker, NULL, 0);
	return r ? 1 : unw_sink == 0;
}
