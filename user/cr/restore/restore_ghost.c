// SPDX-License-Identifier: GPL-2.0
/*
 * restore_ghost.c - deleted files that were mapped, made again nameless.
 *
 * Where: O_TMPFILE in the directory the file was in, when that directory
 * exists and takes one (same filesystem, so same exec and space rules as
 * the original). Otherwise a memfd ("/memfd:NAME (deleted)"): it needs no
 * directory and no disk, and unlike /tmp it is never mounted noexec, and a
 * library must stay executable. Neither has a name on disk while it is
 * filled: a restore that fails, or a pidtrace killed then, leaves nothing
 * behind (unlike a create-then-unlink). Once filled, the O_TMPFILE file is
 * given each name its mappings, fds and exe link had, for a few system
 * calls (restore_named.c): they are opened through those names, so /proc
 * shows "PATH (deleted)" as before, not "DIR/#INODE (deleted)". Not made
 * O_EXCL, so that it can be linked; once its last name is unlinked it
 * cannot be linked back, like the original whose last link was gone.
 *
 * The contents come from the first mapping of the tree that saved them
 * (vma_entry.ghost with data_here) or from an FD_DELETED fd of the same
 * file, written back with its holes and its atime and mtime
 * (ghost_data.c). pidtrace keeps a read-only descriptor of each: a writable one
 * would forbid making it an exe file (PR_SET_MM_MAP denies write access),
 * and MAP_SHARED writable mappings reopen it read-write in the task.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ghost_data.h"
#include "log.h"
#include "restore_ctx.h"
#include "restore_ghost.h"
#include "restore_named.h"
#include "restore_rofs.h"
#include "testfault.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

struct ghost_file {
	uint64_t dev, ino;
	int fd;
};

struct restore_ghost {
	struct ghost_file *files;	/* nameless, one per inode */
	size_t n;
	struct restore_named *named;	/* opened through their names */
};

int restore_ghost__fd(const struct restore_ctx *ctx, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; ctx->ghost && i < ctx->ghost->n; i++)
		if (ctx->ghost->files[i].dev == dev && ctx->ghost->files[i].ino == ino)
			return ctx->ghost->files[i].fd;
	return -1;
}

int restore_ghost__named_fd(const struct restore_ctx *ctx, uint64_t dev, uint64_t ino,
			   const char *path)
{
	int fd = ctx->ghost ? restore_named__fd(ctx->ghost->named, dev, ino, path) : -1;

	return fd >= 0 ? fd : restore_ghost__fd(ctx, dev, ino);
}

size_t restore_ghost__fds(const struct restore_ctx *ctx, int *out)
{
	size_t i;

	if (!ctx->ghost)
		return 0;
	for (i = 0; i < ctx->ghost->n; i++)
		if (out)
			out[i] = ctx->ghost->files[i].fd;
	return i + restore_named__fds(ctx->ghost->named, out ? out + i : NULL);
}

static bool has_data(const FdEntry *e, const void *dev)
{
	return e->deleted && e->deleted->data_here && e->dev == *(const uint64_t *)dev;
}

const DeletedFileEntry *restore_ghost__data(const struct restore_ctx *ctx, uint64_t dev,
					   uint64_t ino)
{
	const FdEntry *f;
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const MmImage *mm = ctx->tasks[i].mm;

		for (k = 0; mm && k < mm->n_vmas; k++) {
			const VmaEntry *v = mm->vmas[k];

			if (v->ghost && v->ghost->data_here && v->dev == dev && v->ino == ino)
				return v->ghost;
		}
	}
	f = restore_ctx__find_fd(ctx, FD_TYPE__FD_DELETED, ino, has_data, &dev, NULL);
	return f ? f->deleted : NULL;
}

/* A nameless writable file: in @path's directory, else a memfd. */
static int nameless(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096], name[200];
	int fd = -1;

	snprintf(dir, sizeof(dir), "%.*s", slash && slash != path ? (int)(slash - path) : 1,
		 path);
	/* Tests: the directory is gone, the memfd is used. */
	if (!testfault__point("restore-ghost-dir"))
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	snprintf(name, sizeof(name), "%s", slash ? slash + 1 : path);
	fd = memfd_create(name, MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC);	/* before 6.3: no MFD_EXEC */
	return fd < 0 ? -errno : fd;
}

/* Make @d again, (@dev, @ino) in the image; return a read-only fd of it or -errno. */
static int make_ghost(struct restore_ctx *ctx, const DeletedFileEntry *d, uint64_t dev,
		      uint64_t ino)
{
	char self[64];
	int rw, ro = -1, err;

	/* Its mount read-only by its flag: made by name through a clone of it. */
	if (d->ro_mount)
		return restore_rofs__make(d);
	rw = nameless(d->path);
	if (rw < 0)
		return rw;
	err = ghost_data__fill(rw, d);
	/* Filled: its names, for an instant each (restore_named.c). */
	if (!err)
		err = restore_named__give(ctx, &ctx->ghost->named, dev, ino, rw);
	/* Every one given: the nameless dentry goes at once (restore_named__swap()). */
	if (!err)
		return restore_named__swap(ctx->ghost->named, dev, ino, rw);
	if (err > 0)
		err = 0;
	if (!err) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", rw);
		ro = open(self, O_RDONLY | O_CLOEXEC);
		if (ro < 0)
			err = -errno;
	}
	close(rw);
	return err ? err : ro;
}

static int add_one(struct restore_ctx *ctx, const struct rtask *t, const VmaEntry *v)
{
	struct restore_ghost *g = ctx->ghost;
	const DeletedFileEntry *d;
	struct ghost_file *arr;
	int fd;

	if (restore_ghost__fd(ctx, v->dev, v->ino) >= 0)
		return 0;
	d = restore_ghost__data(ctx, v->dev, v->ino);
	if (!d || d->data.len > d->size)
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d: mapping %lx-%lx of %s: the deleted file's contents are not in the image",
				     t->pid, (unsigned long)v->start, (unsigned long)v->end,
				     v->path ? v->path : v->ghost->path);
	fd = make_ghost(ctx, d, v->dev, v->ino);
	if (fd < 0)
		return restore_ctx__fail(ctx, t->pid, fd,
				     "pid %d: mapping %lx-%lx: cannot make deleted file %s again: %s",
				     t->pid, (unsigned long)v->start, (unsigned long)v->end, d->path,
				     strerror(-fd));
	arr = realloc(g->files, (g->n + 1) * sizeof(*arr));
	if (!arr) {
		close(fd);
		return -ENOMEM;
	}
	g->files = arr;
	arr[g->n++] = (struct ghost_file){ v->dev, v->ino, fd };
	return 0;
}

int restore_ghost__create(struct restore_ctx *ctx)
{
	size_t i, k;
	int err = 0;

	for (i = 0; !err && i < ctx->ntasks; i++) {
		const struct rtask *t = &ctx->tasks[i];

		for (k = 0; !err && t->mm && !t->zombie && k < t->mm->n_vmas; k++) {
			const VmaEntry *v = t->mm->vmas[k];

			if (!v->ghost)
				continue;
			if (!ctx->ghost && !(ctx->ghost = calloc(1, sizeof(*ctx->ghost))))
				return -ENOMEM;
			err = add_one(ctx, t, v);
		}
	}
	return err;
}

int restore_ghost__open_fd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int flags = (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW)) | O_CLOEXEC;
	char self[64];
	int g, fd;

	if (e->type != FD_TYPE__FD_DELETED || !e->has_dev || !e->has_ino)
		return -ENOENT;
	g = restore_ghost__named_fd(ctx, e->dev, e->ino, e->path);
	if (g < 0)
		return -ENOENT;
	if (e->tmpfile)
		pr_warn("pid %d fd %u: %s: made by O_TMPFILE, restored without __O_TMPFILE|O_DIRECTORY in its flags (the file is mapped too: made once, for its mappings)",
			pid, e->fd, e->path ? e->path : "?");
	snprintf(self, sizeof(self), "/proc/self/fd/%d", g);
	fd = open(self, flags);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: reopen deleted file %s: %s",
				     pid, e->fd, e->path ? e->path : "?", strerror(errno));
	if (e->has_pos && lseek(fd, e->pos, SEEK_SET) < 0) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: lseek: %s", pid, e->fd,
				     strerror(errno));
	}
	return fd;
}

void restore_ghost__close(struct restore_ctx *ctx)
{
	size_t i;

	if (!ctx->ghost)
		return;
	for (i = 0; i < ctx->ghost->n; i++)
		close(ctx->ghost->files[i].fd);
	restore_named__free(&ctx->ghost->named);
	free(ctx->ghost->files);
	free(ctx->ghost);
	ctx->ghost = NULL;
}
