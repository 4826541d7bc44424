/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show_cgroup.h - a task's cgroups in `pidtrace show` (show_cgroup.c).
 */
#ifndef PT_SHOW_CGROUP_H
#define PT_SHOW_CGROUP_H

#include <json-c/json.h>

#include "cgroups.pb-c.h"
#include "core.pb-c.h"

/* "  cgroups: memory:/a cgroup2:/b (8 more at their root)", when there is any. */
void show_cgroup__print(const TaskCore *c);
/* "cgroups" (every hierarchy) and, for threads in cgroups of their own, "thread_cgroups". */
void show_cgroup__json(const TaskCore *c, struct json_object *o);
/* cgroups.img (NULL: none): each cgroup the tree owns, its settings, owners and modes. */
void show_cgroup__print_image(const CgroupsImage *img);
/* The same as "cgroups" of @o, [] when NULL. */
void show_cgroup__image_json(const CgroupsImage *img, struct json_object *o);

#endif
