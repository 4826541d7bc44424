/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_fown.h - the owner of an open file (F_SETOWN_EX, F_SETSIG, and who
 * set them) for O_ASYNC signals (dump_fown.c).
 */
#ifndef PT_DUMP_FOWN_H
#define PT_DUMP_FOWN_H

#include "dump_ctx.h"

/*
 * dump_fown__fd() - fill @e->fown for fd @fd of @t when the file has an
 * owner or a signal set. An owner outside the dumped tree is refused.
 * Return: 0, -EOPNOTSUPP (printed), -ESRCH, other -errno (not printed).
 */
int dump_fown__fd(struct dump_ctx *ctx, struct dump_task *t, int fd, FdEntry *e);

#endif
