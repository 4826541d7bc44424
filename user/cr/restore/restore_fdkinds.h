/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_fdkinds.h - open, in pidtrace, the file descriptions of unix
 * sockets (socketpairs refilled with their queued data; named ones with
 * restore_unix.c), memfds (made by restore_shmem.c, sealed here) and
 * deleted files recreated with their contents, unlinked: the open step of
 * kind_unix.c, kind_memfd.c and kind_deleted.c. restore_files.c then hands
 * them to the tasks like any other.
 */
#ifndef PT_RESTORE_FDKINDS_H
#define PT_RESTORE_FDKINDS_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "restore_ctx.h"

/*
 * Open the description of @e (an fd of task @pid) in pidtrace,
 * close-on-exec. Return: the fd, or -errno (said through restore_ctx__fail()).
 */
int restore_fdkinds__open_unix(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
int restore_fdkinds__open_memfd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
int restore_fdkinds__open_deleted(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/*
 * restore_shmem.c made memfd @shmid as @fd: keep a copy for the files
 * phase, and the seals to apply once every task has mapped it.
 */
int restore_fdkinds__keep_memfd(struct restore_ctx *ctx, uint64_t shmid, int fd, uint32_t seals);

/* Seal the memfds (after the memory phase: a seal can forbid mappings). */
int restore_fdkinds__seal(struct restore_ctx *ctx);

/* Close what pidtrace still holds (socket ends nobody claimed: closed peers). */
void restore_fdkinds__close(struct restore_ctx *ctx);

/*
 * restore_fdkinds__refill() - write unix socket @to's queue (the unread
 * data of its original) from socket @from: to its peer, or to the name
 * @dst (@dlen) when it is not NULL. Return: 0 or -errno.
 */
int restore_fdkinds__refill(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
			    const struct sockaddr_un *dst, socklen_t dlen);

/*
 * restore_fdkinds__sk_options() - buffer sizes, peek offset, SO_PASSCRED,
 * shutdown bits and O_NONBLOCK of unix socket @e on the new socket @s.
 * Return: 0 or -errno.
 */
int restore_fdkinds__sk_options(int s, const FdEntry *e);

#endif
