/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroups.h - cgroup ids (kernfs node ids, as the BPF side reads them) to
 * paths and back, on the cgroup v2 hierarchy and the v1 controllers.
 */
#ifndef PT_CGROUPS_H
#define PT_CGROUPS_H

#include <stddef.h>
#include <stdint.h>

struct cgroups;

struct cgroups *cgroups__new(void);
void cgroups__free(struct cgroups *cg);
/*
 * Path of cgroup @id relative to its hierarchy's root ("/" for the root),
 * looked up in the v2 hierarchy, or in v1 controller @controller when not
 * NULL ("memory"). Return: 0, or -ENOENT when no such cgroup exists (any more).
 */
int cgroups__path(struct cgroups *cg, uint64_t id, const char *controller, char *buf, size_t len);
/*
 * Resolve a user-given cgroup path (absolute under /sys/fs/cgroup, or
 * relative to the v2 root) to its id. @ssid gets -1 for v2, else the v1
 * controller's subsystem id. Return: 0 or -errno.
 */
int cgroups__resolve(const char *path, uint64_t *id, int *ssid);

#endif
