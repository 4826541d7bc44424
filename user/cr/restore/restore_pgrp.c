// SPDX-License-Identifier: GPL-2.0
/*
 * restore_pgrp.c - a process group whose leader had exited (zdtm
 * zombie01: a child made its own group, forked, and exited; its child
 * lives on in that group, named after a pid no task has any more).
 *
 * setpgid() joins a group that exists, or makes one named after the
 * caller: a group named after a pid that is no task can only be made by
 * a task with that pid. So once every task of the tree exists (as a
 * stub), the stub of the group's first member forks a helper with the
 * group's number as its pid (clone3 set_tid) and makes it the leader of
 * its own group (setpgid(helper, helper): a parent may, before the child
 * execs, in its session); the members join it as they join any group
 * (restore_tree.c); then the helper exits (it reads its end of a pipe the
 * stub closes) and the stub reaps it: the group lives on without its
 * leader, as it did. The helper is never seen by the program: it is gone
 * before any task of the tree runs, and its exit is not by a signal. The
 * verification compares these groups like the others
 * (restore_verify_task.c).
 *
 * The helper's pid must be free, as every pid of the tree: a clone3 that
 * finds it taken fails the restore, naming it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape.h"
#include "restore_ctx.h"
#include "restore_pgrp.h"
#include "restore_stub.h"
#include "restore_tree.h"

bool restore_pgrp__helped(const struct restore_ctx *ctx, uint32_t pgid)
{
	size_t i;

	if (!ctx->ntasks || ctx->tasks[0].core->ids->pgid == pgid)
		return false;
	for (i = 0; i < ctx->ntasks; i++)
		if ((uint32_t)ctx->tasks[i].pid == pgid)
			return false;
	return true;
}

/* The first task of group @pgid (its helper's parent), the task index. */
static size_t first_member(const struct restore_ctx *ctx, uint32_t pgid)
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].core->ids->pgid == pgid)
			break;
	return i;
}

/* Run STUB_PGRP_@op in the stub of each helped group's first member. */
static int each_group(struct restore_ctx *ctx, int op)
{
	size_t i;
	long r = 0;
	int err;

	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];
		uint32_t g = t->core->ids->pgid;

		if (!restore_pgrp__helped(ctx, g) || first_member(ctx, g) != i)
			continue;
		err = restore_tree__call(ctx, t->ctl, op, (int)g, &r);
		if (err)
			return restore_ctx__fail(ctx, t->pid, err,
					     op == STUB_PGRP_LEAD ?
						     "pid %d: cannot make process group %u again (its leader had exited) with a helper of pid %u: %s" :
						     "pid %d: the helper that made process group %u (pid %u) did not exit: %s",
					     t->pid, g, g, strerror(-err));
	}
	return 0;
}

int restore_pgrp__lead(struct restore_ctx *ctx)
{
	return each_group(ctx, STUB_PGRP_LEAD);
}

int restore_pgrp__end(struct restore_ctx *ctx)
{
	return each_group(ctx, STUB_PGRP_END);
}

/* In the stub: its helper (a stub has one at most: a task is in one group). */
static pid_t helper;
static int helper_fd = -1;

static long lead(pid_t pgid)
{
	struct clone_args args;
	int p[2];
	long r;
	char c;

	if (helper)
		return -EBUSY;
	if (syscall(SYS_pipe2, p, O_CLOEXEC))
		return -errno;
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uint64_t)(uintptr_t)&pgid;
	args.set_tid_size = 1;
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0) {
		/* The helper: raw calls only; it exits when the stub closes the pipe (or dies). */
		syscall(SYS_close, p[1]);
		while (syscall(SYS_read, p[0], &c, 1) < 0 && errno == EINTR)
			;
		syscall(SYS_exit, 0);
	}
	r = r < 0 ? -errno : r;
	syscall(SYS_close, p[0]);
	if (r < 0) {
		syscall(SYS_close, p[1]);
		return r;
	}
	helper = (pid_t)r;
	helper_fd = p[1];
	if (r != pgid || syscall(SYS_setpgid, helper, helper))
		return r != pgid ? -EIO : -errno;
	return 0;
}

static long end(void)
{
	int st;
	long r;

	if (!helper)
		return 0;
	syscall(SYS_close, helper_fd);
	helper_fd = -1;
	do
		r = syscall(SYS_wait4, helper, &st, 0, NULL);
	while (r < 0 && errno == EINTR);
	helper = 0;
	if (r < 0)
		return -errno;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -ECHILD;
}

long restore_pgrp__stub(int op, int arg)
{
	return op == STUB_PGRP_LEAD ? lead(arg) : end();
}

int restore_pgrp__set_fg(struct restore_ctx *ctx, struct rtask *t, const char *path, int tfd,
			 pid_t pgrp)
{
	unsigned long addr;
	long fd = tfd, r = 0;
	int g = pgrp;

	if (fd < 0) {
		r = restore_ctx__put(t, 0, path, strlen(path) + 1, &addr);
		fd = r ? r : restore_ctx__sys(t, SYS_openat, AT_FDCWD, addr,
					      O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, 0, 0);
		if (fd < 0)
			return restore_ctx__fail(ctx, t->pid, (int)fd, "pid %d: open %s: %s", t->pid,
					     escape__str(path), strerror((int)-fd));
	}
	r = restore_ctx__put(t, 64, &g, sizeof(g), &addr);
	if (!r)
		r = restore_ctx__sys(t, SYS_ioctl, fd, TIOCSPGRP, addr, 0, 0, 0);
	if (tfd < 0)
		restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
	if (r < 0)
		return restore_ctx__fail(ctx, t->pid, (int)r,
				     "pid %d: foreground process group %d of %s: %s", t->pid, pgrp,
				     escape__str(path), strerror((int)-r));
	return 0;
}
