// SPDX-License-Identifier: GPL-2.0
/*
 * kind_fifo.c - named FIFOs. An fd on a FIFO is its path (dump_fifo.c
 * saves its buffered bytes once, and makes a deleted FIFO's path known);
 * restore opens each FIFO of the tree once, making it again when it had
 * been deleted, and refills it (restore_fifo.c). This module is the
 * kind's entry in the table, its image check, verification and show.
 */
#include <errno.h>
#include <stdio.h>

#include <string.h>

#include <json-c/json.h>

#include "dump_ctx.h"
#include "dump_fifo.h"
#include "image_check.h"
#include "kinds.h"
#include "restore_fifo.h"
#include "restore_verify.h"

/* The kernel's ceiling of a pipe's size (fs.pipe-max-size can go no higher). */
#define MAX_PIPE_BYTES (1U << 31)

static bool claims(const struct fd_live *l)
{
	return dump_fifo__claims(l->link, l->st);
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return dump_fifo__fd(ctx, l->pid, l->fd, l->link, l->st, e);
}

static void dump_free(struct dump_ctx *ctx)
{
	dump_fifo__free(ctx);
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const FifoEntry *f = e->fifo;

	if (!f || !e->path || e->path[0] != '/' || !e->has_dev || !e->has_ino)
		return bad(img, n, "FIFO fd %u names no FIFO", e->fd);
	if (f->capacity > MAX_PIPE_BYTES || f->data.len > f->capacity)
		return bad(img, n, "FIFO fd %u holds %zu bytes in a %u-byte FIFO", e->fd,
			   f->data.len, f->capacity);
	if (f->data.len && !f->data_here)
		return bad(img, n, "FIFO fd %u holds data it says is elsewhere", e->fd);
	return 0;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const FifoEntry *f = e->fifo;

	if (!f || !e->path)
		return false;
	if (f->data_here)
		snprintf(buf, len, "%s (%sFIFO, %zu unread bytes saved here)", e->path,
			 f->deleted ? "deleted " : "", f->data.len);
	else
		snprintf(buf, len, "%s (%sFIFO)", e->path, f->deleted ? "deleted " : "");
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const FifoEntry *f = e->fifo;
	struct json_object *k;

	if (!f)
		return;
	k = json_object_new_object();
	json_object_object_add(k, "capacity", json_object_new_int64(f->capacity));
	json_object_object_add(k, "data_here", json_object_new_boolean(f->data_here));
	if (f->data_here)
		json_object_object_add(k, "bytes", json_object_new_int64(f->data.len));
	json_object_object_add(k, "deleted", json_object_new_boolean(f->deleted));
	if (f->has_uid) {
		json_object_object_add(k, "uid", json_object_new_int64(f->uid));
		json_object_object_add(k, "gid", json_object_new_int64(f->gid));
	}
	json_object_object_add(o, "fifo", k);
}

/* The same FIFO, unless restore made it again because it had been deleted. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	size_t n = strlen(l->link);

	if (n > 10 && !strcmp(l->link + n - 10, " (deleted)"))
		return 0;
	return restore_verify__identity(v, e, l);
}

const struct fd_kind kind_fifo = {
	.type = FD_TYPE__FD_FIFO,
	.name = "fifo",
	.noun = "named FIFO",
	.test = "fifo",
	.claims = claims,
	.dump = dump,
	.dump_free = dump_free,
	.check = check,
	.open = restore_fifo__open,
	.verify = verify,
	.describe = describe,
	.json = json,
};
