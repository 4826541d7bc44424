// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_opath: O_PATH fds (kind_file.c's "path" kind). In its working
 * directory: a regular file, a directory, a symlink (O_NOFOLLOW: the link
 * itself), /dev/null, a symlink opened and then removed (owned by
 * 1234:5678), a FIFO node opened and then removed. After restore each fd
 * must still be O_PATH (with O_NOFOLLOW where it was), on the same inode
 * for the ones still linked, and for the removed ones on a node of the
 * same type, owner and target with no link, "(deleted)" in /proc.
 *
 *   zdtm_opath             the above
 *   zdtm_opath deleted     also an O_PATH fd of a removed regular file
 *                          (its contents are not saved: dump refuses it)
 */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "zdtm.h"

#define TARGET "../nowhere/target with space"
#define GONE_TARGET "/gone/target"

struct opath {
	const char *name;
	int fd;
	struct stat st;
	int flags;
};

static int fd_flags(int fd)
{
	char path[64], line[256];
	unsigned int flags = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		zdtm_fail("open %s", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "flags: %o", &flags) == 1)
			break;
	fclose(f);
	return flags & ~O_CLOEXEC;
}

static void open_one(struct opath *o, int flags)
{
	o->fd = open(o->name, flags);
	if (o->fd < 0 || fstat(o->fd, &o->st))
		zdtm_fail("open %s with O_PATH", o->name);
	o->flags = fd_flags(o->fd);
	if (!(o->flags & O_PATH))
		zdtm_fail("%s: no O_PATH in fdinfo", o->name);
}

static void same(const struct opath *o, bool linked)
{
	char path[64], link[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(o->fd, &st))
		zdtm_fail("fstat %s", o->name);
	if (fd_flags(o->fd) != o->flags)
		zdtm_fail("%s: flags 0%o, were 0%o", o->name, fd_flags(o->fd), o->flags);
	if ((st.st_mode & S_IFMT) != (o->st.st_mode & S_IFMT) || st.st_uid != o->st.st_uid ||
	    st.st_gid != o->st.st_gid || st.st_rdev != o->st.st_rdev)
		zdtm_fail("%s: mode 0%o owner %u:%u, were 0%o %u:%u", o->name, st.st_mode,
			  st.st_uid, st.st_gid, o->st.st_mode, o->st.st_uid, o->st.st_gid);
	if (linked && (st.st_dev != o->st.st_dev || st.st_ino != o->st.st_ino))
		zdtm_fail("%s: another inode", o->name);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", o->fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink %s", path);
	link[n] = 0;
	if (!linked && (st.st_nlink || !strstr(link, " (deleted)")))
		zdtm_fail("%s: %lu links, %s", o->name, (unsigned long)st.st_nlink, link);
	if (linked && strstr(link, " (deleted)"))
		zdtm_fail("%s: %s", o->name, link);
}

static void target(const struct opath *o, const char *want)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(o->fd, "", buf, sizeof(buf) - 1);

	if (n < 0)
		zdtm_fail("readlinkat %s", o->name);
	buf[n] = 0;
	if (strcmp(buf, want))
		zdtm_fail("%s points to %s, not %s", o->name, buf, want);
}

int main(int argc, char **argv)
{
	struct opath reg = { "file" }, dir = { "dir" }, lnk = { "link" }, null = { "/dev/null" },
		     gone = { "gone-link" }, fifo = { "gone-fifo" }, del = { "gone-file" };
	bool deleted = argc > 1 && !strcmp(argv[1], "deleted");
	int fd;

	zdtm_init();
	fd = open(reg.name, O_CREAT | O_WRONLY | O_TRUNC, 0640);
	if (fd < 0 || write(fd, "data", 4) != 4)
		zdtm_fail("create %s", reg.name);
	close(fd);
	if (mkdir(dir.name, 0750) && errno != EEXIST)
		zdtm_fail("mkdir");
	unlink(lnk.name);
	unlink(gone.name);
	unlink(fifo.name);
	if (symlink(TARGET, lnk.name) || symlink(GONE_TARGET, gone.name) ||
	    lchown(gone.name, 1234, 5678) || mkfifo(fifo.name, 0604))
		zdtm_fail("symlink, mkfifo");
	open_one(&reg, O_PATH);
	open_one(&dir, O_PATH | O_DIRECTORY);
	open_one(&lnk, O_PATH | O_NOFOLLOW);
	open_one(&null, O_PATH | O_CLOEXEC);
	open_one(&gone, O_PATH | O_NOFOLLOW);
	open_one(&fifo, O_PATH);
	if (unlink(gone.name) || unlink(fifo.name))
		zdtm_fail("unlink");
	if (deleted) {
		fd = open(del.name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0)
			zdtm_fail("create %s", del.name);
		close(fd);
		open_one(&del, O_PATH);
		unlink(del.name);
	}
	zdtm_ready();
	zdtm_wait_term();

	same(&reg, true);
	same(&dir, true);
	same(&lnk, true);
	same(&null, true);
	same(&gone, false);
	same(&fifo, false);
	target(&lnk, TARGET);
	target(&gone, GONE_TARGET);
	if (!(fcntl(null.fd, F_GETFD) & FD_CLOEXEC))
		zdtm_fail("/dev/null lost close-on-exec");
	if (faccessat(gone.fd, "", F_OK, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0 &&
	    errno != ENOENT)
		zdtm_fail("faccessat on the removed link");
	return zdtm_pass();
}
