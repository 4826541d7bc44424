// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_shmap - MAP_SHARED mappings of a file, written through:
 *  - the parent maps pages 0-3 read-write, its child pages 1-3 (offset one
 *    page) read-write; both wrote before the dump;
 *  - the parent also maps page 0 read-only.
 * After restore the mappings show the file as both left it, and they are
 * still the file: a write through the parent's mapping is seen by the
 * child's and by read(2), a write(2) to the file is seen by the mappings.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PAGE 4096

int main(void)
{
	char *rw, *ro, *child_map, buf[8];
	int fd, st;
	size_t i;
	pid_t pid;

	zdtm_init();
	fd = open("shmap.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4 * PAGE))
		zdtm_fail("open");
	rw = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (rw == MAP_FAILED || ro == MAP_FAILED)
		zdtm_fail("mmap");
	for (i = 0; i < 4 * PAGE; i++)
		rw[i] = (char)('A' + i % 23);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		child_map = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
		if (child_map == MAP_FAILED)
			zdtm_fail("child: mmap");
		memcpy(child_map + PAGE, "child-was-here", 14);	/* file offset 2 pages */
		zdtm_wait_term();
		if (memcmp(child_map, "parent-after", 12))
			zdtm_fail("child: the parent's write after restore is not seen");
		if (memcmp(child_map + 2 * PAGE, "by-write", 8))
			zdtm_fail("child: write(2) after restore is not seen");
		exit(0);
	}
	zdtm_ready();
	zdtm_wait_term();

	for (i = 0; i < 4 * PAGE; i++) {
		char want = (char)('A' + i % 23);

		if (i >= 2 * PAGE && i < 2 * PAGE + 14)
			want = "child-was-here"[i - 2 * PAGE];
		if (rw[i] != want)
			zdtm_fail("byte %zu is %d, expected %d", i, rw[i], want);
	}
	if (memcmp(ro, rw, PAGE))
		zdtm_fail("the read-only mapping differs");
	memcpy(rw + PAGE, "parent-after", 12);
	if (pwrite(fd, "by-write", 8, 3 * PAGE) != 8)
		zdtm_fail("pwrite");
	if (pread(fd, buf, 8, PAGE) != 8 || memcmp(buf, "parent-a", 8))
		zdtm_fail("read(2) does not see the mapping's write");
	if (memcmp(rw + 3 * PAGE, "by-write", 8))
		zdtm_fail("the mapping does not see write(2)");
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	unlink("shmap.data");
	return zdtm_pass();
}
