// SPDX-License-Identifier: GPL-2.0
/* registry.c - the pinned death registry, read side (see registry.h). */
#include <errno.h>
#include <stdlib.h>

#include <bpf/bpf.h>

#include "registry.h"

const char *registry__path(void)
{
	const char *env = getenv("PIDTRACE_REGISTRY");

	return env && *env ? env : PT_REGISTRY_PIN_PATH;
}

int registry__open(void)
{
	int fd = bpf_obj_get(registry__path());

	return fd < 0 ? -errno : fd;
}

int registry__lookup(int fd, uint64_t ino, struct pt_death_note *out)
{
	if (bpf_map_lookup_elem(fd, &ino, out))
		return -errno;
	return 0;
}
