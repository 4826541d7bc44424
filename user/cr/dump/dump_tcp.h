/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_tcp.h - a TCP connection at dump: put in repair mode and read
 * (queues, sequence numbers, options, window) into a TcpConnEntry. The
 * socket stays in repair mode until the dump ends: if the tree is killed,
 * its close sends neither FIN nor RST, so the peer keeps the connection
 * for the restore; otherwise repair mode is turned off again.
 */
#ifndef PT_DUMP_TCP_H
#define PT_DUMP_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "files.pb-c.h"

/**
 * dump_tcp__conn() - save the connection of socket @s (a copy of fd @fd of
 * task @pid, frozen), named @what in messages, into @k->tcp.
 * Return: 0; -EOPNOTSUPP when refused (said, one line); other -errno.
 */
int dump_tcp__conn(pid_t pid, int fd, int s, const char *what, InetSkEntry *k);

/*
 * dump --tcp-close: dump_tcp__set_close() says so before the dump;
 * dump_tcp__close_instead() then turns TCP socket @s, found in @state
 * (inet_diag), that is or was connected (any state but listening, and
 * but closed without ever a segment) into a closed socket: not read in
 * repair mode, not locked, its close at the kill an ordinary one (the
 * peer gets a FIN or a RST); *@state becomes TCP_CLOSE, *@shutdown both
 * ways, *@connected false and @local unbound (family kept), and restore
 * makes it as CRIU does: never bound, shut down both ways (it reads the
 * end of the stream, writes fail with EPIPE, polls POLLHUP).
 * Return: whether it did.
 */
void dump_tcp__set_close(bool on);

/*
 * dump --skip-in-flight (CRIU's option of that name): a listener's
 * connections not accepted yet are left out, the listener saved empty
 * (its clients see the connection reset, or never answered, after the
 * restore); without it such a listener is refused.
 */
void dump_tcp__set_skip_in_flight(bool on);
bool dump_tcp__skip_in_flight(void);
bool dump_tcp__close_mode(void);
bool dump_tcp__close_instead(int s, uint32_t *state, uint32_t *shutdown,
			     struct sockaddr_storage *local, bool *connected);

/*
 * dump_tcp__ever_connected() - whether closed TCP socket @s ever sent or
 * received a segment: a connection that ended (its reads would give the
 * end of the stream, not ENOTCONN) or a connect() that failed.
 */
bool dump_tcp__ever_connected(int s);

/**
 * dump_tcp__closed_how() - TCP socket @s, closed after a connection: by
 * both FINs (*@reset_err -1) or by a reset (*@reset_err the error pending,
 * ECONNRESET, or 0 when the program read it), told by SOCK_DONE and
 * sk_err read without taking them (tcp_skerr.h). Without the iterator a
 * socket with no error pending is taken for closed by FINs: the same to
 * the program (it reads the end of the stream, cannot write).
 * Return: 0; -EOPNOTSUPP with @why (what restore could not make) filled.
 */
int dump_tcp__closed_how(int s, int *reset_err, char *why, size_t len);

/**
 * dump_tcp__check() - before the image is committed: no connection has
 * received anything since it was read (the kernel acknowledges what
 * arrives in repair mode too: the image would lose it). @root: the tree
 * rooted there will be killed (0: it runs on), so the network lock is
 * pinned to outlive the dump (tcp_lock__pin(), tcp_lock__pinned()).
 * Return: 0; -EOPNOTSUPP when one has (said, one line); other -errno.
 */
int dump_tcp__check(pid_t root);

/**
 * dump_tcp__end() - the dump is over: @killed, the tree is about to be
 * killed (its sockets stay in repair mode, their close is silent); else
 * repair mode is turned off on every connection dump_tcp__conn() saw.
 */
void dump_tcp__end(bool killed);

#endif
