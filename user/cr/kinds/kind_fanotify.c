// SPDX-License-Identifier: GPL-2.0
/*
 * kind_fanotify.c - fanotify groups: fanotify_init()'s flags and event
 * flags, and every mark on an inode, a mount or a file system with its
 * masks (fanotify_marks.c reads them from fdinfo and makes them again).
 * The restored group must show the same fdinfo lines: the same objects
 * (inode and device, mount id), flags and masks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>

#include "dump_ctx.h"
#include "escape.h"
#include "fanotify_marks.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "restore_verify.h"

#define MAX_FANOTIFY_MARKS 4096

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:[fanotify]");
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return fanotify_marks__dump(l->pid, l->fd, l->info, e, ctx->drop_events);
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const FanotifyEntry *fe = e->fanotify;
	size_t i;

	if (!fe)
		return bad(img, n, "fanotify fd %u has no state", e->fd);
	if (fe->flags & (FAN_CLASS_CONTENT | FAN_CLASS_PRE_CONTENT))
		return bad(img, n, "fanotify fd %u: a class with permission events", e->fd);
	if (fe->n_marks > MAX_FANOTIFY_MARKS || fe->n_fdinfo != fe->n_marks + 1)
		return bad(img, n, "fanotify fd %u: %zu marks, %zu fdinfo lines", e->fd, fe->n_marks,
			   fe->n_fdinfo);
	for (i = 0; i < fe->n_marks; i++) {
		const FanotifyMarkEntry *m = fe->marks[i];

		if (m->kind < FANOTIFY_MARK_INODE || m->kind > FANOTIFY_MARK_FS)
			return bad(img, n, "fanotify fd %u: mark %zu of kind %u", e->fd, i, m->kind);
		if (!m->path || m->path[0] != '/' || strlen(m->path) >= 4096)
			return bad(img, n, "fanotify fd %u: mark %zu has no absolute path", e->fd, i);
		if ((m->kind == FANOTIFY_MARK_INODE) != m->has_ino ||
		    (m->kind == FANOTIFY_MARK_MOUNT) != m->has_mnt_id)
			return bad(img, n, "fanotify fd %u: mark %zu names no object", e->fd, i);
		if (!m->mask && !m->ignored_mask)
			return bad(img, n, "fanotify fd %u: mark %zu has no mask", e->fd, i);
	}
	return 0;
}

static int open_group(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	kinds__warn_dropped(pid, e);
	return fanotify_marks__open(ctx, pid, e);
}

/* The group and its marks as fdinfo shows them, against the image's lines. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const FanotifyEntry *fe = e->fanotify;
	char **now = NULL, w[64];
	size_t n = 0, i;
	int err;

	if (!fe)
		return 0;
	err = fanotify_marks__lines(l->info, &now, &n);
	if (err)
		return restore_verify__cannot(v, "a fanotify group's fdinfo", err);
	snprintf(w, sizeof(w), "fd %u: fanotify lines", e->fd);
	err = restore_verify__num(v, w, VF_DEC, fe->n_fdinfo, n);
	snprintf(w, sizeof(w), "fd %u: fanotify", e->fd);
	for (i = 0; !err && i < n; i++)
		err = restore_verify__str(v, w, fe->fdinfo[i], now[i]);
	fanotify_marks__free_lines(now, n);
	return err;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const FanotifyEntry *fe = e->fanotify;

	if (!fe)
		return false;
	snprintf(buf, len, "fanotify flags %#x, event flags %#x, %zu mark%s%s", fe->flags,
		 fe->event_flags, fe->n_marks, fe->n_marks == 1 ? "" : "s",
		 kinds_show__dropped(e, (char[64]){ 0 }, 64));
	return true;
}

static void print(const FdEntry *e)
{
	const FanotifyEntry *fe = e->fanotify;
	size_t i;

	for (i = 0; fe && i < fe->n_marks; i++) {
		const FanotifyMarkEntry *m = fe->marks[i];

		printf("         mark on %s %s: mask %#lx, ignored %#lx, flags %#x\n",
		       fanotify_marks__on(m->kind), escape__str(m->path), (unsigned long)m->mask,
		       (unsigned long)m->ignored_mask, m->mflags);
	}
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const FanotifyEntry *fe = e->fanotify;
	struct json_object *k, *a, *j;
	size_t i;

	if (!fe)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "flags", kinds_show__hex(fe->flags));
	kinds_show__add(k, "event_flags", kinds_show__hex(fe->event_flags));
	a = json_object_new_array();
	for (i = 0; i < fe->n_marks; i++) {
		const FanotifyMarkEntry *m = fe->marks[i];

		j = json_object_new_object();
		kinds_show__add(j, "on", json_object_new_string(fanotify_marks__on(m->kind)));
		kinds_show__add(j, "path", escape__json_string(m->path));
		kinds_show__add(j, "mask", kinds_show__hex(m->mask));
		kinds_show__add(j, "ignored_mask", kinds_show__hex(m->ignored_mask));
		kinds_show__add(j, "flags", kinds_show__hex(m->mflags));
		if (m->has_mnt_id)
			kinds_show__add(j, "mnt_id", kinds_show__u64(m->mnt_id));
		json_object_array_add(a, j);
	}
	kinds_show__add(k, "marks", a);
	if (e->has_dropped_events)
		kinds_show__add(k, "dropped_events", kinds_show__u64(e->dropped_events));
	kinds_show__add(o, "fanotify", k);
}

const struct fd_kind kind_fanotify = {
	.type = FD_TYPE__FD_FANOTIFY,
	.name = "fanotify",
	.noun = "fanotify group",
	.test = "fanotify",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_group,
	.verify = verify,
	.describe = describe,
	.print = print,
	.json = json,
};
