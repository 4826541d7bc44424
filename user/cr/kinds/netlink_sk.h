/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netlink_sk.h - what the kernel tells of a netlink socket that
 * getsockname and the plain options do not, for kind_netlink.c.
 */
#ifndef PT_NETLINK_SK_H
#define PT_NETLINK_SK_H

#include <stdbool.h>
#include <stdint.h>

#define NL_GROUP_MAX (1U << 20)	/* a group number an image may hold */
#define NL_GROUPS_MAX 4096	/* groups one socket may have joined */

/*
 * The groups socket @s joined (NETLINK_LIST_MEMBERSHIPS: a bitmap of
 * 32-bit words, bit N-1 for group N), as ascending group numbers into
 * @out (malloc'd, NULL when none).
 * Return: the count, -E2BIG beyond NL_GROUPS_MAX groups or a bitmap
 * longer than NL_GROUP_MAX bits, or another -errno.
 */
int netlink_sk__groups(int s, uint32_t **out);

/* What netlink_diag tells of one socket that no getsockopt does. */
struct netlink_sk_diag {
	bool found;
	bool connected;		/* NETLINK_CONNECTED */
	bool dumping;		/* NDIAG_FLAG_CB_RUNNING: a dump the kernel still feeds */
	uint32_t rmem;		/* its receive queue, in bytes of memory */
};

/*
 * Socket inode @ino of netlink @protocol as netlink_diag sees it, in
 * pidtrace's network namespace (a dump of the protocol's sockets). A
 * socket never bound and in no group is in no table it walks: not found.
 * Return: 0 (@d->found false when it is in no table), or -errno.
 */
int netlink_sk__diag(uint32_t protocol, uint64_t ino, struct netlink_sk_diag *d);

#endif
