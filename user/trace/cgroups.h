/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroups.h - a cgroup path to its id (the kernfs node id, as the BPF side
 * reads it), on the cgroup v2 hierarchy and the v1 controllers.
 */
#ifndef PT_CGROUPS_H
#define PT_CGROUPS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Resolve a user-given cgroup path (absolute under /sys/fs/cgroup, or
 * relative to the v2 root) to its id. @ssid gets -1 for v2, else the v1
 * controller's subsystem id. Return: 0 or -errno.
 */
int cgroups__resolve(const char *path, uint64_t *id, int *ssid);

#endif
