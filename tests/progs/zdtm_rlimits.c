// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_rlimits - lowered soft and hard limits and a nice value survive.
 */
#include <sys/resource.h>

#include "zdtm.h"

static const struct {
	int res;
	rlim_t cur, max;
} lims[] = {
	{ RLIMIT_NOFILE, 200, 1000 },
	{ RLIMIT_CORE, 0, 4096 },
	{ RLIMIT_STACK, 4 << 20, 64 << 20 },
	{ RLIMIT_CPU, 3600, 7200 },
	{ RLIMIT_FSIZE, 1 << 30, RLIM_INFINITY },
};

int main(void)
{
	struct rlimit rl;
	size_t i;
	int nice_before;

	zdtm_init();
	for (i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		rl.rlim_cur = lims[i].cur;
		rl.rlim_max = lims[i].max;
		if (setrlimit(lims[i].res, &rl))
			zdtm_fail("setrlimit(%d)", lims[i].res);
	}
	errno = 0;
	nice_before = nice(5);
	zdtm_ready();
	zdtm_wait_term();
	for (i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		if (getrlimit(lims[i].res, &rl))
			zdtm_fail("getrlimit");
		if (rl.rlim_cur != lims[i].cur || rl.rlim_max != lims[i].max)
			zdtm_fail("limit %d is %lu/%lu, expected %lu/%lu", lims[i].res,
				  (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max,
				  (unsigned long)lims[i].cur, (unsigned long)lims[i].max);
	}
	errno = 0;
	if (nice(0) != nice_before)
		zdtm_fail("nice %d, expected %d", nice(0), nice_before);
	return zdtm_pass();
}
