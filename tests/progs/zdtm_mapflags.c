// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_mapflags - what smaps VmFlags says about a mapping survives (zdtm
 * maps02, maps11, thp_disable): anonymous private mappings made with
 * MAP_GROWSDOWN, MAP_LOCKED, MAP_NORESERVE, MAP_DROPPABLE, or advised
 * MADV_DONTFORK, MADV_SEQUENTIAL, MADV_RANDOM, MADV_DONTDUMP,
 * MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_MERGEABLE, MADV_WIPEONFORK; each
 * with data in its first page (but the droppable one, which the kernel
 * may drop). After SIGTERM each mapping is where it was, with the same
 * VmFlags (the accessed/written bits "ac"/"mr"... compared as smaps shows
 * them right after setup) and its data. PASS or FAIL: why.
 * Prints "SKIP name" for a flag this kernel refuses.
 */
#include <stdbool.h>
#include <sys/mman.h>

#include "zdtm.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#define SZ (4 * 4096)

struct m {
	const char *name;
	int flags, advice;
	char *addr;
	char vmflags[256];
	bool skip;
};

static struct m maps[] = {
	{ "growsdown", MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1 },
	{ "locked", MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1 },
	{ "noreserve", MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1 },
	{ "droppable", MAP_DROPPABLE | MAP_ANONYMOUS, -1 },
	{ "dontfork", MAP_PRIVATE | MAP_ANONYMOUS, MADV_DONTFORK },
	{ "sequential", MAP_PRIVATE | MAP_ANONYMOUS, MADV_SEQUENTIAL },
	{ "random", MAP_PRIVATE | MAP_ANONYMOUS, MADV_RANDOM },
	{ "dontdump", MAP_PRIVATE | MAP_ANONYMOUS, MADV_DONTDUMP },
	{ "hugepage", MAP_PRIVATE | MAP_ANONYMOUS, MADV_HUGEPAGE },
	{ "nohugepage", MAP_PRIVATE | MAP_ANONYMOUS, MADV_NOHUGEPAGE },
	{ "mergeable", MAP_PRIVATE | MAP_ANONYMOUS, MADV_MERGEABLE },
	{ "wipeonfork", MAP_PRIVATE | MAP_ANONYMOUS, MADV_WIPEONFORK },
};
#define N (int)(sizeof(maps) / sizeof(maps[0]))

/* The VmFlags line of the mapping that starts at @addr. */
static void vmflags(char *addr, char *out, size_t len)
{
	char line[512], want[32];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		zdtm_fail("smaps");
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = true;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, len, "%s", line + 9);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
	if (!out[0])
		zdtm_fail("no mapping at %p", addr);
}

int main(void)
{
	char now[256];
	int i;

	zdtm_init();
	for (i = 0; i < N; i++) {
		struct m *m = &maps[i];

		m->addr = mmap(NULL, SZ, PROT_READ | PROT_WRITE, m->flags, -1, 0);
		if (m->addr == MAP_FAILED || (m->advice >= 0 && madvise(m->addr, SZ, m->advice))) {
			printf("SKIP %s: %s\n", m->name, strerror(errno));
			if (m->addr != MAP_FAILED)
				munmap(m->addr, SZ);
			m->skip = true;
			continue;
		}
		snprintf(m->addr, 64, "data of %s", m->name);
	}
	for (i = 0; i < N; i++)
		if (!maps[i].skip)
			vmflags(maps[i].addr, maps[i].vmflags, sizeof(maps[i].vmflags));
	zdtm_ready();
	zdtm_wait_term();
	for (i = 0; i < N; i++) {
		struct m *m = &maps[i];
		char want[64];

		if (m->skip)
			continue;
		vmflags(m->addr, now, sizeof(now));
		if (strcmp(now, m->vmflags))
			zdtm_fail("%s: VmFlags \"%s\", were \"%s\"", m->name, now, m->vmflags);
		snprintf(want, sizeof(want), "data of %s", m->name);
		if (!(m->flags & MAP_DROPPABLE) && strcmp(m->addr, want))
			zdtm_fail("%s: data lost", m->name);
	}
	return zdtm_pass();
}
