/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_cow.h - which private pages of a task (anonymous memory, written
 * pages of a file mapped privately) are still its parent's page frame
 * (shared copy-on-write since fork, written by neither since): stored
 * once, in the parent; the child's VMA lists them as cow runs (mm.proto)
 * and restore_cow.c shares them again.
 *
 * The scan runs before the first page of the tree is read: reading a page
 * with process_vm_readv() pins it, and the kernel unshares (copies) an
 * anonymous page that is pinned while it may be shared, so after the
 * parent's pages are read none of them is its children's any more.
 */
#ifndef PT_DUMP_COW_H
#define PT_DUMP_COW_H

#include <stdbool.h>
#include <stdint.h>

#include "dump_ctx.h"

struct dump_cow_run {
	uint64_t start, end;
};

/* Fill every task's runs. Return: 0 or -errno (said). */
int dump_cow__scan(struct dump_ctx *ctx);
/* @addr in one of @t's runs (@hint: where to start looking, kept between calls). */
bool dump_cow__shared(const struct dump_task *t, uint64_t addr, size_t *hint);
void dump_cow__free(struct dump_ctx *ctx);

#endif
