/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xrecs.h - explained records kept for after the trace: the deaths of
 * `pidtrace run`'s report, of the timelines of run and watch, and of the
 * restore's report (watchdog.c). A plain growing array, read directly
 * (v[0..n-1]); zero-initialised it is empty.
 */
#ifndef PT_XRECS_H
#define PT_XRECS_H

#include <stddef.h>

#include "explain.h"

struct xrecs {
	struct xrec *v;
	size_t n, cap;
};

int xrecs__push(struct xrecs *a, const struct xrec *r);
void xrecs__free(struct xrecs *a);

#endif
