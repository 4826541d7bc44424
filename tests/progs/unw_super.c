// SPDX-License-Identifier: GPL-2.0
/*
 * unw_super - a supervisor that SIGKILLs its worker three calls deep:
 * main -> tick -> reap -> terminate -> kill(). The Makefile builds it
 * -O2 -fomit-frame-pointer, with and without debug info and stripped
 * (unw_super_g, _nog, _sdebug, _s), the way distribution code is built:
 * a frame-pointer walk loses these frames, CFI unwinding must not.
 *
 * Usage: unw_super MODE, MODE one of
 *   main    the main thread kills
 *   thread  a second thread kills (through the same three calls)
 *   exit    the main thread kills and the process exits right after
 *   exec    the main thread kills and execs /bin/true right after
 *   unmap   the main thread kills and unmaps its own code right after (it
 *           then dies by SIGSEGV, returning into code that is gone)
 * Prints: victim=PID
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char __executable_start[], etext[];

/* Keeps each call from being a tail call (which would leave no frame). */
volatile int unw_sink;
static const char *mode;

/* Exported (not static): a binary stripped with -s keeps them in .dynsym. */
__attribute__((noinline)) int terminate(pid_t worker)
{
	int r = kill(worker, SIGKILL);

	if (!strcmp(mode, "exit"))
		_exit(0);
	if (!strcmp(mode, "exec"))
		execl("/bin/true", "true", (char *)NULL);
	if (!strcmp(mode, "unmap")) {
		uintptr_t lo = (uintptr_t)__executable_start & ~(uintptr_t)4095;

		/* The libc call returns into this code: gone, the process faults. */
		syscall(SYS_munmap, lo, (uintptr_t)etext - lo);
	}
	unw_sink += r;
	return r;
}

__attribute__((noinline)) int reap(pid_t worker)
{
	int r = terminate(worker);

	unw_sink += 2;
	return r;
}

__attribute__((noinline)) int tick(pid_t worker)
{
	int r = reap(worker);

	unw_sink += 3;
	return r;
}

static void *thread_main(void *arg)
{
	tick(*(pid_t *)arg);
	unw_sink += 4;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;
	pid_t worker;
	int st;

	if (argc != 2) {
		fprintf(stderr, "usage: unw_super main|thread|exit|exec|unmap\n");
		return 2;
	}
	mode = argv[1];
	worker = fork();
	if (worker < 0)
		return 1;
	if (worker == 0) {
		for (;;)
			pause();
	}
	printf("victim=%d\n", worker);
	fflush(stdout);
	usleep(100000);
	if (!strcmp(mode, "thread")) {
		if (pthread_create(&th, NULL, thread_main, &worker))
			return 1;
		pthread_join(th, NULL);
	} else {
		tick(worker);
	}
	if (waitpid(worker, &st, 0) != worker || !WIFSIGNALED(st))
		return 1;
	return unw_sink == 0;
}
