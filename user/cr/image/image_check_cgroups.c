// SPDX-License-Identifier: GPL-2.0
/*
 * image_check_cgroups.c - what cgroups.img may say. Restore makes these
 * directories and writes these files as root, below the cgroup mounts:
 * a path that climbs out ("..") or a file name with a '/' would make it
 * write elsewhere, so both are refused here, with anything out of bounds.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "cgmount.h"
#include "image_check.h"

#define MAX_DIRS 4096
#define MAX_FILES 1024

static bool good_name(const char *s)
{
	return s[0] && strlen(s) < NAME_MAX && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* The parent of @d's path, if it is listed before @d in the same hierarchy. */
static bool parent_listed_later(const CgroupsImage *c, size_t i)
{
	const CgroupDir *d = c->dirs[i];
	size_t j, pl = strrchr(d->path, '/') - d->path;

	for (j = i + 1; j < c->n_dirs; j++)
		if (!strcmp(c->dirs[j]->controllers, d->controllers) &&
		    strlen(c->dirs[j]->path) == pl && !strncmp(c->dirs[j]->path, d->path, pl))
			return true;
	return false;
}

int image_check__cgroups(struct image *img, const char *n, const CgroupsImage *c)
{
	size_t i, j;

	if (c->n_dirs > MAX_DIRS)
		return bad(img, n, "%zu cgroups: more than %d", c->n_dirs, MAX_DIRS);
	for (i = 0; i < c->n_dirs; i++) {
		const CgroupDir *d = c->dirs[i];

		if (strlen(d->controllers) >= 128 || strchr(d->controllers, ':') ||
		    strchr(d->controllers, '/'))
			return bad(img, n, "cgroup %zu: a hierarchy name that is not one", i);
		if (!cgmount__good_path(d->path, PATH_MAX))
			return bad(img, n, "cgroup %zu: a path that is not one below a hierarchy's root",
				   i);
		if (d->mode > 07777 || d->n_files > MAX_FILES)
			return bad(img, n, "cgroup %zu: mode %o, %zu files: impossible", i, d->mode,
				   d->n_files);
		if (parent_listed_later(c, i))
			return bad(img, n, "cgroup %zu is listed before its parent", i);
		for (j = 0; j < i; j++)
			if (!strcmp(c->dirs[j]->controllers, d->controllers) &&
			    !strcmp(c->dirs[j]->path, d->path))
				return bad(img, n, "cgroup %zu is listed twice", i);
		for (j = 0; j < d->n_files; j++) {
			const CgroupFile *f = d->files[j];

			if (!good_name(f->name) || f->mode > 07777)
				return bad(img, n, "cgroup %zu: file %zu: a bad name or mode", i, j);
			if (f->value && strlen(f->value) >= 64 * 1024)
				return bad(img, n, "cgroup %zu: file %zu: a value longer than 64 KiB",
					   i, j);
			if (j && strcmp(d->files[j - 1]->name, f->name) >= 0)
				return bad(img, n, "cgroup %zu: its files are not sorted by name", i);
		}
	}
	return 0;
}
