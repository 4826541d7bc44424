// SPDX-License-Identifier: GPL-2.0
/*
 * fshandle.c - file handles of fdinfo lines (inotify watches, fanotify
 * marks) and the path that names their inode again. A watch or mark holds
 * the inode, not a name: the handle is opened through a mount of the file
 * system it is on, and the name readlink gives is kept only when it leads
 * to that inode in pidtrace's view.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fshandle.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int fshandle__parse(const char *p, struct fshandle *fh)
{
	const char *h = strstr(p, "fhandle-bytes:");
	unsigned int i;
	int hi, lo;

	memset(fh, 0, sizeof(*fh));
	fh->type = -1;
	if (!h || h > strchrnul(p, '\n'))
		return 0; /* no handle: the file system cannot make one */
	if (sscanf(h, "fhandle-bytes:%x fhandle-type:%x", &fh->bytes, (unsigned int *)&fh->type) !=
		    2 ||
	    fh->bytes > FSHANDLE_MAX)
		return -EINVAL;
	h = strstr(h, "f_handle:");
	if (!h)
		return -EINVAL;
	h += 9;
	for (i = 0; i < fh->bytes; i++) {
		hi = hexval(h[2 * i]);
		lo = hi < 0 ? -1 : hexval(h[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		fh->h[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

void fshandle__unescape(char *s)
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

/* The handle opened through mount point @mnt of @pid, named. Return: 0, -ENOENT. */
static int try_mount(pid_t pid, const char *mnt, unsigned long ino, const struct fshandle *fh,
		     char *path, size_t len, struct stat *st)
{
	struct {
		struct file_handle h;
		unsigned char b[FSHANDLE_MAX];
	} f;
	char name[4200];
	struct stat a;
	int mfd, hfd, err = -ENOENT;
	ssize_t n;

	/* Not O_PATH: open_by_handle_at() does not take one as its mount fd. */
	snprintf(name, sizeof(name), "/proc/%d/root%s", pid, mnt);
	mfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return -ENOENT;
	f.h.handle_bytes = fh->bytes;
	f.h.handle_type = fh->type;
	memcpy(f.h.f_handle, fh->h, fh->bytes);
	hfd = open_by_handle_at(mfd, &f.h, O_PATH | O_CLOEXEC);
	close(mfd);
	if (hfd < 0)
		return -ENOENT;
	snprintf(name, sizeof(name), "/proc/self/fd/%d", hfd);
	n = readlink(name, path, len - 1);
	if (n > 0 && (size_t)n < len - 1) {
		path[n] = '\0';
		/* Reached from our root, and that name is this inode (not deleted). */
		if (path[0] == '/' && !fstat(hfd, &a) && a.st_ino == ino && !lstat(path, st) &&
		    st->st_dev == a.st_dev && st->st_ino == a.st_ino)
			err = 0;
	}
	close(hfd);
	return err;
}

int fshandle__resolve(pid_t pid, const char *mountinfo, unsigned int sdev, unsigned long ino,
		      const struct fshandle *fh, char *path, size_t len, struct stat *st)
{
	unsigned int maj, min;
	char mnt[4096];
	const char *p;

	if (!fh->bytes || fh->type < 0)
		return -ENOENT;
	for (p = mountinfo; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (sscanf(p, "%*d %*d %u:%u %*s %4095s", &maj, &min, mnt) != 3)
			continue;
		if (maj != sdev >> 20 || min != (sdev & 0xfffff))
			continue;
		fshandle__unescape(mnt);
		if (!try_mount(pid, mnt, ino, fh, path, len, st))
			return 0;
	}
	return -ENOENT;
}
