/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_madvise.h - the per-mapping state madvise(2) sets and smaps shows
 * in VmFlags (MADV_DONTFORK "dc", MADV_WIPEONFORK "wf", MADV_DONTDUMP "dd",
 * MADV_HUGEPAGE "hg"/"nh", MADV_SEQUENTIAL "sr", MADV_RANDOM "rr"), and
 * guard pages (MADV_GUARD_INSTALL), put back on a restored task.
 */
#ifndef PT_RESTORE_MADVISE_H
#define PT_RESTORE_MADVISE_H

#include "restore_ctx.h"

/*
 * Context: @t's VMAs are mapped and their pages written (guard pages
 * refuse writes). Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_madvise__task(struct restore_ctx *ctx, struct rtask *t);

/*
 * Seal again (mseal) each mapping the image says was sealed ("sl").
 * Context: nothing of the restore changes @t's mappings after this.
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_madvise__seal(struct restore_ctx *ctx, struct rtask *t);

#endif
