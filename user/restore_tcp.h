/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_tcp.h - a TCP connection made again in repair mode: the socket
 * is put in repair mode before bind() (so the local port of a connection
 * may be taken by a listener too), gets its sequence numbers, "connects"
 * without a SYN, gets its options, queues and window. It stays in repair
 * mode until every fd of the tree is in place (restore_tcp__finish()): a
 * restored peer in the tree must exist before either end sends anything,
 * or the kernel would answer with a RST.
 */
#ifndef PT_RESTORE_TCP_H
#define PT_RESTORE_TCP_H

#include <sys/socket.h>
#include <sys/types.h>

#include "restore.h"

/* Repair mode on for new socket @s, before bind(). Return: 0 or -errno. */
int restore_tcp__begin(int s);

/**
 * restore_tcp__connect() - set connection @k->tcp up on @s (repair mode,
 * bound) to peer @peer; @s is kept (a copy) until restore_tcp__finish()
 * or restore_tcp__drop(). @pid, @fd name it in messages.
 * Return: 0, or -errno with @what set to the step that failed.
 */
int restore_tcp__connect(pid_t pid, uint32_t fd, int s, const InetSkEntry *k,
			 const struct sockaddr *peer, socklen_t len, const char **what);

/**
 * restore_tcp__finish() - every fd is in place: each connection leaves
 * repair mode and is given the bytes it had never sent.
 * Return: 0 or -errno (said through restore__fail()).
 */
int restore_tcp__finish(struct restore_ctx *ctx);

/* The restore failed: the copies go, in repair mode (silently). */
void restore_tcp__drop(void);

#endif
