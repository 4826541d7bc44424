// SPDX-License-Identifier: GPL-2.0
/*
 * test_unwind.c - the parts of unwinding that need no process: what a
 * fault's address was in words, --stack-bytes, and how much of a stack a
 * ring buffer can take per record.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include "unit.h"
#include "unwind.h"
#include "unwind_fault.h"

static void fault_words(void)
{
	char b[160];
	const uint64_t sp = 0x7ffd00100000ull;

	CHECK(!unwind_fault__describe(SIGSEGV, SEGV_MAPERR, 0, sp, b, sizeof(b)));
	CHECK(!strncmp(b, "the NULL page", 13));
	/* A field of a NULL struct pointer is still the NULL page. */
	CHECK(!unwind_fault__describe(SIGSEGV, SEGV_MAPERR, 0x18, sp, b, sizeof(b)));
	CHECK(!strncmp(b, "the NULL page", 13));
	CHECK(!unwind_fault__describe(SIGSEGV, SEGV_MAPERR, sp - 8, sp, b, sizeof(b)));
	CHECK(strstr(b, "stack overflow") != NULL);
	CHECK(!unwind_fault__describe(SIGSEGV, SEGV_ACCERR, sp - 4096, sp, b, sizeof(b)));
	CHECK(strstr(b, "guard page") != NULL);
	CHECK(!unwind_fault__describe(SIGSEGV, SEGV_ACCERR, 0x55e62930b008ull, sp, b, sizeof(b)));
	CHECK(strstr(b, "protection") != NULL);
	CHECK(!unwind_fault__describe(SIGSEGV, SEGV_MAPERR, 0x1234567890ull, sp, b, sizeof(b)));
	CHECK(!strncmp(b, "unmapped memory", 15));
	CHECK(!unwind_fault__describe(SIGBUS, BUS_ADRERR, 0x7f0000001000ull, sp, b, sizeof(b)));
	CHECK(strstr(b, "end of its file") != NULL);
	/* Nothing more to say than the first frame: no words, not a guess. */
	CHECK(unwind_fault__describe(SIGILL, ILL_ILLOPN, 0x401000, sp, b, sizeof(b)) == -ENOENT);
	CHECK_STR(b, "");
	CHECK(unwind_fault__describe(SIGSEGV, SI_KERNEL, 0x1234567890ull, sp, b, sizeof(b)) ==
	      -ENOENT);
}

static void stack_bytes_option(void)
{
	int v = -1;

	CHECK(!unwind__parse_stack_bytes("8192", &v) && v == 8192);
	CHECK(!unwind__parse_stack_bytes("0", &v) && v == 0);
	CHECK(!unwind__parse_stack_bytes("32768", &v) && v == 32768);
	CHECK(unwind__parse_stack_bytes("32776", &v) < 0); /* over the record's room */
	CHECK(unwind__parse_stack_bytes("100", &v) < 0);   /* not a multiple of 8 */
	CHECK(unwind__parse_stack_bytes("-8", &v) < 0);
	CHECK(unwind__parse_stack_bytes("8k", &v) < 0);
	CHECK(unwind__parse_stack_bytes("", &v) < 0);
}

static void ring_fit(void)
{
	/* A default ring takes the default copy; a tiny one none at all. */
	CHECK(unwind__fit_stack_bytes(8192, 4u << 20) == 8192);
	CHECK(unwind__fit_stack_bytes(8192, 8u << 10) == 0);
	/* In between: at most an eighth of the ring per record, 8-aligned. */
	CHECK(unwind__fit_stack_bytes(32768, 64u << 10) ==
	      ((8u << 10) - sizeof(struct pt_signal_dwarf_event)) / 8 * 8);
	CHECK(unwind__fit_stack_bytes(0, 4u << 20) == 0);
}

UNIT_MAIN({
	RUN(fault_words);
	RUN(stack_bytes_option);
	RUN(ring_fit);
})
