// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_rmdir [parent] - directories removed while held:
 *  - its cwd: a directory (mode 0751, owner 1:2) entered, then removed;
 *  - an fd (O_RDONLY|O_DIRECTORY) on another directory (0710, 3:4), removed.
 * After restore getcwd() fails with ENOENT, /proc/self/cwd and the fd's
 * link read "PATH (deleted)", the fd is a directory with st_nlink 0 and
 * its mode and owner, creating in it fails with ENOENT, and neither path
 * exists again.
 * "parent": the fd's directory is removed with its parent, which dump
 * refuses (cr_rmdir.sh); the program then checks the fd still works.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtm.h"

static void check_link(const char *p, const char *path)
{
	char link[PATH_MAX + 32], want[PATH_MAX + 32];
	ssize_t n;

	n = readlink(p, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink %s", p);
	link[n] = '\0';
	snprintf(want, sizeof(want), "%s (deleted)", path);
	if (strcmp(link, want))
		zdtm_fail("%s is '%s', expected '%s'", p, link, want);
}

static void check_dir(const struct stat *st, mode_t mode, uid_t uid, gid_t gid, const char *what)
{
	if (!S_ISDIR(st->st_mode) || st->st_nlink || (st->st_mode & 07777) != mode ||
	    st->st_uid != uid || st->st_gid != gid)
		zdtm_fail("%s: mode %o nlink %lu owner %u:%u", what, st->st_mode,
			  (unsigned long)st->st_nlink, st->st_uid, st->st_gid);
}

int main(int argc, char **argv)
{
	char top[PATH_MAX], cwd[PATH_MAX + 16], held[PATH_MAX + 16], p[64], buf[PATH_MAX];
	int parent = argc > 1 && !strcmp(argv[1], "parent");
	struct stat st;
	int fd;

	zdtm_init();
	if (!getcwd(top, sizeof(top)))
		zdtm_fail("getcwd");
	snprintf(held, sizeof(held), parent ? "%s/up/held" : "%s/held", top);
	snprintf(cwd, sizeof(cwd), "%s/cwd", top);
	if (parent && mkdir("up", 0700))
		zdtm_fail("mkdir up");
	if (mkdir(held, 0700) || chown(held, 3, 4) || chmod(held, 0710))
		zdtm_fail("mkdir %s", held);
	fd = open(held, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || rmdir(held) || (parent && rmdir("up")))
		zdtm_fail("open, rmdir %s", held);
	if (!parent) {
		if (mkdir(cwd, 0700) || chown(cwd, 1, 2) || chmod(cwd, 0751) || chdir(cwd) ||
		    rmdir(cwd))
			zdtm_fail("mkdir, chdir, rmdir %s", cwd);
	}
	printf("READY pid=%d fd=%d\n", getpid(), fd);
	fflush(stdout);
	zdtm_wait_term();
	if (fstat(fd, &st))
		zdtm_fail("fstat");
	check_dir(&st, 0710, 3, 4, "the fd's directory");
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	check_link(p, held);
	errno = 0;
	if (openat(fd, "x", O_CREAT | O_RDWR, 0600) >= 0 || errno != ENOENT)
		zdtm_fail("openat(fd, x, O_CREAT) did not fail with ENOENT");
	if (!access(held, F_OK))
		zdtm_fail("%s exists again", held);
	if (parent)
		return zdtm_pass();
	errno = 0;
	if (getcwd(buf, sizeof(buf)) || errno != ENOENT)
		zdtm_fail("getcwd did not fail with ENOENT");
	if (stat(".", &st))
		zdtm_fail("stat .");
	check_dir(&st, 0751, 1, 2, "the cwd");
	check_link("/proc/self/cwd", cwd);
	if (!access(cwd, F_OK))
		zdtm_fail("%s exists again", cwd);
	return zdtm_pass();
}
