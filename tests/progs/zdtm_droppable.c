// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_droppable - memory whose contents a fork or the kernel may take
 * away (zdtm maps11's subject, our own program): a MAP_DROPPABLE region,
 * a MADV_WIPEONFORK one, a MADV_DONTFORK one and a MADV_DONTDUMP one, all
 * written, and a child forked after they were set up, so that the dump
 * sees them in two tasks (the child's wipeonfork and droppable regions
 * read zeros, its dontfork one is absent).
 *
 * After SIGTERM (which comes after dump, kill and restore) the parent
 * checks: each region's VmFlags are those smaps showed at setup; the
 * droppable region reads zeros (its pages were dropped, as the kernel may
 * do at any time: a restore does not bring them back); the other regions
 * kept their data; a new child sees the droppable and wipeonfork regions
 * zeroed and the dontfork one unmapped. The first child checks its own
 * view again when the parent tells it to (SIGTERM) and exits 0 or 1.
 * Prints "SKIP: no MAP_DROPPABLE" and passes where the kernel lacks it.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#define SZ (2 * 4096)

enum { DROP, NODUMP, DFORK, WIPE, N };

static const char *const names[N] = { "droppable", "dontdump", "dontfork", "wipeonfork" };
static char *reg[N];
static char flags0[N][256];

/* The VmFlags of the mapping that starts at @addr, "" when there is none. */
static void vmflags(const char *addr, char *out, size_t len)
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
}

static bool zeros(const char *p)
{
	size_t i;

	for (i = 0; i < SZ; i++)
		if (p[i])
			return false;
	return true;
}

static bool holds(const char *p, int i)
{
	char want[64];

	snprintf(want, sizeof(want), "data of %s", names[i]);
	return !strcmp(p, want) && p[SZ - 1] == (char)('A' + i);
}

/* A child's view: droppable and wipeonfork zeroed, dontfork unmapped. Exit status. */
static int child_view(void)
{
	char fl[256];

	if (!zeros(reg[DROP]) || !zeros(reg[WIPE])) {
		printf("FAIL: child: droppable %s, wipeonfork %s\n",
		       zeros(reg[DROP]) ? "zeroed" : "kept", zeros(reg[WIPE]) ? "zeroed" : "kept");
		return 1;
	}
	vmflags(reg[DFORK], fl, sizeof(fl));
	if (fl[0]) {
		printf("FAIL: child: the dontfork region is mapped (%s)\n", fl);
		return 1;
	}
	if (!holds(reg[NODUMP], NODUMP)) {
		printf("FAIL: child: the dontdump region lost its data\n");
		return 1;
	}
	return 0;
}

int main(void)
{
	static const int advice[N] = { 0, MADV_DONTDUMP, MADV_DONTFORK, MADV_WIPEONFORK };
	char now[256];
	pid_t first, second;
	int i, st;

	zdtm_init();
	for (i = 0; i < N; i++) {
		reg[i] = mmap(NULL, SZ, PROT_READ | PROT_WRITE,
			      (i == DROP ? MAP_DROPPABLE : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
		if (reg[i] == MAP_FAILED && i == DROP && errno == EINVAL) {
			printf("SKIP: no MAP_DROPPABLE\n");
			zdtm_ready();
			zdtm_wait_term();
			return zdtm_pass();
		}
		if (reg[i] == MAP_FAILED)
			zdtm_fail("mmap %s", names[i]);
		if (advice[i] && madvise(reg[i], SZ, advice[i]))
			zdtm_fail("madvise %s", names[i]);
		snprintf(reg[i], 64, "data of %s", names[i]);
		reg[i][SZ - 1] = (char)('A' + i);
	}
	for (i = 0; i < N; i++) {
		vmflags(reg[i], flags0[i], sizeof(flags0[i]));
		if (!flags0[i][0])
			zdtm_fail("no mapping for %s", names[i]);
	}
	fflush(stdout);
	first = fork();
	if (first < 0)
		zdtm_fail("fork");
	if (first == 0) {
		if (child_view())
			exit(1);
		zdtm_wait_term();
		exit(child_view());
	}
	zdtm_ready();
	zdtm_wait_term();

	for (i = 0; i < N; i++) {
		vmflags(reg[i], now, sizeof(now));
		if (strcmp(now, flags0[i]))
			zdtm_fail("%s: VmFlags \"%s\", were \"%s\"", names[i], now, flags0[i]);
	}
	if (!zeros(reg[DROP]))
		zdtm_fail("the droppable region kept its data (\"%.20s\")", reg[DROP]);
	for (i = NODUMP; i < N; i++)
		if (!holds(reg[i], i))
			zdtm_fail("%s: data lost", names[i]);
	if (kill(first, SIGTERM) || waitpid(first, &st, 0) != first)
		zdtm_fail("first child");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("first child failed (status 0x%x)", st);
	/* Written again after the restore: a new fork must still wipe them. */
	memcpy(reg[DROP], "again", 6);
	memcpy(reg[WIPE], "again", 6);
	fflush(stdout);
	second = fork();
	if (second < 0)
		zdtm_fail("fork");
	if (second == 0)
		exit(child_view());
	if (waitpid(second, &st, 0) != second || !WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("second child failed (status 0x%x)", st);
	return zdtm_pass();
}
