// SPDX-License-Identifier: GPL-2.0
/*
 * test_page_crc - the checksum computed on a second thread is zlib's crc32
 * of the region, whatever its size; one changed byte changes it; freeing
 * it unasked stops the thread.
 */
#include <stdlib.h>

#include <zlib.h>

#include "page_crc.h"
#include "unit.h"

static uint32_t zlib_crc(const unsigned char *p, size_t len)
{
	uLong crc = crc32(0, NULL, 0);
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < (1u << 30) ? len - off : (1u << 30);
		crc = crc32(crc, p + off, (uInt)n);
	}
	return (uint32_t)crc;
}

static void crc_matches_zlib_at_every_size(void)
{
	static const size_t sizes[] = { 0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1,
					(5 << 20) + 4096 };
	size_t len = sizes[sizeof(sizes) / sizeof(sizes[0]) - 1], i;
	unsigned char *buf = malloc(len);
	struct page_crc *pc = NULL;
	size_t bad = 0;
	uint32_t got;

	CHECK(buf);
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (page_crc__start(buf, sizes[i], &pc)) {
			bad++;
			continue;
		}
		got = page_crc__wait(pc);
		/* Asking twice gives the same answer. */
		bad += page_crc__wait(pc) != got || got != zlib_crc(buf, sizes[i]);
		page_crc__free(pc);
	}
	free(buf);
	CHECK(bad == 0);
}

/* Any start (alignment) and length, across the 1 MiB chunks and the 64- and 16-byte blocks. */
static void crc_matches_zlib_at_any_offset_and_length(void)
{
	size_t len = (3 << 20) + 256, i, off, n, bad = 0;
	unsigned char *buf = malloc(len);
	struct page_crc *pc = NULL;

	CHECK(buf);
	srand(42);
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)rand();
	for (i = 0; i < 400; i++) {
		off = (size_t)rand() % 64;
		n = i < 300 ? (size_t)rand() % 600 : (size_t)rand() % (len - 64);
		if (page_crc__start(buf + off, n, &pc)) {
			bad++;
			continue;
		}
		bad += page_crc__wait(pc) != zlib_crc(buf + off, n);
		page_crc__free(pc);
	}
	free(buf);
	CHECK(bad == 0);
}

static void one_flipped_byte_changes_it(void)
{
	size_t len = 8 << 20;
	unsigned char *buf = calloc(1, len);
	struct page_crc *pc = NULL;
	uint32_t a, b;

	CHECK(buf);
	CHECK(page_crc__start(buf, len, &pc) == 0);
	a = page_crc__wait(pc);
	page_crc__free(pc);
	buf[len / 2 + 7] ^= 0x5a;
	CHECK(page_crc__start(buf, len, &pc) == 0);
	b = page_crc__wait(pc);
	page_crc__free(pc);
	free(buf);
	CHECK(a != b);
}

static void free_without_waiting_stops_the_thread(void)
{
	size_t len = 256 << 20;
	unsigned char *buf = malloc(len);
	struct page_crc *pc = NULL;

	CHECK(buf);
	memset(buf, 1, len);
	CHECK(page_crc__start(buf, len, &pc) == 0);
	page_crc__free(pc);
	/* The thread no longer reads it. */
	free(buf);
	page_crc__free(NULL);
}

UNIT_MAIN({
	RUN(crc_matches_zlib_at_every_size);
	RUN(crc_matches_zlib_at_any_offset_and_length);
	RUN(one_flipped_byte_changes_it);
	RUN(free_without_waiting_stops_the_thread);
})
