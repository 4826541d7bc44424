/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_unix_name.h - the name of a bound unix socket, for the image, when
 * restore can bind it again exactly.
 */
#ifndef PT_DUMP_UNIX_NAME_H
#define PT_DUMP_UNIX_NAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "files.pb-c.h"
#include "sockdiag.h"

/**
 * dump_unix_name__record() - @d (named; @s: a copy of it) into @u: its name
 * (and for a relative path the directory it was bound in), whether it
 * listens (with its backlog), its socket file's owner and mode.
 * @replaced: set when the socket's file was replaced by another socket's
 * file (its dev as sock_diag encodes it << 32 | its inode), which must be
 * one of the tree's sockets for restore to bind both names again.
 * Return: 0, -EOPNOTSUPP with @what (@len bytes) saying what is refused
 * (without "is not supported"), -ENOMEM.
 */
int dump_unix_name__record(int s, const struct sockdiag_unix *d, UnixSkEntry *u, char *what,
			   size_t len, uint64_t *replaced);

#endif
