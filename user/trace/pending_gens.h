/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pending_gens.h - generations of fatal signals waiting for their victim's
 * death (explain.c ties them together).
 *
 * Keyed by the victim's thread group. A group keeps at most
 * PENDING_GENS_MAX_PER_GROUP generations (a storm of kills to one group
 * says nothing more after the first few); a generation that never leads
 * to a death (blocked, handled later...) ages out after two minutes,
 * checked whenever its bucket is touched, so the table stays bounded
 * without a timer.
 */
#ifndef PT_PENDING_GENS_H
#define PT_PENDING_GENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pidtrace.h"

#define PENDING_GENS_MAX_PER_GROUP 8

/* One generation, with the sender's user stack when it was recorded. */
struct pending_gen {
	struct pending_gen *next;
	struct pt_signal_event ev;
	bool has_u;
	struct pt_ustack u;
};

struct pending_gens;

struct pending_gens *pending_gens__new(void);
void pending_gens__free(struct pending_gens *pg);

/* Remember @ev (and @u, may be NULL); silently dropped past the per-group cap. */
void pending_gens__add(struct pending_gens *pg, const struct pt_signal_event *ev,
		       const struct pt_ustack *u);

/* Take every generation for @tgid out of the table: a list, oldest first. */
struct pending_gen *pending_gens__take(struct pending_gens *pg, uint32_t tgid);

/* Free a list from pending_gens__take(); accepts NULL. */
void pending_gens__free_list(struct pending_gen *list);

/* How many generations wait, of signal @signo (0: of any). */
size_t pending_gens__count(const struct pending_gens *pg, int signo);

#endif
