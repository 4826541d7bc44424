// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_bigmem [MiB [OUT]] - a large anonymous mapping (default 256 MiB) filled
 * with a pattern, its checksum taken before the dump; a page written then
 * made read-only with mprotect; a page never touched (must read as zeros).
 * OUT: the first OUT MiB of it paged out (MADV_PAGEOUT: to swap, if any),
 * and its page at 3 MiB dropped before the checksum (MADV_DONTNEED: the
 * dump's runs of pages break there).
 */
#include <stdint.h>
#include <sys/mman.h>

#include "zdtm.h"

static uint64_t sum(const uint64_t *p, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256, len = mib << 20, i, n = len / 8;
	uint64_t *big, before, x = 88172645463325252ULL;
	char *ro, *zero;

	zdtm_init();
	big = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zero = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED || ro == MAP_FAILED || zero == MAP_FAILED)
		zdtm_fail("mmap");
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		big[i] = x;
	}
	if (argc > 2 && len > (4 << 20) && madvise((char *)big + (3 << 20), 4096, MADV_DONTNEED))
		zdtm_fail("madvise(MADV_DONTNEED)");
	before = sum(big, n);
	strcpy(ro, "written, then read-only");
	if (mprotect(ro, 4096, PROT_READ))
		zdtm_fail("mprotect");
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
	if (argc > 2 && madvise(big, strtoul(argv[2], NULL, 0) << 20, MADV_PAGEOUT))
		zdtm_fail("madvise(MADV_PAGEOUT)");
	zdtm_ready();
	zdtm_wait_term();
	if (sum(big, n) != before)
		zdtm_fail("checksum of %zu MiB changed", mib);
	if (strcmp(ro, "written, then read-only"))
		zdtm_fail("read-only page lost its contents: '%.30s'", ro);
	for (i = 0; i < (1 << 20); i++)
		if (zero[i])
			zdtm_fail("untouched page not zero at %zu", i);
	if (mprotect(ro, 4096, PROT_READ | PROT_WRITE))
		zdtm_fail("mprotect back");
	return zdtm_pass();
}
