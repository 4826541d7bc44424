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
 *
 * Before any task exists, the cgroups the tree owns (cgroups.img, see
 * dump_cgroup.c) that are gone are made again, parents first, with their
 * settings, owners and modes, and read back (--cgroups=restore, the
 * default); a cgroup that exists is used as it is (a warning says how it
 * differs), or, with --cgroups=strict, must have the image's settings. --cgroups=existing
 * makes none, --cgroups=ignore moves no task either (each stays in
 * pidtrace's cgroups). A failed restore removes the cgroups it made, once
 * the tasks it created are gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgmount.h"
#include "cgsettings.h"
#include "escape.h"
#include "log.h"
#include "restore_cgroot.h"
#include "restore_cgroup.h"
#include "restore_ctx.h"
#include "restore_threads.h"

struct restore_cgroups {
	const CgroupsImage *img;	/* ctx->tree's */
	char **made;		/* directories made, in the order they were */
	const CgroupDir **made_d;
	size_t nmade;
};

static const char *const mode_names[] = {
	[RESTORE_CGROUPS_RESTORE] = "restore",
	[RESTORE_CGROUPS_IGNORE] = "ignore",
	[RESTORE_CGROUPS_EXISTING] = "existing",
	[RESTORE_CGROUPS_STRICT] = "strict",
};

int restore_cgroup__parse_mode(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i]))
			return (int)i;
	return -EINVAL;
}

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "cgroup2";
}

/* Make @d (its parent exists by now) and give it its settings. */
static int make_one(struct restore_ctx *ctx, const CgroupDir *d, const char *dir)
{
	struct restore_cgroups *cg = ctx->cg;
	char why[512];
	int dfd, err;

	if (mkdir(dir, 0700)) {
		err = -errno;
		return restore_ctx__fail(ctx, 0, err, "cannot make cgroup %s:%s again: %s",
				     escape__str(hier_name(d->controllers)), escape__str(d->path),
				     err == -ENOENT ? "its parent is gone, and the image has no settings for it"
						    : strerror(-err));
	}
	cg->made[cg->nmade] = strdup(dir);
	if (!cg->made[cg->nmade]) {
		rmdir(dir);
		return restore_ctx__fail(ctx, 0, -ENOMEM, "out of memory");
	}
	cg->made_d[cg->nmade++] = d;
	ctx->cgroups_made = cg->nmade;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		err = -errno;
	} else {
		err = cgsettings__apply(dfd, d, why, sizeof(why));
		close(dfd);
	}
	if (err)
		return restore_ctx__fail(ctx, 0, err, "cannot make cgroup %s:%s again as it was: %s",
				     escape__str(hier_name(d->controllers)), escape__str(d->path), why);
	return 0;
}

/*
 * A cgroup that exists: with --cgroups=strict it must be the image's;
 * otherwise it is used as it is, and a difference is said, not hidden.
 */
static int check_existing(struct restore_ctx *ctx, const CgroupDir *d, int dfd)
{
	char why[512];
	int r = cgsettings__compare(dfd, d, why, sizeof(why));

	if (!r)
		return 0;
	if (ctx->cgroups_mode != RESTORE_CGROUPS_STRICT) {
		pr_warn("cgroup %s:%s exists, and %s: used as it is (--cgroups=strict refuses it)",
			escape__str(hier_name(d->controllers)), escape__str(d->path), why);
		return 0;
	}
	return restore_ctx__fail(ctx, 0, r < 0 ? r : -EEXIST,
			     "cgroup %s:%s exists, and %s (--cgroups=strict)",
			     escape__str(hier_name(d->controllers)), escape__str(d->path), why);
}

int restore_cgroup__create(struct restore_ctx *ctx)
{
	struct restore_cgroups *cg;
	char dir[PATH_MAX], why[512];
	size_t i;
	int err, dfd;

	/* --cgroup-root: the image's paths below another root, first. */
	err = restore_cgroot__apply(ctx);
	if (err)
		return err;
	if (ctx->cgroups_mode == RESTORE_CGROUPS_IGNORE ||
	    ctx->cgroups_mode == RESTORE_CGROUPS_EXISTING)
		return 0;
	cg = ctx->cg = calloc(1, sizeof(*cg));
	if (!cg)
		return restore_ctx__fail(ctx, 0, -ENOMEM, "out of memory");
	/* Read with the rest of the tree (image_tree.c); the tree keeps it. */
	cg->img = ctx->tree.cgroups;
	if (!cg->img)
		return 0; /* the tree owns no cgroup, or an image of before they were saved */
	cg->made = calloc(cg->img->n_dirs + 1, sizeof(*cg->made));
	cg->made_d = calloc(cg->img->n_dirs + 1, sizeof(*cg->made_d));
	if (!cg->made || !cg->made_d)
		return restore_ctx__fail(ctx, 0, -ENOMEM, "out of memory");
	for (i = 0; i < cg->img->n_dirs; i++) {
		const CgroupDir *d = cg->img->dirs[i];

		err = cgmount__dir(d->controllers, d->path, dir, sizeof(dir));
		if (err)
			return restore_ctx__fail(ctx, 0, err, "cannot make cgroup %s:%s again: %s",
					     escape__str(hier_name(d->controllers)),
					     escape__str(d->path),
					     err == -ENOENT ? "no cgroup mount of pidtrace's shows it"
							    : strerror(-err));
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			err = check_existing(ctx, d, dfd);
			close(dfd);
		} else if (errno == ENOENT) {
			err = make_one(ctx, d, dir);
		} else {
			err = restore_ctx__fail(ctx, 0, -errno, "cannot open cgroup %s:%s: %s",
					    escape__str(hier_name(d->controllers)),
					    escape__str(d->path), strerror(errno));
		}
		if (err)
			return err;
	}
	/* Read back once all are made: what a child changes in its parent (cgroup.type) too. */
	for (i = 0; i < cg->nmade; i++) {
		const CgroupDir *d = cg->made_d[i];

		dfd = open(cg->made[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		err = dfd < 0 ? -errno : cgsettings__compare(dfd, d, why, sizeof(why));
		if (dfd >= 0)
			close(dfd);
		if (err)
			return restore_ctx__fail(ctx, 0, err < 0 ? err : -EIO,
					     "cgroup %s:%s, made again, is not as it was: %s",
					     escape__str(hier_name(d->controllers)),
					     escape__str(d->path), dfd < 0 ? strerror(-err) : why);
	}
	return 0;
}

/* rmdir, while the tasks just killed leave it (a killed task leaves its cgroups when reaped). */
static int remove_dir(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < 150; i++) {
		if (!rmdir(dir) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	return -errno;
}


bool restore_cgroup__made(const struct restore_ctx *ctx, const char *path)
{
	const struct restore_cgroups *cg = ctx->cg;
	size_t i;

	for (i = 0; cg && path && i < cg->nmade; i++)
		if (!strcmp(cg->made[i], path))
			return true;
	return false;
}
void restore_cgroup__end(struct restore_ctx *ctx, bool failed)
{
	struct restore_cgroups *cg = ctx->cg;
	size_t i;
	int err;

	if (!cg)
		return;
	if (failed)
		ctx->cgroups_made = 0;
	for (i = cg->nmade; failed && i-- > 0;) {
		err = remove_dir(cg->made[i]);
		if (err)
			pr_warn("rollback: cannot remove cgroup %s, which this restore made: %s",
				escape__str(cg->made[i]), strerror(-err));
	}
	for (i = 0; i < cg->nmade; i++)
		free(cg->made[i]);
	free(cg->made);
	free(cg->made_d);
	free(cg);
	ctx->cg = NULL;
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
	/* --cgroups=ignore: every task stays in pidtrace's cgroups. */
	if (!t->core->n_cgroups || ctx->cgroups_mode == RESTORE_CGROUPS_IGNORE)
		goto out; /* (or an image of before cgroups were dumped) */
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

		if (ctx->cgroups_mode == RESTORE_CGROUPS_IGNORE)
			break;

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
