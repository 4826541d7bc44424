/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fshandle.h - file handles as fdinfo shows them for inotify watches and
 * fanotify marks ("fhandle-bytes:8 fhandle-type:1 f_handle:HEX"), and the
 * path that opens the same inode again.
 */
#ifndef PT_FSHANDLE_H
#define PT_FSHANDLE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FSHANDLE_MAX 128	/* MAX_HANDLE_SZ */

struct fshandle {
	unsigned int bytes;	/* 0: the file system gives none */
	int type;
	unsigned char h[FSHANDLE_MAX];
};

/*
 * fshandle__parse() - the handle on the fdinfo line at @p
 * Return: 0 (@fh->bytes 0 when the line has none), or -EINVAL.
 */
int fshandle__parse(const char *p, struct fshandle *fh);

/*
 * fshandle__resolve() - the path of inode @ino of device @sdev (the
 * kernel's dev_t encoding, as fdinfo prints it) from its handle
 * Opened with open_by_handle_at() through each mount of that file system
 * in @mountinfo (of @pid, whose root is used), then named by readlink:
 * kept only when that path in pidtrace's view is the very inode (a
 * deleted one, or one no path reaches, is not).
 * Return: 0 with @path and @st (its lstat), or -ENOENT.
 */
int fshandle__resolve(pid_t pid, const char *mountinfo, unsigned int sdev, unsigned long ino,
		      const struct fshandle *fh, char *path, size_t len, struct stat *st);

/* Undo mountinfo's octal escapes (\040 for a space...) in place. */
void fshandle__unescape(char *s);

#endif
