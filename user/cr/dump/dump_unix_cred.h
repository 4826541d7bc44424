/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_unix_cred.h - a unix socket's peer credentials (SO_PEERCRED), for
 * the image, when restore can make them again exactly.
 */
#ifndef PT_DUMP_UNIX_CRED_H
#define PT_DUMP_UNIX_CRED_H

#include <sys/types.h>

#include "dump_ctx.h"
#include "files.pb-c.h"

/**
 * dump_unix_cred__fd() - the peer credentials of unix socket @fd of task
 * @pid into @e->unix_sk: the pid, effective uid and gid of whoever called
 * socketpair(), listen() or connect() for it. That task must be a live
 * task of the tree (SO_PEERPIDFD tells it from a process that has exited
 * since and left its pid number behind): restore makes the call there.
 * What is refused is kept for dump_unix_cred__check(): a socket whose
 * peer is outside the tree is refused for that first (dump_sockets.c).
 * Return: 0, -ESRCH (the task died), -errno.
 */
int dump_unix_cred__fd(struct dump_ctx *ctx, pid_t pid, int fd, FdEntry *e);

/* Every socket seen, their peers checked: -EOPNOTSUPP with the first refusal said, or 0. */
int dump_unix_cred__check(struct dump_ctx *ctx);

/* The end of a dump: what the module kept. */
void dump_unix_cred__free(struct dump_ctx *ctx);

#endif
