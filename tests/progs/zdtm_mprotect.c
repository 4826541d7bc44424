// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_mprotect - protections and madvise() state of anonymous memory:
 *  - 8 pages: rw, r (written, then made read-only), none (written, then
 *    PROT_NONE: the data must survive), 2 pages none never touched (a
 *    reservation), r-x, rw, and the last one written then PROT_NONE too;
 *  - guard pages (MADV_GUARD_INSTALL, when the kernel has it) in the
 *    middle of a written read-write region;
 *  - a MADV_DONTFORK region, a MADV_WIPEONFORK region and a MADV_DONTDUMP
 *    one.
 * After restore: every protection as it was (in /proc/self/maps and by
 * touching: PROT_NONE and guard pages fault), the data, and a fork shows
 * the dontfork region absent and the wipeonfork one zeroed in the child.
 */
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PAGE 4096
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static sigjmp_buf jb;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* 1 when reading @p faults. */
static int faults(volatile const char *p)
{
	if (sigsetjmp(jb, 1))
		return 1;
	(void)*p;
	return 0;
}

/* The permissions ("rw-p") /proc/self/maps shows for @addr. */
static void perms(const void *addr, char *out)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long s, e;
	char line[512], p[5];

	strcpy(out, "????");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &s, &e, p) == 3 && (unsigned long)addr >= s &&
		    (unsigned long)addr < e)
			strcpy(out, p);
	if (f)
		fclose(f);
}

/* 1 when the smaps VmFlags of the mapping at @addr have @flag. */
static int vmflag(const void *addr, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long s, e;
	char line[512];
	int in = 0, found = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = (unsigned long)addr >= s && (unsigned long)addr < e;
		else if (in && !strncmp(line, "VmFlags:", 8))
			found = strstr(line, flag) != NULL;
	}
	if (f)
		fclose(f);
	return found;
}

static void expect_perms(const char *what, const void *addr, const char *want)
{
	char p[8];

	perms(addr, p);
	if (strcmp(p, want))
		zdtm_fail("%s: %s, expected %s", what, p, want);
}

int main(void)
{
	char *m, *g, *dfork, *wipe, *nodump;
	int guards, st;
	size_t i;
	pid_t pid;

	zdtm_init();
	signal(SIGSEGV, on_segv);
	m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g = mmap(NULL, 6 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dfork = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	wipe = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	nodump = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || g == MAP_FAILED || dfork == MAP_FAILED || wipe == MAP_FAILED ||
	    nodump == MAP_FAILED)
		zdtm_fail("mmap");
	for (i = 0; i < 8; i++)
		if (i != 4 && i != 5)
			memset(m + i * PAGE, 'a' + i, PAGE);
	if (mprotect(m + PAGE, PAGE, PROT_READ) || mprotect(m + 2 * PAGE, 3 * PAGE, PROT_NONE) ||
	    mprotect(m + 5 * PAGE, PAGE, PROT_NONE) ||
	    mprotect(m + 5 * PAGE + PAGE, PAGE, PROT_READ | PROT_EXEC) ||
	    mprotect(m + 7 * PAGE, PAGE, PROT_NONE))
		zdtm_fail("mprotect");
	memset(g, 'g', 6 * PAGE);
	guards = !madvise(g + 2 * PAGE, 2 * PAGE, MADV_GUARD_INSTALL);
	memset(dfork, 'd', PAGE);
	memset(wipe, 'w', PAGE);
	memset(nodump, 'n', PAGE);
	if (madvise(dfork, PAGE, MADV_DONTFORK) || madvise(wipe, PAGE, MADV_WIPEONFORK) ||
	    madvise(nodump, PAGE, MADV_DONTDUMP))
		zdtm_fail("madvise");
	printf("guards=%d\n", guards);
	zdtm_ready();
	zdtm_wait_term();

	expect_perms("page 0", m, "rw-p");
	expect_perms("page 1", m + PAGE, "r--p");
	expect_perms("pages 2-4", m + 2 * PAGE, "---p");
	expect_perms("page 5", m + 5 * PAGE, "---p");
	expect_perms("page 6", m + 6 * PAGE, "r-xp");
	expect_perms("page 7", m + 7 * PAGE, "---p");
	if (!faults(m + 2 * PAGE) || !faults(m + 4 * PAGE) || !faults(m + 7 * PAGE))
		zdtm_fail("a PROT_NONE page can be read");
	if (faults(m + PAGE) || faults(m + 6 * PAGE))
		zdtm_fail("a readable page faults");
	if (mprotect(m, 8 * PAGE, PROT_READ))
		zdtm_fail("mprotect back");
	for (i = 0; i < 8 * PAGE; i++) {
		char want = i / PAGE == 4 || i / PAGE == 5 ? 0 : (char)('a' + i / PAGE);

		if (m[i] != want)
			zdtm_fail("byte %zu is %d, expected %d", i, m[i], want);
	}
	for (i = 0; i < 6; i++) {
		int guard = guards && (i == 2 || i == 3);

		if (faults(g + i * PAGE) != guard)
			zdtm_fail("page %zu of the guarded region: %s", i,
				  guard ? "the guard page is gone" : "faults");
		if (!guard && g[i * PAGE + 100] != 'g')
			zdtm_fail("page %zu of the guarded region lost its data", i);
	}
	if (!vmflag(dfork, " dc") || !vmflag(wipe, " wf") || !vmflag(nodump, " dd"))
		zdtm_fail("VmFlags: dontfork %d, wipeonfork %d, dontdump %d", vmflag(dfork, " dc"),
			  vmflag(wipe, " wf"), vmflag(nodump, " dd"));
	if (dfork[5] != 'd' || wipe[5] != 'w' || nodump[5] != 'n')
		zdtm_fail("the madvised regions lost their data");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* The dontfork page is not mapped here, the wipeonfork one reads zeros. */
		expect_perms("child: the MADV_DONTFORK page", dfork, "????");
		if (wipe[5] != 0)
			zdtm_fail("child: the MADV_WIPEONFORK page was not wiped");
		exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	if (!guards)
		printf("note: no MADV_GUARD_INSTALL on this kernel\n");
	return zdtm_pass();
}
