/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_netmade.h - a net namespace the tree made itself (not pidtrace's,
 * not given with --external-ns): read at the freeze, made again in a
 * rehearsal and compared, recorded for restore to make (dump_netmade.c).
 */
#ifndef PT_DUMP_NETMADE_H
#define PT_DUMP_NETMADE_H

#include <sys/stat.h>
#include <sys/types.h>

#include "inventory.pb-c.h"

struct dump_ctx;

/* Task @pid is in net namespace @its, not pidtrace's nor external: every
 * task must be in the same one. Return: 0 or -EOPNOTSUPP (said). */
int dump_netmade__check(pid_t pid, const struct stat *its);
/* Once every task is checked: the namespace read (from inside it, where
 * dump then stays) and compared with one made from what was read; what
 * restore could not make is refused in one line. Return: 0 or -errno. */
int dump_netmade__frozen(struct dump_ctx *ctx);
/* The namespace read, NULL when the tree's is not one made again. */
const NetnsMade *dump_netmade__made(void);
void dump_netmade__inventory(Inventory *inv);

#endif
