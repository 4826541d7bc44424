// SPDX-License-Identifier: GPL-2.0
/*
 * unw_garbage - kill() with a frame pointer register full of text: the
 * way a frame-pointer walk goes wrong in code built without frame
 * pointers (the register holds whatever the code put there). The
 * Makefile builds it without unwind tables, so no CFI proves any frame
 * past the one that made the syscall either. A report must show that
 * frame and stop there, marked truncated: never an address read from
 * the text ("STKFLTS" as 0x5300544c464b5453).
 *
 * Usage: unw_garbage
 * Prints: victim=PID
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Two "frames" of text: a saved frame pointer and a return address. */
static char text[64] = "STKFLTS\0STKFLTS\0STKFLTS\0STKFLTS\0";

__attribute__((noinline)) long terminate_raw(pid_t worker)
{
	long ret;

	/* The syscall with rbp pointing at the text, as kill() would be made. */
	asm volatile("push %%rbp\n\t"
		     "mov %[fp], %%rbp\n\t"
		     "syscall\n\t"
		     "pop %%rbp"
		     : "=a"(ret)
		     : "a"((long)SYS_kill), "D"((long)worker), "S"((long)SIGKILL), [fp] "r"(text)
		     : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	pid_t worker = fork();
	int st;

	if (worker < 0)
		return 1;
	if (worker == 0) {
		for (;;)
			pause();
	}
	printf("victim=%d\n", worker);
	fflush(stdout);
	usleep(100000);
	if (terminate_raw(worker))
		return 1;
	if (waitpid(worker, &st, 0) != worker || !WIFSIGNALED(st))
		return 1;
	return 0;
}
