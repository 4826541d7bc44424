/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unwind_maps.h - the mappings a recorded stack is unwound through
 * (unwind_maps.c), for unwind.c.
 */
#ifndef PT_UNWIND_MAPS_H
#define PT_UNWIND_MAPS_H

#include <elfutils/libdwfl.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidtrace.h"

struct buildid_cache;

/*
 * The files to unwind through, each where its offset 0 was mapped: the
 * main executable the BPF side recorded, and every file the kernel's
 * build-id walk named a frame in (the C library at least: the first frame
 * is the syscall's), at ip - file offset.
 */
struct uw_maps {
	uint32_t n;
	struct pt_umap m[PT_UMAPS + PT_USTACK_DEPTH];
};

/* Collect into @out the files of @d (the main executable) and @u's build-id frames. */
void unwind_maps__collect(const struct pt_dwarf_stack *d, const struct pt_ustack *u,
			  struct uw_maps *out);
/* A key of @ms: two stacks with the same key unwind through the same files. */
uint64_t unwind_maps__key(const struct uw_maps *ms);
/* A libdwfl session with every file of @d reported where @pid had it. NULL: none. */
Dwfl *unwind_maps__report(struct buildid_cache *bids, pid_t pid, const struct uw_maps *d);

#endif
