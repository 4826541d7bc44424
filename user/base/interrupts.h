/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interrupts.h - the signals that ask pidtrace to stop (SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT) while it holds other processes. dump and restore block
 * them and look for them between steps, so that a tracee is never left
 * half-changed: a dump lets the tree go untouched, a restore rolls back.
 */
#ifndef PT_INTERRUPTS_H
#define PT_INTERRUPTS_H

#include <signal.h>

/* The four signals, in @set. */
void interrupts__set(sigset_t *set);

/* Block them (and ignore SIGPIPE: a closed reader is an error return, not a death). */
void interrupts__block(void);

/* Return: the first of them pending, or 0. */
int interrupts__pending(void);

#endif
