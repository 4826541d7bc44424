// SPDX-License-Identifier: GPL-2.0
/*
 * show_cgroup.c - a task's cgroups as `pidtrace show` prints them. Plain
 * output names the hierarchies where the task is below the root (where
 * restore will move it, unless pidtrace is there already) and counts the
 * rest; JSON has every entry.
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
