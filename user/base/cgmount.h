/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgmount.h - a task's cgroups (/proc/PID/cgroup) and where each of them
 * is in this process's mounts, for dump (can restore put it back?) and
 * restore (put it back).
 *
 * A hierarchy is named by its controllers as /proc/PID/cgroup spells them
 * ("memory", "cpu,cpuacct", "name=systemd"; "" for cgroup v2), never by
 * its number, which another boot gives out differently.
 */
#ifndef PT_CGMOUNT_H
#define PT_CGMOUNT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CGMOUNT_MAX 32 /* hierarchies a task is in */

struct cgmount_entry {
	char controllers[128];
	char path[PATH_MAX];
};

struct cgmount_set {
	struct cgmount_entry e[CGMOUNT_MAX];
	size_t n;
};

/*
 * Read /proc/PID/cgroup (@tid > 0: /proc/PID/task/TID/cgroup).
 * Return: 0 or -errno (-ESRCH when the task is gone).
 */
int cgmount__read(pid_t pid, pid_t tid, struct cgmount_set *out);
/* The entry of @s for @controllers, NULL when @s has none. */
const struct cgmount_entry *cgmount__find(const struct cgmount_set *s, const char *controllers);
/* Do the two sets name the same cgroups in every hierarchy? */
int cgmount__same(const struct cgmount_set *a, const struct cgmount_set *b);
/*
 * The directory of cgroup @path of hierarchy @controllers in this
 * process's mounts. Return: 0, -ENOENT (no mount of that hierarchy shows
 * that path), -ENAMETOOLONG, or -errno reading mountinfo.
 */
int cgmount__dir(const char *controllers, const char *path, char *dir, size_t len);
/*
 * Put @tid into cgroup @path of @controllers: the whole thread group
 * (cgroup.procs) when @thread is 0, else that one thread (cgroup.threads
 * in v2, tasks in v1). Return: 0 or -errno (-ENOENT: no such cgroup).
 */
int cgmount__move(const char *controllers, const char *path, pid_t tid, int thread);
/*
 * Is @p a cgroup below a hierarchy's root, "/a/b": absolute, not the root
 * itself, shorter than @max, no empty, "." or ".." component (an image's
 * or a user's path never climbs out of the hierarchy it names)?
 */
bool cgmount__good_path(const char *p, size_t max);

#endif
