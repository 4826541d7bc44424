// SPDX-License-Identifier: GPL-2.0
/*
 * show_cgroup.c - a task's cgroups as `pidtrace show` prints them. Plain
 * output names the hierarchies where the task is below the root (where
 * restore will move it, unless pidtrace is there already) and counts the
 * rest; JSON has every entry. The cgroups the tree owns (cgroups.img) come
 * once for the image: each with its owner, mode and settings.
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "show_cgroup.h"

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "cgroup2";
}

static void print_set(const char *label, CgroupEntry *const *e, size_t n)
{
	size_t i, at_root = 0;

	printf("  %s:", label);
	for (i = 0; i < n; i++) {
		if (!strcmp(e[i]->path, "/")) {
			at_root++;
			continue;
		}
		/* Whoever may make cgroups (a delegated user) names them. */
		printf(" %s:%s", escape__str(hier_name(e[i]->controllers)), escape__str(e[i]->path));
	}
	if (at_root)
		printf(" (%zu %s at the root)", at_root, at_root == n ? "hierarchies, all" : "more");
	printf("\n");
}

void show_cgroup__print(const TaskCore *c)
{
	char label[48];
	size_t i;

	if (c->n_cgroups)
		print_set("cgroups", c->cgroups, c->n_cgroups);
	for (i = 0; i < c->n_threads; i++) {
		if (!c->threads[i]->n_cgroups)
			continue;
		snprintf(label, sizeof(label), "thread %u cgroups", c->threads[i]->tid);
		print_set(label, c->threads[i]->cgroups, c->threads[i]->n_cgroups);
	}
}

static struct json_object *set_json(CgroupEntry *const *e, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "controllers",
				       json_object_new_string(escape__utf8(e[i]->controllers)));
		json_object_object_add(o, "path", json_object_new_string(escape__utf8(e[i]->path)));
		json_object_array_add(a, o);
	}
	return a;
}

void show_cgroup__json(const TaskCore *c, struct json_object *o)
{
	struct json_object *threads = NULL;
	size_t i;

	json_object_object_add(o, "cgroups", set_json(c->cgroups, c->n_cgroups));
	for (i = 0; i < c->n_threads; i++) {
		struct json_object *t;

		if (!c->threads[i]->n_cgroups)
			continue;
		if (!threads)
			threads = json_object_new_array();
		t = json_object_new_object();
		json_object_object_add(t, "tid", json_object_new_int64(c->threads[i]->tid));
		json_object_object_add(t, "cgroups",
				       set_json(c->threads[i]->cgroups, c->threads[i]->n_cgroups));
		json_object_array_add(threads, t);
	}
	if (threads)
		json_object_object_add(o, "thread_cgroups", threads);
}

void show_cgroup__print_image(const CgroupsImage *img)
{
	size_t i, j;

	if (!img || !img->n_dirs)
		return;
	printf("\ncgroups the tree owns (restore makes those that are gone again):\n");
	for (i = 0; i < img->n_dirs; i++) {
		const CgroupDir *d = img->dirs[i];

		printf("  %s:%s  owner %u:%u, mode %04o\n", escape__str(hier_name(d->controllers)),
		       escape__str(d->path), d->uid, d->gid, d->mode);
		for (j = 0; j < d->n_files; j++)
			if (d->files[j]->value)
				printf("    %s = %s\n", escape__str(d->files[j]->name),
				       escape__str(d->files[j]->value));
	}
}

void show_cgroup__image_json(const CgroupsImage *img, struct json_object *o)
{
	struct json_object *a = json_object_new_array();
	size_t i, j;

	for (i = 0; img && i < img->n_dirs; i++) {
		const CgroupDir *d = img->dirs[i];
		struct json_object *e = json_object_new_object();
		struct json_object *set = json_object_new_object();
		struct json_object *files = json_object_new_array();

		json_object_object_add(e, "controllers", escape__json_string(d->controllers));
		json_object_object_add(e, "path", escape__json_string(d->path));
		json_object_object_add(e, "uid", json_object_new_int64(d->uid));
		json_object_object_add(e, "gid", json_object_new_int64(d->gid));
		json_object_object_add(e, "mode", json_object_new_int64(d->mode));
		for (j = 0; j < d->n_files; j++) {
			const CgroupFile *f = d->files[j];
			struct json_object *fo = json_object_new_object();

			if (f->value)
				json_object_object_add(set, escape__utf8(f->name),
						       escape__json_string(f->value));
			json_object_object_add(fo, "name", escape__json_string(f->name));
			json_object_object_add(fo, "uid", json_object_new_int64(f->uid));
			json_object_object_add(fo, "gid", json_object_new_int64(f->gid));
			json_object_object_add(fo, "mode", json_object_new_int64(f->mode));
			json_object_array_add(files, fo);
		}
		json_object_object_add(e, "settings", set);
		json_object_object_add(e, "files", files);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "cgroups", a);
}
