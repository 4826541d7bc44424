// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_procfile: files in /proc of processes outside the tree
 * (restore_procfile.c): /proc/1/status of the living init, read up to
 * offset 5; then, of a child killed and reaped, /proc/CHILD/mountinfo and
 * the directory /proc/CHILD. After restore: the status fd still reads
 * init's status from offset 5, the mountinfo fd reads what
 * /proc/self/mountinfo reads, the directory fd is "/proc/CHILD (deleted)"
 * with nothing in it to open.
 *
 *   zdtm_procfile           the above
 *   zdtm_procfile otherns   the child's mountinfo taken in a mount
 *                           namespace of its own: dump refuses it
 */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

static ssize_t slurp(int fd, char *buf, size_t len)
{
	ssize_t n, got = 0;

	while ((size_t)got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	return got;
}

int main(int argc, char **argv)
{
	static char a[1 << 16], b[1 << 16];
	bool otherns = argc > 1 && !strcmp(argv[1], "otherns");
	int status, mounts, dir, self, p[2];
	char path[64], link[PATH_MAX], c;
	pid_t child;
	ssize_t n;

	zdtm_init();
	status = open("/proc/1/status", O_RDONLY);
	if (status < 0 || read(status, a, 5) != 5)
		zdtm_fail("open /proc/1/status");
	if (pipe(p))
		zdtm_fail("pipe");
	child = fork();
	if (child < 0)
		zdtm_fail("fork");
	if (!child) {
		if (otherns && (unshare(CLONE_NEWNS) ||
				mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
				mount("zdtm", "/mnt", "tmpfs", 0, "size=64k")))
			_exit(1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		zdtm_fail("child did not start");
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", child);
	mounts = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d", child);
	dir = open(path, O_RDONLY | O_DIRECTORY);
	if (mounts < 0 || dir < 0 || chdir(path))
		zdtm_fail("open /proc/%d files", child);
	kill(child, SIGKILL);
	if (waitpid(child, NULL, 0) != child)
		zdtm_fail("waitpid");
	close(p[0]);
	close(p[1]);
	zdtm_ready();
	zdtm_wait_term();

	if (lseek(status, 0, SEEK_CUR) != 5)
		zdtm_fail("/proc/1/status at offset %ld, not 5", (long)lseek(status, 0, SEEK_CUR));
	if (lseek(status, 0, SEEK_SET) || slurp(status, a, sizeof(a)) <= 0 ||
	    !strstr(a, "\nPid:\t1\n"))
		zdtm_fail("/proc/1/status reads: %.40s", a);
	self = open("/proc/self/mountinfo", O_RDONLY);
	n = slurp(mounts, a, sizeof(a));
	/* otherns: the child's namespace, by design not ours. */
	if (!otherns && (self < 0 || n <= 0 || slurp(self, b, sizeof(b)) != n || strcmp(a, b)))
		zdtm_fail("the dead child's mountinfo reads %zd bytes, not pidtrace's", n);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink");
	link[n] = 0;
	snprintf(path, sizeof(path), "/proc/%d (deleted)", child);
	if (strcmp(link, path))
		zdtm_fail("the directory fd is %s, not %s", link, path);
	n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink cwd");
	link[n] = 0;
	if (strcmp(link, path))
		zdtm_fail("the cwd is %s, not %s", link, path);
	if (openat(dir, "status", O_RDONLY) >= 0)
		zdtm_fail("the dead child's status opens");
	return zdtm_pass();
}
