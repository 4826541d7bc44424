// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_rmdir [taken] - directories removed while held:
 *  - its cwd: a directory (mode 0751, owner 1:2) entered, then removed;
 *  - an fd (O_RDONLY|O_DIRECTORY) on another directory up/held (0710,
 *    3:4), removed, then its parent up removed too.
 * After restore getcwd() fails with ENOENT, /proc/self/cwd and the fd's
 * link read "PATH (deleted)", the fd is a directory with st_nlink 0 and
 * its mode and owner, creating in it fails with ENOENT, and neither path
 * (nor up) exists again.
 * "taken": the fd's directory is removed and a file takes its name, which
 * dump refuses (cr_rmdir.sh); the program then checks the fd still works.
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
	char top[PATH_MAX - 32], cwd[PATH_MAX + 16], held[PATH_MAX + 16], p[64], buf[PATH_MAX];
	int taken = argc > 1 && !strcmp(argv[1], "taken");
	struct stat st;
	int fd;

	zdtm_init();
	if (!getcwd(top, sizeof(top)))
		zdtm_fail("getcwd");
	snprintf(held, sizeof(held), "%s/up/held", top);
	snprintf(cwd, sizeof(cwd), "%s/cwd", top);
	if (mkdir("up", 0700))
		zdtm_fail("mkdir up");
	if (mkdir(held, 0700) || chown(held, 3, 4) || chmod(held, 0710))
		zdtm_fail("mkdir %s", held);
	fd = open(held, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || rmdir(held) || (taken ? close(open(held, O_CREAT | O_RDWR, 0600)) : rmdir("up")))
		zdtm_fail("open, rmdir %s", held);
	if (!taken) {
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
	if (taken)
		return zdtm_pass();
	snprintf(buf, sizeof(buf), "%s/up", top);
	if (!access(held, F_OK) || !access(buf, F_OK))
		zdtm_fail("%s or its parent exists again", held);
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
