// SPDX-License-Identifier: GPL-2.0
/*
 * cgroups.c - cgroup id <-> path.
 *
 * On cgroup file systems the inode number of a directory is the kernfs node
 * id that BPF reads from cgroup->kn->id, so a directory walk maps ids to
 * paths. The walk is cached and redone when an id is missing (a cgroup
 * created since); a cgroup removed before we looked stays unknown.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include <bpf/btf.h>

#include "cgroups.h"
#include "log.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP2_SUPER_MAGIC 0x63677270
#define CGROUP_SUPER_MAGIC 0x27e0eb

struct cg_entry {
	uint64_t id;
	char *path;
};

struct cg_tree {
	char root[PATH_MAX];
	struct cg_entry *v;
	size_t n, cap;
	struct timespec scanned;
};

struct cgroups {
	struct cg_tree v2;
	struct cg_tree v1[16];
	char v1_name[16][32];
	int nv1;
};

static const char *v2_root(void)
{
	struct statfs st;

	if (!statfs(CGROUP_ROOT "/unified", &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return CGROUP_ROOT "/unified";
	return CGROUP_ROOT;
}

static void tree_clear(struct cg_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].path);
	t->n = 0;
}

static void tree_add(struct cg_tree *t, uint64_t id, const char *rel)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct cg_entry *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].id = id;
	t->v[t->n].path = strdup(*rel ? rel : "/");
	if (t->v[t->n].path)
		t->n++;
}

static void walk(struct cg_tree *t, const char *rel, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	if (stat(path, &st))
		return;
	tree_add(t, st.st_ino, rel);
	if (depth > 32)
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name) >= (int)sizeof(sub))
			continue;
		walk(t, sub, depth + 1);
	}
	closedir(d);
}

static void tree_scan(struct cg_tree *t)
{
	tree_clear(t);
	walk(t, "", 0);
	clock_gettime(CLOCK_MONOTONIC, &t->scanned);
}

static const char *tree_find(struct cg_tree *t, uint64_t id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return t->v[i].path;
	return NULL;
}

struct cgroups *cgroups__new(void)
{
	struct cgroups *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	snprintf(cg->v2.root, sizeof(cg->v2.root), "%s", v2_root());
	return cg;
}

void cgroups__free(struct cgroups *cg)
{
	int i;

	if (!cg)
		return;
	tree_clear(&cg->v2);
	free(cg->v2.v);
	for (i = 0; i < cg->nv1; i++) {
		tree_clear(&cg->v1[i]);
		free(cg->v1[i].v);
	}
	free(cg);
}

static struct cg_tree *tree_for(struct cgroups *cg, const char *controller)
{
	int i;

	if (!controller)
		return &cg->v2;
	for (i = 0; i < cg->nv1; i++)
		if (!strcmp(cg->v1_name[i], controller))
			return &cg->v1[i];
	if (cg->nv1 == 16)
		return NULL;
	i = cg->nv1++;
	snprintf(cg->v1_name[i], sizeof(cg->v1_name[i]), "%s", controller);
	snprintf(cg->v1[i].root, sizeof(cg->v1[i].root), CGROUP_ROOT "/%s", controller);
	return &cg->v1[i];
}

int cgroups__path(struct cgroups *cg, uint64_t id, const char *controller, char *buf, size_t len)
{
	struct cg_tree *t = tree_for(cg, controller);
	const char *p;

	if (!t || !id)
		return -ENOENT;
	p = tree_find(t, id);
	if (!p) {
		tree_scan(t);
		p = tree_find(t, id);
	}
	if (!p)
		return -ENOENT;
	snprintf(buf, len, "%s", p);
	return 0;
}

/* The v1 controller's subsystem id: its value in enum cgroup_subsys_id. */
static int controller_ssid(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char want[96];
	int id, ret = -ENOENT;

	if (!btf)
		return -ENOENT;
	snprintf(want, sizeof(want), "%s_cgrp_id", name);
	id = btf__find_by_name_kind(btf, "cgroup_subsys_id", BTF_KIND_ENUM);
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e = btf_enum(t);
		int i;

		for (i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), want))
				ret = e[i].val;
	}
	btf__free(btf);
	return ret;
}

int cgroups__resolve(const char *path, uint64_t *id, int *ssid)
{
	char full[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", v2_root(), path);
	if (stat(full, &st) || statfs(full, &sfs))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = st.st_ino;
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		*ssid = -1;
		return 0;
	}
	if (sfs.f_type != CGROUP_SUPER_MAGIC)
		return -EINVAL;
	/* /sys/fs/cgroup/<controller>/...: the first component names it. */
	if (strncmp(full, CGROUP_ROOT "/", strlen(CGROUP_ROOT "/")))
		return -EINVAL;
	{
		char ctl[64];
		const char *s = full + strlen(CGROUP_ROOT "/");
		size_t n = strcspn(s, "/");

		if (n == 0 || n >= sizeof(ctl))
			return -EINVAL;
		memcpy(ctl, s, n);
		ctl[n] = '\0';
		*ssid = controller_ssid(ctl);
		if (*ssid < 0)
			return -EINVAL;
	}
	return 0;
}
