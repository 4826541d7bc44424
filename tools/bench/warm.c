// SPDX-License-Identifier: GPL-2.0
/*
 * warm MIB - touch MIB MiB of fresh anonymous memory, in 4 KiB pages as
 * the page cache and a restore use them, and free it again.
 *
 * On these VMs free memory goes back to the host (virtio-balloon free page
 * reporting, about 2 s after it is freed), and the first touch of such a
 * page costs a host fault: a 1 GiB write into the page cache takes ~3 s
 * cold and ~0.5 s warm. Run just before a measurement, this makes it
 * measure the warm case, the same for every contender.
 */
#include <sys/mman.h>

#include "bench.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int main(int argc, char **argv)
{
	size_t len;
	uint64_t t0;
	char *p;

	bench_prog = "warm";
	if (argc != 2) {
		fprintf(stderr, "usage: warm MIB\n");
		return 2;
	}
	len = bench_num(argv[1], "MIB") << 20;
	t0 = bench_now_ns();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bench_die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	if (madvise(p, len, MADV_POPULATE_WRITE))
		bench_die("MADV_POPULATE_WRITE");
	printf("warm_mib=%zu ns=%llu\n", len >> 20, (unsigned long long)(bench_now_ns() - t0));
	munmap(p, len);
	return 0;
}
