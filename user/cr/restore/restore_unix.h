/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix.h - unix sockets bound to a name (listeners, unconnected
 * datagram sockets): made in pidtrace, bound to their path or abstract
 * name again; restore_files.c hands them to the tasks like any other
 * socket.
 */
#ifndef PT_RESTORE_UNIX_H
#define PT_RESTORE_UNIX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "restore_ctx.h"

struct restore_unix;

/*
 * restore_unix__bind() - a new socket of @e's type (e->unix_sk has a
 * name), close-on-exec, bound to that name; its address in @a, @alen. A
 * path that holds a stale socket file (nobody bound to it, nobody
 * listening) is unlinked first; a path in use, or that is not a socket,
 * refuses the restore. A socket file made here is removed again by
 * restore_unix__end() if the restore fails.
 * Return: the fd, or -errno (said through restore_ctx__fail()).
 */
int restore_unix__bind(struct restore_ctx *ctx, pid_t pid, const FdEntry *e,
		       struct sockaddr_un *a, socklen_t *alen);

/*
 * restore_unix__listener() - the listening socket of @e (an fd of task
 * @pid, e->unix_sk->listening), bound by restore_unix__bind(), listening.
 * Return: the fd, or -errno (said through restore_ctx__fail()).
 */
int restore_unix__listener(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/*
 * restore_unix__relisten() - task @t, its credentials restored, calls
 * listen() on its listening unix sockets (one holder of each shared
 * one), so that clients see the task as their peer (SO_PEERCRED).
 * Context: @t is stopped under ptrace. Return: 0 or -errno (said).
 */
int restore_unix__relisten(struct restore_ctx *ctx, struct rtask *t);

/*
 * restore_unix__unlink_gone() - every socket of the tree is made and
 * connected: remove the socket files bound for names whose file the
 * original had lost (if still those), and the directories made for them.
 */
void restore_unix__unlink_gone(struct restore_ctx *ctx);

/*
 * restore_unix__where() - the image's socket @sk_ino had lost its file:
 * where the file of its new socket is meanwhile (pidtrace connects to
 * that), into @a, @alen. False when it is not such a socket.
 */
bool restore_unix__where(struct restore_ctx *ctx, uint64_t sk_ino, struct sockaddr_un *a,
			 socklen_t *alen);

/*
 * restore_unix__end() - the restore is over: when it @failed, remove the
 * socket files bound by restore_unix__listener() (if still those).
 */
void restore_unix__end(struct restore_ctx *ctx, bool failed);

#endif
