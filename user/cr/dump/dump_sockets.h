/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_sockets.h - sockets of the dumped tree: unnamed unix sockets (the
 * ends of socketpairs) with their queued data; a refusal naming any other.
 */
#ifndef PT_DUMP_SOCKETS_H
#define PT_DUMP_SOCKETS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "files.pb-c.h"

struct dump_sockets;

/**
 * dump_sockets__fd() - describe socket fd @fd of @pid (@st: its stat,
 * @fdinfo: its fdinfo text) into @e. @sk: the module's state, made on
 * first use.
 * Context: the task is stopped.
 * Return: 0, -EOPNOTSUPP (refused, printed), -ESRCH, other -errno.
 */
int dump_sockets__fd(struct dump_sockets **sk, pid_t pid, int fd, const struct stat *st,
		     const char *fdinfo, FdEntry *e);

/*
 * Once every task's fds are known: refuse a socket connected one way only
 * or to a peer outside the tree. Return: 0 or -EOPNOTSUPP (printed).
 */
int dump_sockets__check_peers(const struct dump_sockets *sk);

/*
 * The @i-th socket of the tree kept for the peer check: its inode, its
 * peer's (0: none), the first task and fd holding it. False past the last.
 */
bool dump_sockets__unix(const struct dump_sockets *sk, size_t i, uint64_t *ino, uint64_t *peer,
			pid_t *pid, int *fd);

void dump_sockets__free(struct dump_sockets *sk);

#endif
