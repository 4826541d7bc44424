// SPDX-License-Identifier: GPL-2.0
/*
 * restore_fown.c - a file's O_ASYNC owner (see restore_fown.h).
 *
 * The owner is a pid of the tree as the image has it; pidtrace sets it on
 * its own descriptor of the file, so it gives the pid as it sees the
 * task (they differ with --pidns), and the restored task reads back the
 * image's. The kernel records the caller's uid and euid as the owner's
 * credentials: for that one call pidtrace's thread takes the image's
 * (its saved uid stays root, so it can take root back).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "restore_ctx.h"
#include "restore_fown.h"
#include "restore_threads.h"

/* @pid of the image (a task, a thread or a group) as pidtrace sees it; 0: none. */
static pid_t our_pid(struct restore_ctx *ctx, int type, pid_t pid)
{
	struct rtask *t;
	pid_t o;
	size_t i;

	t = restore_ctx__find(ctx, pid);
	if (t)
		return t->opid;
	for (i = 0; type == F_OWNER_TID && i < ctx->ntasks; i++) {
		o = restore_threads__opid(&ctx->tasks[i], pid);
		if (o)
			return o;
	}
	return 0;
}

static int set_owner(int fd, const FownEntry *f, pid_t pid)
{
	struct f_owner_ex own = { f->type, pid };
	int err = 0;

	if (!f->has_uid || (!f->uid && !f->euid))
		return fcntl(fd, F_SETOWN_EX, &own) ? -errno : 0;
	/* The calling thread only: not libc's setresuid, which changes every thread. */
	if (syscall(SYS_setresuid, f->uid, f->euid, 0))
		return -errno;
	if (fcntl(fd, F_SETOWN_EX, &own))
		err = -errno;
	if (syscall(SYS_setresuid, 0, 0, 0) && !err)
		err = -errno;
	return err;
}

int restore_fown__apply(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, int fd)
{
	const FownEntry *f = e->fown;
	const char *what = NULL;
	pid_t owner = 0;
	int fl, err = 0;

	if (f && f->pid) {
		owner = our_pid(ctx, f->type, f->pid);
		if (f->type > F_OWNER_PGRP || !owner)
			return restore_ctx__fail(ctx, pid, -EINVAL,
					     "pid %d fd %u: its O_ASYNC owner %d is not in the image",
					     pid, e->fd, f->pid);
		err = set_owner(fd, f, owner);
		what = "F_SETOWN_EX";
	}
	if (!err && f && f->signum) {
		if (fcntl(fd, F_SETSIG, f->signum))
			err = -errno;
		what = "F_SETSIG";
	}
	/* open() ignores O_ASYNC: only fcntl turns it on. */
	if (!err && (e->flags & O_ASYNC)) {
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_ASYNC))
			err = -errno;
		what = "O_ASYNC";
	}
	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: %s: %s", pid, e->fd, what,
				     strerror(-err));
	return 0;
}
