// SPDX-License-Identifier: GPL-2.0
/* unwind_fault.c - a fault's address in words (see unwind_fault.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "unwind_fault.h"

/* Nothing is ever mapped below vm.mmap_min_addr (64 KiB by default). */
#define NULL_PAGE_END 0x10000ull
/* An access this close to the stack pointer that faults is the stack running over. */
#define STACK_REACH (64ull << 10)

int unwind_fault__describe(int signo, int si_code, uint64_t addr, uint64_t sp, char *buf,
			   size_t len)
{
	const char *what = NULL;

	if (len)
		buf[0] = '\0';
	switch (signo) {
	case SIGSEGV:
		if (addr < NULL_PAGE_END)
			what = "the NULL page: a NULL pointer, or a small offset from one";
		else if (sp && (addr >= sp ? addr - sp : sp - addr) <= STACK_REACH)
			/* Where the stack pointer is, yet not stack: it ran over its end. */
			what = si_code == SEGV_ACCERR ? "the stack's guard page, next to the stack "
							"pointer: a stack "
							"overflow"
						      : "past the end of the stack, next to the "
							"stack pointer: a stack "
							"overflow";
		else if (si_code == SEGV_ACCERR)
			what = "a mapping whose protection forbids the access (a write to "
			       "read-only memory, or code run from data)";
		else if (si_code == SEGV_MAPERR)
			what = "unmapped memory (a wild or freed pointer)";
		else if (si_code == SEGV_PKUERR)
			what = "memory its protection key forbids";
		break;
	case SIGBUS:
		if (si_code == BUS_ADRERR)
			what = "a file mapping beyond the end of its file (truncated under it)";
		else if (si_code == BUS_ADRALN)
			what = "a misaligned address";
		else if (si_code == BUS_MCEERR_AR || si_code == BUS_MCEERR_AO)
			what = "memory with an uncorrectable hardware error";
		break;
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		/* si_addr is the instruction: the first frame already names it. */
		break;
	}
	if (!what)
		return -ENOENT;
	snprintf(buf, len, "%s", what);
	return 0;
}
