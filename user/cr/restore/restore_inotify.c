// SPDX-License-Identifier: GPL-2.0
/*
 * restore_inotify.c - inotify instances and their watches.
 *
 * The kernel numbers the watches of an instance itself, increasing from 1
 * and not reusing a freed number until they wrap (idr_alloc_cyclic): the
 * watches are added in wd order, and each number the original had freed
 * (a watch removed before the dump) is burnt by adding and removing a
 * placeholder watch on the next watch's path (not watched yet, so it
 * takes a new number). The IN_IGNORED events those removals queue are
 * read away before the instance is handed over: the original had no
 * unread event (dump refuses that).
 *
 * Each path must still be the inode the watch had at dump (lstat dev and
 * ino): a watch silently moved to another file would report the wrong
 * events. The watch is added with IN_DONT_FOLLOW: the path is the watched
 * object itself (it may be a symlink).
 *
 * A watch on a file deleted while open (deleted_fd) is added through
 * /proc/self/fd of a description of that fd's file, made first by its own
 * kind (kind_deleted.c keeps one inode per file, which the fd gets later):
 * every such file is made before any watch, since making it creates and
 * unlinks a name in its old directory, which may be watched. The events
 * pidtrace's own opens and closes of those files queue are read away at
 * the end of the open, and those of its last closes once it has closed
 * everything (restore_inotify__drain()).
 *
 * What cannot come back: the
 * instance's cursor, when the highest wds were removed before the dump
 * (a watch added after the restore may get one of those numbers again).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kinds.h"
#include "restore_ctx.h"
#include "restore_inotify.h"

/* Read away every queued event (@fd non-blocking). */
static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Whether @w's path is still the inode it watched. Return: 0 or -errno. */
static int same_file(const InotifyWatch *w)
{
	struct stat st;

	if (lstat(w->path, &st))
		return -errno;
	return st.st_dev == w->dev && st.st_ino == w->ino ? 0 : -ESTALE;
}

/* The fd @fd of task @pid in the image, or NULL. */
static const FdEntry *task_fd(const struct restore_ctx *ctx, pid_t pid, uint32_t fd)
{
	const FilesImage *fi = NULL;
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].pid == pid)
			fi = ctx->tasks[i].files;
	for (i = 0; fi && i < fi->n_fds; i++)
		if (fi->fds[i]->fd == fd)
			return fi->fds[i];
	return NULL;
}

/*
 * A description of the deleted file watch @w is on (the file of fd
 * w->deleted_fd of @pid, made by its kind), into @held[i].
 * Return: 0 or -errno (said).
 */
static int open_deleted(struct restore_ctx *ctx, pid_t pid, const FdEntry *e,
			const InotifyWatch *w, int *held)
{
	const FdEntry *d = task_fd(ctx, pid, w->deleted_fd);
	const struct fd_kind *k = d ? kinds__find(d->type) : NULL;
	int fd;

	if (!d || d->type != FD_TYPE__FD_DELETED || !k || !k->open || d->dev != w->dev ||
	    d->ino != w->ino)
		return restore_ctx__fail(ctx, pid, -EINVAL,
				     "pid %d fd %u: inotify watch %u: fd %u is not its deleted file",
				     pid, e->fd, w->wd, w->deleted_fd);
	fd = k->open(ctx, pid, d);
	if (fd < 0)
		return fd;
	*held = fd;
	return 0;
}

/* The path watch @i is added by: its own, or its deleted file's in /proc/self/fd. */
static const char *watch_path(const InotifyWatch *w, const int *held, size_t i, char *buf,
			      size_t len, uint32_t *follow)
{
	*follow = IN_DONT_FOLLOW;
	if (held[i] < 0)
		return w->path;
	/* The magic link must be followed: the watch is on its file. */
	*follow = 0;
	snprintf(buf, len, "/proc/self/fd/%d", held[i]);
	return buf;
}

static int add_watches(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, int fd,
		       const int *held)
{
	const InotifyEntry *ie = e->inotify;
	uint32_t next = 1, follow;
	char buf[64];
	const char *path;
	size_t i;
	int wd, err;

	for (i = 0; i < ie->n_watches; i++) {
		const InotifyWatch *w = ie->watches[i];

		path = watch_path(w, held, i, buf, sizeof(buf), &follow);
		err = held[i] >= 0 ? 0 : same_file(w);
		if (err == -ESTALE)
			return restore_ctx__fail(ctx, pid, err,
					     "pid %d fd %u: inotify watch %u: %s: the watched file was replaced",
					     pid, e->fd, w->wd, w->path);
		if (err)
			return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: inotify watch %u: %s: %s",
					     pid, e->fd, w->wd, w->path, strerror(-err));
		for (; next < w->wd; next++) {
			wd = inotify_add_watch(fd, path, IN_DELETE_SELF | follow);
			if (wd < 0 || inotify_rm_watch(fd, wd))
				return restore_ctx__fail(ctx, pid, -errno,
						     "pid %d fd %u: inotify: cannot skip wd %u: %s",
						     pid, e->fd, next, strerror(errno));
		}
		wd = inotify_add_watch(fd, path, w->mask | follow);
		if (wd < 0)
			return restore_ctx__fail(ctx, pid, -errno,
					     "pid %d fd %u: inotify watch %u: inotify_add_watch(%s): %s",
					     pid, e->fd, w->wd, w->path, strerror(errno));
		if ((uint32_t)wd != w->wd)
			return restore_ctx__fail(ctx, pid, -EBADSLT,
					     "pid %d fd %u: inotify watch %u on %s came back as wd %d",
					     pid, e->fd, w->wd, w->path, wd);
		next = w->wd + 1;
	}
	return 0;
}

int restore_inotify__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int fd = -1, err = 0, *held;
	size_t i, n;

	if (!e->inotify)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: inotify without its watches",
				     pid, e->fd);
	n = e->inotify->n_watches;
	held = malloc((n ? n : 1) * sizeof(*held));
	if (!held)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		held[i] = -1;
	/* The deleted files first: making one touches its old directory. */
	for (i = 0; !err && i < n; i++)
		if (e->inotify->watches[i]->has_deleted_fd)
			err = open_deleted(ctx, pid, e, e->inotify->watches[i], &held[i]);
	if (!err) {
		fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (fd < 0)
			err = restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: inotify_init1: %s",
						pid, e->fd, strerror(errno));
	}
	if (!err)
		err = add_watches(ctx, pid, e, fd, held);
	for (i = 0; i < n; i++)
		if (held[i] >= 0)
			close(held[i]);
	free(held);
	if (!err) {
		drain(fd);
		if (!(e->flags & O_NONBLOCK) && fcntl(fd, F_SETFL, 0))
			err = restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: inotify: fcntl: %s", pid,
					    e->fd, strerror(errno));
	}
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

int restore_inotify__drain(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	int fd;

	for (i = 0; t->files && i < t->files->n_fds; i++) {
		const FdEntry *e = t->files->fds[i];

		if (e->type != FD_TYPE__FD_INOTIFY)
			continue;
		fd = kinds__copy_fd(t->opid, (int)e->fd);
		if (fd < 0)
			return restore_ctx__fail(ctx, t->pid, fd, "pid %d fd %u: inotify: %s", t->pid,
					     e->fd, strerror(-fd));
		/* Non-blocking here too: the flag is the description's, and put back. */
		if (!(e->flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK)) {
			close(fd);
			return restore_ctx__fail(ctx, t->pid, -errno, "pid %d fd %u: inotify: fcntl: %s",
					     t->pid, e->fd, strerror(errno));
		}
		drain(fd);
		if (!(e->flags & O_NONBLOCK))
			fcntl(fd, F_SETFL, 0);
		close(fd);
	}
	return 0;
}
