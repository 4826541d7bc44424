/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockdiag.h - what the kernel's sock_diag netlink interface tells about
 * one unix socket that /proc does not: its peer, its name, its state, its
 * shutdown bits, its queue (or backlog) and the socket file it is bound to.
 */
#ifndef PT_SOCKDIAG_H
#define PT_SOCKDIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct sockdiag_unix {
	uint64_t ino;
	uint32_t type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint32_t state;		/* TCP_ESTABLISHED (1), TCP_CLOSE (7), TCP_LISTEN (10) */
	uint64_t peer_ino;	/* 0: not connected, or the peer is closed */
	uint32_t shutdown;	/* RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2 */
	bool named;		/* bound to a path or an abstract name */
	char name[110];		/* the path, or "@name" for an abstract one */
	uint8_t raw_name[108];	/* the name as bound (abstract: from its NUL byte) */
	uint32_t raw_len;
	uint32_t rqueue;	/* listening: connections pending; else bytes queued */
	uint32_t wqueue;	/* listening: its backlog */
	bool has_vfs;		/* bound to a path: its socket file */
	uint32_t vfs_ino, vfs_dev;	/* vfs_dev as the kernel encodes it (major << 20) */
};

/**
 * sockdiag__unix() - describe the unix socket of inode @ino (in pidtrace's
 * network namespace).
 * Return: 0, -ENOENT when no such socket exists (any more), other -errno.
 */
int sockdiag__unix(uint64_t ino, struct sockdiag_unix *out);

/**
 * sockdiag__unix_file_held() - whether a unix socket of pidtrace's network
 * namespace is bound to the socket file @dev/@ino (as stat gives them).
 * Return: 1 held, 0 not, -errno.
 */
int sockdiag__unix_file_held(uint64_t dev, uint64_t ino);

/**
 * sockdiag__unix_pending_on() - the listener in whose backlog the
 * connection of client socket @client waits (not accepted yet), into
 * @listener.
 * Return: 1 found, 0 when @client's connection is pending nowhere, -errno.
 */
int sockdiag__unix_pending_on(uint64_t client, uint64_t *listener);

struct sockdiag_inet {
	uint64_t ino;
	uint32_t state;		/* TCP_LISTEN (10), TCP_ESTABLISHED (1)...; UDP: 7 or 1 */
	uint32_t rqueue;	/* TCP listening: connections pending; else bytes queued */
	uint32_t wqueue;	/* TCP listening: its backlog; else bytes to send */
	uint32_t ifindex;	/* the device it is bound to, 0: none */
	uint32_t shutdown;	/* RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2 */
};

/**
 * sockdiag__inet() - describe the inet socket of inode @ino, of address
 * @family (AF_INET, AF_INET6) and @protocol (IPPROTO_TCP, IPPROTO_UDP),
 * in pidtrace's network namespace (inet_diag, a dump of them all).
 * Return: 0, -ENOENT when no such socket exists there, other -errno.
 */
int sockdiag__inet(int family, int protocol, uint64_t ino, struct sockdiag_inet *out);

/**
 * sockdiag__tcp_peer() - the other end of TCP connection @local -> @peer
 * when it is a socket of pidtrace's network namespace (a process of this
 * machine): its local address is @peer, its remote one @local (an
 * IPv4-mapped connection's other end as an IPv4 socket too).
 * Return: 0, -ENOENT when none is here, other -errno.
 */
int sockdiag__tcp_peer(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		       struct sockdiag_inet *out);

#endif
