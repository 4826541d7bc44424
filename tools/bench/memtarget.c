// SPDX-License-Identifier: GPL-2.0
/*
 * memtarget MIB [half] REPORT - a dump/restore target with MIB MiB of
 * private anonymous memory, every 8-byte word set to bench_pattern() of its
 * offset (no zero page anywhere, so nothing can be skipped).
 *
 * "half" touches only every other 4 KiB page (transparent huge pages off
 * for the region): half the range is never populated and must cost
 * nothing. Pages are populated in bulk (MADV_POPULATE_WRITE): a page fault
 * per page is ~10x slower on these VMs and would dominate the setup.
 *
 * Once ready it writes "ready addr=A len=L touched=T" to REPORT and sleeps.
 * On SIGTERM (after a restore) it checks every touched word and that every
 * untouched page still reads as zeros, writes "pass" or "fail ..." to
 * REPORT, and exits 0 or 1. stdio is closed so that the process only holds
 * what a dump supports.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PAGE 4096UL

static volatile sig_atomic_t term;

static void on_term(int sig)
{
	term = 1;
}

static void report(const char *path, const char *fmt, ...)
{
	char tmp[4096], line[256];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Write then rename: a reader never sees half a line. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, n) != n || close(fd) || rename(tmp, path))
		exit(1);
}

static void fill(uint64_t *base, size_t off, size_t len)
{
	size_t i;

	for (i = off; i < off + len; i += 8)
		base[i / 8] = bench_pattern(i);
}

static size_t check(const uint64_t *base, size_t len, int half)
{
	size_t off, i, bad = 0;

	for (off = 0; off < len; off += PAGE) {
		int touched = !half || !(off / PAGE & 1);

		for (i = off; i < off + PAGE; i += 8)
			if (base[i / 8] != (touched ? bench_pattern(i) : 0))
				bad++;
	}
	return bad;
}

int main(int argc, char **argv)
{
	size_t mib, len, off, bad;
	const char *rep;
	struct sigaction sa = {.sa_handler = on_term};
	uint64_t *base;
	sigset_t none, term_set;
	int half = 0;

	bench_prog = "memtarget";
	if (argc == 4 && !strcmp(argv[2], "half"))
		half = 1;
	else if (argc != 3) {
		fprintf(stderr, "usage: memtarget MIB [half] REPORT\n");
		return 2;
	}
	mib = bench_num(argv[1], "MIB");
	rep = argv[argc - 1];
	len = mib << 20;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		bench_die("mmap %zu MiB", mib);
	if (half) {
		if (madvise(base, len, MADV_NOHUGEPAGE))
			bench_die("MADV_NOHUGEPAGE");
		for (off = 0; off < len; off += 2 * PAGE) {
			if (madvise((char *)base + off, PAGE, MADV_POPULATE_WRITE))
				bench_die("MADV_POPULATE_WRITE");
			fill(base, off, PAGE);
		}
	} else {
		if (madvise(base, len, MADV_POPULATE_WRITE))
			bench_die("MADV_POPULATE_WRITE");
		fill(base, 0, len);
	}
	sigemptyset(&none);
	sigemptyset(&term_set);
	sigaddset(&term_set, SIGTERM);
	/* Blocked until sigsuspend(): a SIGTERM cannot slip in before it. */
	sigprocmask(SIG_BLOCK, &term_set, NULL);
	sigaction(SIGTERM, &sa, NULL);
	close(0);
	close(1);
	close(2);
	report(rep, "ready addr=%p len=%zu touched=%zu\n", (void *)base, len, half ? len / 2 : len);
	alarm(3600);
	while (!term)
		sigsuspend(&none);
	bad = check(base, len, half);
	if (bad) {
		report(rep, "fail %zu words differ\n", bad);
		return 1;
	}
	report(rep, "pass\n");
	return 0;
}
