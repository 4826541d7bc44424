/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_joinns.h - `restore --join-ns KIND:PATH`: the tree is made in an
 * existing net, uts or ipc namespace (restore_joinns.c).
 */
#ifndef PT_RESTORE_JOINNS_H
#define PT_RESTORE_JOINNS_H

#include "restore_ctx.h"

struct verify;

/* --join-ns @arg. Return: 0, or -EINVAL after saying why in one line. */
int restore_joinns__add(const char *arg);
/*
 * The check step, before any task or socket exists: the image's external
 * namespaces against --join-ns (one missing: refused), then pidtrace's
 * main thread joins each, so that every stub it forks, the --pidns init
 * and every socket it opens are made there. Return: 0 or -errno (failed).
 */
int restore_joinns__check(struct restore_ctx *ctx);
/* Verify: the task is in the namespace joined (or pidtrace's) of each kind. */
int restore_joinns__verify(struct verify *v);

#endif
