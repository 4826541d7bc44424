// SPDX-License-Identifier: GPL-2.0
/*
 * dump_ghost.c - file mappings of deleted files.
 *
 * A long-running process outlives package upgrades: its shared libraries
 * and its executable are replaced under it, and /proc/PID/maps shows them
 * as "PATH (deleted)". The path opens another file (or none), so restore
 * cannot reopen it; /proc/PID/map_files/START-END still opens the very
 * inode. Its contents are saved once per (dev, ino) of the tree, in the
 * FD_DELETED format (deleted_file_entry), by the first mapping that has it
 * (or by an fd of the file, dumped before the memory: then the mappings
 * only name the inode). Only an inode with no link left is taken: one
 * still linked elsewhere is refused, as for fds (its other name would
 * come back as a copy, no longer the same file).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_ghost.h"
#include "dump_rofs.h"
#include "fdio.h"
#include "log.h"

#define DELETED " (deleted)"

struct ghost_key {
	uint64_t dev, ino;
};

struct dump_ghost {
	struct ghost_key *saved;	/* inodes whose contents are in the image */
	size_t nsaved;
};

static struct dump_ghost *state(struct dump_ctx *ctx)
{
	if (!ctx->ghost)
		ctx->ghost = calloc(1, sizeof(*ctx->ghost));
	return ctx->ghost;
}

static bool is_saved(const struct dump_ghost *g, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; i < g->nsaved; i++)
		if (g->saved[i].dev == dev && g->saved[i].ino == ino)
			return true;
	return false;
}

/* Return: 1 the caller saves the contents of (@dev, @ino), 0 already saved, -ENOMEM. */
static int claim(struct dump_ctx *ctx, uint64_t dev, uint64_t ino)
{
	struct dump_ghost *g = state(ctx);
	struct ghost_key *arr;

	if (!g)
		return -ENOMEM;
	if (is_saved(g, dev, ino))
		return 0;
	arr = realloc(g->saved, (g->nsaved + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	g->saved = arr;
	arr[g->nsaved++] = (struct ghost_key){ dev, ino };
	return 1;
}

static int describe(DeletedFileEntry *d, const char *path, size_t len, const struct stat *st)
{
	d->path = strndup(path, len);
	if (!d->path)
		return -ENOMEM;
	d->size = st->st_size;
	d->mode = st->st_mode;
	d->uid = st->st_uid;
	d->gid = st->st_gid;
	d->has_atime_ns = d->has_mtime_ns = true;
	d->atime_ns = st->st_atim.tv_sec * 1000000000LL + st->st_atim.tv_nsec;
	d->mtime_ns = st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	return 0;
}

/*
 * One more data range [@off, @off + @len) of @f: its bytes after those read
 * so far. Return: 0, -EFBIG past DUMP_GHOST_MAX_BYTES of data, -errno.
 */
static int add_extent(int f, uint64_t off, uint64_t len, DeletedFileEntry *d, size_t *cap)
{
	uint64_t *ext;
	uint8_t *buf;
	ssize_t got;

	if (len > DUMP_GHOST_MAX_BYTES - d->data.len)
		return -EFBIG;
	/* The data grows with the ranges: a file's size may be mostly holes. */
	buf = realloc(d->data.data, d->data.len + len ? d->data.len + len : 1);
	if (!buf)
		return -ENOMEM;
	d->data.data = buf;
	if (d->n_extents + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 16;
		ext = realloc(d->extents, *cap * sizeof(*ext));
		if (!ext)
			return -ENOMEM;
		d->extents = ext;
	}
	got = fdio__pread_all(f, d->data.data + d->data.len, len, off);
	if (got < 0)
		return got;
	if ((uint64_t)got != len)
		return -EIO; /* cut while being read (it cannot grow back) */
	d->extents[d->n_extents++] = off;
	d->extents[d->n_extents++] = len;
	d->data.len += len;
	return 0;
}

static int read_data(pid_t pid, const char *link, uint64_t size, DeletedFileEntry *d)
{
	off_t data, hole, off = 0;
	struct stat now;
	size_t cap = 0;
	int f, err = 0;

	f = open(link, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return procfs__exists(pid) ? -errno : -ESRCH;
	d->data.data = NULL;
	d->data.len = 0;
	while (!err && (uint64_t)off < size) {
		data = lseek(f, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break; /* only a hole is left */
		hole = data < 0 ? -1 : lseek(f, data, SEEK_HOLE);
		if (data < 0 || hole < 0) {
			/* A filesystem that cannot tell: all of it is data. */
			if (errno != EINVAL || off)
				err = -errno;
			data = 0;
			hole = size;
		}
		if ((uint64_t)data >= size)
			break;
		if ((uint64_t)hole > size)
			hole = size;
		err = add_extent(f, data, hole - data, d, &cap);
		off = hole;
	}
	/* Cut while being read: what looked like a tail hole is gone. */
	if (!err && (fstat(f, &now) || (uint64_t)now.st_size < size))
		err = -EIO;
	close(f);
	return err;
}

int dump_ghost__save(struct dump_ctx *ctx, DeletedFileEntry *d, const char *who,
		     const char *path, size_t len, const struct stat *st, pid_t pid,
		     const char *link)
{
	int err = describe(d, path, len, st);

	/* On a read-only mount: made again through a writable clone, or refused. */
	if (!err)
		err = dump_rofs__deleted(link, d->path, st, who);
	if (err == 1)
		d->has_ro_mount = d->ro_mount = true;
	if (err == -ENOENT && !procfs__exists(pid))
		err = -ESRCH;
	if (err >= 0)
		err = claim(ctx, st->st_dev, st->st_ino);
	if (err <= 0)
		return err;
	d->has_data_here = d->data_here = true;
	d->has_data = true;
	return read_data(pid, link, st->st_size, d);
}

static int refuse(pid_t pid, const VmaEntry *v, const char *link, const char *why)
{
	pr_err("pid %d: mapping %lx-%lx of %s: %s", pid, (unsigned long)v->start,
	       (unsigned long)v->end, link, why);
	return -EOPNOTSUPP;
}

int dump_ghost__vma(struct dump_ctx *ctx, pid_t pid, const char *link, const struct stat *st,
		    VmaEntry *v)
{
	size_t len = strlen(link);
	DeletedFileEntry *d;
	char why[128], path[80], who[96];
	int err;

	if (!S_ISREG(st->st_mode) || link[0] != '/')
		return refuse(pid, v, link, "a deleted object that is not a regular file is not supported");
	if (st->st_nlink)
		return refuse(pid, v, link,
			      "the file was deleted but is still linked elsewhere: not supported");
	/* What is saved is its data, not its holes: a big sparse file is small. */
	if ((uint64_t)st->st_blocks * 512 > DUMP_GHOST_MAX_BYTES) {
		snprintf(why, sizeof(why),
			 "deleted file with %llu bytes of data: more than the %llu MiB saved",
			 (unsigned long long)st->st_blocks * 512, DUMP_GHOST_MAX_BYTES >> 20);
		return refuse(pid, v, link, why);
	}
	v->path = dump_ctx__strdup(link);
	d = v->ghost = PB_NEW(DeletedFileEntry, deleted_file_entry);
	if (!v->path || !d)
		return -ENOMEM;
	v->has_dev = v->has_ino = v->has_file_size = v->has_deleted = true;
	v->dev = st->st_dev;
	v->ino = st->st_ino;
	v->file_size = st->st_size;
	v->deleted = true;
	if (len > strlen(DELETED) && !strcmp(link + len - strlen(DELETED), DELETED))
		len -= strlen(DELETED);
	/* The map_files link opens the inode itself, nameless as it is. */
	snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx", pid, (unsigned long)v->start,
		 (unsigned long)v->end);
	snprintf(who, sizeof(who), "pid %d: mapping %lx-%lx", pid, (unsigned long)v->start,
		 (unsigned long)v->end);
	err = dump_ghost__save(ctx, d, who, link, len, st, pid, path);
	if (err && err != -ESRCH && err != -ENOMEM && err != -EOPNOTSUPP)
		pr_err("pid %d: mapping %lx-%lx of %s: cannot read the deleted file: %s", pid,
		       (unsigned long)v->start, (unsigned long)v->end, link, strerror(-err));
	return err == -ESRCH || err == -ENOMEM || !err ? err : -EOPNOTSUPP;
}

void dump_ghost__free(struct dump_ctx *ctx)
{
	if (!ctx->ghost)
		return;
	free(ctx->ghost->saved);
	free(ctx->ghost);
	ctx->ghost = NULL;
}
