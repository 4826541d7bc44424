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
 *
 * The cgroups the tree owns are saved with their settings (cgroups.img),
 * for restore to make them again when they are gone: in each hierarchy,
 * the cgroup a task (or thread) is in unless it is pidtrace's own or one
 * above it, the cgroups between it and the first one that holds pidtrace
 * too (the root, or pidtrace's own or one above), and every cgroup below
 * it, empty ones too (the job's layout). Those that contain pidtrace are
 * not the tree's: the machine's (or the job runner's) slices. A cgroup
 * whose settings could not be written back as they are (a frozen one, a
 * setting that cannot be read) is refused here, before harm.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgmount.h"
#include "cgsettings.h"
#include "dump_cgroup.h"
#include "dump_ctx.h"
#include "escape.h"
#include "image.h"
#include "log.h"

#define OWNED_MAX 4096 /* cgroups one image may make again */

struct owned {
	char *controllers;
	char *path;
	bool walk; /* a task's: the cgroups below it are the tree's too */
};

struct dump_cgroup {
	struct owned *v;
	size_t n, cap;
};

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "cgroup2";
}

/* Is @b the cgroup @a or one below it? */
static bool is_under(const char *b, const char *a)
{
	size_t n = strlen(a);

	if (!strcmp(a, "/"))
		return true;
	return !strncmp(a, b, n) && (b[n] == '/' || b[n] == '\0');
}

static int add(struct dump_ctx *ctx, const char *controllers, const char *path, bool walk)
{
	struct dump_cgroup *cg = ctx->cg;
	struct owned *o;
	size_t i;

	if (!cg) {
		cg = ctx->cg = calloc(1, sizeof(*cg));
		if (!cg)
			return -ENOMEM;
	}
	for (i = 0; i < cg->n; i++)
		if (!strcmp(cg->v[i].controllers, controllers) && !strcmp(cg->v[i].path, path)) {
			cg->v[i].walk |= walk;
			return 0;
		}
	if (cg->n == OWNED_MAX) {
		pr_err("the tree owns more than %d cgroups: restore would not make them all again",
		       OWNED_MAX);
		return -EOPNOTSUPP;
	}
	if (cg->n == cg->cap) {
		size_t cap = cg->cap ? 2 * cg->cap : 16;
		struct owned *v = realloc(cg->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cg->v = v;
		cg->cap = cap;
	}
	o = &cg->v[cg->n];
	o->controllers = strdup(controllers);
	o->path = strdup(path);
	o->walk = walk;
	if (!o->controllers || !o->path) {
		free(o->controllers);
		free(o->path);
		return -ENOMEM;
	}
	cg->n++;
	return 0;
}

/* The cgroups of @s the tree owns: see the top of the file. */
static int collect(struct dump_ctx *ctx, const struct cgmount_set *own,
		   const struct cgmount_set *s)
{
	char p[PATH_MAX];
	size_t i;
	int err;

	for (i = 0; i < s->n; i++) {
		const struct cgmount_entry *e = &s->e[i];
		const struct cgmount_entry *o = cgmount__find(own, e->controllers);
		const char *mine = o ? o->path : "/";
		char *cut;

		if (is_under(mine, e->path))
			continue;
		err = add(ctx, e->controllers, e->path, true);
		snprintf(p, sizeof(p), "%s", e->path);
		while (!err && (cut = strrchr(p, '/')) && cut != p) {
			*cut = '\0';
			if (is_under(mine, p))
				break;
			err = add(ctx, e->controllers, p, false);
		}
		if (err)
			return err;
	}
	return 0;
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

int dump_cgroup__task(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core)
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
		if (!err)
			err = collect(ctx, own, task);
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
			err = collect(ctx, own, th);
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

/* The cgroups below the task's cgroup @o: the tree's too. */
static int walk(struct dump_ctx *ctx, const struct owned *o)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	DIR *dh;
	int err = cgmount__dir(o->controllers, o->path, dir, sizeof(dir));

	if (err)
		return err == -ENOENT ? 0 : err;
	dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(dh))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", o->path, de->d_name) >= (int)sizeof(sub))
			err = -ENAMETOOLONG;
		else
			err = add(ctx, o->controllers, sub, true);
	}
	closedir(dh);
	return err;
}

static int depth(const char *p)
{
	int n = 0;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* Parents before children: by hierarchy, then depth, then name. */
static int owned_cmp(const void *a, const void *b)
{
	const struct owned *x = a, *y = b;
	int r = strcmp(x->controllers, y->controllers);

	if (!r)
		r = depth(x->path) - depth(y->path);
	return r ? r : strcmp(x->path, y->path);
}

int dump_cgroup__write(struct dump_ctx *ctx)
{
	struct dump_cgroup *cg = ctx->cg;
	CgroupsImage img = CGROUPS_IMAGE__INIT;
	char dir[PATH_MAX], why[512];
	size_t i;
	int err = 0;

	if (!cg || !cg->n)
		return 0;
	/* cg->n grows as the walk finds cgroups below: they are walked in turn. */
	for (i = 0; !err && i < cg->n; i++)
		if (cg->v[i].walk)
			err = walk(ctx, &cg->v[i]);
	if (err) {
		if (err != -EOPNOTSUPP)
			pr_err("cannot list the cgroups below the tree's: %s", strerror(-err));
		return err;
	}
	qsort(cg->v, cg->n, sizeof(*cg->v), owned_cmp);
	img.dirs = calloc(cg->n, sizeof(*img.dirs));
	if (!img.dirs)
		return -ENOMEM;
	for (i = 0; !err && i < cg->n; i++) {
		const struct owned *o = &cg->v[i];

		/* Above what our mounts show: restore cannot make it either, and says so if it must. */
		if (cgmount__dir(o->controllers, o->path, dir, sizeof(dir)))
			continue;
		err = cgsettings__read(dir, o->controllers, o->path, &img.dirs[img.n_dirs], why,
				       sizeof(why));
		if (err == -EOPNOTSUPP)
			pr_err("cgroup %s:%s: %s: restore could not make it again as it is",
			       escape__str(hier_name(o->controllers)), escape__str(o->path), why);
		else if (err && err != -ENOENT)
			pr_err("cgroup %s:%s: cannot read it: %s",
			       escape__str(hier_name(o->controllers)), escape__str(o->path),
			       strerror(-err));
		else if (!err)
			img.n_dirs++;
		/* Removed while we looked (an empty one below a task's): not the tree's now. */
		if (err == -ENOENT)
			err = 0;
	}
	if (!err && img.n_dirs)
		err = image__write(ctx->img, IMG_CGROUPS, 0, &img.base);
	for (i = 0; i < img.n_dirs; i++)
		protobuf_c_message_free_unpacked(&img.dirs[i]->base, NULL);
	free(img.dirs);
	return err;
}

void dump_cgroup__free(struct dump_ctx *ctx)
{
	size_t i;

	if (!ctx->cg)
		return;
	for (i = 0; i < ctx->cg->n; i++) {
		free(ctx->cg->v[i].controllers);
		free(ctx->cg->v[i].path);
	}
	free(ctx->cg->v);
	free(ctx->cg);
	ctx->cg = NULL;
}
