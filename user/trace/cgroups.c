// SPDX-License-Identifier: GPL-2.0
/*
 * cgroups.c - a user-given cgroup path to the id the BPF side compares.
 *
 * On cgroup file systems the inode number of a directory is the kernfs node
 * id that BPF reads from cgroup->kn->id; a v1 controller is named by its
 * subsystem id, found in the kernel's BTF.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/btf.h>

#include "cgroups.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP2_SUPER_MAGIC 0x63677270
#define CGROUP_SUPER_MAGIC 0x27e0eb

static const char *v2_root(void)
{
	struct statfs st;

	if (!statfs(CGROUP_ROOT "/unified", &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return CGROUP_ROOT "/unified";
	return CGROUP_ROOT;
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
