// SPDX-License-Identifier: GPL-2.0
/*
 * inet_sk.c - a saved inet socket as text (dump's refusals and restore's
 * failures name sockets the same way show prints them) and the checks an
 * image's entry must pass before restore trusts it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "inet_opts.h"
#include "inet_sk.h"
#include "sk_filter.h"
#include "tcp_fin.h"

void inet_sk__addr_str(int family, const uint8_t *addr, size_t addr_len, uint32_t port,
		       char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (family == AF_INET && addr_len == 4) {
		inet_ntop(AF_INET, addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, port);
	} else if (family == AF_INET6 && addr_len == 16) {
		inet_ntop(AF_INET6, addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, port);
	} else {
		snprintf(buf, len, "?:%u", port);
	}
}

const char *inet_sk__proto(uint32_t protocol)
{
	return protocol == IPPROTO_TCP ? "TCP" : protocol == IPPROTO_UDP ? "UDP" : "IP";
}

const char *inet_sk__name(uint32_t family, uint32_t type, uint32_t protocol)
{
	if (type == SOCK_RAW)
		return protocol <= 65535 ? "raw IP" : NULL;
	if (type == SOCK_STREAM)
		return protocol == IPPROTO_TCP ? "TCP" : NULL;
	if (type != SOCK_DGRAM)
		return NULL;
	if (protocol == IPPROTO_UDP)
		return "UDP";
	if (protocol == IPPROTO_UDPLITE)
		return "UDP-lite";
	if ((family == AF_INET && protocol == IPPROTO_ICMP) ||
	    (family == AF_INET6 && protocol == IPPROTO_ICMPV6))
		return "ICMP";
	return NULL;
}

static size_t addr_len(uint32_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* What TCP repair would take: restore sets these with setsockopt(). */
static int tcp_conn_check(const TcpConnEntry *t, char *why, size_t len)
{
	if (!tcp_fin__state_ok(t->state))
		snprintf(why, len, "TCP connection in state %u", t->state);
	else if (t->has_reset_err && (t->state != TCP_FIN_ST_CLOSE ||
				      (t->reset_err && t->reset_err != ECONNRESET)))
		snprintf(why, len, "TCP connection %s reset with error %u pending",
			 tcp_fin__state_name(t->state), t->reset_err);
	else if (t->fin_unsent && (!tcp_fin__ours(t->state) || tcp_fin__ours_acked(t->state)))
		snprintf(why, len, "TCP connection %s with an unsent FIN",
			 tcp_fin__state_name(t->state));
	else if (tcp_fin__ours(t->state) && !t->fin_unsent && t->unsent)
		snprintf(why, len, "TCP connection %s with its FIN sent before %u bytes",
			 tcp_fin__state_name(t->state), t->unsent);
	else if (tcp_fin__ours_acked(t->state) && t->outq.len)
		snprintf(why, len, "TCP connection %s with %zu bytes not acknowledged",
			 tcp_fin__state_name(t->state), t->outq.len);
	else if (t->unsent > t->outq.len || (t->outq.len && !t->outq.data) ||
		 (t->inq.len && !t->inq.data) || t->outq.len > INT32_MAX || t->inq.len > INT32_MAX)
		snprintf(why, len, "TCP connection with %u unsent bytes of a %zu-byte send queue",
			 t->unsent, t->outq.len);
	else if (!t->mss || t->mss > 65535)
		snprintf(why, len, "TCP connection with MSS %u", t->mss);
	else if (t->opts & ~7U || t->snd_wscale > 14 || t->rcv_wscale > 14)
		snprintf(why, len, "TCP connection with options %#x, window scales %u/%u", t->opts,
			 t->snd_wscale, t->rcv_wscale);
	else
		return 0;
	return -EINVAL;
}

int inet_sk__check(const InetSkEntry *k, char *why, size_t len)
{
	size_t al;

	if (k->family != AF_INET && k->family != AF_INET6) {
		snprintf(why, len, "inet socket of unknown family %u", k->family);
		return -EINVAL;
	}
	al = addr_len(k->family);
	if (!inet_sk__name(k->family, k->sk_type, k->protocol))
		snprintf(why, len, "inet socket of type %u protocol %u", k->sk_type, k->protocol);
	else if (k->src_addr.len != al || (k->has_dst_addr && k->dst_addr.len != al))
		snprintf(why, len, "inet socket with a %zu-byte address", k->src_addr.len);
	else if (k->src_port > 65535 || (k->has_dst_port && k->dst_port > 65535) ||
		 (k->has_dst_addr && (!k->has_dst_port ||
				      (!k->dst_port && INET_SK_TCP(k)))))
		snprintf(why, len, "inet socket with port %u", k->src_port);
	else if (k->listening && (!INET_SK_TCP(k) || !k->src_port || k->has_dst_addr))
		snprintf(why, len, "listening inet socket that is not TCP, unbound or connected");
	else if (k->tcp && (!INET_SK_TCP(k) || k->listening || !k->has_dst_addr ||
			    !k->src_port))
		snprintf(why, len, "TCP connection state on a socket that is not connected TCP");
	else if (INET_SK_TCP(k) && k->has_dst_addr && !k->tcp)
		snprintf(why, len, "connected TCP socket without its connection state");
	else if (k->tcp && tcp_conn_check(k->tcp, why, len))
		return -EINVAL;
	else if (k->has_dst_addr && !k->src_port && !INET_SK_RAW(k))
		snprintf(why, len, "connected UDP socket without a local port");
	else if (INET_SK_RAW(k) && k->src_port && k->src_port != k->protocol)
		snprintf(why, len, "raw IP socket of protocol %u with port %u", k->protocol,
			 k->src_port);
	else if (k->bind_dev && (!*k->bind_dev || strlen(k->bind_dev) >= IFNAMSIZ))
		snprintf(why, len, "inet socket bound to a device name of %zu bytes",
			 strlen(k->bind_dev));
	else
		return inet_opts__check(k, why, len);
	return -EINVAL;
}

static void local_str(const InetSkEntry *k, char *buf, size_t len)
{
	char *colon;

	inet_sk__addr_str(k->family, k->src_addr.data, k->src_addr.len, k->src_port, buf, len);
	/* A raw socket's "port" is its protocol, said apart. */
	colon = strrchr(buf, ':');
	if (INET_SK_RAW(k) && colon)
		*colon = '\0';
}

bool inet_sk__describe(const FdEntry *e, char *buf, size_t len)
{
	const InetSkEntry *k = e->inet_sk;
	char local[64], peer[64], val[2 * INET_OPTS_MAX + 3], filt[64];
	const char *name;
	size_t i;
	int n;

	if (!k)
		return false;
	local_str(k, local, sizeof(local));
	name = inet_sk__name(k->family, k->sk_type, k->protocol);
	if (INET_SK_RAW(k))
		n = snprintf(buf, len, "socket:[%lu] raw IP%s %s, protocol %u",
			     (unsigned long)e->ino, k->family == AF_INET6 ? "v6" : "", local,
			     k->protocol);
	else
		n = snprintf(buf, len, "socket:[%lu] %s%s %s", (unsigned long)e->ino,
			     name ? name : "IP", k->family == AF_INET6 ? "6" : "", local);
	if (n < 0 || (size_t)n >= len)
		return true;
	if (k->listening) {
		n += snprintf(buf + n, len - n, ", listening, backlog %u", k->backlog);
	} else if (k->has_dst_addr) {
		inet_sk__addr_str(k->family, k->dst_addr.data, k->dst_addr.len, k->dst_port, peer,
				  sizeof(peer));
		n += snprintf(buf + n, len - n, " -> %s", peer);
		if (k->tcp && (size_t)n < len)
			n += snprintf(buf + n, len - n,
				      ", %s%s, seq rcv %u snd %u, queued %zu in %zu out (%u unsent%s)",
				      tcp_fin__state_name(k->tcp->state),
				      !k->tcp->has_reset_err ? "" :
				      k->tcp->reset_err ? " by a reset, its error pending" :
				      " by a reset, its error read",
				      k->tcp->inq_seq, k->tcp->outq_seq, k->tcp->inq.len,
				      k->tcp->outq.len, k->tcp->unsent,
				      k->tcp->fin_unsent ? ", FIN unsent" : "");
	} else if (!k->src_port) {
		n += snprintf(buf + n, len - n, ", unbound");
	}
	sk_filter__describe(e, filt, sizeof(filt));
	if ((size_t)n < len)
		n += snprintf(buf + n, len - n, "%s", filt);
	if ((size_t)n < len && INET_SK_TCP(k) && !k->listening && !k->has_dst_addr)
		n += snprintf(buf + n, len - n, ", closed");
	if ((size_t)n < len && k->bind_dev)
		n += snprintf(buf + n, len - n, ", device %s", k->bind_dev);
	if ((size_t)n < len && k->has_shutdown && k->shutdown)
		n += snprintf(buf + n, len - n, ", shut down for %s",
			      k->shutdown == 3 ? "reading and writing" :
			      k->shutdown == 1 ? "reading" : "writing");
	for (i = 0; (size_t)n < len && i < k->n_opts; i++) {
		const struct inet_opt *o = inet_opts__find(k->opts[i]->level, k->opts[i]->name);

		inet_opts__value_str(k->opts[i], val, sizeof(val));
		n += snprintf(buf + n, len - n, ", %s %s", o ? o->what : "?", val);
	}
	return true;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *boolean(bool b)
{
	return json_object_new_boolean(b);
}

static void inet_sk_tcp_json(const TcpConnEntry *t, struct json_object *j)
{
	struct json_object *o = json_object_new_object();

	add(o, "rcv_seq", json_object_new_int64(t->inq_seq));
	add(o, "snd_seq", json_object_new_int64(t->outq_seq));
	add(o, "inq_bytes", json_object_new_int64(t->inq.len));
	add(o, "outq_bytes", json_object_new_int64(t->outq.len));
	add(o, "unsent_bytes", json_object_new_int64(t->unsent));
	add(o, "fin_unsent", boolean(t->fin_unsent));
	add(o, "mss", json_object_new_int64(t->mss));
	add(o, "timestamps", boolean(t->opts & 1));
	add(o, "sack", boolean(t->opts & 2));
	if (t->opts & 4) {
		add(o, "snd_wscale", json_object_new_int64(t->snd_wscale));
		add(o, "rcv_wscale", json_object_new_int64(t->rcv_wscale));
	}
	add(o, "snd_wnd", json_object_new_int64(t->snd_wnd));
	add(o, "rcv_wnd", json_object_new_int64(t->rcv_wnd));
	/* Closed by a reset: its error pending (errno), or 0 read already. */
	if (t->has_reset_err)
		add(o, "reset_err", json_object_new_int64(t->reset_err));
	add(j, "tcp", o);
}

void inet_sk__json(const FdEntry *e, struct json_object *o)
{
	const InetSkEntry *k = e->inet_sk;
	char host[INET6_ADDRSTRLEN] = "?";
	struct json_object *j, *opts;
	size_t i;

	if (!k)
		return;
	j = json_object_new_object();
	add(j, "ino", json_object_new_int64((int64_t)e->ino));
	add(j, "family", json_object_new_string(k->family == AF_INET ? "inet" : "inet6"));
	add(j, "proto", json_object_new_string(INET_SK_RAW(k) ? "raw" :
					       k->protocol == IPPROTO_TCP ? "tcp" :
					       k->protocol == IPPROTO_UDP ? "udp" :
					       k->protocol == IPPROTO_UDPLITE ? "udplite" : "icmp"));
	add(j, "protocol", json_object_new_int64(k->protocol));
	if (k->src_addr.len == addr_len(k->family))
		inet_ntop(k->family, k->src_addr.data, host, sizeof(host));
	add(j, "addr", json_object_new_string(host));
	add(j, "port", json_object_new_int64(k->src_port));
	if (k->has_scope_id && k->scope_id)
		add(j, "scope_id", json_object_new_int64(k->scope_id));
	if (k->has_dst_addr) {
		strcpy(host, "?");
		if (k->dst_addr.len == addr_len(k->family))
			inet_ntop(k->family, k->dst_addr.data, host, sizeof(host));
		add(j, "peer_addr", json_object_new_string(host));
		add(j, "peer_port", json_object_new_int64(k->dst_port));
	}
	add(j, "listening", boolean(k->listening));
	if (INET_SK_TCP(k) && !k->listening)
		add(j, "state", json_object_new_string(k->tcp ? tcp_fin__state_name(k->tcp->state) :
							 "closed"));
	if (k->tcp)
		inet_sk_tcp_json(k->tcp, j);
	if (k->listening)
		add(j, "backlog", json_object_new_int64(k->backlog));
	add(j, "reuseaddr", boolean(k->reuseaddr));
	add(j, "reuseport", boolean(k->reuseport));
	if (k->has_v6only)
		add(j, "v6only", boolean(k->v6only));
	add(j, "keepalive", boolean(k->keepalive));
	if (k->has_nodelay)
		add(j, "nodelay", boolean(k->nodelay));
	add(j, "sndbuf", json_object_new_int64(k->sndbuf));
	add(j, "rcvbuf", json_object_new_int64(k->rcvbuf));
	if (k->bind_dev)
		add(j, "bind_dev", json_object_new_string(k->bind_dev));
	add(j, "freebind", boolean(k->freebind));
	add(j, "transparent", boolean(k->transparent));
	add(j, "shutdown", json_object_new_string(!k->has_shutdown || !k->shutdown ? "none" :
						  k->shutdown == 1 ? "read" :
						  k->shutdown == 2 ? "write" : "read-write"));
	opts = json_object_new_object();
	for (i = 0; i < k->n_opts; i++) {
		const InetSockopt *v = k->opts[i];
		const struct inet_opt *op = inet_opts__find(v->level, v->name);
		char name[32], val[2 * INET_OPTS_MAX + 3];
		int x;

		snprintf(name, sizeof(name), "%s", op ? op->what : "?");
		if (v->value.len == sizeof(int)) {
			memcpy(&x, v->value.data, sizeof(x));
			add(opts, name, json_object_new_int(x));
		} else {
			inet_opts__value_str(v, val, sizeof(val));
			add(opts, name, json_object_new_string(val));
		}
	}
	add(j, "options", opts);
	sk_filter__json(e, j);
	add(o, "inet", j);
}
