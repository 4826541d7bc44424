// SPDX-License-Identifier: GPL-2.0
/*
 * kind_pipe.c - pipe ends. A pipe is saved once for the tree, its
 * buffered bytes copied without consuming them (dump_files__capture_pipe(),
 * pipe_peek.c); each end names it by inode. Restore makes each pipe once
 * and refills it (restore_files__open_pipe()); verification checks that
 * the ends of one pipe of the image are the ends of one pipe again.
 */
#include <stdio.h>
#include <string.h>

#include "dump_ctx.h"
#include "dump_files.h"
#include "image_check.h"
#include "kinds.h"
#include "restore_files.h"
#include "restore_verify.h"

static bool claims(const struct fd_live *l)
{
	return S_ISFIFO(l->st->st_mode) && !strncmp(l->link, "pipe:[", 6);
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	e->has_pipe_ino = true;
	e->pipe_ino = l->st->st_ino;
	return dump_files__capture_pipe(ctx, l->pid, l->fd, l->st->st_ino);
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	if (!e->has_pipe_ino)
		return bad(img, n, "fd %u names no object", e->fd);
	return 0;
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	return e->has_pipe_ino ? restore_verify__pipe(v, e, l->st->st_ino) : 0;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	snprintf(buf, len, "pipe:[%lu]", (unsigned long)e->pipe_ino);
	return true;
}

const struct fd_kind kind_pipe = {
	.type = FD_TYPE__FD_PIPE,
	.name = "pipe",
	.noun = "pipe",
	.test = "files",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = restore_files__open_pipe,
	.verify = verify,
	.describe = describe,
};
