/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netlock.h - the network lock that outlives a dump (bpf/netlock.bpf.c):
 * a netfilter BPF program at LOCAL_IN and LOCAL_OUT of pidtrace's network
 * namespace, IPv4 and IPv6, drops every segment of the tree's TCP
 * connections (by their four addresses and ports). Installed when the
 * tree is frozen, its four links are held by pidtrace only (a dump that
 * fails, is refused or dies takes them with it); netlock__pin() pins
 * them in bpffs once the image is about to be committed and the tree
 * killed, so that the lock holds until the restore has made the sockets
 * again (netlock__remove()) and a peer's segment in between is lost, sent
 * again later, not answered with a reset.
 */
#ifndef PT_NETLOCK_H
#define PT_NETLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where pinned locks live: one directory each, NETLOCK_DIR/NAME. */
#define NETLOCK_DIR "/sys/fs/bpf/pidtrace-netlock"

struct netlock_conn {
	int family;		/* AF_INET or AF_INET6, as the packets carry it */
	uint8_t l[16], p[16];	/* local and peer address (IPv4: 4 bytes) */
	uint16_t lport, pport;	/* host byte order */
};

/**
 * netlock__install() - lock the @n connections @c (both directions, in
 * pidtrace's network namespace); segments marked @pass_mark pass. With
 * @whole_ns every IPv4 and IPv6 packet of the namespace is dropped, but
 * those marked @pass_mark or NETLOCK_NS_PASS_MARK (netlock_key.h).
 * Return: 0, or -errno with the reason in netlock__why() (no BPF, no
 * netfilter links on this kernel).
 */
int netlock__install(const struct netlock_conn *c, size_t n, uint32_t pass_mark, bool whole_ns);

/* Whether the pinned lock at @path locks a whole namespace (not only connections). */
bool netlock__whole_ns(const char *path);

/* Whether netlock__install() succeeded (and nothing released the lock since). */
bool netlock__held(void);

/* Why the last netlock__install() failed: one line, "" if it did not. */
const char *netlock__why(void);

/**
 * netlock__pin() - keep the lock after pidtrace exits: pinned in
 * NETLOCK_DIR/@name (made), its path in @path.
 * Return: 0 or -errno (nothing pinned then).
 */
int netlock__pin(const char *name, char *path, size_t len);

/*
 * The dump is over: @keep (the lock is pinned, the tree killed), only
 * pidtrace's references go; else the lock goes with them, pins included.
 */
void netlock__end(bool keep);

/**
 * netlock__remove() - remove the pinned lock at @path (a restore that
 * succeeded, or `restore --unlock-only`): the segments flow again.
 * Return: 0, -ENOENT when there is none (removed already, or the machine
 * rebooted), -EINVAL when @path is not one of pidtrace's locks, other -errno.
 */
int netlock__remove(const char *path);

/* Whether the pinned lock at @path is still there. */
bool netlock__exists(const char *path);

#endif
