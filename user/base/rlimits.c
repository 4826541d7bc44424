// SPDX-License-Identifier: GPL-2.0
/*
 * rlimits.c - pidtrace's own fd limit; the limits' names.
 *
 * Restore opens every open file description of the tree at once, and dump
 * checks against what restore will be able to open. Both run with the
 * soft RLIMIT_NOFILE raised to the hard one (which needs no privilege):
 * the default soft limit of 1024 says nothing about what the tree needs.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "rlimits.h"

int rlimits__raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur == rl.rlim_max)
		return 0;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

uint64_t rlimits__nofile_max(void)
{
	unsigned long long nr_open = 0;
	struct rlimit rl;
	uint64_t max;
	FILE *f;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	max = rl.rlim_max;
	/* A hard limit above fs.nr_open cannot be set, but say so anyway. */
	f = fopen("/proc/sys/fs/nr_open", "re");
	if (f) {
		if (fscanf(f, "%llu", &nr_open) == 1 && nr_open && nr_open < max)
			max = nr_open;
		fclose(f);
	}
	return max;
}

const char *rlimits__name(unsigned int res)
{
	static const char *const names[] = {
		"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
		"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
	};

	return res < sizeof(names) / sizeof(names[0]) ? names[res] : "?";
}
