// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_deleted_map: file mappings of files deleted while mapped, as after
 * a package upgrade (everything under ./work, which is left empty):
 *   - "data" (5 pages + 100 bytes of a known pattern), unlinked, mapped
 *     private read-only, private read-write with pages 1 and 3 written,
 *     and private read-only from page 2;
 *   - "shared" (2 pages), unlinked, mapped MAP_SHARED read-write with a
 *     marker written through the mapping, and still open as an fd;
 *   - a copy of libm dlopen()ed, then unlinked: cos() through it;
 *   - a child (forked after all that) that maps the same things.
 * After restore: contents and written pages as they were; a write through
 * the fd shows in the mapping (one inode again); a write through the
 * parent's shared mapping shows in the child's; cos(0) is 1 through the
 * library copy. With "self", the program deletes its own executable
 * first (run it from a copy). With "big" (a refusal test), it maps a
 * deleted sparse file of 65 MiB and only waits.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PG 4096
#define DATA_SIZE (5 * PG + 100)

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 3);
}

static void make_file(const char *path, size_t size, int with_pattern)
{
	unsigned char buf[PG];
	size_t off, n, i;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);

	if (fd < 0)
		zdtm_fail("create %s", path);
	for (off = 0; with_pattern && off < size; off += n) {
		n = size - off < PG ? size - off : PG;
		for (i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		if (write(fd, buf, n) != (ssize_t)n)
			zdtm_fail("write %s", path);
	}
	if (ftruncate(fd, size))
		zdtm_fail("ftruncate %s", path);
	close(fd);
}

static void *map_file(const char *path, size_t len, int prot, int flags, off_t off)
{
	int fd = open(path, prot & PROT_WRITE && flags & MAP_SHARED ? O_RDWR : O_RDONLY);
	void *p;

	if (fd < 0)
		zdtm_fail("open %s", path);
	p = mmap(NULL, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		zdtm_fail("mmap %s", path);
	close(fd);
	return p;
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		zdtm_fail("open %s", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0)
		zdtm_fail("create %s", to);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			zdtm_fail("write %s", to);
	close(in);
	close(out);
}

static unsigned char *ro, *rw, *ro2, *sh;
static double (*cos_fn)(double);
static int shfd;

static void check_data(const char *who)
{
	size_t i;

	for (i = 0; i < DATA_SIZE; i++)
		if (ro[i] != pattern(i))
			zdtm_fail("%s: read-only mapping byte %zu is %u", who, i, ro[i]);
	for (i = 0; i < DATA_SIZE; i++) {
		unsigned char want = (i / PG == 1 || i / PG == 3) ? (unsigned char)(0xa0 + i / PG) :
								    pattern(i);

		if (rw[i] != want)
			zdtm_fail("%s: written mapping byte %zu is %u, not %u", who, i, rw[i], want);
	}
	for (i = 0; i < DATA_SIZE - 2 * PG; i++)
		if (ro2[i] != pattern(i + 2 * PG))
			zdtm_fail("%s: mapping at offset 2 pages, byte %zu is %u", who, i, ro2[i]);
	if (memcmp(sh, "marker-one", 10))
		zdtm_fail("%s: shared mapping lost its marker", who);
}

static int big(void)
{
	const size_t size = 65UL << 20;
	void *p;

	/* Data, not a hole: what a dump saves is a file's data. */
	make_file("work/big", size, 1);
	p = map_file("work/big", size, PROT_READ, MAP_PRIVATE, 0);
	if (unlink("work/big"))
		zdtm_fail("unlink big");
	zdtm_ready();
	zdtm_wait_term();
	munmap(p, size);
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	const char *libm = "/lib/x86_64-linux-gnu/libm.so.6";
	char exe[4096], buf[16];
	int go[2], st;
	void *lib;
	ssize_t n;
	pid_t child;

	zdtm_init();
	if (mkdir("work", 0755) && errno != EEXIST)
		zdtm_fail("mkdir work");
	if (argc > 1 && !strcmp(argv[1], "big"))
		return big();
	if (argc > 1 && !strcmp(argv[1], "self")) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			zdtm_fail("readlink exe");
		exe[n] = '\0';
		if (unlink(exe))
			zdtm_fail("unlink %s", exe);
	}
	make_file("work/data", DATA_SIZE, 1);
	make_file("work/shared", 2 * PG, 0);
	ro = map_file("work/data", DATA_SIZE, PROT_READ, MAP_PRIVATE, 0);
	rw = map_file("work/data", DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	ro2 = map_file("work/data", DATA_SIZE - 2 * PG, PROT_READ, MAP_PRIVATE, 2 * PG);
	memset(rw + PG, 0xa1, PG);
	memset(rw + 3 * PG, 0xa3, PG);
	sh = map_file("work/shared", 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	memcpy(sh, "marker-one", 10);
	shfd = open("work/shared", O_RDWR);
	if (shfd < 0)
		zdtm_fail("open shared");
	if (access(libm, R_OK))
		libm = "/usr/lib/x86_64-linux-gnu/libm.so.6";
	copy_file(libm, "work/libm-copy.so");
	lib = dlopen("./work/libm-copy.so", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		zdtm_fail("dlopen: %s", dlerror());
	cos_fn = (double (*)(double))dlsym(lib, "cos");
	if (!cos_fn || cos_fn(0.0) != 1.0)
		zdtm_fail("cos from the copy");
	if (unlink("work/data") || unlink("work/shared") || unlink("work/libm-copy.so"))
		zdtm_fail("unlink");
	if (pipe(go))
		zdtm_fail("pipe");
	child = fork();
	if (child < 0)
		zdtm_fail("fork");
	if (child == 0) {
		close(go[1]);
		/* Woken after restore, once the parent wrote "marker-two". */
		while ((n = read(go[0], buf, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(3);
		if (memcmp(sh + PG, "marker-two", 10))
			_exit(4);
		if (cos_fn(0.0) != 1.0)
			_exit(5);
		check_data("child");
		_exit(0);
	}
	close(go[0]);
	zdtm_ready();
	zdtm_wait_term();

	check_data("parent");
	if (pread(shfd, buf, 10, 0) != 10 || memcmp(buf, "marker-one", 10))
		zdtm_fail("the fd of the shared file does not read the mapping's marker");
	/* One inode for the fd and the mapping: a write through one shows in the other. */
	if (pwrite(shfd, "fd-wrote", 8, 100) != 8 || memcmp(sh + 100, "fd-wrote", 8))
		zdtm_fail("a write through the fd does not show in the shared mapping");
	if (cos_fn(0.0) != 1.0)
		zdtm_fail("cos through the restored library copy");
	memcpy(sh + PG, "marker-two", 10);
	if (write(go[1], "x", 1) != 1)
		zdtm_fail("wake the child");
	if (waitpid(child, &st, 0) != child)
		zdtm_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("the child failed (status 0x%x)", st);
	return zdtm_pass();
}
