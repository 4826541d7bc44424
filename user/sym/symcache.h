/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symcache.h - a bounded cache of symbolized user frames:
 * (object identity, file offset) -> function, offset in it, source file:line.
 *
 * A kill storm symbolizes the same few call sites over and over; libdw
 * needs tens of microseconds per frame (a symbol table scan, the line
 * table), a hit here is a hash lookup. The key names the file by what it
 * is, never by its path: its GNU build id when the kernel gave one, else
 * its device, inode and modification time, so a binary replaced on disk
 * (new inode, new mtime or new build id) never hits an entry of the old
 * one. Entries hold what the file says at that offset, not where a process
 * mapped it: the module path and the process address are the caller's.
 *
 * At most max_entries entries (SYMCACHE_DEFAULT_ENTRIES: 4096 of 496
 * bytes, 1.9 MiB, plus 388 bytes per inlined function for the frames
 * inside inlined code, at most USYM_MAX_INLINE each), replaced by the clock algorithm (an entry hit since the hand
 * last passed it gets a second chance), so a long watch never grows it.
 * Not thread-safe: one thread owns a cache.
 */
#ifndef PT_SYMCACHE_H
#define PT_SYMCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "usym.h"

#define SYMCACHE_DEFAULT_ENTRIES 4096
#define SYMCACHE_BUILD_ID_LEN 20

enum symcache_kind {
	SYMCACHE_BUILD_ID = 1, /* build_id is set */
	SYMCACHE_INODE = 2,    /* dev, ino and mtime_ns are set */
};

/*
 * What a mapped file is. Build it with symcache__id_build_id() or
 * symcache__id_inode(): they zero the unused fields, so that two ids of
 * the same file compare (and hash) equal byte for byte.
 */
struct symcache_id {
	uint32_t kind; /* enum symcache_kind */
	uint32_t pad;
	uint64_t dev;
	uint64_t ino;
	int64_t mtime_ns;
	uint8_t build_id[SYMCACHE_BUILD_ID_LEN]; /* shorter ids are zero-padded */
	uint8_t pad2[4];
};

struct symcache_stats {
	uint64_t hits, misses, stores, evictions;
	size_t entries, max_entries;
};

struct symcache;

void symcache__id_build_id(struct symcache_id *id, const uint8_t build_id[SYMCACHE_BUILD_ID_LEN]);
void symcache__id_inode(struct symcache_id *id, uint64_t dev, uint64_t ino, int64_t mtime_ns);
bool symcache__id_equal(const struct symcache_id *a, const struct symcache_id *b);

/* @max_entries: 0 for SYMCACHE_DEFAULT_ENTRIES. NULL on ENOMEM. */
struct symcache *symcache__new(size_t max_entries);
void symcache__free(struct symcache *c);
/*
 * The frame at file offset @off of object @id. On a hit, sets out->func,
 * out->offset, out->file, out->line, out->addr and the inlined chain
 * (out->nr_inl, out->inl[], out->inl_cut) (the address in the
 * object's own link-time layout, as stored) and leaves the rest of @out
 * alone. Return: 0, or -ENOENT on a miss.
 */
int symcache__lookup(struct symcache *c, const struct symcache_id *id, uint64_t off,
		     struct usym_loc *out);
/*
 * Remember the func, offset, file, line, addr and inlined chain of @loc
 * for (@id, @off), replacing what was there; evicts an entry when the
 * cache is full.
 * Return: 0, -EINVAL for an id of no known kind, -ENOMEM.
 */
int symcache__store(struct symcache *c, const struct symcache_id *id, uint64_t off,
		    const struct usym_loc *loc);
void symcache__stats(const struct symcache *c, struct symcache_stats *st);

#endif
