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

/*
 * Whether some fd of a living task of the tree passes @pick (called with
 * the task, the fd, its /proc path and its stat).
 */
static bool any_tree_fd(struct dump_ctx *ctx,
			bool (*pick)(pid_t pid, int fd, const struct stat *st, const void *arg),
			const void *arg)
{
	char dir[64], path[384];
	struct dirent *d;
	struct stat st;
	bool found = false;
	size_t i;
	DIR *dp;

	for (i = 0; !found && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", ctx->tasks[i].pid);
		dp = opendir(dir);
		if (!dp)
			continue;
		while (!found && (d = readdir(dp))) {
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			if (d->d_name[0] == '.' || stat(path, &st))
				continue;
			found = pick(ctx->tasks[i].pid, atoi(d->d_name), &st, arg);
		}
		closedir(dp);
	}
	return found;
}

static bool is_master(pid_t pid, int fd, const struct stat *st, const void *arg)
{
	return is_ptmx(st) && kind_pty__master_index(pid, fd) == *(const int *)arg;
}

bool kind_pty__master_in_tree(struct dump_ctx *ctx, int index)
{
	return any_tree_fd(ctx, is_master, &index);
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
 * The session whose controlling terminal master copy @c's slave is
 * (TIOCGSID, which a master may ask of its slave): 0 when none, -1 when
 * unknown (the session is not in pidtrace's pid namespace, or the ioctl
 * failed otherwise). That session, not a number, tells which processes
 * have this very tty as their terminal.
 */
static pid_t ctty_session(int c)
{
	pid_t sid = 0;

	if (ioctl(c, TIOCGSID, &sid))
		return errno == ENOTTY ? 0 : -1;
	return sid > 0 ? sid : -1;
}

/*
 * Pid @pid outside the tree has /dev/pts/@index (@st) as its controlling
 * terminal. stat's tty_nr does not say which devpts instance the number
 * is of. With the tty's session known (@sid > 0; 0: no session has it)
 * only a process of that session can. Else a guess: a slave of that
 * number of another instance it holds open (@other: a shell in a
 * container has its terminal as fds 0-2) or /dev/pts/N seen from its own
 * root and mounts being another instance's says no; it may be this one
 * otherwise. (The guess alone refused wrongly: a process whose view of
 * /dev/pts is this instance while its terminal is another's, one whose
 * root is gone as it exits or as a zombie.)
 */
static bool has_ctty(pid_t pid, int index, const struct stat *st, pid_t sid, bool other)
{
	pid_t psid, tpgid;
	int tty_nr;

	if (!sid || kind_pty__stat_tty(pid, &psid, &tty_nr, &tpgid) ||
	    kind_pty__index(tty_nr) != index)
		return false;
	if (sid > 0)
		return psid == sid;
	return !other && same_instance(pid, index, st);
}

/*
 * The slave of master copy @c (/dev/pts/@index) held, or a controlling
 * terminal, outside the tree: the dump kills the master, which hangs it
 * up there, and the pair restore makes is not that one. Refused, naming
 * the holder.
 */
int kind_pty__outside(struct dump_ctx *ctx, pid_t holder, int hfd, int c, int index)
{
	char comm[256], path[64];
	struct procfs_stat ps;
	pid_t pid, sid;
	struct dirent *d;
	struct stat st;
	bool other;
	int fd;
	DIR *dp;

	snprintf(path, sizeof(path), "/dev/pts/%d", index);
	if (stat(path, &st))
		return 0;
	sid = ctty_session(c);
	dp = opendir("/proc");
	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		pid = atoi(d->d_name);
		if (pid <= 0 || pid == getpid() || dump_ctx__find_task(ctx, pid))
			continue;
		other = false;
		fd = holds_slave(pid, &st, &other);
		if (fd < 0 && !has_ctty(pid, index, &st, sid, other))
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

struct slave_want {
	int index;
	const struct stat *slave;
};

static bool is_slave(pid_t pid, int fd, const struct stat *st, const void *arg)
{
	const struct slave_want *w = arg;
	unsigned int dev;
	bool found;
	int c;

	if (!S_ISCHR(st->st_mode))
		return false;
	if (st->st_rdev == w->slave->st_rdev && st->st_dev == w->slave->st_dev)
		return true;
	if (major(st->st_rdev) != KIND_PTY_PTMX_MAJOR || minor(st->st_rdev) != 0)
		return false;
	/* /dev/tty: the terminal it stands for (TIOCGDEV). */
	c = kinds__copy_fd(pid, fd);
	found = c >= 0 && !ioctl(c, TIOCGDEV, &dev) && kind_pty__index(dev) == w->index;
	if (c >= 0)
		close(c);
	return found;
}

bool kind_pty__slave_in_tree(struct dump_ctx *ctx, int index, const struct stat *slave)
{
	struct slave_want w = { index, slave };

	return any_tree_fd(ctx, is_slave, &w);
}
