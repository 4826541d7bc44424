// SPDX-License-Identifier: GPL-2.0
/*
 * copypath MIB BATCH_KIB MODE FILE - the ways a dump can move MIB MiB of
 * anonymous memory into an image file with its crc32, timed alone (no
 * ptrace: the memory is the program's own, which is what the target sees
 * when it runs a call pidtrace injects). MODE:
 *
 *   readv    process_vm_readv() into a BATCH_KIB buffer, crc32 of the
 *            buffer, write(): what dump_mem.c does (two copies)
 *   splice   vmsplice() of BATCH_KIB into a pipe (the pages are referenced,
 *            not copied), splice() into the file (one copy); the crc32 read
 *            back from the file's pages through one mapping at the end
 *   nocrc    splice without the crc32: the floor of the splice path
 *   splicel2 splice, the crc32 of each batch read back from the file's
 *            pages right after it is spliced (still in the cache)
 *   mmapw    the file sized first and mapped shared; each batch populated
 *            (MADV_POPULATE_WRITE), then process_vm_readv() straight into
 *            the file's pages (one copy, no injected call), crc32 of the
 *            batch from there (in the cache)
 *
 * Prints "mode=M batch=B wall_ms=W cpu_ms=C crc=X". A pipe holds at most
 * /proc/sys/fs/pipe-max-size (1 MiB) without CAP_SYS_RESOURCE.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <isa-l/crc.h>

#include "bench.h"

static uint64_t cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static uint32_t by_readv(const char *src, size_t len, size_t batch, int fd)
{
	char *buf = malloc(batch);
	struct iovec l, r;
	uint32_t crc = 0;
	size_t off;

	if (!buf)
		bench_die("malloc");
	memset(buf, 0, batch);
	for (off = 0; off < len; off += batch) {
		l.iov_base = buf;
		r.iov_base = (void *)(src + off);
		l.iov_len = r.iov_len = batch;
		if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != (ssize_t)batch)
			bench_die("process_vm_readv");
		crc = crc32_gzip_refl(crc, (unsigned char *)buf, batch);
		if (write(fd, buf, batch) != (ssize_t)batch)
			bench_die("write");
	}
	free(buf);
	return crc;
}

static uint32_t by_splice(const char *src, size_t len, size_t batch, int fd, int crc_too)
{
	struct iovec r;
	unsigned char *m;
	uint32_t crc = 0;
	ssize_t n;
	size_t off, left;
	int p[2];

	if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, batch) < 0)
		bench_die("pipe of %zu bytes", batch);
	for (off = 0; off < len; off += batch) {
		r.iov_base = (void *)(src + off);
		r.iov_len = batch;
		if (vmsplice(p[1], &r, 1, 0) != (ssize_t)batch)
			bench_die("vmsplice");
		for (left = batch; left; left -= n) {
			n = splice(p[0], NULL, fd, NULL, left, SPLICE_F_MOVE);
			if (n <= 0)
				bench_die("splice");
		}
	}
	if (crc_too) {
		m = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
		if (m == MAP_FAILED)
			bench_die("mmap");
		crc = crc32_gzip_refl(0, m, len);
		munmap(m, len);
	}
	close(p[0]);
	close(p[1]);
	return crc;
}

static uint32_t by_splice_l2(const char *src, size_t len, size_t batch, int fd)
{
	struct iovec r;
	unsigned char *m;
	uint32_t crc = 0;
	ssize_t n;
	size_t off, left;
	int p[2];

	if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, batch) < 0)
		bench_die("pipe of %zu bytes", batch);
	if (ftruncate(fd, len))
		bench_die("ftruncate");
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		bench_die("mmap");
	for (off = 0; off < len; off += batch) {
		r.iov_base = (void *)(src + off);
		r.iov_len = batch;
		if (vmsplice(p[1], &r, 1, 0) != (ssize_t)batch)
			bench_die("vmsplice");
		for (left = batch; left; left -= n) {
			n = splice(p[0], NULL, fd, NULL, left, SPLICE_F_MOVE);
			if (n <= 0)
				bench_die("splice");
		}
		if (madvise(m + off, batch, MADV_POPULATE_READ))
			bench_die("MADV_POPULATE_READ");
		crc = crc32_gzip_refl(crc, m + off, batch);
	}
	munmap(m, len);
	close(p[0]);
	close(p[1]);
	return crc;
}

static uint32_t by_mmap_write(const char *src, size_t len, size_t batch, int fd)
{
	struct iovec l, r;
	unsigned char *m;
	uint32_t crc = 0;
	size_t off;

	if (ftruncate(fd, len))
		bench_die("ftruncate");
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		bench_die("mmap");
	for (off = 0; off < len; off += batch) {
		if (madvise(m + off, batch, MADV_POPULATE_WRITE))
			bench_die("MADV_POPULATE_WRITE");
		l.iov_base = m + off;
		r.iov_base = (void *)(src + off);
		l.iov_len = r.iov_len = batch;
		if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != (ssize_t)batch)
			bench_die("process_vm_readv");
		crc = crc32_gzip_refl(crc, m + off, batch);
	}
	munmap(m, len);
	return crc;
}

int main(int argc, char **argv)
{
	size_t len, batch, i;
	uint64_t t0, c0;
	uint32_t crc;
	char *src;
	int fd;

	bench_prog = "copypath";
	if (argc != 5)
		bench_die("usage: copypath MIB BATCH_KIB readv|splice|nocrc|splicel2|mmapw FILE");
	len = bench_num(argv[1], "MIB") << 20;
	batch = bench_num(argv[2], "BATCH_KIB") << 10;
	if (len % batch)
		bench_die("MIB must be a multiple of BATCH_KIB");
	src = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	if (src == MAP_FAILED)
		bench_die("mmap");
	for (i = 0; i < len; i += 8)
		*(uint64_t *)(src + i) = bench_pattern(i);
	fd = open(argv[4], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		bench_die("%s", argv[4]);
	t0 = bench_now_ns();
	c0 = cpu_ns();
	if (!strcmp(argv[3], "readv"))
		crc = by_readv(src, len, batch, fd);
	else if (!strcmp(argv[3], "splice") || !strcmp(argv[3], "nocrc"))
		crc = by_splice(src, len, batch, fd, !strcmp(argv[3], "splice"));
	else if (!strcmp(argv[3], "splicel2"))
		crc = by_splice_l2(src, len, batch, fd);
	else if (!strcmp(argv[3], "mmapw"))
		crc = by_mmap_write(src, len, batch, fd);
	else
		bench_die("unknown mode '%s'", argv[3]);
	printf("mode=%s batch=%zu wall_ms=%.1f cpu_ms=%.1f crc=%08x\n", argv[3], batch >> 10,
	       (bench_now_ns() - t0) / 1e6, (cpu_ns() - c0) / 1e6, crc);
	unlink(argv[4]);
	close(fd);
	return 0;
}
