/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_cow.h - private anonymous pages a parent and its child shared
 * copy-on-write at dump time (vma_entry.cow) shared again (restore_cow.c).
 *
 *   check    _plan(): which VMAs of which task are filled before its
 *            children are forked;
 *   create   _born(): a new stub keeps what it inherited;
 *            _before_fork(): a parent's regions mapped and filled (once);
 *            _stub(): the stub's part, in the stub (raw system calls);
 *   memory   _kept(): a VMA that is already mapped (not unmapped, not
 *            mapped again); _stored(): the stored runs still to write;
 *            _task(): the rest of the task's shared pages, checked;
 *   end      _free().
 * Functions returning int give 0 or -errno after restore_ctx__fail() said it.
 */
#ifndef PT_RESTORE_COW_H
#define PT_RESTORE_COW_H

#include <stdbool.h>
#include <stddef.h>

#include "restore_ctx.h"

int restore_cow__plan(struct restore_ctx *ctx);
void restore_cow__born(struct restore_ctx *ctx, size_t idx);
int restore_cow__before_fork(struct restore_ctx *ctx, size_t parent);
long restore_cow__stub(struct restore_ctx *ctx, size_t idx);

bool restore_cow__kept(struct restore_ctx *ctx, const struct rtask *t, size_t vma);
/*
 * The stored runs of @t's pagemap left to write once its kept regions are
 * cleared (restore_cow__clear()): *@out NULL when all of them (no kept
 * region), else an array of *@n entries to free with free() (entries too).
 */
int restore_cow__stored(struct restore_ctx *ctx, const struct rtask *t, PagemapEntry ***out,
			size_t *n);
/* Before its stored pages are written: what a kept region must not hold. */
int restore_cow__clear(struct restore_ctx *ctx, struct rtask *t);
/* After: the shared pages not inherited, from an ancestor's data; sharing checked. */
int restore_cow__task(struct restore_ctx *ctx, struct rtask *t);
void restore_cow__free(struct restore_ctx *ctx);

#endif
