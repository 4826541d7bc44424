/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buildid.h - symbolize user stack frames given as (build id, file offset),
 * as the BPF side records them, without the process that ran them: a
 * killer that exits right after its kill can still be named down to
 * function and file:line. Files are found by build id among the files the
 * caller registered (its own mappings, the binaries the traced tree ran).
 */
#ifndef PT_BUILDID_H
#define PT_BUILDID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "usym.h"

struct buildid_cache;

struct buildid_cache *buildid__new(void);
void buildid__free(struct buildid_cache *bc);
/* Remember ELF file @path under its GNU build id. Return: 0, -ENODATA (none) or -errno. */
int buildid__add_file(struct buildid_cache *bc, const char *path);
/* Remember every ELF file mapped by @pid (0: pidtrace itself). Return: files added or -errno. */
int buildid__add_maps(struct buildid_cache *bc, pid_t pid);
/*
 * Symbolize the byte at file offset @offset of the file with build id @id
 * (20 bytes). Return: 0, -ENOENT when no registered file has that id.
 */
int buildid__resolve(struct buildid_cache *bc, const uint8_t id[20], uint64_t offset,
		     struct usym_loc *out);

#endif
