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
 * others are opened here (and kept for the tasks that hold them too).
 * Return: 0 or -errno (restore_ctx__fail()ed when it is about a file).
 */
int restore_scm__send(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
		      const struct sockaddr_un *dst, socklen_t dlen);

#endif
