/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explain.h - turn raw tracer records into explanations.
 *
 * The kernel side reports generations, deaths, OOM choices and lineage
 * separately; explain ties a death to the generation that caused it (the
 * two can be far apart: a blocked signal, a slow exit), symbolizes stacks,
 * resolves cgroups, picks the cause class and writes the sentence a user
 * reads. Output modules get finished struct xrec records only.
 */
#ifndef PT_EXPLAIN_H
#define PT_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "xrecs.h"

struct explain;

struct explain_opts {
	bool report_signals; /* emit a XREC_SIGNAL record for every generation */
	bool symbolize_user; /* symbolize user stacks (libdwfl) */
	/*
	 * Name a kernel stack only where the cause needs it (not for a kill
	 * syscall's): for a caller that never prints kernel stacks, so that
	 * /proc/kallsyms (35-150 ms to read) is read only for a kernel-made
	 * death. Otherwise every stack is named.
	 */
	bool kstacks_for_cause;
	int (*emit)(void *ctx, const struct xrec *r);
	void *ctx;
};

struct explain *explain__new(const struct explain_opts *opts);
void explain__free(struct explain *ex);
/* Feed one raw record from the tracer. Return: 0 or the emit callback's error. */
int explain__feed(struct explain *ex, const void *data, size_t size);
/*
 * Declare that the death of @pid by signal @signo is planned (a restore
 * helper, a rollback): its record gets @cause, expected = true and @why as
 * detail -- only if the generation that killed it is @signo, sent with a
 * kill syscall by thread group @sender, at or after @since_ns (monotonic:
 * the decision). Any other death of @pid keeps the cause its records
 * show, unexpected.
 */
int explain__expect(struct explain *ex, uint32_t pid, uint32_t sender, int signo, uint64_t since_ns,
		    enum cause cause, const char *why);
/*
 * Generations of @signo (0: any) delivered to a thread group whose exit
 * record has not been read yet: kills whose deaths are still to come.
 */
size_t explain__pending(const struct explain *ex, int signo);
/* Emit what is still held back (deaths waiting for a related record): call before the end. */
int explain__flush(struct explain *ex);
/* Write r->detail, the sentence for r's cause (explain_words.c). */
void explain_words__detail(struct xrec *r);
/*
 * What a kill syscall aimed at (explain_words.c): "process" (one pid),
 * "own-group" (kill(0)), "group" (kill(-N)), "all" (kill(-1)); NULL when
 * r is not a kill() with known arguments. @words (may be NULL) gets the
 * phrase: "its own process group 4193 (3 processes)", "every process it
 * may signal"; "" for "process".
 */
const char *explain_words__kill_target(const struct xrec *r, char *words, size_t len);
/* Counters for the summary. */
uint64_t explain__deaths(const struct explain *ex);
uint64_t explain__signals(const struct explain *ex);

#endif
