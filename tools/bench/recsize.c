// SPDX-License-Identifier: GPL-2.0
/*
 * recsize - the ring-buffer bytes of a signal record, as the tracer
 * reserves them: plain, with the frame-pointer stacks, and with the stack
 * copy for CFI unwinding of STACK_BYTES (make bench's stack table).
 *
 * Usage: recsize [STACK_BYTES]   (default: PT_STACK_BYTES_DEFAULT)
 * Prints: plain=N fp=N dwarf=N (each with the ring's 8-byte record header)
 */
#include <stdio.h>
#include <stdlib.h>

#include "pidtrace.h"

#define RINGBUF_HDR 8 /* the kernel's header of every ring-buffer record */

int main(int argc, char **argv)
{
	unsigned long stack = argc > 1 ? strtoul(argv[1], NULL, 10) : PT_STACK_BYTES_DEFAULT;

	printf("plain=%zu fp=%zu dwarf=%zu\n", sizeof(struct pt_signal_event) + RINGBUF_HDR,
	       sizeof(struct pt_signal_ustack_event) + RINGBUF_HDR,
	       sizeof(struct pt_signal_dwarf_event) + stack + RINGBUF_HDR);
	return 0;
}
