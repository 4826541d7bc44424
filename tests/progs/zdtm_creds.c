// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_creds - a task that dropped root: supplementary groups, uids and
 * gids 1000/1001/1002, no capabilities, a reduced bounding set and
 * no_new_privs. After restore it must have exactly those: pidtrace never
 * gives a restored task more than the image recorded.
 */
#include <grp.h>
#include <sys/prctl.h>

#include "zdtm.h"

static unsigned long long cap_field(const char *key)
{
	char line[256];
	unsigned long long v = ~0ULL;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtoull(line + strlen(key), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

int main(void)
{
	gid_t groups[] = { 100, 200 }, got[8];
	uid_t r, e, s;
	gid_t gr, ge, gs;
	int n;

	zdtm_init();
	if (prctl(PR_CAPBSET_DROP, 21 /* CAP_SYS_ADMIN */) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		zdtm_fail("prctl");
	if (setgroups(2, groups) || setresgid(1000, 1001, 1002) || setresuid(1000, 1001, 1002))
		zdtm_fail("dropping root");
	zdtm_ready();
	zdtm_wait_term();
	if (getresuid(&r, &e, &s) || r != 1000 || e != 1001 || s != 1002)
		zdtm_fail("uids %u/%u/%u", r, e, s);
	if (getresgid(&gr, &ge, &gs) || gr != 1000 || ge != 1001 || gs != 1002)
		zdtm_fail("gids %u/%u/%u", gr, ge, gs);
	n = getgroups(8, got);
	if (n != 2 || got[0] != 100 || got[1] != 200)
		zdtm_fail("%d groups", n);
	if (cap_field("CapEff:") || cap_field("CapPrm:") || cap_field("CapAmb:"))
		zdtm_fail("capabilities left: eff %llx prm %llx", cap_field("CapEff:"),
			  cap_field("CapPrm:"));
	if (cap_field("CapBnd:") & (1ULL << 21))
		zdtm_fail("CAP_SYS_ADMIN back in the bounding set");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		zdtm_fail("no_new_privs lost");
	return zdtm_pass();
}
