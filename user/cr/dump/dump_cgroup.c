// SPDX-License-Identifier: GPL-2.0
/*
 * dump_cgroup.c - every task's cgroups, and each thread's where they
 * differ from its process's (cgroup v1, or a v2 threaded subtree).
 *
 * Restore puts each task back into the same cgroups before its memory
 * is written (memory is charged where it is allocated), through the
 * cgroup mounts of pidtrace's own mount namespace. A cgroup that no mount
 * of ours shows could not be given back: refused here, before harm. A
 * cgroup the same as pidtrace's own needs no mount (the stub inherits it),
 * which is the common case: a hierarchy that is not mounted anywhere, with
 * every task at its root.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgmount.h"
#include "dump_cgroup.h"
#include "dump_ctx.h"
#include "log.h"

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "cgroup2";
}

/*
 * Can restore put a task into @e? Yes when it is where pidtrace is (no
 * move needed), or when one of our mounts shows that cgroup.
 */
static int check_reachable(pid_t pid, pid_t tid, const struct cgmount_set *own,
			   const struct cgmount_entry *e)
{
	const struct cgmount_entry *o = cgmount__find(own, e->controllers);
	char dir[PATH_MAX];
	int err;

	if (o && !strcmp(o->path, e->path))
		return 0;
	err = cgmount__dir(e->controllers, e->path, dir, sizeof(dir));
	if (!err && access(dir, W_OK) == 0)
		return 0;
	if (!err)
		err = -errno;
	if (tid)
		pr_err("pid %d: thread %d: its cgroup %s:%s is not one pidtrace can move a task to "
		       "(%s): restore could not put it back",
		       pid, tid, hier_name(e->controllers), e->path,
		       err == -ENOENT ? "no mount of that hierarchy shows it" : strerror(-err));
	else
		pr_err("pid %d: its cgroup %s:%s is not one pidtrace can move a task to (%s): "
		       "restore could not put it back",
		       pid, hier_name(e->controllers), e->path,
		       err == -ENOENT ? "no mount of that hierarchy shows it" : strerror(-err));
	return -EOPNOTSUPP;
}

static int to_pb(const struct cgmount_set *s, CgroupEntry ***out, size_t *n)
{
	size_t i;

	*out = calloc(s->n ? s->n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*n = 0;
	for (i = 0; i < s->n; i++) {
		CgroupEntry *e = PB_NEW(CgroupEntry, cgroup_entry);

		if (!e)
			return -ENOMEM;
		(*out)[(*n)++] = e;
		e->controllers = dump_ctx__strdup(s->e[i].controllers);
		e->path = dump_ctx__strdup(s->e[i].path);
		if (!e->controllers || !e->path)
			return -ENOMEM;
	}
	return 0;
}

static int check_set(pid_t pid, pid_t tid, const struct cgmount_set *own,
		     const struct cgmount_set *s)
{
	size_t i;
	int err;

	for (i = 0; i < s->n; i++) {
		err = check_reachable(pid, tid, own, &s->e[i]);
		if (err)
			return err;
	}
	return 0;
}

int dump_cgroup__task(struct dump_task *t, TaskCore *core)
{
	struct cgmount_set *own, *task, *th;
	size_t i;
	int err;

	own = malloc(sizeof(*own));
	task = malloc(sizeof(*task));
	th = malloc(sizeof(*th));
	err = own && task && th ? 0 : -ENOMEM;
	if (!err)
		err = cgmount__read(getpid(), 0, own);
	if (!err)
		err = cgmount__read(t->pid, 0, task);
	if (err)
		goto out;
	/* A zombie's cgroups are recorded, not given back (it runs no more). */
	if (!t->zombie) {
		err = check_set(t->pid, 0, own, task);
		if (err)
			goto out;
	}
	err = to_pb(task, &core->cgroups, &core->n_cgroups);
	for (i = 0; !err && i < core->n_threads; i++) {
		ThreadCore *tc = core->threads[i];

		err = cgmount__read(t->pid, tc->tid, th);
		if (err)
			break;
		if (cgmount__same(th, task))
			continue;
		err = check_set(t->pid, tc->tid, own, th);
		if (!err)
			err = to_pb(th, &tc->cgroups, &tc->n_cgroups);
	}
out:
	free(own);
	free(task);
	free(th);
	if (err && err != -EOPNOTSUPP && err != -ESRCH)
		pr_err("pid %d: cannot read its cgroups: %s", t->pid, strerror(-err));
	return err;
}
