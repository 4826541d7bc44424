/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_cow_io.h - the page data restore_cow.c shares again.
 *
 * A page a task shared with its parent is not in its pages file: its
 * contents are the parent's page at that address, in the parent's pages
 * file or, if the parent shared it too, further up the tree.
 */
#ifndef PT_RESTORE_COW_IO_H
#define PT_RESTORE_COW_IO_H

#include <stdint.h>

#include "rangeset.h"
#include "restore_ctx.h"

/* The VMA of @mm containing @addr (VMAs are sorted: image_check.c), -1. */
long restore_cow_io__find_vma(const MmImage *mm, uint64_t addr);

/*
 * Write into @dst, at the addresses of @set, the pages task @content (an
 * index) has there in the image; @pages counts them (and ctx->pages).
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_cow_io__write(struct restore_ctx *ctx, struct rtask *dst, int content,
			  const struct rangeset *set, uint64_t *pages);

/*
 * @t's pages of the cow runs of @v are its parent's frames in
 * /proc/PID/pagemap (or the same swap entry); counted in ctx->cow_shared.
 * Return: 0, or -EIO naming the first that is not (said).
 */
int restore_cow_io__check(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v);

#endif
