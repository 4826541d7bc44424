// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_novdso - a process that unmapped its vDSO (and vvar) blocks, as
 * some sandboxes and zdtm vdso02 do, with a second thread (started
 * before, waiting in pause()): restore must bring it back without them.
 * On SIGTERM it checks that no [vdso] or [vvar] is mapped again and that
 * its thread is still there (only plain syscalls are used after the
 * unmap: glibc's time functions would jump into the vDSO). With
 * "partial" it unmaps only [vdso] and keeps [vvar]: a block restore
 * cannot make again, which a dump must refuse.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/mman.h>

#include "zdtm.h"

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Unmap every [vdso] and [vvar*] mapping /proc/self/maps lists. */
static int unmap_blocks(bool vdso_only)
{
	unsigned long start[8], end[8];
	char line[512];
	int n = 0, i;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (n < 8 && fgets(line, sizeof(line), f))
		if ((strstr(line, "[vdso]") || (!vdso_only && strstr(line, "[vvar"))) &&
		    sscanf(line, "%lx-%lx", &start[n], &end[n]) == 2)
			n++;
	fclose(f);
	for (i = 0; i < n; i++)
		if (munmap((void *)start[i], end[i] - start[i]))
			return -1;
	return n ? 0 : -1;
}

int main(int argc, char **argv)
{
	/* "partial": only [vdso] goes, [vvar] stays (a dump must refuse it). */
	bool partial = argc > 1 && !strcmp(argv[1], "partial");
	char line[512];
	pthread_t th;
	FILE *f;

	zdtm_init();
	if (pthread_create(&th, NULL, idle, NULL))
		zdtm_fail("pthread_create");
	if (unmap_blocks(partial))
		zdtm_fail("unmap the vDSO");
	zdtm_ready();
	zdtm_wait_term();
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") || (!partial && strstr(line, "[vvar")))
			zdtm_fail("a vDSO is back: %s", line);
	if (f)
		fclose(f);
	if (threads() != 2)
		zdtm_fail("%d threads, not 2", threads());
	return zdtm_pass();
}
