// SPDX-License-Identifier: GPL-2.0
/*
 * restore_rofs.c - a deleted file on a read-only mount, made again.
 *
 * A file deleted while open can sit on a mount made read-only after it
 * was opened (mount -o remount,bind,ro): creating it again there fails
 * with EROFS. When only the mount is read-only (its file system is
 * writable; dump checked, dump_rofs.c), a detached clone of the mount
 * (open_tree(OPEN_TREE_CLONE)) made writable (mount_setattr) reaches the
 * same file system: the file is made there nameless (O_TMPFILE) and
 * filled, then linked under its name (linkat AT_EMPTY_PATH), opened by
 * that name through the original mount (a nameless file cannot be opened
 * through another mount), then unlinked through the clone: a kill while
 * it fills, however long, leaves no file on the read-only mount; the name
 * lives only between the link and the unlink. A file system without
 * O_TMPFILE gets the old way: created by name, filled, unlinked. The
 * task's fd is thus on the original read-only mount, on the same device,
 * with the same contents, mode and owner; the clone, never attached
 * anywhere, goes away with its fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ghost_data.h"
#include "restore_rofs.h"
#include "testfault.h"

int restore_rofs__create_free(int at, const char *path, char *name, size_t len)
{
	int fd = -1, i;

	for (i = 0; i < 100 && fd < 0; i++) {
		if (i)
			snprintf(name, len, "%s.pidtrace-%d-%d", path, (int)getpid(), i);
		else
			snprintf(name, len, "%s", path);
		fd = openat(at, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	return fd < 0 ? -EEXIST : fd;
}

/* A detached writable clone of the mount of directory @dir, or -errno. */
static int writable_clone(const char *dir)
{
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_RDONLY };
	int t = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (t < 0)
		return -errno;
	if (mount_setattr(t, "", AT_EMPTY_PATH, &a, sizeof(a))) {
		close(t);
		return -errno;
	}
	return t;
}

/*
 * @fd, a nameless file in @at's directory, linked there as @path or a free
 * name beside it (restore_rofs__create_free()'s), that name in @name.
 */
static int link_free(int fd, int at, const char *path, char *name, size_t len)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (i)
			snprintf(name, len, "%s.pidtrace-%d-%d", path, (int)getpid(), i);
		else
			snprintf(name, len, "%s", path);
		if (!linkat(fd, "", at, name, AT_EMPTY_PATH))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/*
 * The file, filled, nameless until its contents are all there (O_TMPFILE):
 * a kill while it fills leaves no name on the read-only mount. Only a file
 * system without O_TMPFILE gets the name first; @tmp says which.
 */
static int make_filled(int t, const DeletedFileEntry *d, const char *base, char *name,
		       size_t len, bool *tmp)
{
	int rw = openat(t, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600), err;

	*tmp = rw >= 0;
	if (rw < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	if (rw < 0)
		rw = restore_rofs__create_free(t, base, name, len);
	if (rw < 0)
		return rw;
	err = ghost_data__fill(rw, d);
	testfault__stop("restore-rofs-filled");
	/* The name is needed now only: to open it through the original mount. */
	if (!err && *tmp)
		err = link_free(rw, t, base, name, len);
	if (err && !*tmp)
		unlinkat(t, name, 0);
	if (err) {
		close(rw);
		return err;
	}
	return rw;
}

int restore_rofs__make(const DeletedFileEntry *d)
{
	const char *slash = strrchr(d->path, '/');
	char dir[4096], name[4200], full[8400];
	struct stat made, seen;
	int t, rw, ro = -1, err = 0;
	bool tmp;

	if (!slash)
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%.*s", slash == d->path ? 1 : (int)(slash - d->path),
		 d->path);
	t = writable_clone(dir);
	if (t < 0)
		return t;
	rw = make_filled(t, d, slash + 1, name, sizeof(name), &tmp);
	if (rw < 0) {
		close(t);
		return rw;
	}
	snprintf(full, sizeof(full), "%s/%s", slash == d->path ? "" : dir, name);
	ro = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (ro < 0)
		err = -errno;
	/* The name seen through the original mount is the file just made. */
	if (!err && (fstat(rw, &made) || fstat(ro, &seen)))
		err = -errno;
	if (!err && (made.st_dev != seen.st_dev || made.st_ino != seen.st_ino))
		err = -EXDEV;
	if (unlinkat(t, name, 0) && !err)
		err = -errno;
	close(rw);
	close(t);
	if (err && ro >= 0)
		close(ro);
	return err ? err : ro;
}
