/* SPDX-License-Identifier: GPL-2.0 */
/* zdtm_net.h - socket helpers of the TCP test programs (zdtm.h style). */
#ifndef ZDTM_NET_H
#define ZDTM_NET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

/* A TCP listener on the loopback address of @family, its address in @a, @l. */
static inline int zdtm_listen_lo(int family, struct sockaddr_storage *a, socklen_t *l)
{
	int ls = socket(family, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)a)->sin6_addr = in6addr_loopback;
	*l = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (ls < 0 || bind(ls, (struct sockaddr *)a, *l) || listen(ls, 4) ||
	    getsockname(ls, (struct sockaddr *)a, l))
		zdtm_fail("listen");
	return ls;
}

#endif
