/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page_crc.h - the crc32 (zlib) of a region of memory, computed on a
 * second thread while the caller works on the same region.
 *
 * Restore checks the data checksum of a pages file without reading the
 * data twice and without making the copy wait: the copy and the checksum
 * read the same mapping of the file at the same time, on two cores. The
 * checksum folds 64 bytes at a time with carry-less multiplication
 * (PCLMULQDQ; zlib's crc32 where the CPU lacks it): ~7.7 GB/s here, zlib
 * ~4, a restore's copy ~2. The thread only reads the region: every ptrace
 * and remote call stays on the caller's thread. When no thread can be
 * made, page_crc__wait() computes the checksum itself.
 */
#ifndef PT_PAGE_CRC_H
#define PT_PAGE_CRC_H

#include <stdint.h>

struct page_crc;

/**
 * page_crc__start() - start computing the crc32 of @len bytes at @data.
 * The region must stay mapped until page_crc__wait() or page_crc__free().
 * Return: 0 or -ENOMEM.
 */
int page_crc__start(const void *data, uint64_t len, struct page_crc **out);

/* page_crc__wait() - wait for the checksum. Return: the crc32 of the region. */
uint32_t page_crc__wait(struct page_crc *pc);

/*
 * Free; the thread stops at its next chunk if it is still running (the
 * caller failed and no longer needs the checksum). Accepts NULL.
 */
void page_crc__free(struct page_crc *pc);

#endif
