// SPDX-License-Identifier: GPL-2.0
/*
 * restore_procfile.c - files and directories in /proc/N of a process
 * outside the tree (fd_entry proc_pid). While the same process lives (its
 * start time as at dump), its path names the same entry: reopened there.
 * A process that was dead at dump: a stand-in is forked with its pid
 * (restore_files__fork_helper(), the pidfd helpers' mechanism), the path
 * opened while it lives, and it dies with the other helpers
 * (restore_files__helpers_die()), so the fd is again one on the /proc
 * entry of a dead process of that pid ("/proc/N (deleted)" for its
 * directory). A task's cwd there (cwd_proc_pid) is entered the same way.
 * Without that pid free, or with --pidns, the restore fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "restore_ctx.h"
#include "restore_files.h"
#include "restore_procfile.h"

bool restore_procfile__in_tree(const struct restore_ctx *ctx, const char *path)
{
	size_t n, i;
	long pid;

	if (strncmp(path, "/proc/", 6))
		return false;
	n = strspn(path + 6, "0123456789");
	if (!n || (path[6 + n] && path[6 + n] != '/'))
		return false;
	pid = strtol(path + 6, NULL, 10);
	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].pid == pid)
			return true;
	return false;
}

/* The stand-in for dead pid @n: one per pid, kept with the pidfd helpers. */
static int stand_in(struct restore_ctx *ctx, pid_t n)
{
	PidfdTargetEntry pt = PIDFD_TARGET_ENTRY__INIT;
	uint32_t nspid = n;
	struct rhelper *h;
	int die_fd = -1;
	pid_t pid;
	size_t i;

	for (i = 0; i < ctx->nhelpers; i++)
		if (!ctx->helpers[i].ino && ctx->helpers[i].pid == n && !ctx->helpers[i].reaped)
			return 0;
	h = realloc(ctx->helpers, (ctx->nhelpers + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	ctx->helpers = h;
	pt.n_nspid = 1;
	pt.nspid = &nspid;
	pt.has_exit_status = true;
	pt.exit_status = SIGKILL;
	pid = restore_files__fork_helper(ctx, &pt, &die_fd);
	if (pid < 0)
		return pid;
	h = &ctx->helpers[ctx->nhelpers++];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	h->ctl = die_fd;
	h->status = SIGKILL;
	/* Another pid: the old one is taken. It dies with the others all the same. */
	return pid == n ? 0 : -EBUSY;
}

int restore_procfile__cwd(struct restore_ctx *ctx, pid_t pid, const FilesImage *fi)
{
	int err;

	if (ctx->pidns)
		return restore_ctx__fail(ctx, pid, -EXDEV,
				     "pid %d: its cwd %s of a dead process cannot be made again in a new pid namespace (restore without --pidns)",
				     pid, fi->cwd);
	err = stand_in(ctx, fi->cwd_proc_pid);
	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d: its cwd %s: a stand-in for dead pid %u: %s",
				     pid, fi->cwd, fi->cwd_proc_pid, strerror(-err));
	return 0;
}

const char *restore_procfile__cwd_path(const FilesImage *fi)
{
	static char path[32];

	if (!fi->has_cwd_proc_pid)
		return fi->cwd;
	snprintf(path, sizeof(path), "/proc/%u", fi->cwd_proc_pid);
	return path;
}

int restore_procfile__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int flags = (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOCTTY | O_CLOEXEC;
	pid_t n = e->proc_pid;
	struct procfs_stat ps;
	struct stat st;
	int fd, err;

	if (e->has_proc_start) {
		if (procfs__stat(n, &ps) || ps.starttime != e->proc_start)
			return restore_ctx__fail(ctx, pid, -ESRCH,
					     "pid %d fd %u: %s: pid %d is not the process it was at dump (gone, or another one)",
					     pid, e->fd, e->path, n);
	} else if (ctx->pidns) {
		return restore_ctx__fail(ctx, pid, -EXDEV,
				     "pid %d fd %u: %s of dead pid %d cannot be made again in a new pid namespace (restore without --pidns)",
				     pid, e->fd, e->path, n);
	} else {
		err = stand_in(ctx, n);
		if (err)
			return restore_ctx__fail(ctx, pid, err,
					     "pid %d fd %u: %s: a stand-in for dead pid %d: %s", pid,
					     e->fd, e->path, n, strerror(-err));
	}
	fd = open(e->path, flags);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: open %s: %s", pid, e->fd,
				     e->path, strerror(errno));
	/* procfs makes its inodes per lookup: the file system is what stays. */
	if (fstat(fd, &st) || st.st_dev != e->dev) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -ESTALE,
				     "pid %d fd %u: %s is not the file that was open at dump time",
				     pid, e->fd, e->path);
	}
	if (e->has_pos && e->pos && lseek(fd, e->pos, SEEK_SET) < 0) {
		err = -errno;
		close(fd);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: lseek %s: %s", pid, e->fd,
				     e->path, strerror(-err));
	}
	return fd;
}
