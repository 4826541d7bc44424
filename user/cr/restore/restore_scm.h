/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_scm.h - a unix socket's queue written again with the files its
 * messages carried (SCM_RIGHTS; dump_scm.h saved them).
 */
#ifndef PT_RESTORE_SCM_H
#define PT_RESTORE_SCM_H

#include <sys/socket.h>
#include <sys/un.h>

#include "restore_ctx.h"

/**
 * restore_scm__send() - send @to's queue from socket @from (to its peer,
 * or to @dst when not NULL), each message with the files it carried: an
 * open file description a task of the tree also holds is that one, the
 * others are opened here (and kept for the tasks that hold them too). A
 * queue carrying a file other than a pipe end waits for restore_scm__late().
 * Return: 0 or -errno (restore_ctx__fail()ed when it is about a file).
 */
int restore_scm__send(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
		      const struct sockaddr_un *dst, socklen_t dlen);

/*
 * restore_scm__late() - every description of the tree open: send the
 * queues that carry files other than pipe ends (restore_scm__send() kept
 * them), from the socket's peer when both are connected to each other.
 * Return: 0 or -errno (said).
 */
int restore_scm__late(struct restore_ctx *ctx);

/* The restore is over: what restore_scm__send() kept, closed. */
void restore_scm__end(struct restore_ctx *ctx);

#endif
