// SPDX-License-Identifier: GPL-2.0
/*
 * kind_pty_scan.c - what dump finds of a pseudo-terminal beyond the fd
 * itself: the master's index (fdinfo), whether the tree holds the master
 * of a slave, and who outside the tree holds the slave or has it as its
 * controlling terminal (a scan of /proc).
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "escape.h"
#include "kind_pty.h"
#include "kinds.h"
#include "log.h"
#include "procfs.h"

/* /dev/ptmx, wherever it is reached from (/dev/pts/ptmx too). */
static bool is_ptmx(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == KIND_PTY_PTMX_MAJOR &&
	       minor(st->st_rdev) == KIND_PTY_PTMX_MINOR;
}

/* The index of master fd @fd of @pid from its fdinfo, or -1. */
int kind_pty__master_index(pid_t pid, int fd)
{
	char name[64], *info = NULL;
	uint64_t index;
	int r = -1;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (!procfs__read(pid, name, &info, NULL) &&
	    !procfs__field_u64(info, "tty-index:", 10, &index))
		r = (int)index;
	free(info);
	return r;
}

bool kind_pty__master_in_tree(struct dump_ctx *ctx, int index)
{
	char dir[64], path[384], link[64];
	struct dirent *d;
	struct stat st;
	bool found = false;
	size_t i;
	DIR *dp;
	ssize_t n;

	for (i = 0; !found && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", ctx->tasks[i].pid);
		dp = opendir(dir);
		if (!dp)
			continue;
		while (!found && (d = readdir(dp))) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0 || stat(path, &st) || !is_ptmx(&st))
				continue;
			found = kind_pty__master_index(ctx->tasks[i].pid, atoi(d->d_name)) == index;
		}
		closedir(dp);
	}
	return found;
}

/*
 * Pid @pid (outside the tree) holds slave @want_st (/dev/pts/N) open: the
 * fd, or -1. Told by the device, not the name: the same number in another
 * devpts instance (a container's, a mount namespace's own) is another
 * terminal, with the same rdev and another st_dev (the instance), whatever
 * path it was opened by. *@other: it holds that number of another instance.
 */
static int holds_slave(pid_t pid, const struct stat *want_st, bool *other)
{
	char dir[64], path[384];
	struct dirent *d;
	struct stat st;
	int fd = -1;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while (fd < 0 && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != want_st->st_rdev)
			continue;
		if (st.st_dev == want_st->st_dev)
			fd = atoi(d->d_name);
		else
			*other = true;
	}
	closedir(dp);
	return fd;
}

/*
 * Whether /dev/pts/@index as pid @pid sees it (its root, its mount
 * namespace) is the slave @want_st, or may be: false only when it is
 * another devpts instance's.
 */
static bool same_instance(pid_t pid, int index, const struct stat *want_st)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/root/dev/pts/%d", pid, index);
	if (stat(path, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != want_st->st_rdev)
		return true;
	return st.st_dev == want_st->st_dev;
}

/*
 * The slave of master @l (/dev/pts/@index) held, or a controlling terminal,
 * outside the tree: the dump kills the master, which hangs it up there,
 * and the pair restore makes is not that one. Refused, naming the holder.
 */
int kind_pty__outside(struct dump_ctx *ctx, pid_t holder, int hfd, int index)
{
	char comm[256], path[64];
	struct procfs_stat ps;
	pid_t pid, sid, tpgid;
	struct dirent *d;
	struct stat st;
	int tty_nr, fd;
	bool other;
	DIR *dp;

	snprintf(path, sizeof(path), "/dev/pts/%d", index);
	if (stat(path, &st))
		return 0;
	dp = opendir("/proc");
	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		pid = atoi(d->d_name);
		if (pid <= 0 || pid == getpid() || dump_ctx__find_task(ctx, pid))
			continue;
		other = false;
		fd = holds_slave(pid, &st, &other);
		/*
		 * Its controlling terminal has that number: stat's tty_nr does
		 * not say which instance; one it holds open of another
		 * instance does (a shell in a container has its terminal as
		 * fds 0-2), and so does /dev/pts/N seen from its own root and
		 * mounts when that is another instance. Else it may be this
		 * one: refused.
		 */
		if (fd < 0 && (other || kind_pty__stat_tty(pid, &sid, &tty_nr, &tpgid) ||
			       kind_pty__index(tty_nr) != index || !same_instance(pid, index, &st)))
			continue;
		closedir(dp);
		snprintf(comm, sizeof(comm), "?");
		if (!procfs__stat(pid, &ps))
			escape__into(comm, sizeof(comm), ps.comm);
		if (fd >= 0)
			pr_err("pid %d fd %d: pseudo-terminal master of %s, whose slave pid %d (%s) fd %d holds outside the dumped tree, is not supported",
			       holder, hfd, path, pid, comm, fd);
		else
			pr_err("pid %d fd %d: pseudo-terminal master of %s, the controlling terminal of pid %d (%s) outside the dumped tree, is not supported",
			       holder, hfd, path, pid, comm);
		return -EOPNOTSUPP;
	}
	closedir(dp);
	return 0;
}

/* Master copy @m's slave is in devpts instance @dev (TIOCGPTPEER, closed at once). */
static bool master_of_instance(int m, dev_t dev)
{
	struct stat st;
	int s = ioctl(m, TIOCGPTPEER, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	bool same;

	if (s < 0)
		return false;
	same = !fstat(s, &st) && st.st_dev == dev;
	close(s);
	return same;
}

int kind_pty__find_master(int index, dev_t dev)
{
	char dir[64], path[384];
	struct dirent *d, *f;
	struct stat st;
	DIR *dp, *fp;
	pid_t pid;
	int c = -ENOENT;

	dp = opendir("/proc");
	if (!dp)
		return -errno;
	while (c < 0 && (d = readdir(dp))) {
		pid = atoi(d->d_name);
		if (pid <= 0)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
		fp = opendir(dir);
		if (!fp)
			continue;
		while (c < 0 && (f = readdir(fp))) {
			snprintf(path, sizeof(path), "%s/%s", dir, f->d_name);
			if (f->d_name[0] == '.' || stat(path, &st) || !is_ptmx(&st) ||
			    kind_pty__master_index(pid, atoi(f->d_name)) != index)
				continue;
			c = kinds__copy_fd(pid, atoi(f->d_name));
			if (c >= 0 && !master_of_instance(c, dev)) {
				close(c);
				c = -ENOENT;
			}
		}
		closedir(fp);
	}
	closedir(dp);
	return c;
}
