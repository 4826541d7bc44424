/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix_conn.h - unix sockets bound to a name or connected to a
 * named one (datagram groups, accepted connections and their clients),
 * made in pidtrace the way they came to be; restore_files.c hands them
 * to the tasks like any other socket.
 */
#ifndef PT_RESTORE_UNIX_CONN_H
#define PT_RESTORE_UNIX_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "restore_ctx.h"

struct restore_unix_conn;

/* Whether unix socket @e (e->unix_sk set) is this module's to open. */
bool restore_unix_conn__wants(struct restore_ctx *ctx, const FdEntry *e);

/*
 * restore_unix_conn__open() - the socket of @e (an fd of task @pid),
 * made with the sockets it is connected with, which wait here for their
 * own fds. Return: the fd, or -errno (said through restore_ctx__fail()).
 */
int restore_unix_conn__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/* For restore_unix_dgram.c: a socket made here, waiting for its fd. */
struct unix_made {
	uint64_t ino;
	int fd;
	bool connected;		/* its connect() is done */
	struct sockaddr_un a;	/* its name, as pidtrace reaches it */
	socklen_t alen;		/* 0: unnamed */
};

/* The socket of image inode @ino made already, or NULL. */
struct unix_made *restore_unix_conn__made(struct restore_ctx *ctx, uint64_t ino);
/* Keep @fd as the socket of @ino until its fd takes it. Return: NULL (no memory). */
struct unix_made *restore_unix_conn__keep(struct restore_ctx *ctx, uint64_t ino, int fd);
/* An fd entry of socket @ino in the image: the one carrying its queue if any. */
const FdEntry *restore_unix_conn__entry(struct restore_ctx *ctx, uint64_t ino);
/* @u's name as pidtrace reaches it (a relative one by its full path). Return: 0, -ENAMETOOLONG. */
int restore_unix_conn__addr(const UnixSkEntry *u, struct sockaddr_un *a, socklen_t *alen);

/* The restore is over: close what no fd took. */
void restore_unix_conn__end(struct restore_ctx *ctx);

#endif
