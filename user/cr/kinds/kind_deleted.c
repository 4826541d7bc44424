// SPDX-License-Identifier: GPL-2.0
/*
 * kind_deleted.c - regular files deleted while open. Their contents are
 * saved once per inode (dump_ghost.c), in the first fd of the tree that
 * has them or with a mapping of the same file; restore makes the file
 * again nameless where it was and fills it (restore_ghost.c when a
 * mapping needs it too, restore_fdkinds.c otherwise), then opens each fd
 * through the name it had, linked for an instant (restore_named.c), so
 * /proc shows "PATH (deleted)" as before; verification compares that
 * name, and an O_TMPFILE fd's flags. A file bigger than what dump saves
 * is refused.
 *
 * A file unlinked at its path but still linked elsewhere is not copied:
 * it is the same inode that restore opens again, found by the file handle
 * dump keeps (name_to_handle_at) and linked at its path for as long as it
 * takes to open it (restore_relink.c); verification compares its device
 * and inode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "dump_ctx.h"
#include "dump_ghost.h"
#include "dump_refuse.h"
#include "escape.h"
#include "image_check.h"
#include "kind_deleted.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "restore_fdkinds.h"
#include "restore_ghost.h"
#include "restore_named.h"
#include "restore_relink.h"
#include "restore_verify.h"

#define DELETED " (deleted)"

static bool claims(const struct fd_live *l)
{
	size_t n = strlen(l->link);

	return S_ISREG(l->st->st_mode) && l->link[0] == '/' && n > strlen(DELETED) &&
	       !strcmp(l->link + n - strlen(DELETED), DELETED);
}

static int refuse(const struct fd_live *l, const char *what)
{
	pr_err("pid %d fd %d: %s is not supported", l->pid, l->fd, what);
	return -EOPNOTSUPP;
}

/*
 * Still linked elsewhere: its file handle, by which restore finds this
 * inode again, and a path restore can link it at (free, with a directory
 * above it on the same file system).
 */
static int dump_linked(const struct fd_live *l, FdEntry *e)
{
	char path[64], what[4200], dir[4096], *slash;
	struct file_handle *h;
	struct stat st;
	size_t n = strlen(l->link) - strlen(DELETED);
	int mnt_id, err;

	snprintf(what, sizeof(what), "pid %d fd %d", l->pid, l->fd);
	err = dump_refuse__remakeable(l->link, what, "file unlinked but linked elsewhere,");
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "%.*s", (int)n, l->link);
	do {
		slash = strrchr(dir, '/');
		*slash = 0;
	} while (slash != dir && lstat(dir, &st));
	if (slash == dir && lstat("/", &st))
		return -errno;
	if (st.st_dev != l->st->st_dev) {
		snprintf(what, sizeof(what), "%s, unlinked but linked elsewhere, on another file system than %s,",
			 l->link, slash == dir ? "/" : dir);
		return refuse(l, what);
	}
	h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	if (!h)
		return -ENOMEM;
	h->handle_bytes = MAX_HANDLE_SZ;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", l->pid, l->fd);
	if (name_to_handle_at(AT_FDCWD, path, h, &mnt_id, AT_SYMLINK_FOLLOW)) {
		err = -errno;
		free(h);
		if (!procfs__exists(l->pid))
			return -ESRCH;
		snprintf(what, sizeof(what), "%s, unlinked but linked elsewhere, on a file system without file handles (%s),",
			 l->link, strerror(-err));
		return refuse(l, what);
	}
	e->path = dump_ctx__strdup(l->link);
	e->relink_handle.data = malloc(h->handle_bytes);
	if (!e->path || !e->relink_handle.data) {
		free(h);
		return -ENOMEM;
	}
	e->path[n] = 0;
	memcpy(e->relink_handle.data, h->f_handle, h->handle_bytes);
	e->relink_handle.len = h->handle_bytes;
	e->has_relink_handle = e->has_relink_handle_type = true;
	e->relink_handle_type = h->handle_type;
	free(h);
	return 0;
}

/*
 * Shared anonymous memory opened through /proc/PID/map_files (zdtm
 * shmemfd): "/dev/zero (deleted)" on the kernel's internal shmem mount,
 * another device than the task's /dev.
 */
static bool anon_shmem(const struct fd_live *l)
{
	char dev[64];
	struct stat st;

	snprintf(dev, sizeof(dev), "/proc/%d/root/dev", l->pid);
	return !strcmp(l->link, "/dev/zero" DELETED) && !stat(dev, &st) &&
	       st.st_dev != l->st->st_dev;
}

/* Its contents once per inode (dump_ghost.c), shared with mappings of it. */
static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	const struct stat *st = l->st;
	DeletedFileEntry *d;
	char what[4200], path[64];
	int err;

	if (st->st_nlink)
		return dump_linked(l, e);
	/* What is saved is its data, not its holes: a big sparse file is small. */
	if ((uint64_t)st->st_blocks * 512 > DUMP_GHOST_MAX_BYTES) {
		snprintf(what, sizeof(what), "%s (%llu bytes of data: more than the %llu MiB saved)",
			 l->link, (unsigned long long)st->st_blocks * 512,
			 (unsigned long long)(DUMP_GHOST_MAX_BYTES >> 20));
		return refuse(l, what);
	}
	e->path = dump_ctx__strdup(l->link);
	d = e->deleted = PB_NEW(DeletedFileEntry, deleted_file_entry);
	if (!d || !e->path)
		return -ENOMEM;
	e->has_size = true;
	e->size = st->st_size;
	e->has_anon_shmem = e->anon_shmem = anon_shmem(l);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", l->pid, l->fd);
	snprintf(what, sizeof(what), "pid %d fd %d", l->pid, l->fd);
	err = dump_ghost__save(ctx, d, what, l->link, strlen(l->link) - strlen(DELETED), st, l->pid, path);
	if (err == -EFBIG) {
		/* A filesystem that cannot tell holes from data: all of its size is data. */
		snprintf(what, sizeof(what), "%s (more than the %llu MiB of data saved)", l->link,
			 (unsigned long long)(DUMP_GHOST_MAX_BYTES >> 20));
		return refuse(l, what);
	}
	return err;
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	if (e->has_relink_handle &&
	    (e->deleted || !e->path || e->path[0] != '/' || !e->has_relink_handle_type ||
	     !e->relink_handle.len || e->relink_handle.len > MAX_HANDLE_SZ || !e->has_dev ||
	     !e->has_ino))
		return bad(img, n, "fd %u: a file linked elsewhere without its path, handle (%zu bytes) or inode, or with contents",
			   e->fd, e->relink_handle.len);
	return e->deleted ? image_check__deleted_file(img, n, "fd", e->fd, e->deleted) : 0;
}

/* A mapping of the image maps file (@dev, @ino): the fd got the mappings' copy. */
static bool mapped(const struct restore_ctx *ctx, uint64_t dev, uint64_t ino)
{
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++)
		for (k = 0; ctx->tasks[i].mm && k < ctx->tasks[i].mm->n_vmas; k++)
			if (ctx->tasks[i].mm->vmas[k]->ghost && ctx->tasks[i].mm->vmas[k]->dev == dev &&
			    ctx->tasks[i].mm->vmas[k]->ino == ino)
				return true;
	return false;
}

/*
 * restore_ctx__find_fd()'s pick: another fd of the file had @arg's name (a
 * file made by name, not O_TMPFILE: on a read-only mount, or a file system
 * without O_TMPFILE, every fd comes back by the first one's name).
 */
static bool other_name(const FdEntry *e, const void *arg)
{
	const struct fd_live *l = arg;

	return e->deleted && e->path && !strcmp(e->path, l->link);
}

/*
 * The name: its own, or what restore gives when that cannot be (and said
 * so: restore_named.c). Made by O_TMPFILE: __O_TMPFILE|O_DIRECTORY in its
 * flags again, but where restore said it could not (the file mapped too,
 * on a read-only mount).
 */
static int verify_name(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	char w[64];
	uint64_t flags = 0;

	snprintf(w, sizeof(w), "fd %u: file", e->fd);
	if (e->path && !restore_named__same(e->path, l->link) &&
	    !restore_ctx__find_fd(v->ctx, FD_TYPE__FD_DELETED, e->ino, other_name, l, NULL))
		return restore_verify__str(v, w, e->path, l->link);
	if (!e->tmpfile || e->deleted->ro_mount || mapped(v->ctx, e->dev, e->ino))
		return 0;
	procfs__field_u64(l->info, "flags:", 8, &flags);
	snprintf(w, sizeof(w), "fd %u: O_TMPFILE flags", e->fd);
	return restore_verify__num(v, w, VF_OCT, __O_TMPFILE | O_DIRECTORY,
				   flags & (__O_TMPFILE | O_DIRECTORY));
}

/*
 * The same inode, linked elsewhere: its device and inode are compared. A
 * copy: whether its mount is read-only as the original's was, and on a
 * read-only mount (made through a clone of it, restore_rofs.c) its device.
 */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	char path[64], w[64];
	struct statvfs s;
	int err;

	if (e->has_relink_handle)
		return restore_verify__identity(v, e, l);
	if (!e->deleted)
		return 0;
	err = verify_name(v, e, l);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", l->pid, l->fd);
	if (statvfs(path, &s))
		return restore_verify__cannot(v, "deleted file's mount", -errno);
	snprintf(w, sizeof(w), "fd %u: on a read-only mount", e->fd);
	err = restore_verify__num(v, w, VF_DEC, e->deleted->ro_mount, !!(s.f_flag & ST_RDONLY));
	snprintf(w, sizeof(w), "fd %u: device", e->fd);
	if (!err && e->deleted->ro_mount && e->has_dev)
		err = restore_verify__num(v, w, VF_HEX, e->dev, l->st->st_dev);
	return err;
}

static int open_deleted(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int fd;

	if (e->has_relink_handle)
		return restore_relink__open(ctx, pid, e);
	/* A deleted file that is also mapped: the mappings' copy. */
	fd = restore_ghost__open_fd(ctx, pid, e);

	return fd == -ENOENT ? restore_fdkinds__open_deleted(ctx, pid, e) : fd;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const DeletedFileEntry *d = e->deleted;

	if (e->has_relink_handle) {
		snprintf(buf, len, "%s (deleted, linked elsewhere: the same inode %lu)",
			 e->path ? e->path : "?", (unsigned long)e->ino);
		return true;
	}
	if (!d)
		return false;
	snprintf(buf, len, "%s (deleted, %lu bytes%s%s%s)", d->path, (unsigned long)d->size,
		 d->n_extents && d->data.len < d->size ? " with holes" : "",
		 d->ro_mount ? ", on a read-only mount" : "", d->data_here ? ", saved here" : "");
	return true;
}

void kind_deleted__json_data(const DeletedFileEntry *d, struct json_object *k)
{
	struct json_object *a, *r;
	size_t i;

	if (d->has_atime_ns)
		kinds_show__add(k, "atime_ns", json_object_new_int64(d->atime_ns));
	if (d->has_mtime_ns)
		kinds_show__add(k, "mtime_ns", json_object_new_int64(d->mtime_ns));
	if (d->ro_mount)
		kinds_show__add(k, "ro_mount", json_object_new_boolean(true));
	if (!d->n_extents)
		return;
	a = json_object_new_array();
	for (i = 0; i + 1 < d->n_extents; i += 2) {
		r = json_object_new_array();
		json_object_array_add(r, kinds_show__u64(d->extents[i]));
		json_object_array_add(r, kinds_show__u64(d->extents[i + 1]));
		json_object_array_add(a, r);
	}
	kinds_show__add(k, "data_ranges", a);
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const DeletedFileEntry *d = e->deleted;
	struct json_object *k;

	if (e->has_relink_handle) {
		k = json_object_new_object();
		kinds_show__add(k, "path", escape__json_string(e->path ? e->path : ""));
		kinds_show__add(k, "linked_elsewhere", json_object_new_boolean(true));
		kinds_show__add(k, "handle_type", json_object_new_int(e->relink_handle_type));
		kinds_show__add(k, "handle_bytes", json_object_new_int64(e->relink_handle.len));
		kinds_show__add(o, "deleted", k);
		return;
	}
	if (!d)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "path", escape__json_string(d->path));
	kinds_show__add(k, "size", kinds_show__u64(d->size));
	kinds_show__add(k, "mode", kinds_show__hex(d->mode));
	kinds_show__add(k, "uid", json_object_new_int64(d->uid));
	kinds_show__add(k, "gid", json_object_new_int64(d->gid));
	kinds_show__add(k, "data_here", json_object_new_boolean(d->data_here));
	kind_deleted__json_data(d, k);
	kinds_show__add(o, "deleted", k);
}

const struct fd_kind kind_deleted = {
	.type = FD_TYPE__FD_DELETED,
	.name = "deleted",
	.noun = "deleted file",
	.test = "deleted",
	.seeks = true,
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_deleted,
	.verify = verify,
	.describe = describe,
	.json = json,
};
