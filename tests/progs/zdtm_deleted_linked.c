// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_deleted_linked: files unlinked at the path they were opened by but
 * still linked elsewhere (restore_relink.c). In its working directory:
 * "a" opened read-write at offset 3, linked as "keep/b", then "a" removed;
 * "sub/c" opened read-only, linked as "keep/d", then "sub/c" and "sub"
 * removed. After restore each fd must be the same inode (device, inode
 * number) with one link, "(deleted)" in /proc, at its offset, and a write
 * through "a"'s fd must be read through "keep/b"; neither "a" nor "sub"
 * may exist.
 *
 *   zdtm_deleted_linked         the above
 *   zdtm_deleted_linked taken   a new file made at "a" before the dump:
 *                               its name is taken, dump refuses
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtm.h"

struct linked {
	const char *name, *other;
	int flags, fd;
	struct stat st;
};

static void make(struct linked *l, const char *data)
{
	int fd = open(l->name, O_CREAT | O_WRONLY | O_TRUNC, 0640);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		zdtm_fail("create %s", l->name);
	close(fd);
	unlink(l->other);
	if (link(l->name, l->other))
		zdtm_fail("link %s", l->other);
	l->fd = open(l->name, l->flags);
	if (l->fd < 0 || fstat(l->fd, &l->st) || unlink(l->name))
		zdtm_fail("open, unlink %s", l->name);
}

static void check(const struct linked *l, off_t pos)
{
	char path[64], link[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(l->fd, &st))
		zdtm_fail("fstat %s", l->name);
	if (st.st_dev != l->st.st_dev || st.st_ino != l->st.st_ino || st.st_nlink != 1)
		zdtm_fail("%s: inode %lu links %lu, was %lu", l->name, (unsigned long)st.st_ino,
			  (unsigned long)st.st_nlink, (unsigned long)l->st.st_ino);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", l->fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink");
	link[n] = 0;
	if (n < 10 || strcmp(link + n - 10, " (deleted)") || !strstr(link, l->name))
		zdtm_fail("%s: %s", l->name, link);
	if (lseek(l->fd, 0, SEEK_CUR) != pos)
		zdtm_fail("%s: offset %ld, not %ld", l->name, (long)lseek(l->fd, 0, SEEK_CUR),
			  (long)pos);
}

int main(int argc, char **argv)
{
	struct linked a = { "a", "keep/b", O_RDWR }, c = { "sub/c", "keep/d", O_RDONLY };
	char buf[16] = "";
	struct stat st;
	int fd;

	zdtm_init();
	if ((mkdir("keep", 0755) && errno != EEXIST) || (mkdir("sub", 0755) && errno != EEXIST))
		zdtm_fail("mkdir");
	make(&a, "0123456789");
	make(&c, "cccc");
	if (rmdir("sub"))
		zdtm_fail("rmdir sub");
	if (lseek(a.fd, 3, SEEK_SET) != 3)
		zdtm_fail("lseek");
	if (argc > 1 && !strcmp(argv[1], "taken")) {
		fd = open(a.name, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			zdtm_fail("create %s", a.name);
		close(fd);
	}
	zdtm_ready();
	zdtm_wait_term();

	check(&a, 3);
	check(&c, 0);
	if (write(a.fd, "XY", 2) != 2)
		zdtm_fail("write");
	fd = open(a.other, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) != 10 || strcmp(buf, "012XY56789"))
		zdtm_fail("%s reads '%s'", a.other, buf);
	close(fd);
	if (read(c.fd, buf, 4) != 4 || memcmp(buf, "cccc", 4))
		zdtm_fail("read %s", c.name);
	if (argc == 1 && (!lstat(a.name, &st) || !lstat("sub", &st)))
		zdtm_fail("a or sub exists after restore");
	return zdtm_pass();
}
