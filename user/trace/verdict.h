/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.h - one sentence per death, in plain words, that puts the
 * explanation and the lineage together and names the pattern when there is
 * one: a creator killing its own short-lived helper after opening a pidfd
 * on it (CRIU's dead-pidfd helper), a parent's death firing its child's
 * PR_SET_PDEATHSIG, a supervisor's timeout kill.
 */
#ifndef PT_VERDICT_H
#define PT_VERDICT_H

#include <stddef.h>

#include "explain.h"
#include "lineage.h"

enum verdict_pattern {
	PATTERN_NONE = 0,
	PATTERN_DEAD_PIDFD_HELPER,
	PATTERN_PARENT_DEATH,
	PATTERN_SUPERVISOR_TIMEOUT,
};

const char *verdict__pattern_name(enum verdict_pattern p);
/*
 * Write the verdict on death @r into @buf. @task is the victim's lineage
 * (may be NULL), @l the whole tree's (to look up the sender and parents).
 * Return: the pattern recognised.
 */
enum verdict_pattern verdict__write(const struct xrec *r, const struct lineage_task *task,
				    const struct lineage *l, char *buf, size_t len);

#endif
