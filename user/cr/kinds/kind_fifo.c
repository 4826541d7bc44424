// SPDX-License-Identifier: GPL-2.0
/*
 * kind_fifo.c - a named FIFO fd as the image holds it (dump_fifo.c writes
 * it, restore_fifo.c opens it again): what image checks require of it
 * before a restore trusts it, and how `pidtrace show` prints it.
 */
#include <errno.h>
#include <stdio.h>

#include "image_check.h"
#include "kind_fifo.h"

/* The kernel's ceiling of a pipe's size (fs.pipe-max-size can go no higher). */
#define MAX_PIPE_BYTES (1U << 31)

int kind_fifo__check(struct image *img, const char *n, const FdEntry *e)
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

bool kind_fifo__describe(const FdEntry *e, char *buf, size_t len)
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

void kind_fifo__json(const FdEntry *e, struct json_object *o)
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
