// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_files - open files with positions and flags: a read-write file at
 * offset 123, an O_APPEND file, a dup()ed fd sharing the first one's
 * offset, a read-only fd at offset 7 with close-on-exec, a directory, and
 * /dev/null at fd 42. Also a chdir() into a directory and umask 027.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtm.h"

struct want {
	int fd;
	const char *path;
	int flags;
	off_t pos;
	int cloexec;
};

static void check(const struct want *w)
{
	struct stat a, b;
	off_t pos;
	int fl, fdfl;

	if (fstat(w->fd, &a) || stat(w->path, &b))
		zdtm_fail("fd %d: stat", w->fd);
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		zdtm_fail("fd %d is not %s", w->fd, w->path);
	fl = fcntl(w->fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK);
	if (fl != w->flags)
		zdtm_fail("fd %d: flags 0%o, expected 0%o", w->fd, fl, w->flags);
	fdfl = fcntl(w->fd, F_GETFD);
	if (!!(fdfl & FD_CLOEXEC) != w->cloexec)
		zdtm_fail("fd %d: close-on-exec %d, expected %d", w->fd, fdfl, w->cloexec);
	if (w->pos >= 0) {
		pos = lseek(w->fd, 0, SEEK_CUR);
		if (pos != w->pos)
			zdtm_fail("fd %d: offset %ld, expected %ld", w->fd, (long)pos, (long)w->pos);
	}
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], cwd[PATH_MAX], f1[PATH_MAX + 16], f2[PATH_MAX + 16], buf[256];
	int a, b, c, d, e, n, i;
	mode_t old;

	zdtm_init();
	if (!getcwd(dir, sizeof(dir)))
		zdtm_fail("getcwd");
	strcat(dir, "/zdtm_files.dir");
	mkdir(dir, 0700);
	snprintf(f1, sizeof(f1), "%s/rw", dir);
	snprintf(f2, sizeof(f2), "%s/append", dir);
	a = open(f1, O_RDWR | O_CREAT | O_TRUNC, 0600);
	b = open(f2, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (a < 0 || b < 0)
		zdtm_fail("open");
	memset(buf, 'x', sizeof(buf));
	if (write(a, buf, 200) != 200 || write(b, buf, 10) != 10)
		zdtm_fail("write");
	lseek(a, 123, SEEK_SET);
	c = dup(a);
	d = open(f1, O_RDONLY | O_CLOEXEC);
	lseek(d, 7, SEEK_SET);
	e = open(dir, O_RDONLY | O_DIRECTORY);
	n = open("/dev/null", O_RDWR);
	if (c < 0 || d < 0 || e < 0 || n < 0 || dup2(n, 42) != 42)
		zdtm_fail("open/dup");
	close(n);
	if (chdir(dir))
		zdtm_fail("chdir");
	umask(027);
	zdtm_ready();
	zdtm_wait_term();
	{
		struct want w[] = {
			{ a, f1, O_RDWR, 123, 0 },    { b, f2, O_WRONLY | O_APPEND, 10, 0 },
			{ c, f1, O_RDWR, 123, 0 },    { d, f1, O_RDONLY, 7, 1 },
			{ e, dir, O_RDONLY, -1, 0 }, { 42, "/dev/null", O_RDWR, -1, 0 },
		};

		for (i = 0; i < (int)(sizeof(w) / sizeof(w[0])); i++)
			check(&w[i]);
	}
	/* a and c share one offset, d has its own. */
	if (read(a, buf, 10) != 10 || lseek(c, 0, SEEK_CUR) != 133 || lseek(d, 0, SEEK_CUR) != 7)
		zdtm_fail("shared offset not shared");
	if (write(b, "end", 3) != 3 || lseek(b, 0, SEEK_CUR) != 13)
		zdtm_fail("O_APPEND write");
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, dir))
		zdtm_fail("cwd is %s, expected %s", cwd, dir);
	old = umask(0);
	if (old != 027)
		zdtm_fail("umask 0%o, expected 027", old);
	unlink(f1);
	unlink(f2);
	rmdir(dir);
	return zdtm_pass();
}
