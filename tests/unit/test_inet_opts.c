// SPDX-License-Identifier: GPL-2.0
/*
 * test_inet_opts - the socket options an image lists are checked before
 * restore sets them: only options of the list, of the socket's family and
 * protocol, 1 to 64 bytes; shutdown bits 0..3 and never on a listener.
 * Values print as show prints them.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "inet_opts.h"
#include "inet_sk.h"
#include "unit.h"

static uint8_t lo4[4] = { 127, 0, 0, 1 };

static InetSkEntry udp4(void)
{
	InetSkEntry k = INET_SK_ENTRY__INIT;

	k.family = AF_INET;
	k.sk_type = SOCK_DGRAM;
	k.protocol = IPPROTO_UDP;
	k.src_addr.data = lo4;
	k.src_addr.len = 4;
	k.src_port = 5000;
	return k;
}

static int check_one(InetSkEntry *k, int level, int name, void *val, size_t len)
{
	InetSockopt o = INET_SOCKOPT__INIT, *list[1] = { &o };
	char why[128];

	o.level = level;
	o.name = name;
	o.value.data = val;
	o.value.len = len;
	k->opts = list;
	k->n_opts = 1;
	return inet_sk__check(k, why, sizeof(why));
}

static void listed_options_pass(void)
{
	InetSkEntry k = udp4();
	int one = 1;

	CHECK(check_one(&k, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == 0);
	CHECK(check_one(&k, IPPROTO_IP, IP_TOS, &one, sizeof(one)) == 0);
}

static void other_options_fail(void)
{
	InetSkEntry k = udp4();
	uint8_t big[65] = { 0 };
	int one = 1;

	/* Not in the list (SO_REUSEADDR has its own field), or not this socket's. */
	CHECK(check_one(&k, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -EINVAL);
	CHECK(check_one(&k, IPPROTO_IPV6, IPV6_TCLASS, &one, sizeof(one)) == -EINVAL);
	CHECK(check_one(&k, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one)) == -EINVAL);
	CHECK(check_one(&k, 12345, 1, &one, sizeof(one)) == -EINVAL);
	CHECK(check_one(&k, SOL_SOCKET, SO_BROADCAST, &one, 0) == -EINVAL);
	CHECK(check_one(&k, SOL_SOCKET, SO_BROADCAST, big, sizeof(big)) == -EINVAL);
}

static void shutdown_bits(void)
{
	InetSkEntry k = udp4();
	char why[128];

	k.has_shutdown = true;
	k.shutdown = 3;
	CHECK(inet_sk__check(&k, why, sizeof(why)) == 0);
	k.shutdown = 4;
	CHECK(inet_sk__check(&k, why, sizeof(why)) == -EINVAL);
	k.sk_type = SOCK_STREAM;
	k.protocol = IPPROTO_TCP;
	k.listening = true;
	k.shutdown = 2;
	CHECK(inet_sk__check(&k, why, sizeof(why)) == -EINVAL);
	k.shutdown = 0;
	CHECK(inet_sk__check(&k, why, sizeof(why)) == 0);
}

static void values_as_text(void)
{
	InetSockopt o = INET_SOCKOPT__INIT;
	int v = 77, linger[2] = { 1, 5 };
	char cc[16] = "reno", buf[160];

	o.level = IPPROTO_TCP;
	o.name = TCP_KEEPIDLE;
	o.value.data = (uint8_t *)&v;
	o.value.len = sizeof(v);
	inet_opts__value_str(&o, buf, sizeof(buf));
	CHECK_STR(buf, "77");
	o.name = TCP_CONGESTION;
	o.value.data = (uint8_t *)cc;
	o.value.len = sizeof(cc);
	inet_opts__value_str(&o, buf, sizeof(buf));
	CHECK_STR(buf, "reno");
	cc[1] = '\033';
	inet_opts__value_str(&o, buf, sizeof(buf));
	CHECK_STR(buf, "r?no");
	o.level = SOL_SOCKET;
	o.name = SO_LINGER;
	o.value.data = (uint8_t *)linger;
	o.value.len = sizeof(linger);
	inet_opts__value_str(&o, buf, sizeof(buf));
	CHECK_STR(buf, "on 5s");
}

UNIT_MAIN({
	RUN(listed_options_pass);
	RUN(other_options_fail);
	RUN(shutdown_bits);
	RUN(values_as_text);
})
