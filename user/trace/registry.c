// SPDX-License-Identifier: GPL-2.0
/* registry.c - the pinned death registry, read side (see registry.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>

#include "registry.h"

const char *registry__path(void)
{
	const char *env = getenv("PIDTRACE_REGISTRY");

	return env && *env ? env : PT_REGISTRY_PIN_PATH;
}

int registry__check_dir(const char *path)
{
	char dir[256], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (lstat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return 0;
}

int registry__open(void)
{
	int fd, err;

	err = registry__check_dir(registry__path());
	if (err)
		return err;
	fd = bpf_obj_get(registry__path());
	return fd < 0 ? -errno : fd;
}

int registry__lookup(int fd, uint64_t ino, struct pt_death_note *out)
{
	if (bpf_map_lookup_elem(fd, &ino, out))
		return -errno;
	return 0;
}
