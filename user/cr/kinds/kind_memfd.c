// SPDX-License-Identifier: GPL-2.0
/*
 * kind_memfd.c - memfds. A memfd is a shared memory object: its contents,
 * name, seals, size and mode are saved once for the tree (dump_shmem.c)
 * whether it is open, mapped or both; an fd names the object. Restore
 * makes the object before any task exists (restore_shmem.c) and opens
 * this fd on it (restore_fdkinds__open_memfd()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dump_ctx.h"
#include "dump_shmem.h"
#include "kinds.h"
#include "restore_fdkinds.h"

#define DELETED " (deleted)"

static bool claims(const struct fd_live *l)
{
	size_t n = strlen(l->link);

	return S_ISREG(l->st->st_mode) && !strncmp(l->link, "/memfd:", 7) &&
	       n > strlen(DELETED) && !strcmp(l->link + n - strlen(DELETED), DELETED);
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	e->has_memfd_shmid = true;
	e->memfd_shmid = l->st->st_ino;
	e->path = dump_ctx__strdup(l->link);
	if (!e->path)
		return -ENOMEM;
	return dump_shmem__track_fd(ctx, l->pid, l->fd, l->link, l->st);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s (shmem %lu)", e->path ? e->path : "memfd",
		 (unsigned long)e->memfd_shmid);
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	json_object_object_add(o, "memfd_shmid", json_object_new_int64((int64_t)e->memfd_shmid));
}

const struct fd_kind kind_memfd = {
	.type = FD_TYPE__FD_MEMFD,
	.name = "memfd",
	.noun = "memfd",
	.test = "memkinds",
	.seeks = true,
	.claims = claims,
	.dump = dump,
	.open = restore_fdkinds__open_memfd,
	.describe = describe,
	.json = json,
};
