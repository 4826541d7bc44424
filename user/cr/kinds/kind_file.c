// SPDX-License-Identifier: GPL-2.0
/*
 * kind_file.c - files reopened by their path: regular files, directories
 * and character devices (three kinds of one module). Dump keeps the path
 * the fd's /proc link gives, the file's identity and, for a device, its
 * number; restore opens the path again and refuses a file that is not the
 * one that was open (restore_files__open_path()); verification compares
 * the identity of what the restored fd opened.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dump_ctx.h"
#include "image_check.h"
#include "kinds.h"
#include "restore_files.h"
#include "restore_verify.h"

static bool claims_reg(const struct fd_live *l)
{
	return S_ISREG(l->st->st_mode) && l->link[0] == '/';
}

static bool claims_dir(const struct fd_live *l)
{
	return S_ISDIR(l->st->st_mode) && l->link[0] == '/';
}

static bool claims_chr(const struct fd_live *l)
{
	return S_ISCHR(l->st->st_mode) && l->link[0] == '/';
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	e->path = dump_ctx__strdup(l->link);
	if (!e->path)
		return -ENOMEM;
	if (S_ISCHR(l->st->st_mode)) {
		e->has_rdev = true;
		e->rdev = l->st->st_rdev;
	} else if (S_ISDIR(l->st->st_mode) && !l->st->st_nlink) {
		/* Removed (dump_refuse.c checked its path can be made again). */
		size_t n = strlen(e->path);

		if (n > 10 && !strcmp(e->path + n - 10, " (deleted)"))
			e->path[n - 10] = 0;
		e->has_dir_removed = e->dir_removed = true;
		e->has_dir_uid = e->has_dir_gid = true;
		e->dir_uid = l->st->st_uid;
		e->dir_gid = l->st->st_gid;
	} else if (S_ISREG(l->st->st_mode)) {
		e->has_size = true;
		e->size = l->st->st_size;
	}
	return 0;
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	if (!e->path || !*e->path)
		return bad(img, n, "fd %u names no file", e->fd);
	/* Restore makes that path and removes it: an absolute one, a directory. */
	if (e->dir_removed && (e->type != FD_TYPE__FD_DIR || e->path[0] != '/'))
		return bad(img, n, "fd %u: only a directory by an absolute path can be removed",
			   e->fd);
	return 0;
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	/* Made again and removed: a new inode; a directory nobody can reach. */
	if (e->dir_removed) {
		char w[64];

		snprintf(w, sizeof(w), "fd %u: links of the removed directory", e->fd);
		return restore_verify__num(v, w, VF_DEC, 0,
					   S_ISDIR(l->st->st_mode) ? l->st->st_nlink : 1);
	}
	return restore_verify__identity(v, e, l);
}

const struct fd_kind kind_reg = {
	.type = FD_TYPE__FD_REG,
	.name = "reg",
	.noun = "file",
	.test = "files",
	.seeks = true,
	.claims = claims_reg,
	.dump = dump,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify,
};

const struct fd_kind kind_dir = {
	.type = FD_TYPE__FD_DIR,
	.name = "dir",
	.noun = "directory",
	.test = "files",
	.seeks = true,
	.claims = claims_dir,
	.dump = dump,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify,
};

const struct fd_kind kind_chr = {
	.type = FD_TYPE__FD_CHR,
	.name = "chr",
	.noun = "character device",
	.test = "files",
	.claims = claims_chr,
	.dump = dump,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify,
};
