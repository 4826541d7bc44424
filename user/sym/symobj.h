/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symobj.h - the files user frames are symbolized from, each opened once:
 * an offline libdwfl session per object (its ELF, symbol tables and
 * DWARF, found the standard way: the file itself, .gnu_debuglink,
 * /usr/lib/debug by build id), keyed like symcache.h by what the file is
 * (build id, or device + inode + mtime), never by its path.
 *
 * A storm of kills sent by many short-lived processes of one binary costs
 * one ELF open, not one per process. A path is only where to open an
 * object that is not cached yet, and what is opened there must prove it is
 * that object (same build id, or same device, inode and mtime), else
 * nothing is symbolized from it: a binary replaced on disk is a new object.
 *
 * Bounded: at most max_objects sessions (SYMOBJ_DEFAULT_MAX: 32; one holds
 * a file's symbol tables and line tables, up to a few MiB for a large
 * library with debug info), the least recently used closed first. A path
 * that failed (missing, or another object) is not tried again for a
 * second. The build ids of SYMOBJ_FILES (256) files are remembered (about
 * 20 KiB). Not thread-safe.
 */
#ifndef PT_SYMOBJ_H
#define PT_SYMOBJ_H

#include <stddef.h>
#include <stdint.h>

#include "symcache.h"
#include "usym.h"

#define SYMOBJ_DEFAULT_MAX 32
#define SYMOBJ_FILES 256

struct symobj_stats {
	uint64_t opens, open_failures, evictions;
	size_t objects;
};

struct symobj_cache;

/* @max_objects: 0 for SYMOBJ_DEFAULT_MAX. NULL on ENOMEM. */
struct symobj_cache *symobj__new(size_t max_objects);
void symobj__free(struct symobj_cache *oc);
/**
 * symobj__resolve() - symbolize the byte at file offset @off of object @id
 * @oc: the cache
 * @id: what the object is
 * @path: where to open it if it is not cached
 * @off: offset in the file (a return address: the offset of the call)
 * @out: func, offset, file, line and addr (the address of @off in the
 *	object's link-time layout) are set, the rest zeroed: the module path
 *	is the caller's to fill
 *
 * Return: 0 (func may still be empty: no symbol there), -ESTALE when the
 * file at @path is not @id, -ENOENT (cannot open), -ENOEXEC (not ELF),
 * -ERANGE (@off is in no loaded segment), -ENOMEM.
 */
int symobj__resolve(struct symobj_cache *oc, const struct symcache_id *id, const char *path,
		    uint64_t off, struct usym_loc *out);
/**
 * symobj__file_build_id() - the GNU build id of a file, remembered
 * @oc: the cache
 * @file: the file (an SYMCACHE_INODE id: device, inode, mtime)
 * @path: where to open it if its build id is not remembered
 * @build_id: set on success (zero-padded)
 *
 * Tells whether a file a process maps is the one the kernel named by build
 * id in a stack, at the cost of one open per file, not per process.
 * Remembered in SYMOBJ_FILES slots (a direct-mapped table: a collision
 * forgets the older file).
 *
 * Return: 0, -ENODATA (the file has no build id), -ESTALE (@path is
 * another file now), -errno of open().
 */
int symobj__file_build_id(struct symobj_cache *oc, const struct symcache_id *file,
			  const char *path, uint8_t build_id[SYMCACHE_BUILD_ID_LEN]);
void symobj__stats(const struct symobj_cache *oc, struct symobj_stats *st);

#endif
