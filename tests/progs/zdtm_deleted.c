// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_deleted - files unlinked while open:
 *  - one file open twice (O_RDWR at offset 100, and O_WRONLY|O_APPEND)
 *    plus a dup() of the first, then unlinked; a child holds the first
 *    description too (inherited: one shared offset);
 *  - a second file, mode 0640, with a hole and 3 bytes after it, then
 *    unlinked, while another file was created under its name;
 *  - a third file of 1 GiB, sparse: 4 bytes at 12 KiB and 4 at its end,
 *    holes elsewhere (its size is not what a dump saves, its data is).
 * After restore the contents, sizes, offsets, flags, mode and sharing are
 * the same, the files have no name (st_nlink 0, "PATH (deleted)" in /proc;
 * the second one under a name beside its own, which is taken) and the file
 * now under the second name is untouched.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

#define SIZE 10000
#define BIG (1LL << 30)

static char byte_at(size_t i)
{
	return (char)('A' + (i * 7) % 26);
}

/* /proc/self/fd/@fd is "PATH (deleted)"; @exact: PATH itself, else PATH<anything>. */
static void check_link(int fd, const char *path, int exact)
{
	char link[PATH_MAX + 32], want[PATH_MAX + 32], p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink fd %d", fd);
	link[n] = '\0';
	snprintf(want, sizeof(want), "%s (deleted)", path);
	if (exact ? strcmp(link, want) : strncmp(link, path, strlen(path)) ||
			    n < 10 || strcmp(link + n - 10, " (deleted)"))
		zdtm_fail("fd %d is '%s', expected '%s'", fd, link, want);
}

int main(void)
{
	char dir[PATH_MAX], f1[PATH_MAX + 8], f2[PATH_MAX + 8], buf[SIZE];
	char f3[PATH_MAX + 8];
	int a, b, c, d, e, g, st;
	struct stat sa, sd;
	size_t i;
	pid_t pid;

	zdtm_init();
	if (!getcwd(dir, sizeof(dir)))
		zdtm_fail("getcwd");
	snprintf(f1, sizeof(f1), "%s/del-1", dir);
	snprintf(f2, sizeof(f2), "%s/del-2", dir);
	for (i = 0; i < SIZE; i++)
		buf[i] = byte_at(i);
	a = open(f1, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (a < 0 || write(a, buf, SIZE) != SIZE)
		zdtm_fail("write %s", f1);
	b = open(f1, O_WRONLY | O_APPEND);
	c = dup(a);
	d = open(f2, O_RDWR | O_CREAT | O_TRUNC, 0640);
	if (b < 0 || c < 0 || d < 0 || fchmod(d, 0640) || pwrite(d, "xyz", 3, 50000) != 3)
		zdtm_fail("open");
	snprintf(f3, sizeof(f3), "%s/del-3", dir);
	g = open(f3, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (g < 0 || pwrite(g, "head", 4, 12288) != 4 || pwrite(g, "tail", 4, BIG) != 4)
		zdtm_fail("the sparse file");
	lseek(a, 100, SEEK_SET);
	lseek(d, 7, SEEK_SET);
	if (unlink(f1) || unlink(f2) || unlink(f3))
		zdtm_fail("unlink");
	/* Something else under the second name now. */
	e = open(f2, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (e < 0 || write(e, "new", 3) != 3)
		zdtm_fail("new file");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		zdtm_wait_term();
		/* Shared with the parent's fd a: the parent moved it to 200. */
		if (lseek(a, 0, SEEK_CUR) != 200)
			zdtm_fail("child: offset %ld, expected 200", (long)lseek(a, 0, SEEK_CUR));
		exit(0);
	}
	zdtm_ready();
	zdtm_wait_term();

	check_link(a, f1, 1);
	check_link(b, f1, 1);
	/* Its name is taken: it comes back under a name beside it. */
	check_link(d, f2, 0);
	if (fstat(a, &sa) || fstat(d, &sd))
		zdtm_fail("fstat");
	if (sa.st_nlink || sd.st_nlink || sa.st_size != SIZE || sd.st_size != 50003 ||
	    (sd.st_mode & 07777) != 0640)
		zdtm_fail("links %lu/%lu, sizes %ld/%ld, mode %o", (unsigned long)sa.st_nlink,
			  (unsigned long)sd.st_nlink, (long)sa.st_size, (long)sd.st_size,
			  sd.st_mode & 07777);
	if (lseek(a, 0, SEEK_CUR) != 100 || lseek(c, 0, SEEK_CUR) != 100 ||
	    lseek(d, 0, SEEK_CUR) != 7)
		zdtm_fail("offsets");
	if ((fcntl(b, F_GETFL) & (O_ACCMODE | O_APPEND)) != (O_WRONLY | O_APPEND))
		zdtm_fail("flags of the O_APPEND description");
	memset(buf, 0, sizeof(buf));
	if (pread(a, buf, SIZE, 0) != SIZE)
		zdtm_fail("pread");
	for (i = 0; i < SIZE; i++)
		if (buf[i] != byte_at(i))
			zdtm_fail("byte %zu is %d, expected %d", i, buf[i], byte_at(i));
	if (pread(d, buf, 4, 49999) != 4 || memcmp(buf, "\0xyz", 4))
		zdtm_fail("the second file's contents");
	/* Same file through every fd: a write by one is read by the other. */
	if (write(b, "END", 3) != 3 || pread(a, buf, 3, SIZE) != 3 || memcmp(buf, "END", 3))
		zdtm_fail("O_APPEND write not seen through the other fd");
	/* The shared offset: moved here, seen by the child. */
	lseek(c, 200, SEEK_SET);
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	if (pread(e, buf, 4, 0) != 3 || memcmp(buf, "new", 3))
		zdtm_fail("the file under the second name changed");
	/* The sparse file: its size, its data, and holes where they were. */
	check_link(g, f3, 1);
	if (fstat(g, &sd) || sd.st_size != BIG + 4 || sd.st_blocks * 512 > (1 << 20) ||
	    pread(g, buf, 4, 12288) != 4 || memcmp(buf, "head", 4) ||
	    pread(g, buf, 4, BIG) != 4 || memcmp(buf, "tail", 4) ||
	    lseek(g, 0, SEEK_HOLE) != 0 || lseek(g, 12288, SEEK_HOLE) >= BIG)
		zdtm_fail("the sparse file: size %lld, %lld blocks", (long long)sd.st_size,
			  (long long)sd.st_blocks);
	unlink(f2);
	return zdtm_pass();
}
