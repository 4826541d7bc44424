// SPDX-License-Identifier: GPL-2.0
/*
 * dump_inotify.c - inotify instances and their watches.
 *
 * fdinfo lists one line per watch: "inotify wd:W ino:I sdev:D mask:M
 * ignored_mask:0 fhandle-bytes:N fhandle-type:T f_handle:HEX" (wd, ino,
 * sdev and mask in hex; sdev in the kernel's own dev_t encoding). The
 * watch holds the inode, not a name: the path is found again from the file
 * handle (fshandle.c), and kept only when it names that very inode in
 * pidtrace's view (restore adds the watch by that path, in the same view).
 *
 * A watch on a file deleted while open has no path: it is kept when an
 * fd of the same task holds that inode (zdtm inotify00), by that fd's
 * number; restore makes the file again as that fd's (kind_deleted.c) and
 * adds the watch through it. One held by no fd of the task is refused.
 *
 * Queued events cannot be put back: an instance with unread events is
 * refused (FIONREAD on a pidfd_getfd() copy). The mask as fdinfo shows it
 * already carries what outlives inotify_add_watch(): IN_ONESHOT and
 * IN_EXCL_UNLINK; IN_MASK_ADD, IN_ONLYDIR, IN_DONT_FOLLOW only act when
 * the watch is added, and their result is the mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_inotify.h"
#include "fshandle.h"
#include "kinds.h"
#include "log.h"
#include "procfs.h"

struct in_line {
	unsigned int wd, sdev, mask;
	unsigned long ino;
	struct fshandle fh;
};

/* One "inotify wd:" line. Return: 0 or -EINVAL. */
static int parse_line(const char *p, struct in_line *l)
{
	memset(l, 0, sizeof(*l));
	if (sscanf(p, "inotify wd:%x ino:%lx sdev:%x mask:%x", &l->wd, &l->ino, &l->sdev,
		   &l->mask) != 4 || !l->wd || (int)l->wd < 0)
		return -EINVAL;
	return fshandle__parse(p, &l->fh);
}

static int parse(const char *info, struct in_line **out, size_t *n)
{
	struct in_line *l = NULL, *tmp;
	const char *p;
	size_t cnt = 0;
	int err = 0;

	for (p = info; p && *p && !err; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "inotify wd:", 11))
			continue;
		tmp = realloc(l, (cnt + 1) * sizeof(*l));
		if (!tmp) {
			err = -ENOMEM;
			break;
		}
		l = tmp;
		err = parse_line(p, &l[cnt++]);
	}
	if (err) {
		free(l);
		return err;
	}
	*out = l;
	*n = cnt;
	return 0;
}

static int cmp_wd(const void *a, const void *b)
{
	const struct in_line *x = a, *y = b;

	return x->wd < y->wd ? -1 : x->wd > y->wd;
}

static int add_watch(InotifyEntry *ie, const struct in_line *l, const char *path,
		     const struct stat *st)
{
	InotifyWatch *w = PB_NEW(InotifyWatch, inotify_watch);

	if (!w)
		return -ENOMEM;
	ie->watches[ie->n_watches++] = w;
	w->wd = l->wd;
	w->mask = l->mask;
	w->path = strdup(path);
	w->dev = st->st_dev;
	w->ino = st->st_ino;
	w->has_fhandle = w->has_fhandle_type = true;
	w->fhandle_type = l->fh.type;
	w->fhandle.len = l->fh.bytes;
	w->fhandle.data = malloc(l->fh.bytes ? l->fh.bytes : 1);
	if (!w->path || !w->fhandle.data)
		return -ENOMEM;
	memcpy(w->fhandle.data, l->fh.h, l->fh.bytes);
	return 0;
}

/*
 * An fd of @pid holding deleted regular file @l (its kernel-encoded
 * sdev, ino): its number, its link into @path and its stat into @st.
 * Return: the fd, or -ENOENT.
 */
static int deleted_holder(pid_t pid, const struct in_line *l, char *path, size_t len,
			  struct stat *st)
{
	dev_t dev = makedev(l->sdev >> 20, l->sdev & 0xfffff);
	char dir[64], fp[400];
	struct dirent *d;
	ssize_t n;
	int fd = -ENOENT;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return -ENOENT;
	while (fd < 0 && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(fp, sizeof(fp), "%s/%s", dir, d->d_name);
		if (stat(fp, st) || !S_ISREG(st->st_mode) || st->st_nlink || st->st_dev != dev ||
		    st->st_ino != l->ino)
			continue;
		n = readlink(fp, path, len - 1);
		if (n <= 0 || path[0] != '/')
			continue;
		path[n] = 0;
		fd = atoi(d->d_name);
	}
	closedir(dp);
	return fd;
}

int dump_inotify__fd(pid_t pid, int fd, const char *info, FdEntry *e, bool drop_events)
{
	char *mountinfo = NULL, path[4096];
	struct in_line *l = NULL;
	InotifyWatch *w;
	struct stat st;
	size_t n = 0, i;
	int err, q;

	e->type = FD_TYPE__FD_INOTIFY;
	e->inotify = PB_NEW(InotifyEntry, inotify_entry);
	if (!e->inotify)
		return -ENOMEM;
	err = parse(info, &l, &n);
	if (err)
		return err;
	q = kinds__queued(pid, fd);
	if (q > 0 && drop_events) {
		pr_warn("pid %d fd %d: inotify: %d bytes of unread events not kept (--drop-unread-events)",
			pid, fd, q);
		e->has_dropped_events = true;
		e->dropped_events = q;
		q = 0;
	}
	if (q > 0) {
		pr_err("pid %d fd %d: inotify with %d bytes of unread events is not supported", pid,
		       fd, q);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (q < 0) {
		err = q;
		goto out;
	}
	qsort(l, n, sizeof(*l), cmp_wd);
	for (i = 1; i < n; i++)
		if (l[i].wd == l[i - 1].wd) {
			err = -EINVAL;
			goto out;
		}
	e->inotify->watches = calloc(n + 1, sizeof(*e->inotify->watches));
	err = e->inotify->watches ? 0 : -ENOMEM;
	if (!err && n)
		err = procfs__read(pid, "mountinfo", &mountinfo, NULL);
	for (i = 0; !err && i < n; i++) {
		int held = -ENOENT;

		if (fshandle__resolve(pid, mountinfo, l[i].sdev, l[i].ino, &l[i].fh, path,
				      sizeof(path), &st))
			held = deleted_holder(pid, &l[i], path, sizeof(path), &st);
		else
			held = -1;
		if (held == -ENOENT) {
			pr_err("pid %d fd %d: inotify watch %u on inode %lu, deleted or reached by no path, is not supported",
			       pid, fd, l[i].wd, l[i].ino);
			err = -EOPNOTSUPP;
			break;
		}
		err = add_watch(e->inotify, &l[i], path, &st);
		if (!err && held >= 0) {
			w = e->inotify->watches[e->inotify->n_watches - 1];
			w->has_deleted_fd = true;
			w->deleted_fd = held;
		}
	}
out:
	free(mountinfo);
	free(l);
	return err;
}
