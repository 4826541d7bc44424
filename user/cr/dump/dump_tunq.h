/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_tunq.h - the queues of the tun devices of a net namespace restore
 * makes again, against the tree's fds that hold them (dump_tunq.c).
 */
#ifndef PT_DUMP_TUNQ_H
#define PT_DUMP_TUNQ_H

#include "netns.pb-c.h"

struct dump_ctx;

/*
 * dump_tunq__count() - every queue of @m's tun devices must be held by
 * an fd of the tree (restore makes them for its fds): a queue held
 * outside is refused in one line. Sets a single-queue device's queues
 * (rtnetlink counts only a multi-queue device's). Return: 0 or -errno.
 */
int dump_tunq__count(struct dump_ctx *ctx, NetnsMade *m, const char *prefix_fmt, pid_t first,
		     unsigned long ino);

#endif
