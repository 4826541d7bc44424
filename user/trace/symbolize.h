/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symbolize.h - the stacks of an explanation in names: kernel frames from
 * /proc/kallsyms ("func+0x1f"), user frames with libdwfl ("func+0x12
 * (file.c:42) [module]"), from the live sender or, when it is gone, from
 * the build id and file offset the kernel recorded.
 *
 * User frames are cached by file identity and offset (symcache.h), each
 * file is opened once (symobj.h) and each sender's mappings read once
 * (pidmaps.h): a storm of kills from the same code costs a hash lookup per
 * frame. The caches are bounded; pidtrace -v prints their counters.
 */
#ifndef PT_SYMBOLIZE_H
#define PT_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xrecs.h"

struct symbolizer;

/* @user: also symbolize user stacks (libdwfl, build ids). NULL on ENOMEM. */
struct symbolizer *symbolize__new(bool user);
void symbolize__free(struct symbolizer *s);
/* Name kernel stacks only where a cause needs them (explain_opts.kstacks_for_cause). */
void symbolize__kstacks_for_cause(struct symbolizer *s);
bool symbolize__every_kstack(const struct symbolizer *s);
/*
 * Fill r->kstack/r->nk from @sz bytes of addresses @ips, leaving out the
 * tracer's own frames; @names gets the bare function names (NULL unknown).
 */
void symbolize__kstack(struct symbolizer *s, struct xrec *r, const __u64 *ips, int sz,
		       const char **names);
/* Fill r->ustack/r->nu, r->sender_fn and r->sender_src from @u of sender @pid. */
void symbolize__ustack(struct symbolizer *s, struct xrec *r, uint32_t pid,
		       const struct pt_ustack *u);
/*
 * Unwind @u with the CFI of the sender's binaries from what the BPF side
 * recorded (@d, @avail bytes of the record): see unwind.h. Call it when
 * the record is read, before @u is kept for later.
 */
void symbolize__unwind(struct symbolizer *s, uint32_t pid, uint32_t tid,
		       const struct pt_dwarf_stack *d, size_t avail, struct pt_ustack *u);
/* What symbolizing user stacks cost so far (pidtrace -v prints it at the end). */
struct symbolize_stats {
	uint64_t stacks, stack_ns;	   /* user stacks, time spent on them */
	uint64_t frame_hits, frame_misses; /* frames found in the cache, or not */
	uint64_t frame_evictions;
	size_t frames_kept;
	uint64_t file_opens, file_open_failures; /* object files opened */
	uint64_t maps_reads;			  /* /proc/PID/maps read */
};

void symbolize__stats(const struct symbolizer *s, struct symbolize_stats *st);
/* Register a binary a traced task runs (or ran: @pid's exec of @filename). */
int symbolize__add_binary(struct symbolizer *s, const char *path);
void symbolize__add_exec(struct symbolizer *s, uint32_t pid, const char *filename);

#endif
