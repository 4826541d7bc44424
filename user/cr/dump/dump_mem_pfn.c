// SPDX-License-Identifier: GPL-2.0
/*
 * dump_mem_pfn.c - which pages pagemap shows are a task's own writes:
 * present or swapped, not a file page, not a guard page, and not the
 * shared zero page (or THP's huge zero page). Those are mapped on read
 * faults of anonymous memory and look present and anonymous, so they are
 * recognised by their frame numbers, learnt from read faults of our own.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dump_mem.h"
#include "page.h"

static uint64_t zero_pfn = PM_PFN_MASK, huge_zero_pfn = PM_PFN_MASK;

static uint64_t own_pfn(const volatile char *p)
{
	uint64_t pme = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return PM_PFN_MASK;
	(void)*p;
	if (pread(fd, &pme, sizeof(pme), ((uintptr_t)p / PAGE) * sizeof(pme)) != sizeof(pme))
		pme = 0;
	close(fd);
	return (pme & PM_PRESENT) && (pme & PM_PFN_MASK) ? pme & PM_PFN_MASK : PM_PFN_MASK;
}

void dump_mem__learn_zero_pfns(void)
{
	const size_t huge = 2UL << 20;
	char *p;

	if (zero_pfn != PM_PFN_MASK)
		return;
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		zero_pfn = own_pfn(p);
		munmap(p, PAGE);
	}
	p = mmap(NULL, 2 * huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		char *aligned = (char *)(((uintptr_t)p + huge - 1) & ~(huge - 1));

		madvise(aligned, huge, MADV_HUGEPAGE);
		huge_zero_pfn = own_pfn(aligned);
		if (huge_zero_pfn == zero_pfn)
			huge_zero_pfn = PM_PFN_MASK;
		munmap(p, 2 * huge);
	}
}

bool dump_mem__page_wanted(uint64_t pme)
{
	uint64_t pfn = pme & PM_PFN_MASK;

	/* A guard page looks swapped out; it has no contents. */
	if (pme & PM_GUARD)
		return false;
	if (pme & PM_SWAPPED)
		return true;
	if (!(pme & PM_PRESENT) || (pme & PM_FILE) || pfn == zero_pfn)
		return false;
	return huge_zero_pfn == PM_PFN_MASK || pfn < huge_zero_pfn || pfn >= huge_zero_pfn + 512;
}
