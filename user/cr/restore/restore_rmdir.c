// SPDX-License-Identifier: GPL-2.0
/*
 * restore_rmdir.c - directories that had been removed while a task held
 * them (an fd, its cwd). Such a directory was empty (rmdir wants it so),
 * so it comes back exactly: made again at its path with its mode and
 * owner (and the parents removed with it, 0700), opened / entered by the
 * tasks, then removed once every fd is in
 * place and every task has its cwd (restore_files__close()), so /proc
 * shows "PATH (deleted)" and st_nlink is 0 again. A path made once in this
 * restore serves every fd and cwd that names it: one directory, as at
 * dump when they were one (two removed directories of one path become one).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "restore_ctx.h"
#include "restore_rmdir.h"

/* The paths this restore made, in the order made (removed last first). */
struct restore_rmdir {
	char **made;
	size_t nmade;
};

static bool was_made(const struct restore_rmdir *rd, const char *path)
{
	size_t i;

	for (i = 0; rd && i < rd->nmade; i++)
		if (!strcmp(rd->made[i], path))
			return true;
	return false;
}

static int make(struct restore_ctx *ctx, const char *path)
{
	struct restore_rmdir *rd = ctx->rmdir;
	char **m;

	if (!rd) {
		rd = calloc(1, sizeof(*rd));
		if (!rd)
			return -ENOMEM;
		ctx->rmdir = rd;
	}
	m = realloc(rd->made, (rd->nmade + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	rd->made = m;
	rd->made[rd->nmade] = strdup(path);
	if (!rd->made[rd->nmade])
		return -ENOMEM;
	if (mkdir(path, 0700)) {
		free(rd->made[rd->nmade]);
		return -errno;
	}
	rd->nmade++;
	return 0;
}

/*
 * The parents removed with it (dump checked the nearest one left is a
 * directory): made 0700, root's, removed after it. An fd or cwd of the
 * tree on one of them gives it its mode and owner (restore_rmdir__make()).
 */
static int make_parents(struct restore_ctx *ctx, const char *path)
{
	char parent[PATH_MAX], *slash;
	struct stat st;
	int err;

	if (strlen(path) >= sizeof(parent))
		return -ENAMETOOLONG;
	strcpy(parent, path);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = 0;
	if (!lstat(parent, &st) || was_made(ctx->rmdir, parent))
		return 0;
	err = make_parents(ctx, parent);
	return err ? err : make(ctx, parent);
}

int restore_rmdir__make(struct restore_ctx *ctx, pid_t pid, const char *path, uint32_t mode,
			uint32_t uid, uint32_t gid)
{
	int err = 0;

	if (!was_made(ctx->rmdir, path)) {
		err = make_parents(ctx, path);
		if (!err)
			err = make(ctx, path);
	}
	if (err)
		return restore_ctx__fail(ctx, pid, err,
				     "pid %d: cannot make the removed directory %s again: %s", pid,
				     path, strerror(-err));
	/* chown first: it would clear set-group-id. */
	if (chown(path, uid, gid) || chmod(path, mode & 07777))
		return restore_ctx__fail(ctx, pid, -errno,
				     "pid %d: the removed directory %s made again: owner, mode: %s",
				     pid, path, strerror(errno));
	return 0;
}

void restore_rmdir__remove(struct restore_ctx *ctx)
{
	struct restore_rmdir *rd = ctx->rmdir;
	size_t i;

	if (!rd)
		return;
	/* The last made first: children before their parents. */
	for (i = rd->nmade; i-- > 0;) {
		/* Verification then finds a directory with links (kind_file.c). */
		if (rmdir(rd->made[i]))
			pr_err("rmdir %s (made again by this restore): %s", rd->made[i],
			       strerror(errno));
		free(rd->made[i]);
	}
	free(rd->made);
	free(rd);
	ctx->rmdir = NULL;
}

int restore_rmdir__parents(struct restore_ctx *ctx, pid_t pid, const char *path)
{
	int err = make_parents(ctx, path);

	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d: cannot make the parents of %s again: %s",
				     pid, path, strerror(-err));
	return 0;
}
