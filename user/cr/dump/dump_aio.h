/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_aio.h - AIO contexts (io_setup): their rings, read with the process
 * frozen, and the state of their requests, read by a BPF iterator
 * (dump_aio.c).
 */
#ifndef PT_DUMP_AIO_H
#define PT_DUMP_AIO_H

#include <stdbool.h>
#include <sys/types.h>

#include "dump_ctx.h"

/* Is @link (a mapping's map_files link) an AIO ring? */
bool dump_aio__is_ring(const char *link);

/*
 * dump_aio__vma() - the AIO ring mapped at @v (@v's addresses set) of
 * @pid into @v->aio: the context's io_setup() size, its ring's id, head,
 * tail and contents. Refused (printed, -EOPNOTSUPP): a context with
 * requests in flight (restore could not make them again), one being
 * destroyed, and one whose state the iterator cannot read.
 * Context: the task is frozen.
 * Return: 0, -EOPNOTSUPP, -ESRCH, other -errno.
 */
int dump_aio__vma(struct dump_ctx *ctx, pid_t pid, VmaEntry *v);

#endif
