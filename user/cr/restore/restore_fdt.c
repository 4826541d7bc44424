// SPDX-License-Identifier: GPL-2.0
/*
 * restore_fdt.c - fd tables shared by several processes (CLONE_FILES,
 * zdtm fd01, fdt_shared).
 *
 * Dump stores a shared table once, with the first task of the tree that
 * uses it (its owner); the others' files images say whose it is
 * (fd_table_of) and hold no fds. No system call adopts another process's
 * fd table: the only way to share one is to be created sharing it. So
 * restore creates each such task with CLONE_FILES, by its parent stub,
 * which dump made sure uses the same table: the stubs of a group share
 * one table from their first instruction; restore_files.c fills it once,
 * through the owner, and leaves the others' alone (their cwd, root and
 * umask are their own and still restored). The owner comes before the
 * others (parents first), so its close_range() runs before any fd of
 * the table exists.
 *
 * The verification compares the sharing the kernel reports (kcmp
 * KCMP_FILES) for every pair of live tasks with the image's, both ways:
 * a task that should share but got its own table fails the restore, and
 * so does one that shares a table it should not. Threads must use their
 * process's table (dump refuses a thread that unshared its own).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcmp.h>
#include <linux/sched.h>

#include "restore_ctx.h"
#include "restore_fdt.h"
#include "restore_verify.h"
#include "testfault.h"

/*
 * Test fault restore-fdt-unshared: the tasks are created with tables of
 * their own, so that the verification has to catch it. Set in pidtrace
 * before the stubs are forked: they read it in their copy.
 */
static bool fault_unshared;

bool restore_fdt__shares(const struct rtask *t)
{
	return t->files && t->files->has_fd_table_of;
}

unsigned long restore_fdt__clone_flags(const struct rtask *t)
{
	return restore_fdt__shares(t) && !fault_unshared ? CLONE_FILES : 0;
}

/* The pid of the task whose table @t uses (its own pid: its own table). */
static pid_t table_of(const struct rtask *t)
{
	return restore_fdt__shares(t) ? t->files->fd_table_of : t->pid;
}

int restore_fdt__check(struct restore_ctx *ctx)
{
	size_t i;

	fault_unshared = testfault__point("restore-fdt-unshared");
	for (i = 0; i < ctx->ntasks; i++) {
		const struct rtask *t = &ctx->tasks[i], *o, *p;
		pid_t of;

		if (!restore_fdt__shares(t))
			continue;
		of = t->files->fd_table_of;
		o = restore_ctx__find(ctx, of);
		p = t->parent >= 0 ? &ctx->tasks[t->parent] : NULL;
		if (t->zombie || !o || o >= t || o->zombie || restore_fdt__shares(o))
			return restore_ctx__fail(ctx, t->pid, -EINVAL,
					     "pid %d: files-%d.img: the fd table of pid %d, which is not an earlier live task of the tree with a table of its own",
					     t->pid, t->pid, of);
		if (!p || p->zombie || table_of(p) != of)
			return restore_ctx__fail(ctx, t->pid, -EINVAL,
					     "pid %d: files-%d.img: the fd table of pid %d, which its parent does not use (it could not be shared again)",
					     t->pid, t->pid, of);
	}
	return 0;
}

static bool kernel_shares(pid_t a, pid_t b)
{
	return !syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);
}

static void describe(const struct rtask *t, pid_t of, char *buf, size_t len)
{
	if (of == t->pid)
		snprintf(buf, len, "its own");
	else
		snprintf(buf, len, "pid %d's (CLONE_FILES)", of);
}

/* Each thread of the process on the process's table (restore_threads.c: CLONE_FILES). */
static int check_threads(struct verify *v)
{
	char path[64], what[64];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", v->opid);
	d = opendir(path);
	if (!d)
		return restore_verify__cannot(v, "its threads", -errno);
	while (!err && (de = readdir(d))) {
		pid_t tid = atoi(de->d_name);

		if (tid <= 0 || tid == v->opid || kernel_shares(v->opid, tid))
			continue;
		/* Only a thread that exists: one that just exited is not a difference here. */
		snprintf(path, sizeof(path), "/proc/%d/task/%d", v->opid, tid);
		if (access(path, F_OK))
			continue;
		snprintf(what, sizeof(what), "thread %d: fd table", tid);
		err = restore_verify__str(v, what, "the process's", "its own");
	}
	closedir(d);
	return err;
}

int restore_fdt__verify(struct verify *v)
{
	struct restore_ctx *ctx = v->ctx;
	const struct rtask *t = v->t, *u;
	char what[64], img[64], now[64];
	size_t i;
	int err;

	if (t->zombie || !t->files)
		return 0;
	err = check_threads(v);
	for (i = t - ctx->tasks + 1; !err && i < ctx->ntasks; i++) {
		bool want, got;

		u = &ctx->tasks[i];
		if (u->zombie || !u->files || !u->created)
			continue;
		want = table_of(t) == table_of(u);
		got = kernel_shares(t->opid, u->opid);
		if (want == got)
			continue;
		snprintf(what, sizeof(what), "fd table of pid %d", u->pid);
		describe(u, table_of(u), img, sizeof(img));
		if (got)
			snprintf(now, sizeof(now), "pid %d's (CLONE_FILES)", t->pid);
		else
			snprintf(now, sizeof(now), "not pid %d's", t->pid);
		err = restore_verify__str(v, what, img, now);
	}
	return err;
}
