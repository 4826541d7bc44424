// SPDX-License-Identifier: GPL-2.0
/*
 * dump_inotify.c - inotify instances and their watches.
 *
 * fdinfo lists one line per watch: "inotify wd:W ino:I sdev:D mask:M
 * ignored_mask:0 fhandle-bytes:N fhandle-type:T f_handle:HEX" (wd, ino,
 * sdev and mask in hex; sdev in the kernel's own dev_t encoding). The
 * watch holds the inode, not a name: the path is found again from the file
 * handle with open_by_handle_at() on a mount of that file system (from
 * the task's mountinfo), and readlink of the opened handle; the path is
 * kept only when it names that very inode in pidtrace's view (restore
 * adds the watch by that path, in the same view).
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
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_inotify.h"
#include "log.h"
#include "procfs.h"

#define FH_MAX 128	/* MAX_HANDLE_SZ */

struct in_line {
	unsigned int wd, sdev, mask;
	unsigned long ino;
	unsigned int fh_bytes;
	int fh_type;
	unsigned char fh[FH_MAX];
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One "inotify wd:" line. Return: 0 or -EINVAL. */
static int parse_line(const char *p, struct in_line *l)
{
	const char *h;
	unsigned int i;
	int hi, lo;

	memset(l, 0, sizeof(*l));
	l->fh_type = -1;
	if (sscanf(p, "inotify wd:%x ino:%lx sdev:%x mask:%x", &l->wd, &l->ino, &l->sdev,
		   &l->mask) != 4 || !l->wd || (int)l->wd < 0)
		return -EINVAL;
	h = strstr(p, "fhandle-bytes:");
	if (!h || h > strchrnul(p, '\n'))
		return 0;	/* no handle: the file system cannot make one */
	if (sscanf(h, "fhandle-bytes:%x fhandle-type:%x", &l->fh_bytes,
		   (unsigned int *)&l->fh_type) != 2 || l->fh_bytes > FH_MAX)
		return -EINVAL;
	h = strstr(h, "f_handle:");
	if (!h)
		return -EINVAL;
	h += 9;
	for (i = 0; i < l->fh_bytes; i++) {
		hi = hexval(h[2 * i]);
		lo = hi < 0 ? -1 : hexval(h[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		l->fh[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
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

/* Undo mountinfo's octal escapes (\040 for a space...) in place. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/*
 * The handle of @l opened through mount point @mnt of @pid: its path in
 * pidtrace's view when that path names the inode. Return: 0, -ENOENT.
 */
static int try_mount(pid_t pid, const char *mnt, const struct in_line *l, char *path, size_t len,
		     struct stat *st)
{
	struct {
		struct file_handle h;
		unsigned char b[FH_MAX];
	} fh;
	char name[4200];
	struct stat a;
	int mfd, hfd, err = -ENOENT;
	ssize_t n;

	/* Not O_PATH: open_by_handle_at() does not take one as its mount fd. */
	snprintf(name, sizeof(name), "/proc/%d/root%s", pid, mnt);
	mfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return -ENOENT;
	fh.h.handle_bytes = l->fh_bytes;
	fh.h.handle_type = l->fh_type;
	memcpy(fh.h.f_handle, l->fh, l->fh_bytes);
	hfd = open_by_handle_at(mfd, &fh.h, O_PATH | O_CLOEXEC);
	close(mfd);
	if (hfd < 0)
		return -ENOENT;
	snprintf(name, sizeof(name), "/proc/self/fd/%d", hfd);
	n = readlink(name, path, len - 1);
	if (n > 0 && (size_t)n < len - 1) {
		path[n] = '\0';
		/* Reached from our root, and that name is this inode (not deleted). */
		if (path[0] == '/' && !fstat(hfd, &a) && a.st_ino == l->ino && !lstat(path, st) &&
		    st->st_dev == a.st_dev && st->st_ino == a.st_ino)
			err = 0;
	}
	close(hfd);
	return err;
}

/* The path of @l's object: through each mount of its file system in turn. */
static int resolve(pid_t pid, const char *mountinfo, const struct in_line *l, char *path,
		   size_t len, struct stat *st)
{
	unsigned int maj, min;
	char mnt[4096];
	const char *p;

	if (!l->fh_bytes || l->fh_type < 0)
		return -ENOENT;
	for (p = mountinfo; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (sscanf(p, "%*d %*d %u:%u %*s %4095s", &maj, &min, mnt) != 3)
			continue;
		if (maj != l->sdev >> 20 || min != (l->sdev & 0xfffff))
			continue;
		unescape(mnt);
		if (!try_mount(pid, mnt, l, path, len, st))
			return 0;
	}
	return -ENOENT;
}

/* Bytes of events queued on fd @fd of @pid. Return: >= 0, or -errno. */
static int queued(pid_t pid, int fd)
{
	int pidfd, copy, n = 0, err = 0;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (copy < 0 || ioctl(copy, FIONREAD, &n))
		err = -errno;
	if (copy >= 0)
		close(copy);
	close(pidfd);
	return err ? err : n;
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
	w->fhandle_type = l->fh_type;
	w->fhandle.len = l->fh_bytes;
	w->fhandle.data = malloc(l->fh_bytes ? l->fh_bytes : 1);
	if (!w->path || !w->fhandle.data)
		return -ENOMEM;
	memcpy(w->fhandle.data, l->fh, l->fh_bytes);
	return 0;
}

int dump_inotify__fd(pid_t pid, int fd, const char *info, FdEntry *e)
{
	char *mountinfo = NULL, path[4096];
	struct in_line *l = NULL;
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
	q = queued(pid, fd);
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
		if (resolve(pid, mountinfo, &l[i], path, sizeof(path), &st)) {
			pr_err("pid %d fd %d: inotify watch %u on inode %lu, deleted or reached by no path, is not supported",
			       pid, fd, l[i].wd, l[i].ino);
			err = -EOPNOTSUPP;
			break;
		}
		err = add_watch(e->inotify, &l[i], path, &st);
	}
out:
	free(mountinfo);
	free(l);
	return err;
}
