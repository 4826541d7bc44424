// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_counter - a busy loop whose counter lives in a register (r12) and
 * is stored to memory at every turn: after restore both must agree, have
 * kept counting, and the pid must be the same.
 */
#include "zdtm.h"

static unsigned long counter_mem;

int main(void)
{
	unsigned long out;
	pid_t pid = getpid();

	zdtm_init();
	zdtm_ready();
	asm volatile("xor %%r12, %%r12\n"
		     "1: inc %%r12\n"
		     "   mov %%r12, %[mem]\n"
		     "   cmpl $0, %[stop]\n"
		     "   je 1b\n"
		     "   mov %%r12, %[out]\n"
		     : [mem] "+m"(counter_mem), [out] "=r"(out)
		     : [stop] "m"(zdtm_stop)
		     : "r12", "cc", "memory");
	if (out != counter_mem)
		zdtm_fail("register counter %lu, memory counter %lu", out, counter_mem);
	if (out < 1000)
		zdtm_fail("counter %lu: the loop did not run", out);
	if (getpid() != pid)
		zdtm_fail("pid %d, was %d", getpid(), pid);
	return zdtm_pass();
}
