// SPDX-License-Identifier: GPL-2.0
/*
 * restore_cgroot.c - `restore --cgroup-root [CONTROLLER:]PATH`: the tree
 * goes back below another cgroup than the one it was dumped in (a
 * container restored beside the original, a job renamed), as CRIU's
 * option of the same name does.
 *
 * In a hierarchy, the old root is the cgroup the tree's root task was in;
 * PATH takes its place: every cgroup path of the image at or below the old
 * root (the tasks', the threads', cgroups.img's directories) becomes the
 * same path below PATH, so the old root's settings, owner and mode go to
 * PATH, and those below it keep their names and settings. The image's
 * directories above the old root (its parents up to pidtrace's cgroup,
 * dump_cgroup.c) are not made: PATH's parents are what they are. Paths
 * elsewhere (a task of the tree in another branch) are left as they are.
 *
 * CONTROLLER names a hierarchy by one of its controllers ("memory",
 * "cpu" for "cpu,cpuacct", "name=systemd"; "cgroup2" for the v2 one);
 * without it, PATH is the root in every hierarchy where the root task's
 * cgroup is the tree's own (not pidtrace's own cgroup nor one above it:
 * the machine's or the job runner's, where the tree did not live alone),
 * which a CONTROLLER: option overrides. A PATH that does not exist is
 * made (from the old root's settings when the image has them, else
 * plain, with its missing parents), and like every cgroup the restore
 * makes, removed again if the restore fails. After the restore every
 * task's /proc/PID/cgroup is compared with the rewritten paths
 * (restore_cgroup.c): a task that is not below PATH fails the restore.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgmount.h"
#include "escape.h"
#include "log.h"
#include "restore_cgroot.h"
#include "restore_cgroup.h"
#include "restore_ctx.h"

#define CGROOT_MAX 32

struct cgroot_opt {
	char *controller; /* NULL: the default for the tree's own hierarchies */
	char *path;
};

struct restore_cgroot {
	struct cgroot_opt v[CGROOT_MAX];
	size_t n;
};

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "cgroup2";
}

static bool same_opt(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int restore_cgroot__add(struct restore_ctx *ctx, const char *arg)
{
	struct restore_cgroot *cr = ctx->cgroot;
	const char *colon = arg[0] == '/' ? NULL : strchr(arg, ':');
	const char *path = colon ? colon + 1 : arg;
	char *controller = NULL;
	size_t i;

	if (colon && (colon == arg || colon - arg >= 128 || memchr(arg, ',', colon - arg) ||
		      memchr(arg, '/', colon - arg))) {
		pr_err("--cgroup-root '%s': CONTROLLER is one controller's name (memory, cgroup2, name=NAME)",
		       escape__str(arg));
		return -EINVAL;
	}
	if (!cgmount__good_path(path, PATH_MAX / 2)) {
		pr_err("--cgroup-root '%s': PATH must be a cgroup below a hierarchy's root, such as /newroot",
		       escape__str(arg));
		return -EINVAL;
	}
	if (!cr) {
		cr = ctx->cgroot = calloc(1, sizeof(*cr));
		if (!cr)
			return -ENOMEM;
	}
	if (colon) {
		controller = strndup(arg, colon - arg);
		if (!controller)
			return -ENOMEM;
	}
	for (i = 0; i < cr->n; i++)
		if (same_opt(cr->v[i].controller, controller)) {
			pr_err("--cgroup-root given twice for %s", controller ? escape__str(controller)
									    : "the default");
			free(controller);
			return -EINVAL;
		}
	if (cr->n == CGROOT_MAX) {
		pr_err("--cgroup-root: more than %d", CGROOT_MAX);
		free(controller);
		return -EINVAL;
	}
	cr->v[cr->n].controller = controller;
	cr->v[cr->n].path = strdup(path);
	if (!cr->v[cr->n].path) {
		free(controller);
		return -ENOMEM;
	}
	cr->n++;
	return 0;
}

void restore_cgroot__free(struct restore_ctx *ctx)
{
	struct restore_cgroot *cr = ctx->cgroot;
	size_t i;

	if (!cr)
		return;
	for (i = 0; i < cr->n; i++) {
		free(cr->v[i].controller);
		free(cr->v[i].path);
	}
	free(cr);
	ctx->cgroot = NULL;
}

/* Is @c one of the controllers of hierarchy @h ("cgroup2" for v2's "")? */
static bool names(const char *h, const char *c)
{
	size_t n = strlen(c);
	const char *p = h;

	if (!h[0])
		return !strcmp(c, "cgroup2");
	for (; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, c, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* Is @b the cgroup @a or one below it? */
static bool is_under(const char *b, const char *a)
{
	size_t n = strlen(a);

	if (!strcmp(a, "/"))
		return true;
	return !strncmp(a, b, n) && (b[n] == '/' || b[n] == '\0');
}

/* @p (at or below @old) moved below @new, as a new string; NULL: no memory. */
static char *moved(const char *p, const char *old, const char *new)
{
	const char *rest = !strcmp(old, "/") ? (strcmp(p, "/") ? p : "") : p + strlen(old);
	char *s = malloc(strlen(new) + strlen(rest) + 1);

	if (s)
		sprintf(s, "%s%s", new, rest);
	return s;
}

static int move_entries(CgroupEntry **e, size_t n, const char *h, const char *old,
			const char *new)
{
	size_t i;
	char *s;

	for (i = 0; i < n; i++) {
		if (strcmp(e[i]->controllers, h) || !is_under(e[i]->path, old))
			continue;
		s = moved(e[i]->path, old, new);
		if (!s)
			return -ENOMEM;
		free(e[i]->path);
		e[i]->path = s;
	}
	return 0;
}

static int depth(const char *p)
{
	int n = 0;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* Parents before children: by hierarchy, then depth, then name (as dump_cgroup.c writes them). */
static int dir_cmp(const void *a, const void *b)
{
	const CgroupDir *x = *(CgroupDir *const *)a, *y = *(CgroupDir *const *)b;
	int r = strcmp(x->controllers, y->controllers);

	if (!r)
		r = depth(x->path) - depth(y->path);
	return r ? r : strcmp(x->path, y->path);
}

static bool listed(const CgroupsImage *img, const char *h, const char *path)
{
	size_t i;

	for (i = 0; i < img->n_dirs; i++)
		if (!strcmp(img->dirs[i]->controllers, h) && !strcmp(img->dirs[i]->path, path))
			return true;
	return false;
}

static int add_dir(CgroupsImage *img, const char *h, const char *path)
{
	CgroupDir **arr = realloc(img->dirs, (img->n_dirs + 1) * sizeof(*arr));
	CgroupDir *d;

	if (!arr)
		return -ENOMEM;
	img->dirs = arr;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	cgroup_dir__init(d);
	d->controllers = strdup(h);
	d->path = strdup(path);
	img->dirs[img->n_dirs++] = d;
	if (!d->controllers || !d->path)
		return -ENOMEM;
	/* A cgroup as mkdir makes it for root: the image has nothing for it. */
	d->mode = 0755;
	d->uid = geteuid();
	d->gid = getegid();
	return 0;
}

/*
 * The image's directories of @h: those at or below @old moved below @new,
 * those above @old left out; then @new and its parents that neither exist
 * nor are listed, added plain.
 */
static int move_dirs(struct restore_ctx *ctx, CgroupsImage *img, const char *h, const char *old,
		     const char *new)
{
	char p[PATH_MAX], dir[PATH_MAX], *cut;
	size_t i, o = 0;
	struct stat st;
	int err = 0;

	for (i = 0; i < img->n_dirs; i++) {
		CgroupDir *d = img->dirs[i];
		char *s;

		if (!strcmp(d->controllers, h) && is_under(d->path, old)) {
			s = moved(d->path, old, new);
			if (!s)
				return -ENOMEM;
			free(d->path);
			d->path = s;
		} else if (!strcmp(d->controllers, h) && is_under(old, d->path)) {
			protobuf_c_message_free_unpacked(&d->base, NULL);
			continue;
		}
		img->dirs[o++] = d;
	}
	img->n_dirs = o;
	snprintf(p, sizeof(p), "%s", new);
	while (!err) {
		if (!listed(img, h, p)) {
			err = cgmount__dir(h, p, dir, sizeof(dir));
			if (err)
				return restore_ctx__fail(ctx, 0, err,
						     "--cgroup-root: cannot place cgroup %s:%s: %s",
						     hier_name(h), escape__str(p),
						     err == -ENOENT ? "no cgroup mount of pidtrace's shows it"
								    : strerror(-err));
			if (!stat(dir, &st))
				break;
			err = add_dir(img, h, p);
		}
		cut = strrchr(p, '/');
		if (!cut || cut == p)
			break;
		*cut = '\0';
	}
	if (err)
		return restore_ctx__fail(ctx, 0, err, "out of memory");
	return 0;
}

/* The option for hierarchy @h: an explicit one, else the default when @owned. */
static int option_for(struct restore_ctx *ctx, const char *h, bool owned, const char **out)
{
	const struct restore_cgroot *cr = ctx->cgroot;
	const char *global = NULL, *mine = NULL;
	size_t i;

	for (i = 0; i < cr->n; i++) {
		if (!cr->v[i].controller) {
			global = cr->v[i].path;
			continue;
		}
		if (!names(h, cr->v[i].controller))
			continue;
		if (mine && strcmp(mine, cr->v[i].path))
			return restore_ctx__fail(ctx, 0, -EINVAL,
					     "--cgroup-root: two roots for hierarchy %s: %s and %s",
					     hier_name(h), escape__str(mine),
					     escape__str(cr->v[i].path));
		mine = cr->v[i].path;
	}
	*out = mine ? mine : owned ? global : NULL;
	return 0;
}

/* Every CONTROLLER: option names a hierarchy the root task is in. */
static int check_named(struct restore_ctx *ctx, const TaskCore *root)
{
	const struct restore_cgroot *cr = ctx->cgroot;
	size_t i, k;

	for (i = 0; i < cr->n; i++) {
		if (!cr->v[i].controller)
			continue;
		for (k = 0; k < root->n_cgroups; k++)
			if (names(root->cgroups[k]->controllers, cr->v[i].controller))
				break;
		if (k == root->n_cgroups)
			return restore_ctx__fail(ctx, 0, -ENOENT,
					     "--cgroup-root %s:%s: the tree's root task is in no hierarchy of %s",
					     escape__str(cr->v[i].controller),
					     escape__str(cr->v[i].path),
					     escape__str(cr->v[i].controller));
	}
	return 0;
}

static int apply_one(struct restore_ctx *ctx, const char *h, const char *old, const char *new)
{
	size_t i, k;
	int err = 0;

	for (i = 0; !err && i < ctx->ntasks; i++) {
		TaskCore *c = ctx->tasks[i].core;

		err = move_entries(c->cgroups, c->n_cgroups, h, old, new);
		for (k = 0; !err && k < c->n_threads; k++)
			err = move_entries(c->threads[k]->cgroups, c->threads[k]->n_cgroups, h, old,
					   new);
	}
	if (err)
		return restore_ctx__fail(ctx, 0, err, "out of memory");
	return move_dirs(ctx, ctx->tree.cgroups, h, old, new);
}

int restore_cgroot__apply(struct restore_ctx *ctx)
{
	struct cgmount_set *own = NULL;
	const TaskCore *root;
	char old[PATH_MAX];
	size_t i;
	int err;

	if (!ctx->cgroot || !ctx->cgroot->n)
		return 0;
	if (ctx->cgroups_mode == RESTORE_CGROUPS_IGNORE)
		return restore_ctx__fail(ctx, 0, -EINVAL,
				     "--cgroup-root with --cgroups ignore: no task is moved anywhere");
	if (!ctx->ntasks || ctx->tasks[0].parent != -1 || !ctx->tasks[0].core->n_cgroups)
		return restore_ctx__fail(ctx, 0, -EINVAL,
				     "--cgroup-root: the image says nothing of its root task's cgroups");
	root = ctx->tasks[0].core;
	err = check_named(ctx, root);
	if (err)
		return err;
	if (!ctx->tree.cgroups) {
		ctx->tree.cgroups = malloc(sizeof(*ctx->tree.cgroups));
		if (!ctx->tree.cgroups)
			return restore_ctx__fail(ctx, 0, -ENOMEM, "out of memory");
		cgroups_image__init(ctx->tree.cgroups);
	}
	own = malloc(sizeof(*own));
	err = own ? cgmount__read(getpid(), 0, own) : -ENOMEM;
	if (err) {
		free(own);
		return restore_ctx__fail(ctx, 0, err, "cannot read pidtrace's own cgroups: %s",
				     strerror(-err));
	}
	for (i = 0; !err && i < root->n_cgroups; i++) {
		const CgroupEntry *e = root->cgroups[i];
		const struct cgmount_entry *o = cgmount__find(own, e->controllers);
		const char *new = NULL;
		/* Not pidtrace's cgroup nor one above it: the tree's own. */
		bool owned = !is_under(o ? o->path : "/", e->path);

		err = option_for(ctx, e->controllers, owned, &new);
		if (err || !new)
			continue;
		snprintf(old, sizeof(old), "%s", e->path);
		pr_debug("cgroup %s: %s becomes %s (--cgroup-root)", hier_name(e->controllers),
			 escape__str(old), escape__str(new));
		err = apply_one(ctx, e->controllers, old, new);
	}
	free(own);
	if (!err)
		qsort(ctx->tree.cgroups->dirs, ctx->tree.cgroups->n_dirs,
		      sizeof(*ctx->tree.cgroups->dirs), dir_cmp);
	for (i = 1; !err && i < ctx->tree.cgroups->n_dirs; i++) {
		const CgroupDir *a = ctx->tree.cgroups->dirs[i - 1], *b = ctx->tree.cgroups->dirs[i];

		if (!strcmp(a->controllers, b->controllers) && !strcmp(a->path, b->path))
			err = restore_ctx__fail(ctx, 0, -EEXIST,
						"--cgroup-root: cgroup %s:%s would be two of the image's",
						hier_name(a->controllers), escape__str(a->path));
	}
	return err;
}
