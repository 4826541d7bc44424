// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_deleted_node: device nodes removed while open (restore_node.c).
 * In its working directory: "null" (1:3, 0620, owned 4321:8765) opened
 * read-write, and "sub/zero" (1:5) opened read-only, then both removed,
 * "sub" too. After restore each fd must be a character device of the same
 * number, mode and owner with no link ("(deleted)" in /proc), that works
 * (writes go, zeros come), and neither name nor "sub" may exist.
 *
 *   zdtm_deleted_node          the above
 *   zdtm_deleted_node taken    "null" made again as a regular file before
 *                              the dump: its name is taken, dump refuses
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "zdtm.h"

struct node {
	const char *name;
	dev_t rdev;
	mode_t mode;
	int flags, fd;
};

static void make(struct node *n)
{
	unlink(n->name);
	if (mknod(n->name, S_IFCHR | 0600, n->rdev) || chown(n->name, 4321, 8765) ||
	    chmod(n->name, n->mode))
		zdtm_fail("mknod %s", n->name);
	n->fd = open(n->name, n->flags);
	if (n->fd < 0)
		zdtm_fail("open %s", n->name);
	if (unlink(n->name))
		zdtm_fail("unlink %s", n->name);
}

static void check(const struct node *n)
{
	char path[64], link[PATH_MAX];
	struct stat st;
	ssize_t len;

	if (fstat(n->fd, &st))
		zdtm_fail("fstat %s", n->name);
	if (!S_ISCHR(st.st_mode) || st.st_rdev != n->rdev || (st.st_mode & 07777) != n->mode ||
	    st.st_uid != 4321 || st.st_gid != 8765 || st.st_nlink)
		zdtm_fail("%s: mode 0%o rdev %u:%u owner %u:%u links %lu", n->name, st.st_mode,
			  major(st.st_rdev), minor(st.st_rdev), st.st_uid, st.st_gid,
			  (unsigned long)st.st_nlink);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", n->fd);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		zdtm_fail("readlink %s", path);
	link[len] = 0;
	len = strlen(link);
	if (len < 10 || strcmp(link + len - 10, " (deleted)") || !strstr(link, n->name))
		zdtm_fail("%s: %s", n->name, link);
	if ((fcntl(n->fd, F_GETFL) & O_ACCMODE) != (n->flags & O_ACCMODE))
		zdtm_fail("%s: flags 0%o", n->name, fcntl(n->fd, F_GETFL));
}

int main(int argc, char **argv)
{
	struct node null = { "null", makedev(1, 3), 0620, O_RDWR },
		    zero = { "sub/zero", makedev(1, 5), 0444, O_RDONLY };
	char buf[16] = "xxxxxxxxxxxxxxx";
	struct stat st;
	int fd;

	zdtm_init();
	if (mkdir("sub", 0755) && errno != EEXIST)
		zdtm_fail("mkdir sub");
	make(&null);
	make(&zero);
	if (rmdir("sub"))
		zdtm_fail("rmdir sub");
	if (argc > 1 && !strcmp(argv[1], "taken")) {
		fd = open(null.name, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			zdtm_fail("create %s", null.name);
		close(fd);
	}
	zdtm_ready();
	zdtm_wait_term();

	check(&null);
	check(&zero);
	if (write(null.fd, buf, sizeof(buf)) != sizeof(buf))
		zdtm_fail("write to null");
	if (read(zero.fd, buf, sizeof(buf)) != sizeof(buf) || buf[0] || buf[15])
		zdtm_fail("read zeros");
	if (argc == 1 && (!lstat(null.name, &st) || !lstat("sub", &st)))
		zdtm_fail("null or sub exists after restore");
	return zdtm_pass();
}
