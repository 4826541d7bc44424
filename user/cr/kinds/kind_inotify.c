// SPDX-License-Identifier: GPL-2.0
/*
 * kind_inotify.c - inotify instances: each watch's descriptor, mask and
 * the path it watches (dump_inotify.c finds it from the inode fdinfo
 * names); restore adds the watches again by path, in wd order
 * (restore_inotify.c). A watch on a file deleted while open is kept by
 * the fd of the task that holds the file, and added again through it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>

#include "dump_ctx.h"
#include "dump_inotify.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "restore_inotify.h"
#include "restore_verify.h"

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:inotify");
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return dump_inotify__fd(l->pid, l->fd, l->info, e, ctx->drop_events);
}

/*
 * An inotify instance's watches: restore adds them by path in wd order,
 * burning the numbers in between, so wds increase from 1 (a bounded count:
 * fs.inotify.max_user_watches' ceiling), each on an absolute path.
 */
#define MAX_INOTIFY_WATCHES (1U << 20)

/* Whether @fi has the deleted file @w watches at fd w->deleted_fd. */
static bool deleted_here(const FilesImage *fi, const InotifyWatch *w)
{
	size_t i;

	for (i = 0; fi && i < fi->n_fds; i++)
		if (fi->fds[i]->fd == w->deleted_fd)
			return fi->fds[i]->type == FD_TYPE__FD_DELETED && fi->fds[i]->dev == w->dev &&
			       fi->fds[i]->ino == w->ino;
	return false;
}

/* The inode the restored fd @fd of @pid holds (a deleted file made again), or 0. */
static unsigned long long held_ino(pid_t pid, uint32_t fd)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/fd/%u", pid, fd);
	return stat(p, &st) ? 0 : st.st_ino;
}
static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const InotifyEntry *ie = e->inotify;
	size_t i;

	if (!ie)
		return bad(img, n, "inotify fd %u has no watch list", e->fd);
	if (ie->n_watches > MAX_INOTIFY_WATCHES)
		return bad(img, n, "inotify fd %u: %zu watches: impossible", e->fd, ie->n_watches);
	for (i = 0; i < ie->n_watches; i++) {
		const InotifyWatch *w = ie->watches[i];

		if (!w->wd || w->wd > INT32_MAX || (i && w->wd <= ie->watches[i - 1]->wd))
			return bad(img, n, "inotify fd %u: watch %u is out of order or impossible",
				   e->fd, w->wd);
		if (!w->path || w->path[0] != '/' || strlen(w->path) >= 4096)
			return bad(img, n, "inotify fd %u: watch %u has no absolute path", e->fd,
				   w->wd);
		if (w->has_deleted_fd && !deleted_here(fi, w))
			return bad(img, n, "inotify fd %u: watch %u: fd %u is not its deleted file",
				   e->fd, w->wd, w->deleted_fd);
		if (w->fhandle.len > 128)
			return bad(img, n, "inotify fd %u: watch %u: a %zu-byte file handle", e->fd,
				   w->wd, w->fhandle.len);
	}
	return 0;
}

/* fdinfo's watches (in the kernel's order: matched by descriptor) against the image's. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const InotifyEntry *in = e->inotify;
	const char *p = l->info;
	size_t n = 0;
	char w[64];
	int err;

	if (!in)
		return 0;
	while ((p = strstr(p, "inotify wd:"))) {
		const InotifyWatch *iw = NULL;
		unsigned int wd, mask;
		unsigned long long ino;
		const char *m;
		size_t i;

		if (sscanf(p, "inotify wd:%x ino:%llx", &wd, &ino) != 2)
			break;
		m = strstr(p, "mask:");
		if (!m || sscanf(m, "mask:%x", &mask) != 1)
			break;
		for (i = 0; i < in->n_watches; i++)
			if (in->watches[i]->wd == wd)
				iw = in->watches[i];
		snprintf(w, sizeof(w), "fd %u: inotify watch %u", e->fd, wd);
		if (!iw)
			return restore_verify__str(v, w, "none", "one");
		snprintf(w, sizeof(w), "fd %u: inotify watch %u: inode", e->fd, wd);
		/* A deleted file is a new inode: the one its fd holds now. */
		err = restore_verify__num(v, w, VF_DEC,
					  iw->has_deleted_fd ? held_ino(l->pid, iw->deleted_fd) : iw->ino,
					  ino);
		snprintf(w, sizeof(w), "fd %u: inotify watch %u: mask", e->fd, wd);
		if (!err)
			err = restore_verify__num(v, w, VF_HEX, iw->mask, mask);
		if (err)
			return err;
		n++;
		p += 11;
	}
	/*
	 * Not compared: the events queued since pidtrace read its own away
	 * (restore_inotify__drain()); any now are of other processes' work on
	 * the watched files, which the restored task is to see.
	 */
	snprintf(w, sizeof(w), "fd %u: inotify watches", e->fd);
	return restore_verify__num(v, w, VF_DEC, in->n_watches, n);
}

/* "CREATE|DELETE|ONESHOT" */
static void in_mask(uint32_t m, char *buf, size_t len)
{
	static const struct kinds_show_bit names[] = {
		{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" }, { IN_ATTRIB, "ATTRIB" },
		{ IN_CLOSE_WRITE, "CLOSE_WRITE" }, { IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
		{ IN_OPEN, "OPEN" }, { IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" }, { IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" }, { IN_EXCL_UNLINK, "EXCL_UNLINK" },
		{ IN_ONESHOT, "ONESHOT" },
	};

	kinds_show__bits(m, names, sizeof(names) / sizeof(names[0]), buf, len);
}

static int open_inotify(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	kinds__warn_dropped(pid, e);
	return restore_inotify__open(ctx, pid, e);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->inotify)
		return false;
	snprintf(buf, len, "inotify, %zu watch%s%s", e->inotify->n_watches,
		 e->inotify->n_watches == 1 ? "" : "es",
		 kinds_show__dropped(e, (char[64]){ 0 }, 64));
	return true;
}

static void print(const FdEntry *e)
{
	const InotifyEntry *ie = e->inotify;
	char m[256];
	size_t i;

	for (i = 0; ie && i < ie->n_watches; i++) {
		in_mask(ie->watches[i]->mask, m, sizeof(m));
		printf("         watch %u: %s: %s", ie->watches[i]->wd,
		       escape__str(ie->watches[i]->path), m);
		if (ie->watches[i]->has_deleted_fd)
			printf(" (through fd %u)", ie->watches[i]->deleted_fd);
		printf("\n");
	}
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const InotifyEntry *ie = e->inotify;
	struct json_object *k, *a;
	char m[256];
	size_t i;

	if (!ie)
		return;
	k = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < ie->n_watches; i++) {
		const InotifyWatch *w = ie->watches[i];
		struct json_object *j = json_object_new_object();

		in_mask(w->mask, m, sizeof(m));
		kinds_show__add(j, "wd", json_object_new_int64(w->wd));
		kinds_show__add(j, "mask", kinds_show__hex(w->mask));
		kinds_show__add(j, "mask_names", escape__json_string(m));
		kinds_show__add(j, "path", escape__json_string(w->path));
		kinds_show__add(j, "dev", kinds_show__u64(w->dev));
		kinds_show__add(j, "ino", kinds_show__u64(w->ino));
		if (w->has_deleted_fd)
			kinds_show__add(j, "deleted_fd", json_object_new_int64(w->deleted_fd));
		json_object_array_add(a, j);
	}
	kinds_show__add(k, "watches", a);
	if (e->has_dropped_events)
		kinds_show__add(k, "dropped_events", kinds_show__u64(e->dropped_events));
	kinds_show__add(o, "inotify", k);
}

const struct fd_kind kind_inotify = {
	.type = FD_TYPE__FD_INOTIFY,
	.name = "inotify",
	.noun = "inotify",
	.test = "inotify",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_inotify,
	.restore_closed = restore_inotify__drain,
	.verify = verify,
	.describe = describe,
	.print = print,
	.json = json,
};
