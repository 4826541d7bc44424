// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_memfd - memfds, their contents, names and seals:
 *  - "zdtm-shared": 3 pages + 100 bytes, sealed against shrinking and
 *    growing, open at offset 5 and mapped MAP_SHARED by a parent and its
 *    child: one object after restore (a write through the child's mapping
 *    is read by the parent through the fd, and the other way round);
 *  - "zdtm-plain": empty, created without MFD_ALLOW_SEALING;
 *  - "zdtm-priv": only mapped (fd closed), MAP_PRIVATE, one page written
 *    (copy-on-write: the object keeps its bytes), another only read;
 *  - "zdtm-ro": sealed against writes, mapped read-only.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PAGE 4096
#define SHARED_SIZE (3 * PAGE + 100)

static char pat(size_t i)
{
	return (char)('a' + (i * 3) % 26);
}

static void fill(int fd, size_t len)
{
	char buf[PAGE];
	size_t i, off;

	for (off = 0; off < len; off += PAGE) {
		size_t n = len - off < PAGE ? len - off : PAGE;

		for (i = 0; i < n; i++)
			buf[i] = pat(off + i);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			zdtm_fail("pwrite");
	}
}

static void check_name(int fd, const char *name)
{
	char link[PATH_MAX], want[PATH_MAX], p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink");
	link[n] = '\0';
	snprintf(want, sizeof(want), "/memfd:%s (deleted)", name);
	if (strcmp(link, want))
		zdtm_fail("fd %d is '%s', expected '%s'", fd, link, want);
}

int main(void)
{
	int sh, plain, priv, ro, st, seals;
	char *shm, *pm, *rom, c;
	struct stat s;
	size_t i;
	pid_t pid;

	zdtm_init();
	sh = memfd_create("zdtm-shared", MFD_ALLOW_SEALING);
	plain = memfd_create("zdtm-plain", 0);
	priv = memfd_create("zdtm-priv", 0);
	ro = memfd_create("zdtm-ro", MFD_ALLOW_SEALING);
	if (sh < 0 || plain < 0 || priv < 0 || ro < 0)
		zdtm_fail("memfd_create");
	fill(sh, SHARED_SIZE);
	fill(priv, 2 * PAGE);
	fill(ro, PAGE);
	if (fcntl(sh, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) ||
	    fcntl(ro, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL))
		zdtm_fail("F_ADD_SEALS");
	lseek(sh, 5, SEEK_SET);
	shm = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, sh, 0);
	pm = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, priv, 0);
	rom = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	if (shm == MAP_FAILED || pm == MAP_FAILED || rom == MAP_FAILED)
		zdtm_fail("mmap");
	close(priv);
	memset(pm, 'P', PAGE);	/* page 0: a private copy; page 1: read only */
	c = pm[PAGE];
	(void)c;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		zdtm_wait_term();
		if (shm[10] != 'X')
			zdtm_fail("child: the parent's write through the fd is not in the mapping");
		shm[20] = 'Y';
		exit(0);
	}
	zdtm_ready();
	zdtm_wait_term();

	check_name(sh, "zdtm-shared");
	check_name(plain, "zdtm-plain");
	check_name(ro, "zdtm-ro");
	if (fstat(sh, &s) || s.st_size != SHARED_SIZE)
		zdtm_fail("zdtm-shared: size %ld, expected %d", (long)s.st_size, SHARED_SIZE);
	if (lseek(sh, 0, SEEK_CUR) != 5)
		zdtm_fail("zdtm-shared: offset");
	for (i = 0; i < SHARED_SIZE; i++)
		if (shm[i] != pat(i))
			zdtm_fail("zdtm-shared: byte %zu is %d, expected %d", i, shm[i], pat(i));
	for (i = SHARED_SIZE; i < 4 * PAGE; i++)
		if (shm[i])
			zdtm_fail("zdtm-shared: byte %zu past the end is %d", i, shm[i]);
	seals = fcntl(sh, F_GET_SEALS);
	if (seals != (F_SEAL_SHRINK | F_SEAL_GROW))
		zdtm_fail("zdtm-shared: seals 0x%x", seals);
	if (ftruncate(sh, PAGE) != -1 || errno != EPERM)
		zdtm_fail("zdtm-shared: F_SEAL_SHRINK not enforced");
	if (fcntl(plain, F_GET_SEALS) != F_SEAL_SEAL || fstat(plain, &s) || s.st_size)
		zdtm_fail("zdtm-plain: seals or size");
	if (fcntl(plain, F_ADD_SEALS, F_SEAL_GROW) != -1 || errno != EPERM)
		zdtm_fail("zdtm-plain became sealable");
	for (i = 0; i < 2 * PAGE; i++)
		if (pm[i] != (i < PAGE ? 'P' : pat(i)))
			zdtm_fail("zdtm-priv: byte %zu is %d", i, pm[i]);
	if (fcntl(ro, F_GET_SEALS) != (F_SEAL_WRITE | F_SEAL_SEAL))
		zdtm_fail("zdtm-ro: seals 0x%x", fcntl(ro, F_GET_SEALS));
	if (write(ro, "x", 1) != -1 || errno != EPERM)
		zdtm_fail("zdtm-ro: F_SEAL_WRITE not enforced");
	if (mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) != MAP_FAILED)
		zdtm_fail("zdtm-ro: writable mapping allowed");
	for (i = 0; i < PAGE; i++)
		if (rom[i] != pat(i))
			zdtm_fail("zdtm-ro: byte %zu", i);

	/* One object: the fd, the parent's and the child's mappings. */
	if (pwrite(sh, "X", 1, 10) != 1)
		zdtm_fail("pwrite");
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	if (pread(sh, &c, 1, 20) != 1 || c != 'Y')
		zdtm_fail("the child's write through its mapping is not in the memfd");
	return zdtm_pass();
}
