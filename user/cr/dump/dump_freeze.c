// SPDX-License-Identifier: GPL-2.0
/*
 * dump_freeze.c - freeze the tree: seize the root, then each task's
 * children once the task itself is stopped (a stopped task cannot fork, so
 * no child is missed), and refuse what a dump cannot take before any state
 * is read: pidtrace's own ancestors, traced or stopped tasks,
 * tasks sharing memory or tables (see dump_freeze.h). The threads of a
 * multithreaded task are held with it (dump_threads.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "dump_ctx.h"
#include "dump_freeze.h"
#include "dump_seccomp.h"
#include "dump_stopped.h"
#include "dump_threads.h"
#include "log.h"
#include "ptrace.h"
#include "testfault.h"

static int add_task(struct dump_ctx *ctx, pid_t pid, bool is_root)
{
	struct dump_task *t, *arr;
	char *status = NULL;
	uint64_t tracer = 0;
	int err;

	if (pid == getpid()) {
		pr_err("pid %d is pidtrace itself: run pidtrace outside the tree it dumps", pid);
		return -EINVAL;
	}
	arr = realloc(ctx->tasks, (ctx->ntasks + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	ctx->tasks = arr;
	t = &ctx->tasks[ctx->ntasks];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	err = procfs__stat(pid, &t->stat);
	if (err == -ESRCH) {
		/* A child's death is told by add_children(): its parent may be why. */
		if (is_root)
			pr_err("pid %d does not exist", pid);
		return err;
	}
	if (err)
		goto fail;
	if (t->stat.state == 'Z' || t->stat.state == 'X') {
		/* A leader gone by pthread_exit(): the process lives on in its threads. */
		if (t->stat.threads > 1) {
			pr_err("pid %d: its main thread exited, %ld threads run on: not supported",
			       pid, t->stat.threads - 1);
			return -EOPNOTSUPP;
		}
		if (is_root) {
			pr_err("pid %d is a zombie: there is nothing to dump", pid);
			return -EINVAL;
		}
		t->zombie = true;
		ctx->ntasks++;
		return 0;
	}
	err = procfs__read(pid, "status", &status, NULL);
	if (err)
		goto fail;
	procfs__field_u64(status, "TracerPid:", 10, &tracer);
	free(status);
	if (tracer) {
		pr_err("pid %d is already traced by pid %lu", pid, tracer);
		return -EBUSY;
	}
	/* Stopped tasks too (dump_stopped.c; it prints its refusals). */
	err = dump_stopped__seize(t);
	if (err == -EOPNOTSUPP)
		return err;
	if (err == -EPERM && !is_root && !procfs__stat(pid, &t->stat) && t->stat.state == 'Z') {
		/* It exited between our look and the seize: a zombie of the tree now. */
		t->zombie = true;
		ctx->ntasks++;
		return 0;
	}
	if (err == -EBUSY) {
		pr_err("pid %d was stopped by a signal during the dump", pid);
		return err;
	}
	if (err == -ESRCH) {
		/* A child's death is told by add_children(): its parent may be why. */
		if (is_root)
			pr_err("pid %d does not exist", pid);
		return err;
	}
	if (err)
		goto fail;
	ctx->ntasks++;
	/* Its seccomp filters must not judge the syscalls dump runs in it (dump_seccomp.c). */
	err = dump_seccomp__hold(t->pt, pid, pid);
	if (err == -EOPNOTSUPP)
		return err;
	if (err)
		goto fail;
	/* Whatever happens to pidtrace from now on, the task runs on as it was. */
	ptrace__set_crash_safe(t->pt);
	/* Seized: nothing changes under us any more. Read the final state. */
	err = procfs__stat(pid, &t->stat);
	/* Every other thread too (dump_threads.c; it prints its refusals). */
	if (!err && t->stat.threads > 1) {
		err = dump_threads__seize(ctx, t);
		if (err && err != -ESRCH)
			return err;
	}
	if (err == -ESRCH || (err && ptrace__exited(t->pt, NULL))) {
		dump_ctx__gone_or_vanished(t);
		return -ESRCH;
	}
	if (err)
		goto fail;
	return 0;
fail:
	pr_err("pid %d: cannot freeze it: %s", pid, strerror(-err));
	return err;
}

/* The children that thread @tid of @pid forked (every thread's, not only the leader's). */
static int add_thread_children(struct dump_ctx *ctx, pid_t pid, pid_t tid, long *child)
{
	char name[64], *buf = NULL, *p, *end;
	size_t first = ctx->ntasks, i;
	int err;

	snprintf(name, sizeof(name), "task/%d/children", tid);
	err = procfs__read(pid, name, &buf, NULL);
	/* A thread held by ptrace does not exit: gone means the process is. */
	if (err == -ENOENT)
		err = procfs__exists(pid) ? -ENOENT : -ESRCH;
	if (err) {
		if (err != -ESRCH)
			pr_err("pid %d: cannot list its children: %s", pid, strerror(-err));
		return err;
	}
	for (p = buf; !err; p = end) {
		*child = strtol(p, &end, 10);
		if (end == p)
			break;
		err = add_task(ctx, *child, false);
	}
	free(buf);
	for (i = first; i < ctx->ntasks; i++)
		ctx->tasks[i].parent_tid = tid;
	return err;
}

static int add_children(struct dump_ctx *ctx, pid_t pid)
{
	struct dump_task *parent;
	char path[64];
	struct dirent *de;
	long child = 0;
	int err;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		err = procfs__exists(pid) ? -errno : -ESRCH;
		if (err != -ESRCH)
			pr_err("pid %d: cannot list its threads: %s", pid, strerror(-err));
		return err;
	}
	/* The leader's first, then each other thread's, in /proc order. */
	err = add_thread_children(ctx, pid, pid, &child);
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == pid)
			continue;
		err = add_thread_children(ctx, pid, atoi(de->d_name), &child);
	}
	closedir(d);
	if (err != -ESRCH)
		return err;
	/* The parent's death killed it (pdeath signal), or it died alone. */
	parent = dump_ctx__find_task(ctx, pid);
	if (parent && parent->pt && ptrace__check(parent->pt) == -ESRCH)
		return -ESRCH;
	pr_err("pid %ld exited during the dump", child);
	return -ECHILD;
}

/* Freezing an ancestor would freeze pidtrace too: refuse before touching anything. */
static int check_not_ancestor(pid_t root)
{
	struct procfs_stat st;
	pid_t p = getppid();

	while (p > 1) {
		if (p == root) {
			pr_err("pid %d is an ancestor of pidtrace: run pidtrace outside the tree it dumps",
			       root);
			return -EINVAL;
		}
		if (procfs__stat(p, &st))
			break;
		p = st.ppid;
	}
	return 0;
}

/*
 * Tasks created with CLONE_VM (vfork), CLONE_SIGHAND or CLONE_FS share
 * what the image stores per task: restore could not share it again. (An
 * fd table shared through CLONE_FILES is stored once and shared again:
 * dump_task__fd_table().)
 */
static int check_sharing(struct dump_ctx *ctx)
{
	static const struct {
		int type;
		const char *what;
	} kinds[] = {
		{ KCMP_VM, "memory (vfork or CLONE_VM)" },
		{ KCMP_SIGHAND, "signal handlers (CLONE_SIGHAND)" },
		{ KCMP_FS, "cwd and root (CLONE_FS)" },
	};
	size_t i, j, k;

	for (i = 0; i < ctx->ntasks; i++) {
		for (j = i + 1; j < ctx->ntasks; j++) {
			if (ctx->tasks[i].zombie || ctx->tasks[j].zombie)
				continue;
			for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
				if (syscall(SYS_kcmp, ctx->tasks[i].pid, ctx->tasks[j].pid,
					    kinds[k].type, 0, 0))
					continue;
				pr_err("pid %d and pid %d share their %s: not supported",
				       ctx->tasks[i].pid, ctx->tasks[j].pid, kinds[k].what);
				return -EOPNOTSUPP;
			}
		}
	}
	return 0;
}

int dump_freeze__tree(struct dump_ctx *ctx)
{
	size_t i;
	int err;

	err = check_not_ancestor(ctx->root);
	if (!err)
		err = add_task(ctx, ctx->root, true);
	/* Tests stop or fail here: the root held, its children still running. */
	if (!err && testfault__point("freeze")) {
		pr_err("test fault at freeze");
		err = -EIO;
	}
	/* ctx->tasks grows while we walk it: index, never pointers. */
	for (i = 0; !err && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		err = add_children(ctx, ctx->tasks[i].pid);
		if (err == -ESRCH && !dump_ctx__report_gone(&ctx->tasks[i]))
			pr_err("pid %d exited during the dump", ctx->tasks[i].pid);
	}
	if (!err)
		err = check_sharing(ctx);
	return err;
}
