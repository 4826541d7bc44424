// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_shmem - shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) shared
 * by a parent and its child: written pages, never-touched pages (zeros),
 * and a child that made its mapping read-only. After restore both see the
 * same contents, and a write by the parent is seen by the child: it is
 * still one object, not two copies.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define SIZE (1 << 20)

static void check(const char *who, const char *p)
{
	size_t i;

	for (i = 0; i < SIZE; i++) {
		char want = (i / 4096) % 3 ? (char)('a' + i % 26) : 0;

		if (i / 4096 == 7 && i % 4096 == 0)
			continue; /* the parent's marker */
		if (p[i] != want)
			zdtm_fail("%s: byte %zu is %d, expected %d", who, i, p[i], want);
	}
}

int main(void)
{
	char *p;
	size_t i;
	pid_t pid;
	int st;

	zdtm_init();
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		zdtm_fail("mmap");
	for (i = 0; i < SIZE; i++)
		if ((i / 4096) % 3)
			p[i] = (char)('a' + i % 26);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (mprotect(p, SIZE, PROT_READ))
			zdtm_fail("child: mprotect");
		zdtm_wait_term();
		check("child", p);
		if (p[7 * 4096] != 'P')
			zdtm_fail("child does not see the parent's write");
		exit(0);
	}
	zdtm_ready();
	zdtm_wait_term();
	check("parent", p);
	p[7 * 4096] = 'P';
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	return zdtm_pass();
}
