/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_mem.h - a task's VMAs and pages (dump_mem.c); shared memory is
 * dump_shmem.h's.
 */
#ifndef PT_DUMP_MEM_H
#define PT_DUMP_MEM_H

#include "dump_ctx.h"
#include "pagemap.pb-c.h"

/* VMAs and pages of a live task. */
int dump_mem__task(struct dump_ctx *ctx, struct dump_task *t);
/* pagemap's bits (dump_mem_pfn.c reads them too). */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_GUARD (1ULL << 58) /* a guard page (MADV_GUARD_INSTALL), 6.15+ */
#define PM_FILE (1ULL << 61)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* The zero pages' frame numbers, learnt once (before dump_mem__page_wanted()). */
void dump_mem__learn_zero_pfns(void);
/*
 * Not the zero page, a guard page or a file page: stored (dump_cow.c asks
 * too). Context: after dump_mem__learn_zero_pfns().
 */
bool dump_mem__page_wanted(uint64_t pme);
/* Append a run of pages to @entries, merged with the last one. */
int dump_mem__append_run(PagemapEntry ***entries, size_t *n, uint64_t vaddr, uint32_t nr,
			 uint64_t off);
/*
 * The text of /proc/@pid/smaps in @buf (split in place) into @mm's VMAs;
 * file mappings are looked up in /proc/@pid/map_files. Return: 0, or
 * -EOPNOTSUPP for a mapping restore cannot do (printed), other -errno.
 */
int dump_mem__parse_smaps(struct dump_ctx *ctx, pid_t pid, char *buf, MmImage *mm);

#endif
