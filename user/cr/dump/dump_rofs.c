// SPDX-License-Identifier: GPL-2.0
/*
 * dump_rofs.c - what restore must create on a file system, on a read-only
 * mount: refused before the tree is touched, unless restore can make it
 * exactly.
 *
 * A deleted file held open (or mapped) on a mount read-only by its own
 * flag is made again through a writable clone of that mount
 * (restore_rofs.c): dump tries the same clone here, so that a kernel
 * without open_tree()/mount_setattr(), a mount whose read-only flag is
 * locked (inherited into a less privileged user namespace) or a read-only
 * file system (superblock) is refused now, while the tree still runs,
 * rather than found at restore after the dump killed it. The other
 * objects restore makes by name (removed directories and nodes, a file
 * linked elsewhere linked back for a moment, FIFOs, unix socket names)
 * are refused on any read-only mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dump_refuse.h"
#include "dump_rofs.h"
#include "log.h"
#include "testfault.h"

int dump_rofs__read_only(const char *path)
{
	struct statvfs s;

	if (statvfs(path, &s))
		return -errno;
	return !!(s.f_flag & ST_RDONLY);
}

/* Can a writable clone of @dir's mount write to the file system of @dev? 0 or -errno. */
static int try_clone(const char *dir, dev_t dev)
{
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_RDONLY };
	struct statvfs s;
	struct stat st;
	int t, err = 0;

	/* Tests: a kernel without open_tree(). */
	if (testfault__point("dump-rofs-clone"))
		return -ENOSYS;
	t = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (t < 0)
		return -errno;
	if (mount_setattr(t, "", AT_EMPTY_PATH, &a, sizeof(a)) || fstat(t, &st) ||
	    fstatvfs(t, &s))
		err = -errno;
	else if (st.st_dev != dev)
		err = -EXDEV;
	else if (s.f_flag & ST_RDONLY)
		err = -EROFS; /* the file system itself */
	close(t);
	return err;
}

int dump_rofs__deleted(const char *link, const char *path, const struct stat *st,
		       const char *who)
{
	char dir[4096], esc[1024];
	const char *slash = strrchr(path, '/');
	int ro = dump_rofs__read_only(link), err;

	if (ro <= 0)
		return ro;
	snprintf(dir, sizeof(dir), "%.*s", !slash || slash == path ? 1 : (int)(slash - path),
		 path);
	err = try_clone(dir, st->st_dev);
	if (!err)
		return 1;
	if (err == -EROFS)
		pr_err("%s: deleted file %s is on a read-only file system: restore could not create it again, not supported",
		       who, dump_refuse__escape(path, esc, sizeof(esc)));
	else
		pr_err("%s: deleted file %s is on a read-only mount and no writable clone of the mount at its directory can be made to create it again (%s): not supported",
		       who, dump_refuse__escape(path, esc, sizeof(esc)),
		       err == -EXDEV ? "the directory is on another file system" : strerror(-err));
	return -EOPNOTSUPP;
}
