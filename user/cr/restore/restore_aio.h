/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_aio.h - AIO contexts: each ring made again by io_setup() in the
 * task, moved to its address, brought to its head and tail with the
 * completions not reaped yet (restore_aio.c).
 */
#ifndef PT_RESTORE_AIO_H
#define PT_RESTORE_AIO_H

#include "restore_ctx.h"

struct verify;

/*
 * restore_aio__map() - where the image maps the ring of an AIO context
 * (@v->aio): hold its place (PROT_NONE) until restore_aio__task().
 * Context: restore_mem.c, in address order, where @v is mapped.
 * Return: @v->start, or -errno (restore_mem.c says it).
 */
long restore_aio__map(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v);

/*
 * restore_aio__task() - every AIO context of @t made again, in id order,
 * each ring moved to its place with the image's id, size, head, tail and
 * contents.
 * Context: restore_mem.c, once every mapping of @t is in place.
 * Return: 0, or -errno (said through restore_ctx__fail()).
 */
int restore_aio__task(struct restore_ctx *ctx, struct rtask *t);

/*
 * restore_aio__verify() - every AIO ring of @v's task against the image:
 * id, size, head, tail, contents. Return: 0, or -EIO (said).
 */
int restore_aio__verify(struct verify *v);

#endif
