/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_tcp.h - a TCP connection made again in repair mode: the socket
 * is put in repair mode before bind() (so the local port of a connection
 * may be taken by a listener too), gets its sequence numbers, "connects"
 * without a SYN, gets its options, queues and window, after every other
 * fd of the tree is made. It stays in repair
 * mode until every fd of the tree is in place (restore_tcp__finish()): a
 * restored peer in the tree must exist before either end sends anything,
 * or the kernel would answer with a RST.
 */
#ifndef PT_RESTORE_TCP_H
#define PT_RESTORE_TCP_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "restore_ctx.h"

/**
 * restore_tcp__open() - new socket @s (options set, not bound) is to be
 * connection @k->tcp from @local to @peer: repair mode on, kept (a copy)
 * until restore_tcp__finish() sets it up, or restore_tcp__drop().
 * Return: 0 or -errno.
 */
int restore_tcp__open(pid_t pid, uint32_t fd, int s, const InetSkEntry *k,
		      const struct sockaddr *local, socklen_t llen, const struct sockaddr *peer,
		      socklen_t plen);

/**
 * restore_tcp__finish() - every fd is in place: each connection is bound
 * and set up (sequence numbers, connect() without SYN, options, queues,
 * window), then leaves repair mode and is given the bytes it had never
 * sent.
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_tcp__finish(struct restore_ctx *ctx);

/*
 * restore --tcp-close: restore_tcp__set_close() says so before the
 * restore. Every connection of the image then comes back closed, as
 * CRIU's option makes it: restore_tcp__open_closed() shuts new socket
 * @s (options set, never bound or connected) down both ways, so that it
 * reads the end of the stream, fails writes with EPIPE and polls
 * POLLHUP. Return: 0 or -errno, @what said.
 */
void restore_tcp__set_close(bool on);
bool restore_tcp__close_mode(void);
int restore_tcp__open_closed(int s, const char **what);

/*
 * restore_tcp__unlock() - the restore succeeded, the tree runs: the
 * image's network lock (netlock.h) goes, the peers' segments reach the
 * restored connections (a warning if it cannot, or was gone already). A
 * restore that fails keeps it: the image can be restored again.
 */
void restore_tcp__unlock(struct restore_ctx *ctx);

/*
 * restore --unlock-only: remove the network lock of image @dir, nothing
 * restored (a user who gives up on the image; its connections' peers are
 * reset from then on). Return: the exit status.
 */
int restore_tcp__unlock_only(const char *dir);

/*
 * The restore is over: the copies of the sockets go; @silent (it failed,
 * the tree is about to be killed), each is put back in repair mode
 * first, so that its close sends nothing to the peer.
 */
void restore_tcp__drop(bool silent);

#endif
