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
 * object itself (it may be a symlink). What cannot come back: the
 * instance's cursor, when the highest wds were removed before the dump
 * (a watch added after the restore may get one of those numbers again).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int add_watches(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, int fd)
{
	const InotifyEntry *ie = e->inotify;
	uint32_t next = 1;
	size_t i;
	int wd, err;

	for (i = 0; i < ie->n_watches; i++) {
		const InotifyWatch *w = ie->watches[i];

		err = same_file(w);
		if (err == -ESTALE)
			return restore_ctx__fail(ctx, pid, err,
					     "pid %d fd %u: inotify watch %u: %s: the watched file was replaced",
					     pid, e->fd, w->wd, w->path);
		if (err)
			return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: inotify watch %u: %s: %s",
					     pid, e->fd, w->wd, w->path, strerror(-err));
		for (; next < w->wd; next++) {
			wd = inotify_add_watch(fd, w->path, IN_DELETE_SELF | IN_DONT_FOLLOW);
			if (wd < 0 || inotify_rm_watch(fd, wd))
				return restore_ctx__fail(ctx, pid, -errno,
						     "pid %d fd %u: inotify: cannot skip wd %u: %s",
						     pid, e->fd, next, strerror(errno));
		}
		wd = inotify_add_watch(fd, w->path, w->mask | IN_DONT_FOLLOW);
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
	int fd, err;

	if (!e->inotify)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: inotify without its watches",
				     pid, e->fd);
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: inotify_init1: %s", pid, e->fd,
				     strerror(errno));
	err = add_watches(ctx, pid, e, fd);
	if (!err) {
		drain(fd);
		if (!(e->flags & O_NONBLOCK) && fcntl(fd, F_SETFL, 0))
			err = restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: inotify: fcntl: %s", pid,
					    e->fd, strerror(errno));
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
