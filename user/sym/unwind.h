/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unwind.h - a sender's user stack unwound with the CFI of its binaries
 * (.eh_frame, .debug_frame), from the registers and the stack copy the
 * BPF side took at the signal (struct pt_dwarf_stack), the way perf
 * --call-graph dwarf does: code built without frame pointers (most
 * distribution code) unwinds as well as code with them.
 *
 * The files are found by the build id recorded for each executable
 * mapping (buildid.h), or, while the sender lives, through
 * /proc/PID/map_files; they are reported to libdwfl where they were
 * mapped at the signal, so a sender that has exited, exec'd or replaced
 * its memory since unwinds the same.
 *
 * Never a wrong frame: a frame is kept only when the frame below it was
 * unwound with CFI (libdwfl falls back to a frame-pointer guess where
 * there is none) and it lies in an executable file mapping of the
 * sender. The first frame that cannot be proven ends the stack, which is
 * then marked truncated.
 */
#ifndef PT_UNWIND_H
#define PT_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidtrace.h"

struct unwinder;
struct buildid_cache;

/* @bids: where files are found by build id, and registered once found. */
struct unwinder *unwind__new(struct buildid_cache *bids);
void unwind__free(struct unwinder *uw);

/**
 * unwind__stack() - replace the frames of @u with the CFI-unwound ones
 * @uw: the unwinder
 * @pid: the sender's thread group
 * @tid: the sender thread
 * @d: what the BPF side recorded
 * @avail: bytes of @d the record holds (its stack copy may be shorter)
 * @u: the frame-pointer walk of the same record, rewritten: method
 *	PT_USTACK_DWARF when the CFI unwind gave frames, else
 *	PT_USTACK_FP_CHECKED (the fp frames cut at the first one in no
 *	executable mapping); PT_USTACK_TRUNCATED in flags when frames past
 *	the last could not be proven
 *
 * Return: 0, or -EINVAL when @d is not usable (then @u is unchanged).
 */
int unwind__stack(struct unwinder *uw, pid_t pid, pid_t tid, const struct pt_dwarf_stack *d,
		  size_t avail, struct pt_ustack *u);

/* "dwarf", "fp" or "fp-checked": the JSON's stack_method. */
const char *unwind__method_name(uint32_t method);

/*
 * The stack copy a ring of @ring_bytes can take: a record at most an
 * eighth of the ring (a tiny ring gets no copy: the frame-pointer walk).
 */
uint32_t unwind__fit_stack_bytes(uint32_t want, size_t ring_bytes);

/* --stack-bytes N: 0 to PT_STACK_BYTES_MAX, a multiple of 8. Return: 0, or -EINVAL after a message.
 */
int unwind__parse_stack_bytes(const char *arg, int *out);

#endif
