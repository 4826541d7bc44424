/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_inet.h - inet sockets (IPv4, IPv6) at dump: a TCP socket listening
 * with no connection pending, closed or established (dump_tcp.h), and a
 * UDP socket with nothing queued are saved (InetSkEntry); every other one
 * is refused, naming it.
 */
#ifndef PT_DUMP_INET_H
#define PT_DUMP_INET_H

#include <stdint.h>
#include <sys/types.h>

#include "files.pb-c.h"

/**
 * dump_inet__fd() - save fd @fd of task @pid, an inet socket of which @s
 * is a copy in pidtrace (pidfd_getfd), of inode @ino, into @e.
 * Return: 0; -EOPNOTSUPP when refused (said, one line); other -errno.
 */
int dump_inet__fd(pid_t pid, int fd, int s, int family, int type, int proto, uint64_t ino,
		  FdEntry *e);

#endif
