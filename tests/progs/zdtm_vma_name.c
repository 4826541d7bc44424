// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_vma_name - anonymous memory named with PR_SET_VMA_ANON_NAME keeps
 * its name ("[anon:pidtrace-test]" in /proc/self/maps) and its data.
 * Prints "NONAME" and exits 77 on a kernel that cannot name anonymous
 * memory (no CONFIG_ANON_VMA_NAME). After SIGTERM: PASS or FAIL: why.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "zdtm.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* The maps line of the mapping at @p, its name after the inode. */
static int name_of(void *p, char *name, size_t len)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)p);
	while (!found && fgets(line, sizeof(line), f)) {
		char *n = line;
		int i;

		if (strncmp(line, want, strlen(want)))
			continue;
		for (i = 0; i < 5 && n; i++) {
			n = strchr(n, ' ');
			while (n && *n == ' ')
				n++;
		}
		snprintf(name, len, "%s", n ? n : "");
		name[strcspn(name, "\n")] = '\0';
		found = 1;
	}
	fclose(f);
	return found;
}

int main(void)
{
	size_t len = 3 * 4096;
	char name[128], *p;

	zdtm_init();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		zdtm_fail("mmap");
	memset(p, 0x5a, len);
	if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, len, "pidtrace-test")) {
		printf("NONAME\n");
		return 77;
	}
	zdtm_ready();
	zdtm_wait_term();
	if (!name_of(p, name, sizeof(name)) || strcmp(name, "[anon:pidtrace-test]"))
		zdtm_fail("the mapping is named \"%s\"", name);
	if (p[0] != 0x5a || p[len - 1] != 0x5a)
		zdtm_fail("its data changed");
	return zdtm_pass();
}
