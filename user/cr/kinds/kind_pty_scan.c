// SPDX-License-Identifier: GPL-2.0
/*
 * kind_pty_scan.c - what dump finds of a pseudo-terminal beyond the fd
 * itself: the master's index (fdinfo), whether the tree holds the master
 * of a slave, and who outside the tree holds the slave or has it as its
 * controlling terminal (a scan of /proc).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "escape.h"
#include "kind_pty.h"
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

/* Pid @pid (outside the tree) holds /dev/pts/@index open: the fd, or -1. */
static int holds_slave(pid_t pid, int index, dev_t rdev)
{
	char dir[64], path[384], link[64], want[64];
	struct dirent *d;
	struct stat st;
	int fd = -1;
	ssize_t n;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	snprintf(want, sizeof(want), "/dev/pts/%d", index);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while (fd < 0 && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, want) && !stat(path, &st) && st.st_rdev == rdev)
			fd = atoi(d->d_name);
	}
	closedir(dp);
	return fd;
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
		fd = holds_slave(pid, index, st.st_rdev);
		if (fd < 0 && (kind_pty__stat_tty(pid, &sid, &tty_nr, &tpgid) ||
			       kind_pty__index(tty_nr) != index))
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

int kind_pty__find_master(int index)
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
			c = kind_pty__copy_fd(pid, atoi(f->d_name));
		}
		closedir(fp);
	}
	closedir(dp);
	return c;
}
