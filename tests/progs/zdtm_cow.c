// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_cow - private anonymous pages shared copy-on-write after fork()
 * must be shared again after restore (zdtm cow00/cow01's check): the
 * parent's and child's /proc/PID/pagemap give the same page frame.
 *
 *   A (64 pages) written by the parent, then fork of child 1, which
 *     writes pages 0-7, drops 60-63 (MADV_DONTNEED: zeros) and forks a
 *     grandchild that writes page 20; the parent then writes pages 8-15
 *     and forks child 2, which writes page 30.
 *   B (16 pages) written, made read-only, then shared by all.
 *   F (8 pages of a file in the cwd, mapped privately): pages 0-3
 *     written before the forks (shared by all), 4-7 the file's; child 1
 *     writes page 1.
 *   C (8 pages) written, shared by all, and split in the parent after
 *     child 1 was forked (its first page made read-only there): the two
 *     mappings differ, so pidtrace copies child 1's pages (same contents,
 *     sharing checked before the dump only).
 *
 * Before READY the parent checks that the frames are shared where they
 * should be (and differ where they must); at SIGTERM (after restore) the
 * same checks, then each task checks its own contents. Needs root (frame
 * numbers in pagemap). "zdtm_cow copies": after restore, contents only
 * (a restore that was made to copy the shared pages, tests/root/cr_cow.sh).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PG 4096UL
#define NA 64
#define NB 16
#define PM_PRESENT (1ULL << 63)
#define PM_PFN ((1ULL << 55) - 1)

enum { PARENT = 1, CHILD1, GRAND, CHILD2, PARENT2, RO, SPLIT, FILED, WRITTEN };

#define NC 8
#define NF 8

static char *a, *b, *c, *f;
static pid_t c1, c2, g;
static int sync_pipe[2];

static void fill(char *p, unsigned tag, unsigned page)
{
	uint64_t *w = (uint64_t *)p;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		w[i] = ((uint64_t)tag << 40) | ((uint64_t)page << 20) | i;
}

static int holds(const char *p, unsigned tag, unsigned page)
{
	const uint64_t *w = (const uint64_t *)p;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		if (w[i] != (tag ? ((uint64_t)tag << 40) | ((uint64_t)page << 20) | i : 0))
			return 0;
	return 1;
}

static uint64_t pfn(pid_t pid, const void *addr)
{
	char path[64];
	uint64_t e = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)addr / PG * 8) != 8)
		zdtm_fail("read %s", path);
	close(fd);
	return (e & PM_PRESENT) ? e & PM_PFN : 0;
}

/* Page @i of @base: the same frame in @x and @y (@want 1), or not (0). */
static void frames(const char *when, const char *base, unsigned i, pid_t x, pid_t y, int want)
{
	uint64_t fx = pfn(x, base + i * PG), fy = pfn(y, base + i * PG);

	if (!fx && want)
		zdtm_fail("%s: page %u of %p not present in %d", when, i, base, x);
	if ((fx == fy) != want)
		zdtm_fail("%s: page %u of %p: frames %#llx in %d and %#llx in %d: %s", when, i, base,
			  (unsigned long long)fx, x, (unsigned long long)fy, y,
			  want ? "not shared" : "shared, should not be");
}

static void check_frames(const char *when)
{
	pid_t me = getpid();
	unsigned i;

	for (i = 0; i < NA; i++) {
		/* Child 1 wrote 0-7, the parent 8-15 after it forked; 60-63 dropped there. */
		frames(when, a, i, me, c1, i >= 16 && i < 60);
		/* The grandchild wrote 20. */
		if (i >= 8 && i < 60)
			frames(when, a, i, c1, g, i != 20);
		/* Child 2 came after all that, and wrote 30. */
		frames(when, a, i, me, c2, i != 30);
	}
	for (i = 0; i < NB; i++) {
		frames(when, b, i, me, c1, 1);
		frames(when, b, i, c1, g, 1);
		frames(when, b, i, me, c2, 1);
	}
	for (i = 0; i < NC && !strcmp(when, "before dump"); i++)
		frames(when, c, i, me, c1, 1);
	/* The written pages of the file mapping (4-7 are the page cache's). */
	for (i = 0; i < 4; i++) {
		frames(when, f, i, me, c1, i != 1);
		frames(when, f, i, c1, g, 1);
		frames(when, f, i, me, c2, 1);
	}
}

static void check_b(const char *who)
{
	unsigned i;

	for (i = 0; i < NB; i++)
		if (!holds(b + i * PG, RO, i))
			zdtm_fail("%s: read-only page %u lost its contents", who, i);
	for (i = 0; i < NC; i++)
		if (!holds(c + i * PG, SPLIT, i))
			zdtm_fail("%s: page %u of the split mapping lost its contents", who, i);
}

static void check_f(const char *who, int self)
{
	unsigned i, tag;

	for (i = 0; i < NF; i++) {
		tag = i < 4 ? WRITTEN : FILED;
		if (i == 1 && (self == CHILD1 || self == GRAND))
			tag = CHILD1;
		if (!holds(f + i * PG, tag, i))
			zdtm_fail("%s: page %u of the file mapping does not hold what it should", who, i);
	}
}

static void check_a(const char *who, int self)
{
	unsigned i, tag;

	for (i = 0; i < NA; i++) {
		tag = PARENT;
		if (self == CHILD1 || self == GRAND) {
			if (i < 8)
				tag = CHILD1;
			else if (i >= 60)
				tag = 0;
			else if (self == GRAND && i == 20)
				tag = GRAND;
		} else if (i >= 8 && i < 16) {
			tag = PARENT2;
		} else if (self == CHILD2 && i == 30) {
			tag = CHILD2;
		}
		if (!holds(a + i * PG, tag, i))
			zdtm_fail("%s: page %u does not hold what it should (tag %u)", who, i, tag);
	}
	check_b(who);
	check_f(who, self);
}

static void tell(pid_t pid)
{
	if (write(sync_pipe[1], &pid, sizeof(pid)) != sizeof(pid))
		zdtm_fail("write");
}

static pid_t hear(void)
{
	pid_t pid;

	if (read(sync_pipe[0], &pid, sizeof(pid)) != sizeof(pid))
		zdtm_fail("read");
	return pid;
}

static void child_wait(const char *who, int self)
{
	close(sync_pipe[0]);
	close(sync_pipe[1]);
	zdtm_wait_term();
	check_a(who, self);
	exit(0);
}

/* A mapping of @n pages between PROT_NONE guards (no merging with neighbours). */
static char *guarded(size_t n)
{
	char *p = mmap(NULL, (n + 2) * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PG, n * PG, PROT_READ | PROT_WRITE))
		zdtm_fail("mmap");
	return p + PG;
}

/* NF pages of a new file in the cwd, mapped privately and writable. */
static char *file_map(void)
{
	char page[PG], *p;
	unsigned i;
	int fd = open("zdtm_cow.data", O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		zdtm_fail("open zdtm_cow.data");
	for (i = 0; i < NF; i++) {
		fill(page, FILED, i);
		if (write(fd, page, PG) != PG)
			zdtm_fail("write");
	}
	p = mmap(NULL, NF * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		zdtm_fail("mmap the file");
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	int copies = argc > 1 && !strcmp(argv[1], "copies");
	unsigned i;
	int st;

	zdtm_init();
	if (pipe(sync_pipe))
		zdtm_fail("pipe");
	a = guarded(NA);
	b = guarded(NB);
	c = guarded(NC);
	for (i = 0; i < NC; i++)
		fill(c + i * PG, SPLIT, i);
	f = file_map();
	for (i = 0; i < 4; i++)
		fill(f + i * PG, WRITTEN, i);
	for (i = 0; i < NA; i++)
		fill(a + i * PG, PARENT, i);
	for (i = 0; i < NB; i++)
		fill(b + i * PG, RO, i);
	if (mprotect(b, NB * PG, PROT_READ))
		zdtm_fail("mprotect");
	fflush(stdout);
	c1 = fork();
	if (c1 < 0)
		zdtm_fail("fork");
	if (c1 == 0) {
		for (i = 0; i < 8; i++)
			fill(a + i * PG, CHILD1, i);
		fill(f + PG, CHILD1, 1);
		if (madvise(a + 60 * PG, 4 * PG, MADV_DONTNEED))
			zdtm_fail("madvise");
		g = fork();
		if (g < 0)
			zdtm_fail("fork");
		if (g == 0) {
			fill(a + 20 * PG, GRAND, 20);
			tell(getpid());
			child_wait("grandchild", GRAND);
		}
		tell(getpid());
		close(sync_pipe[0]);
		close(sync_pipe[1]);
		zdtm_wait_term();
		check_a("child 1", CHILD1);
		kill(g, SIGTERM);
		if (waitpid(g, &st, 0) != g || st)
			zdtm_fail("grandchild failed (status 0x%x)", st);
		exit(0);
	}
	if (mprotect(c, PG, PROT_READ))
		zdtm_fail("mprotect");
	/* Both from child 1's branch: which is which by the parent pid. */
	for (i = 0; i < 2; i++) {
		pid_t p = hear();

		if (p != c1)
			g = p;
	}
	for (i = 8; i < 16; i++)
		fill(a + i * PG, PARENT2, i);
	c2 = fork();
	if (c2 < 0)
		zdtm_fail("fork");
	if (c2 == 0) {
		fill(a + 30 * PG, CHILD2, 30);
		tell(getpid());
		child_wait("child 2", CHILD2);
	}
	hear();
	close(sync_pipe[0]);
	close(sync_pipe[1]);
	check_frames("before dump");
	printf("children %d %d grandchild %d\n", c1, c2, g);
	zdtm_ready();
	zdtm_wait_term();
	if (!copies)
		check_frames("after restore");
	check_a("parent", PARENT);
	kill(c1, SIGTERM);
	kill(c2, SIGTERM);
	if (waitpid(c1, &st, 0) != c1 || st)
		zdtm_fail("child 1 failed (status 0x%x)", st);
	if (waitpid(c2, &st, 0) != c2 || st)
		zdtm_fail("child 2 failed (status 0x%x)", st);
	return zdtm_pass();
}
