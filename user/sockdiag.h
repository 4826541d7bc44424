/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockdiag.h - what the kernel's sock_diag netlink interface tells about
 * one unix socket that /proc does not: its peer, its name, its state and
 * its shutdown bits.
 */
#ifndef PT_SOCKDIAG_H
#define PT_SOCKDIAG_H

#include <stdbool.h>
#include <stdint.h>

struct sockdiag_unix {
	uint64_t ino;
	uint32_t type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint32_t state;		/* TCP_ESTABLISHED (1), TCP_CLOSE (7), TCP_LISTEN (10) */
	uint64_t peer_ino;	/* 0: not connected, or the peer is closed */
	uint32_t shutdown;	/* RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2 */
	bool named;		/* bound to a path or an abstract name */
	char name[110];		/* the path, or "@name" for an abstract one */
};

/**
 * sockdiag__unix() - describe the unix socket of inode @ino (in pidtrace's
 * network namespace).
 * Return: 0, -ENOENT when no such socket exists (any more), other -errno.
 */
int sockdiag__unix(uint64_t ino, struct sockdiag_unix *out);

#endif
