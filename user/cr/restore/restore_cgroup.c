// SPDX-License-Identifier: GPL-2.0
/*
 * restore_cgroup.c - every restored task back in its cgroups.
 *
 * A stub is born in pidtrace's cgroups. Right after the seize, before a
 * page of its memory is written (memory is charged to the cgroup it is
 * allocated in, and moving a task later does not move the charge), each
 * task is moved into the cgroups the image recorded, in every hierarchy
 * where that differs from pidtrace's own; its threads, once they exist,
 * where theirs differ. /proc/PID/cgroup is then read back and must say
 * exactly what the image says: a cgroup that is gone, or one the kernel
 * would not let the task into, fails the restore before the task runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgmount.h"
#include "restore_cgroup.h"
#include "restore_ctx.h"
#include "restore_threads.h"

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "cgroup2";
}

/* Move @tid (a process, or one thread) into every cgroup of @e that differs from ours. */
static int move_all(struct restore_ctx *ctx, pid_t pid, pid_t tid, int thread,
		    CgroupEntry **e, size_t n, const struct cgmount_set *own)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		const struct cgmount_entry *o = cgmount__find(own, e[i]->controllers);

		if (o && !strcmp(o->path, e[i]->path))
			continue;
		/* A hierarchy gone since the dump, where the task was at the root: nothing lost. */
		if (!o && !strcmp(e[i]->path, "/"))
			continue;
		err = cgmount__move(e[i]->controllers, e[i]->path, tid, thread);
		if (err)
			return restore_ctx__fail(ctx, pid, err, "pid %d%s: cannot put it back in cgroup %s:%s: %s",
					     pid, thread ? " (a thread)" : "",
					     hier_name(e[i]->controllers), e[i]->path,
					     err == -ENOENT ? "no such cgroup (or no mount shows it)"
							    : strerror(-err));
	}
	return 0;
}

/* Read @tid's cgroups back: each recorded one must be what the kernel says now. */
static int check_now(struct restore_ctx *ctx, pid_t pid, pid_t opid, pid_t otid,
		     CgroupEntry **e, size_t n, struct cgmount_set *now)
{
	size_t i;
	int err = cgmount__read(opid, otid, now);

	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d: cannot read its cgroups: %s", pid,
				     strerror(-err));
	for (i = 0; i < n; i++) {
		const struct cgmount_entry *o = cgmount__find(now, e[i]->controllers);

		if (!o && !strcmp(e[i]->path, "/"))
			continue;
		if (!o || strcmp(o->path, e[i]->path))
			return restore_ctx__fail(ctx, pid, -EIO,
					     "pid %d: cgroup %s: %s in the image, %s after restore", pid,
					     hier_name(e[i]->controllers), e[i]->path,
					     o ? o->path : "(no such hierarchy)");
	}
	return 0;
}

int restore_cgroup__task(struct restore_ctx *ctx, struct rtask *t)
{
	struct cgmount_set *own = malloc(sizeof(*own)), *now = malloc(sizeof(*now));
	int err = own && now ? 0 : -ENOMEM;

	if (err) {
		restore_ctx__fail(ctx, t->pid, err, "out of memory");
		goto out;
	}
	if (!t->core->n_cgroups)
		goto out; /* an image of before cgroups were dumped */
	err = cgmount__read(getpid(), 0, own);
	if (err) {
		restore_ctx__fail(ctx, t->pid, err, "cannot read pidtrace's own cgroups: %s",
			      strerror(-err));
		goto out;
	}
	err = move_all(ctx, t->pid, t->opid, 0, t->core->cgroups, t->core->n_cgroups, own);
	if (!err)
		err = check_now(ctx, t->pid, t->opid, 0, t->core->cgroups, t->core->n_cgroups, now);
out:
	free(own);
	free(now);
	return err;
}

int restore_cgroup__threads(struct restore_ctx *ctx, struct rtask *t)
{
	struct cgmount_set *proc = malloc(sizeof(*proc)), *now = malloc(sizeof(*now));
	size_t i;
	int err = proc && now ? 0 : -ENOMEM;

	if (err) {
		restore_ctx__fail(ctx, t->pid, err, "out of memory");
		goto out;
	}
	for (i = 0; !err && i < t->core->n_threads; i++) {
		ThreadCore *tc = t->core->threads[i];
		pid_t otid;

		if (!tc->n_cgroups)
			continue;
		otid = restore_threads__opid(t, tc->tid);
		if (!otid) {
			err = restore_ctx__fail(ctx, t->pid, -ESRCH, "pid %d: thread %u was not created",
					    t->pid, tc->tid);
			break;
		}
		/* The thread was born in its process's cgroups: compare with those. */
		err = cgmount__read(t->opid, 0, proc);
		if (err) {
			restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot read its cgroups: %s", t->pid,
				      strerror(-err));
			break;
		}
		err = move_all(ctx, t->pid, otid, 1, tc->cgroups, tc->n_cgroups, proc);
		if (!err)
			err = check_now(ctx, t->pid, t->opid, otid, tc->cgroups, tc->n_cgroups, now);
	}
out:
	free(proc);
	free(now);
	return err;
}
