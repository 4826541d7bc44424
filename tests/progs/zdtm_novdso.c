// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_novdso - a process that unmapped its vDSO (and vvar) blocks, as
 * some sandboxes and zdtm vdso02 do: a dump must refuse it (restore maps
 * the vDSO where the image says it was). On SIGTERM it checks it still
 * runs without them (only plain syscalls are used after the unmap).
 */
#include <sys/mman.h>

#include "zdtm.h"

/* Unmap every [vdso] and [vvar*] mapping /proc/self/maps lists. */
static int unmap_blocks(void)
{
	unsigned long start[8], end[8];
	char line[512];
	int n = 0, i;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (n < 8 && fgets(line, sizeof(line), f))
		if ((strstr(line, "[vdso]") || strstr(line, "[vvar")) &&
		    sscanf(line, "%lx-%lx", &start[n], &end[n]) == 2)
			n++;
	fclose(f);
	for (i = 0; i < n; i++)
		if (munmap((void *)start[i], end[i] - start[i]))
			return -1;
	return n ? 0 : -1;
}

int main(void)
{
	char line[512];
	FILE *f;

	zdtm_init();
	if (unmap_blocks())
		zdtm_fail("unmap the vDSO");
	zdtm_ready();
	zdtm_wait_term();
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]"))
			zdtm_fail("a vDSO is back");
	if (f)
		fclose(f);
	return zdtm_pass();
}
