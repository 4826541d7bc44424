/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_netmade.h - the tree's own net namespace, made again before the
 * first task (restore_netmade.c).
 */
#ifndef PT_RESTORE_NETMADE_H
#define PT_RESTORE_NETMADE_H

#include <stdbool.h>

struct restore_ctx;
struct verify;

/* The check step, after the --join-ns ones (@joined_net: one of net was
 * given): make the namespace and enter it. Return: 0 or -errno (failed). */
int restore_netmade__check(struct restore_ctx *ctx, bool joined_net);
/* The made namespace against the image (once, for the root). */
int restore_netmade__verify(struct verify *v);

#endif
