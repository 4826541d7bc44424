// SPDX-License-Identifier: GPL-2.0
/*
 * fillpath MIB MODE FILE - a restore's ways of filling private anonymous
 * memory from a pages file, alone: a child maps MIB MiB of fresh anonymous
 * memory, then one MODE fills it from the first MIB MiB of FILE (made if
 * it is shorter; read once before, so it is in the page cache):
 *
 *   writev     process_vm_writev() from a mapping of FILE, 32 MiB a call,
 *              into the child's unpopulated memory (what restore does)
 *   popwritev  the child populates its memory (MADV_POPULATE_WRITE), then
 *              the same process_vm_writev()
 *   popread    the child populates, then pread()s FILE into its memory
 *              itself: one bulk transfer per region
 *   read       the child pread()s FILE into its unpopulated memory
 *   populate   the child populates, nothing more (the floor of pop*)
 *   touch      the child writes one byte a page: page-by-page faults
 *   uffd       the child registers its memory with a userfaultfd (missing
 *              pages), this process takes the descriptor (pidfd_getfd) and
 *              UFFDIO_COPYs from a mapping of FILE, 32 MiB a call: pages
 *              allocated and filled at once, never zeroed first
 *
 * Prints "ns=T cpu_ns=C child_cpu_ns=K check=pass|fail": wall time from
 * the child's first step to the end of the fill, CPU time of this process
 * (the writev modes spend theirs here) and of the child's fill; check:
 * every page of the child holds its byte of the file. Size + 64 MiB of
 * memory is touched and freed first (warm memory, as tools/bench/warm).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define CHUNK (32UL << 20)

enum mode { WRITEV, POPWRITEV, POPREAD, READ, POPULATE, TOUCH, UFFD };

static enum mode parse_mode(const char *s)
{
	static const char *const names[] = { "writev", "popwritev", "popread",
					     "read",   "populate",  "touch",
					     "uffd" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum mode)i;
	bench_die("MODE: writev, popwritev, popread, read, populate, touch or uffd");
	return WRITEV;
}

static uint64_t cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

/* FILE holds at least @size bytes, in the page cache. */
static int prepare_file(const char *path, size_t size)
{
	struct stat st;
	char *buf = malloc(1 << 20);
	size_t off;
	int fd;

	if (!buf)
		bench_die("malloc");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st))
		bench_die(path);
	if ((size_t)st.st_size < size) {
		for (off = 0; off < size; off += 1 << 20) {
			memset(buf, (int)(off >> 20) | 1, 1 << 20);
			if (pwrite(fd, buf, 1 << 20, off) != 1 << 20)
				bench_die("pwrite");
		}
	}
	for (off = 0; off < size; off += 1 << 20)
		if (pread(fd, buf, 1 << 20, off) != 1 << 20)
			bench_die("pread");
	free(buf);
	return fd;
}

/* The child's userfaultfd over its memory (missing pages), or -1. */
static int child_uffd(char *mem, size_t size)
{
	int u = (int)syscall(SYS_userfaultfd, O_CLOEXEC);

	(void)mem;
	(void)size;
	if (u < 0)
		bench_die("userfaultfd");
	return u;
}

static void parent_uffd(pid_t pid, int child_fd, char *src, char *mem, size_t size)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), u;
	size_t off;

	u = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, child_fd, 0);
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_SIGBUS };
	struct uffdio_register reg = { .range = { (unsigned long)mem, size },
				       .mode = UFFDIO_REGISTER_MODE_MISSING };

	if (u < 0)
		bench_die("pidfd_getfd");
	/* Set up and registered from here: only userfaultfd() runs in the child. */
	if (ioctl(u, UFFDIO_API, &api) || ioctl(u, UFFDIO_REGISTER, &reg))
		bench_die("UFFDIO_API/REGISTER from another process");
	for (off = 0; off < size;) {
		size_t n = size - off < CHUNK ? size - off : CHUNK;
		struct uffdio_copy cp = { .dst = (unsigned long)(mem + off),
					  .src = (unsigned long)(src + off), .len = n };

		if (ioctl(u, UFFDIO_COPY, &cp) && errno != EAGAIN)
			bench_die("UFFDIO_COPY");
		if (cp.copy <= 0)
			bench_die("UFFDIO_COPY: nothing copied");
		off += (size_t)cp.copy;
	}
	if (ioctl(u, UFFDIO_UNREGISTER, &reg.range))
		bench_die("UFFDIO_UNREGISTER");
	close(u);
	close(pfd);
}

static void child_fill(enum mode m, char *mem, size_t size, int fd)
{
	size_t off;
	ssize_t got;

	if (m == POPWRITEV || m == POPREAD || m == POPULATE)
		if (madvise(mem, size, MADV_POPULATE_WRITE))
			bench_die("MADV_POPULATE_WRITE");
	if (m == POPREAD || m == READ)
		for (off = 0; off < size; off += got) {
			got = pread(fd, mem + off, size - off, off);
			if (got <= 0)
				bench_die("pread into the child");
		}
	if (m == TOUCH)
		for (off = 0; off < size; off += 4096)
			((volatile char *)mem)[off] = 1;
}

int main(int argc, char **argv)
{
	int go[2], done[2], status;
	size_t size, off;
	uint64_t t0, c0, child_cpu;
	enum mode m;
	char *mem, *src, c = 0;
	pid_t pid;
	int fd, ufd = -1;

	bench_prog = "fillpath";
	if (argc != 4)
		bench_die("usage: fillpath MIB MODE FILE");
	size = bench_num(argv[1], "MIB") << 20;
	m = parse_mode(argv[2]);
	fd = prepare_file(argv[3], size);
	/* Warm memory: freed pages come back from the host slowly. */
	mem = mmap(NULL, size + (64UL << 20), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem != MAP_FAILED)
		munmap(mem, size + (64UL << 20));
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		bench_die("mmap");
	if (pipe(go) || pipe(done))
		bench_die("pipe");
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (!pid) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		child_cpu = cpu_ns(RUSAGE_SELF);
		if (m == UFFD)
			ufd = child_uffd(mem, size);
		child_fill(m, mem, size, fd);
		child_cpu = cpu_ns(RUSAGE_SELF) - child_cpu;
		if (write(done[1], &child_cpu, sizeof(child_cpu)) != sizeof(child_cpu) ||
		    write(done[1], &ufd, sizeof(ufd)) != sizeof(ufd))
			_exit(1);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		/* Every page holds the file's byte of its MiB. */
		if (m != POPULATE && m != TOUCH)
			for (off = 0; off < size; off += 4096)
				if (mem[off] != (char)((off >> 20) | 1))
					_exit(2);
		_exit(0);
	}
	src = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (src == MAP_FAILED)
		bench_die("mmap FILE");
	t0 = bench_now_ns();
	c0 = cpu_ns(RUSAGE_SELF);
	if (write(go[1], &c, 1) != 1 ||
	    read(done[0], &child_cpu, sizeof(child_cpu)) != sizeof(child_cpu) ||
	    read(done[0], &ufd, sizeof(ufd)) != sizeof(ufd))
		bench_die("child");
	if (m == UFFD)
		parent_uffd(pid, ufd, src, mem, size);
	if (m == WRITEV || m == POPWRITEV)
		for (off = 0; off < size; off += CHUNK) {
			size_t n = size - off < CHUNK ? size - off : CHUNK;
			struct iovec l = { src + off, n }, r = { mem + off, n };

			if (process_vm_writev(pid, &l, 1, &r, 1, 0) != (ssize_t)n)
				bench_die("process_vm_writev");
		}
	printf("ns=%llu cpu_ns=%llu", (unsigned long long)(bench_now_ns() - t0),
	       (unsigned long long)(cpu_ns(RUSAGE_SELF) - c0));
	if (write(go[1], &c, 1) != 1)
		bench_die("child");
	if (waitpid(pid, &status, 0) != pid)
		bench_die("waitpid");
	printf(" child_cpu_ns=%llu check=%s\n", (unsigned long long)child_cpu,
	       WIFEXITED(status) && !WEXITSTATUS(status) ? "pass" : "fail");
	return 0;
}
