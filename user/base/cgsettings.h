/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgsettings.h - what makes one cgroup the cgroup it is, beyond its name:
 * its settings (memory.max, pids.max, cpu.weight, cgroup.subtree_control,
 * v1 memory.limit_in_bytes, devices.list, net_prio.ifpriomap, ...), and
 * the owner and mode of its directory and files (a delegated cgroup is
 * chowned to its user). Dump reads them (cgsettings__read), restore writes
 * them into a cgroup it made (cgsettings__apply) and reads them back
 * (cgsettings__compare), which is also how --cgroups=strict checks a
 * cgroup that exists.
 *
 * A setting is a file that can be read and written back, but not the
 * files that hold tasks (cgroup.procs, cgroup.threads, tasks), counters a
 * write resets (*.failcnt, *.peak, *.max_usage_in_bytes, cpuacct.usage),
 * pressure triggers (*.pressure, but cgroup.pressure is a setting), and
 * what follows from other settings (cpu.weight.nice). A value is kept as
 * the file reads, without its final newline; memory.oom_control as its
 * oom_kill_disable number, devices.list as the list (written back through
 * devices.deny and devices.allow). Every value is compared after it is
 * written: a setting the kernel does not take back as it was is an error,
 * never a silent difference.
 */
#ifndef PT_CGSETTINGS_H
#define PT_CGSETTINGS_H

#include <stddef.h>

#include "cgroups.pb-c.h"

#define CGSETTINGS_VALUE_MAX (64 * 1024) /* bytes of one setting */

/*
 * cgsettings__read() - the cgroup directory @dir as a new CgroupDir (to
 * free with protobuf_c_message_free_unpacked(&d->base, NULL)).
 * Return: 0; -EOPNOTSUPP with @why (one sentence) for a cgroup that could
 * not be made again as it is (frozen, a setting that cannot be read);
 * -errno (-ENOENT: the cgroup is gone).
 */
int cgsettings__read(const char *dir, const char *controllers, const char *path, CgroupDir **out,
		     char *why, size_t len);

/*
 * cgsettings__apply() - give the cgroup open as @dfd (just made, empty)
 * @d's settings, owners and modes.
 * Return: 0, or -errno with @why ("memory.max: cannot write 1048576:
 * Invalid argument").
 */
int cgsettings__apply(int dfd, const CgroupDir *d, char *why, size_t len);

/*
 * cgsettings__compare() - does the cgroup open as @dfd have @d's
 * settings, owners and modes?
 * Return: 0 yes; 1 no, @why says the first difference ("pids.max is max,
 * the image says 7"); -errno reading, with @why.
 */
int cgsettings__compare(int dfd, const CgroupDir *d, char *why, size_t len);

#endif
