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

/*
 * A buffer size (@opt: SO_SNDBUF or SO_RCVBUF) set to @v: the FORCE form
 * passes wmem_max/rmem_max (CAP_NET_ADMIN); where it is refused, the plain
 * one, capped by them. The kernel keeps twice @v (getsockopt tells that):
 * a size as dumped is restored by setting half of it. Best effort, as the
 * kernel may cap it anyway.
 */
static inline void sockopt__set_buf(int s, int opt, int v)
{
	if (sockopt__set_int(s, SOL_SOCKET, opt == SO_SNDBUF ? SO_SNDBUFFORCE : SO_RCVBUFFORCE, v))
		sockopt__set_int(s, SOL_SOCKET, opt, v);
}

#endif
