/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unwind_fault.h - what a fault's address was, in words, from what the
 * kernel says about it (the signal, si_code, si_addr) and the faulting
 * task's stack pointer: the NULL page, a stack overflow into the guard,
 * a mapping with the wrong protection, unmapped memory.
 *
 * The mapping at the address is not known: the kernel refuses to walk a
 * task's mappings where the fault is seen (interrupts off), so the words
 * say only what si_code and the addresses prove.
 */
#ifndef PT_UNWIND_FAULT_H
#define PT_UNWIND_FAULT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write into @buf what @addr was for a fault of @signo / @si_code taken
 * with stack pointer @sp. Return: 0, or -ENOENT when there is nothing to
 * say (@buf is then "").
 */
int unwind_fault__describe(int signo, int si_code, uint64_t addr, uint64_t sp, char *buf,
			   size_t len);

#endif
