/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockopt.h - an int-sized socket option, read or set, for every socket
 * kind (dump, restore, verify): 0 or -errno.
 */
#ifndef PT_SOCKOPT_H
#define PT_SOCKOPT_H

#include <errno.h>
#include <sys/socket.h>

/* *v is 0 when the option cannot be read: never a stale value. */
static inline int sockopt__get_int(int s, int level, int opt, int *v)
{
	socklen_t len = sizeof(*v);

	*v = 0;
	return getsockopt(s, level, opt, v, &len) ? -errno : 0;
}

static inline int sockopt__set_int(int s, int level, int opt, int v)
{
	return setsockopt(s, level, opt, &v, sizeof(v)) ? -errno : 0;
}

#endif
