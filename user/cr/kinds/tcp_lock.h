/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_lock.h - the network lock of a dump: while the queues of the
 * tree's TCP connections are read, the kernel still moves bytes between
 * two ends that are both in the tree (the tasks are frozen, the sockets
 * are not: what was written before goes on flowing as the window
 * allows), and a peer outside the tree goes on sending. A byte that
 * arrives after its receiver was read would be in no image. So, once the
 * tree is frozen and before any connection is read, every segment of
 * every connection of the tree is dropped, both ways, by the BPF lock of
 * netlock.h; TCP sends them again later, to the restored sockets, or to
 * these once the lock is gone (a dump that fails or leaves the tree
 * running). When the tree is killed and a connection's peer is outside
 * it, the lock is pinned to outlive the dump (tcp_lock__pin()): the
 * peer's segments until the restore meet it, not a closed port that
 * would answer with a reset.
 *
 * Without BPF netfilter links, the connections with both ends in the
 * tree are locked by an nftables table of pidtrace's own ("inet
 * pidtrace_lock_PID") while the dump runs, and a connection to a peer
 * outside the tree is not locked: a peer sure to send makes dump refuse
 * (dump_tcp.c), naming why there is no lock (tcp_lock__why_not()).
 */
#ifndef PT_TCP_LOCK_H
#define PT_TCP_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "dump_ctx.h"

/**
 * tcp_lock__tree() - lock the connections of frozen tree @ctx (without
 * the BPF lock, those whose two ends are both in it; without nft either,
 * a warning: the dump goes on unlocked and refuses if bytes moved).
 * Return: 0 or -errno (out of memory, /proc unreadable).
 */
int tcp_lock__tree(struct dump_ctx *ctx);

/*
 * Whether the other end of TCP connection @s is a socket of the tree (as
 * tcp_lock__tree() found them). Context: between tcp_lock__tree() and
 * tcp_lock__release().
 */
bool tcp_lock__peer_in_tree(int s);

/*
 * Whether the BPF lock (netlock.h) holds every connection of the tree,
 * those to a peer outside it too; if not, tcp_lock__why_not() says why
 * (one line).
 */
bool tcp_lock__held(void);
const char *tcp_lock__why_not(void);

/**
 * tcp_lock__pin() - the image is about to be committed and tree @root
 * killed: when a connection of it has its peer outside, the lock is
 * pinned to outlive the dump, its bpffs directory in @path (else @path
 * is "": nothing to keep).
 * Return: 0 or -errno (the dump fails: its connections would be reset).
 */
int tcp_lock__pin(pid_t root, char *path, size_t len);

/*
 * `dump --network-lock netns` (@on): the BPF lock drops every packet of
 * the tree's network namespace (netlock.h) from the freeze until the
 * restore, but those marked for checkpoint/restore's own traffic; it is
 * pinned at the commit even with no connection, and without it the dump
 * is refused (no nftables fallback). tcp_lock__netns(): whether it is on.
 */
void tcp_lock__set_netns(bool on);
bool tcp_lock__netns(void);

/* The directory tcp_lock__pin() pinned the lock in (for the image), NULL if none. */
const char *tcp_lock__pinned(void);

/*
 * Remove the lock (nothing if none was set), forget the tree's ends;
 * @keep: a lock tcp_lock__pin() pinned stays (the tree is killed).
 */
void tcp_lock__release(bool keep);

#endif
