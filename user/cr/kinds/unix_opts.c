// SPDX-License-Identifier: GPL-2.0
/*
 * unix_opts.c - the SOL_SOCKET options of a unix socket beyond those
 * unix_sk_entry names (buffers, SO_PEEK_OFF, SO_PASSCRED): SO_PASSSEC,
 * SO_PASSPIDFD, priority, mark, timeouts and the like, kept as a list of
 * those that differ from a new socket's of the same type, set again by
 * restore and compared by its verification, byte for byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "unix_opts.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif

#define OPT_MAX 32	/* the longest value kept (struct timeval: 16 bytes) */

static const int opts[] = {
	SO_PASSSEC,   SO_PASSPIDFD, SO_PRIORITY,   SO_MARK,	 SO_RCVLOWAT, SO_RCVTIMEO,
	SO_SNDTIMEO,  SO_KEEPALIVE, SO_OOBINLINE,  SO_DONTROUTE, SO_BROADCAST,
	SO_TIMESTAMP, SO_TIMESTAMPNS, SO_RXQ_OVFL,
};

static int value(int s, int name, uint8_t *buf, socklen_t *len)
{
	*len = OPT_MAX;
	memset(buf, 0, OPT_MAX);
	return getsockopt(s, SOL_SOCKET, name, buf, len) ? -errno : 0;
}

int unix_opts__dump(int s, int type, UnixSkEntry *u)
{
	uint8_t now[OPT_MAX], fresh[OPT_MAX];
	socklen_t nl, fl;
	InetSockopt *o, **arr;
	size_t i;
	int f, err = 0;

	f = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (f < 0)
		return -errno;
	for (i = 0; !err && i < sizeof(opts) / sizeof(opts[0]); i++) {
		/* An option this kernel lacks is at its default: nothing to keep. */
		if (value(s, opts[i], now, &nl) || value(f, opts[i], fresh, &fl))
			continue;
		if (nl == fl && !memcmp(now, fresh, nl))
			continue;
		o = malloc(sizeof(*o));
		arr = realloc(u->opts, (u->n_opts + 1) * sizeof(*arr));
		if (!o || !arr) {
			free(o);
			if (arr)
				u->opts = arr;
			err = -ENOMEM;
			break;
		}
		u->opts = arr;
		inet_sockopt__init(o);
		o->level = SOL_SOCKET;
		o->name = opts[i];
		o->value.len = nl;
		o->value.data = malloc(nl ? nl : 1);
		if (!o->value.data) {
			free(o);
			err = -ENOMEM;
			break;
		}
		memcpy(o->value.data, now, nl);
		u->opts[u->n_opts++] = o;
	}
	close(f);
	return err;
}

bool unix_opts__known(uint32_t level, uint32_t name)
{
	size_t i;

	for (i = 0; level == SOL_SOCKET && i < sizeof(opts) / sizeof(opts[0]); i++)
		if ((uint32_t)opts[i] == name)
			return true;
	return false;
}

int unix_opts__apply(int s, const UnixSkEntry *u)
{
	size_t i;

	for (i = 0; i < u->n_opts; i++) {
		const InetSockopt *o = u->opts[i];

		if (!unix_opts__known(o->level, o->name) || o->value.len > OPT_MAX)
			return -EINVAL;
		if (setsockopt(s, o->level, o->name, o->value.data, o->value.len))
			return -errno;
	}
	return 0;
}

int unix_opts__differs(int s, const UnixSkEntry *u, uint32_t *name, uint64_t *img, uint64_t *cur)
{
	uint8_t now[OPT_MAX];
	socklen_t nl;
	size_t i;

	for (i = 0; i < u->n_opts; i++) {
		const InetSockopt *o = u->opts[i];

		if (value(s, o->name, now, &nl))
			continue;
		if (nl != o->value.len || memcmp(now, o->value.data, nl)) {
			*name = o->name;
			*img = *cur = 0;
			memcpy(img, o->value.data, o->value.len < 8 ? o->value.len : 8);
			memcpy(cur, now, nl < 8 ? nl : 8);
			/* Different beyond the first 8 bytes: still shown different. */
			if (*img == *cur)
				*cur = ~*cur;
			return 1;
		}
	}
	return 0;
}
