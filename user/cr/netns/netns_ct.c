// SPDX-License-Identifier: GPL-2.0
/*
 * netns_ct.c - see netns_xt.h: the conntrack entries of the calling
 * thread's net namespace, read with a ctnetlink dump (IPCTNL_MSG_CT_GET)
 * and made again with IPCTNL_MSG_CT_NEW, after the firewall rules.
 *
 * Of each entry the image keeps the attributes CT_NEW takes: both tuples,
 * the status, the remaining timeout, the mark, the zone, the labels and,
 * for TCP, the protocol info (state, window scales, flags; the flags are
 * given back with a full mask, as the dump hands them with none). What
 * the kernel keeps beside those (the TCP window tracking: td_end,
 * td_maxwin...) is not in ctnetlink: an entry made so picks them up from
 * the next segment, as for a connection it meets midway.
 *
 * Refused at dump (@why): NAT bindings, helpers, expectations, sequence
 * adjustments, a security context, synproxy, packet and byte counts
 * (accounting on: CT_NEW takes none), an entry of a protocol with
 * protocol info other than TCP's, a status bit CT_NEW cannot give, any
 * attribute this code does not know. Not read at all when the namespace
 * tracks no connection (nf_conntrack_count 0): ctnetlink is then not
 * asked (the kernel would load it for the asking).
 *
 * State lines: one per entry, its tuples, status, mark, zone, labels;
 * one apart for its TCP state, window scales and flags, which the
 * restored sockets' first segments move (the id, the use count, the
 * timeout are in none).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "escape.h"
#include "netns_state.h"
#include "netns_xt.h"
#include "nlroute.h"

/* Status bits an entry made by CT_NEW has as the tree's had them. */
#define STATUS_OK (IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | IPS_FIXED_TIMEOUT)
/* Given to CT_NEW, CONFIRMED too: the kernel sets it before it reads the status, and takes a change of it for one. */
#define STATUS_SET STATUS_OK

/* Attributes CT_NEW is given (1), left out as moving (2). */
static const char kept[CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG] = 1, [CTA_TUPLE_REPLY] = 1, [CTA_STATUS] = 1, [CTA_PROTOINFO] = 1,
	[CTA_TIMEOUT] = 1, [CTA_MARK] = 1, [CTA_ZONE] = 1, [CTA_LABELS] = 1,
	/* The counters: refused when not zero (on_ct()). */
	[CTA_ID] = 2, [CTA_USE] = 2, [CTA_COUNTERS_ORIG] = 2, [CTA_COUNTERS_REPLY] = 2,
	[CTA_TIMESTAMP] = 2,
};

static const char *const names[CTA_MAX + 1] = {
	[CTA_HELP] = "a helper", [CTA_NAT_SRC] = "a source NAT binding",
	[CTA_NAT_DST] = "a destination NAT binding", [CTA_TUPLE_MASTER] = "a master (expected)",
	[CTA_SEQ_ADJ_ORIG] = "a sequence adjustment", [CTA_SEQ_ADJ_REPLY] = "a sequence adjustment",
	[CTA_SECMARK] = "a secmark", [CTA_SECCTX] = "a security context",
	[CTA_SYNPROXY] = "synproxy state",
};

static uint32_t be32(const struct rtattr *a)
{
	uint32_t v = 0;

	if (a && RTA_PAYLOAD(a) >= 4)
		memcpy(&v, RTA_DATA(a), 4);
	return ntohl(v);
}

/* CTA_COUNTERS_ORIG or _REPLY @a: its packets and bytes added to @pkts, @bytes. */
static void add_counts(struct rtattr *a, unsigned long long *pkts, unsigned long long *bytes)
{
	struct rtattr *cn[CTA_COUNTERS_MAX + 1];
	uint64_t v;

	if (!a)
		return;
	nlroute__parse(cn, CTA_COUNTERS_MAX, RTA_DATA(a), RTA_PAYLOAD(a));
	if (cn[CTA_COUNTERS_PACKETS] && RTA_PAYLOAD(cn[CTA_COUNTERS_PACKETS]) >= 8) {
		memcpy(&v, RTA_DATA(cn[CTA_COUNTERS_PACKETS]), 8);
		*pkts += be64toh(v);
	}
	if (cn[CTA_COUNTERS_BYTES] && RTA_PAYLOAD(cn[CTA_COUNTERS_BYTES]) >= 8) {
		memcpy(&v, RTA_DATA(cn[CTA_COUNTERS_BYTES]), 8);
		*bytes += be64toh(v);
	}
}

/* "tcp 127.0.0.1:1 -> 127.0.0.1:2" of tuple @t into @out. */
static void tuple(struct rtattr *t, char *out, size_t len)
{
	struct rtattr *tb[CTA_TUPLE_MAX + 1], *ip[CTA_IP_MAX + 1], *pr[CTA_PROTO_MAX + 1];
	char s[INET6_ADDRSTRLEN] = "?", d[INET6_ADDRSTRLEN] = "?";
	unsigned int num = 0, sp = 0, dp = 0;
	uint16_t v;

	snprintf(out, len, "?");
	if (!t)
		return;
	nlroute__parse(tb, CTA_TUPLE_MAX, RTA_DATA(t), RTA_PAYLOAD(t));
	memset(ip, 0, sizeof(ip));
	memset(pr, 0, sizeof(pr));
	if (tb[CTA_TUPLE_IP])
		nlroute__parse(ip, CTA_IP_MAX, RTA_DATA(tb[CTA_TUPLE_IP]), RTA_PAYLOAD(tb[CTA_TUPLE_IP]));
	if (tb[CTA_TUPLE_PROTO])
		nlroute__parse(pr, CTA_PROTO_MAX, RTA_DATA(tb[CTA_TUPLE_PROTO]),
			       RTA_PAYLOAD(tb[CTA_TUPLE_PROTO]));
	if (ip[CTA_IP_V4_SRC] && ip[CTA_IP_V4_DST]) {
		inet_ntop(AF_INET, RTA_DATA(ip[CTA_IP_V4_SRC]), s, sizeof(s));
		inet_ntop(AF_INET, RTA_DATA(ip[CTA_IP_V4_DST]), d, sizeof(d));
	} else if (ip[CTA_IP_V6_SRC] && ip[CTA_IP_V6_DST]) {
		inet_ntop(AF_INET6, RTA_DATA(ip[CTA_IP_V6_SRC]), s, sizeof(s));
		inet_ntop(AF_INET6, RTA_DATA(ip[CTA_IP_V6_DST]), d, sizeof(d));
	}
	if (pr[CTA_PROTO_NUM])
		num = *(uint8_t *)RTA_DATA(pr[CTA_PROTO_NUM]);
	if (pr[CTA_PROTO_SRC_PORT] && (memcpy(&v, RTA_DATA(pr[CTA_PROTO_SRC_PORT]), 2), 1))
		sp = ntohs(v);
	if (pr[CTA_PROTO_DST_PORT] && (memcpy(&v, RTA_DATA(pr[CTA_PROTO_DST_PORT]), 2), 1))
		dp = ntohs(v);
	snprintf(out, len, "proto %u %s:%u -> %s:%u", num, s, sp, d, dp);
}

/* The TCP flags of @a (CTA_PROTOINFO) given with a full mask, in place. */
static int fix_protoinfo(struct rtattr *a, char *why, size_t len, const char *what)
{
	struct rtattr *pi[CTA_PROTOINFO_MAX + 1], *tcp[CTA_PROTOINFO_TCP_MAX + 1];
	struct nf_ct_tcp_flags *f;
	int i;

	nlroute__parse(pi, CTA_PROTOINFO_MAX, RTA_DATA(a), RTA_PAYLOAD(a));
	if (!pi[CTA_PROTOINFO_TCP]) {
		if (!*why)
			snprintf(why, len, "conntrack entry %s: protocol info other than TCP's", what);
		return -EOPNOTSUPP;
	}
	nlroute__parse(tcp, CTA_PROTOINFO_TCP_MAX, RTA_DATA(pi[CTA_PROTOINFO_TCP]),
		       RTA_PAYLOAD(pi[CTA_PROTOINFO_TCP]));
	for (i = CTA_PROTOINFO_TCP_FLAGS_ORIGINAL; i <= CTA_PROTOINFO_TCP_FLAGS_REPLY; i++) {
		if (!tcp[i] || RTA_PAYLOAD(tcp[i]) < sizeof(*f))
			continue;
		f = RTA_DATA(tcp[i]);
		f->mask = 0xff;
	}
	return 0;
}

/* @len bytes at @p in hex into @out (2 * @len + 1). */
static char *hex(const void *p, size_t len, char *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", ((const unsigned char *)p)[i]);
	return out;
}

/*
 * The lines of entry @c: what stays (status, mark, zone, labels) and,
 * apart, what its segments move (the TCP state, window scales and flags:
 * a restored socket's first segment, the kernel's window probe as repair
 * mode ends, sets some flags; a FIN restore replays from a raw socket
 * moves the state).
 */
static int ct_lines(NetnsMade *m, const NetnsCt *c, const char *orig, const char *reply,
		    uint32_t status)
{
	struct rtattr *tb[CTA_MAX + 1], *pi[CTA_PROTOINFO_MAX + 1], *tcp[CTA_PROTOINFO_TCP_MAX + 1];
	char labels[2 * 16 + 1] = "-", moving[128] = "-";
	const struct nf_ct_tcp_flags *fo, *fr;
	uint16_t zone = 0;
	int state = -1, err;

	nlroute__parse(tb, CTA_MAX, (struct rtattr *)c->attrs.data, c->attrs.len);
	if (tb[CTA_ZONE] && RTA_PAYLOAD(tb[CTA_ZONE]) >= 2)
		memcpy(&zone, RTA_DATA(tb[CTA_ZONE]), 2);
	if (tb[CTA_LABELS])
		hex(RTA_DATA(tb[CTA_LABELS]), RTA_PAYLOAD(tb[CTA_LABELS]) < 16 ?
			RTA_PAYLOAD(tb[CTA_LABELS]) : 16, labels);
	memset(tcp, 0, sizeof(tcp));
	if (tb[CTA_PROTOINFO]) {
		nlroute__parse(pi, CTA_PROTOINFO_MAX, RTA_DATA(tb[CTA_PROTOINFO]),
			       RTA_PAYLOAD(tb[CTA_PROTOINFO]));
		if (pi[CTA_PROTOINFO_TCP])
			nlroute__parse(tcp, CTA_PROTOINFO_TCP_MAX, RTA_DATA(pi[CTA_PROTOINFO_TCP]),
				       RTA_PAYLOAD(pi[CTA_PROTOINFO_TCP]));
	}
	if (tcp[CTA_PROTOINFO_TCP_STATE])
		state = *(uint8_t *)RTA_DATA(tcp[CTA_PROTOINFO_TCP_STATE]);
	fo = tcp[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] ? RTA_DATA(tcp[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL]) : NULL;
	fr = tcp[CTA_PROTOINFO_TCP_FLAGS_REPLY] ? RTA_DATA(tcp[CTA_PROTOINFO_TCP_FLAGS_REPLY]) : NULL;
	if (state >= 0)
		snprintf(moving, sizeof(moving), "tcp state %d, wscale %u/%u, flags %#x/%#x", state,
			 tcp[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] ?
				*(uint8_t *)RTA_DATA(tcp[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]) : 0,
			 tcp[CTA_PROTOINFO_TCP_WSCALE_REPLY] ?
				*(uint8_t *)RTA_DATA(tcp[CTA_PROTOINFO_TCP_WSCALE_REPLY]) : 0,
			 fo ? fo->flags : 0, fr ? fr->flags : 0);
	err = netns_state__add(m, "conntrack family %u %s reply %s: status %#x, mark %#x, zone %u, labels %s",
			       c->family, orig, reply, status, be32(tb[CTA_MARK]), ntohs(zone),
			       labels);
	if (!err)
		err = netns_state__add(m, NETNS_MOVING "conntrack family %u %s: %s", c->family, orig,
				       moving);
	return err;
}

static int on_ct(const struct nlmsghdr *h, void *arg)
{
	struct { NetnsMade *m; char *why; size_t len; } *r = arg;
	const struct nfgenmsg *g = NLMSG_DATA(h);
	struct rtattr *a = (struct rtattr *)((char *)g + NLMSG_ALIGN(sizeof(*g)));
	unsigned int l = h->nlmsg_len - NLMSG_LENGTH(sizeof(*g));
	struct rtattr *tb[CTA_MAX + 1], *t;
	char orig[128], reply[128];
	unsigned char *buf = malloc(l + 1);
	NetnsCt *c, **v;
	size_t n = 0;
	unsigned long long pkts = 0, bytes = 0;
	uint32_t status;
	int type, err = 0;

	if (!buf)
		return -ENOMEM;
	nlroute__parse(tb, CTA_MAX, a, l);
	tuple(tb[CTA_TUPLE_ORIG], orig, sizeof(orig));
	tuple(tb[CTA_TUPLE_REPLY], reply, sizeof(reply));
	status = be32(tb[CTA_STATUS]);
	/*
	 * Accounting is on (a -m connbytes or nft "ct bytes" rule turns it
	 * on): CT_NEW takes no counts, an entry made again starts from zero
	 * and a rule that reads them would judge another connection.
	 */
	add_counts(tb[CTA_COUNTERS_ORIG], &pkts, &bytes);
	add_counts(tb[CTA_COUNTERS_REPLY], &pkts, &bytes);
	if ((pkts || bytes) && !*r->why)
		snprintf(r->why, r->len, "conntrack entry %s: %llu packets and %llu bytes counted (accounting on), which restore cannot give it",
			 orig, pkts, bytes);
	if ((status & ~STATUS_OK) && !*r->why)
		snprintf(r->why, r->len, "conntrack entry %s: status %#x (NAT, a helper, an expectation, offload...), which restore cannot give it",
			 orig, status);
	/* The kept attributes, in the order the kernel gave them. */
	for (t = a; RTA_OK(t, l); t = RTA_NEXT(t, l)) {
		type = t->rta_type & NLA_TYPE_MASK;
		if (type > CTA_MAX || !kept[type]) {
			if (!*r->why)
				snprintf(r->why, r->len, "conntrack entry %s: it has %s, which restore cannot make again",
					 orig, type <= CTA_MAX && names[type] ? names[type] : "an attribute pidtrace does not know");
			continue;
		}
		if (kept[type] != 1)
			continue;
		memcpy(buf + n, t, t->rta_len);
		memset(buf + n + t->rta_len, 0, RTA_ALIGN(t->rta_len) - t->rta_len);
		if (type == CTA_STATUS) {
			uint32_t s = htonl(status & STATUS_SET);

			memcpy(RTA_DATA((struct rtattr *)(buf + n)), &s, 4);
		}
		if (type == CTA_PROTOINFO)
			fix_protoinfo((struct rtattr *)(buf + n), r->why, r->len, orig);
		n += RTA_ALIGN(t->rta_len);
	}
	if (!tb[CTA_TUPLE_ORIG] || !tb[CTA_TUPLE_REPLY] || !tb[CTA_TIMEOUT] || !tb[CTA_STATUS]) {
		if (!*r->why)
			snprintf(r->why, r->len, "conntrack entry %s: without its tuples, status or timeout", orig);
		n = 0;
	}
	if (n > 800 && !*r->why)
		snprintf(r->why, r->len, "conntrack entry %s: %zu bytes of attributes, more than pidtrace sends", orig, n);
	c = calloc(1, sizeof(*c));
	v = realloc(r->m->ct, (r->m->n_ct + 1) * sizeof(*v));
	if (v)
		r->m->ct = v;
	if (!c || !v) {
		free(c);
		free(buf);
		return -ENOMEM;
	}
	netns_ct__init(c);
	c->family = g->nfgen_family;
	c->attrs.data = buf;
	c->attrs.len = n;
	r->m->ct[r->m->n_ct++] = c;
	err = ct_lines(r->m, c, orig, reply, status);
	return err;
}

/* The first line of /proc/@name, if any: "" none. */
static void first_line(const char *name, char *out, size_t len)
{
	char path[96];
	ssize_t n;
	int fd;

	*out = 0;
	snprintf(path, sizeof(path), "/proc/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = 0;
	out[strcspn(out, "\n")] = 0;
}

int netns_ct__read(NetnsMade *m, char *why, size_t len)
{
	struct { NetnsMade *m; char *why; size_t len; } r = { m, why, len };
	struct nl_req q;
	struct nfgenmsg *g;
	char line[256];
	int err;

	first_line("thread-self/net/nf_conntrack_expect", line, sizeof(line));
	if (*line && !*why)
		snprintf(why, len, "a conntrack expectation (\"%s\"), which restore cannot make again",
			 escape__str(line));
	first_line("sys/net/netfilter/nf_conntrack_count", line, sizeof(line));
	if (!*line || atoi(line) == 0)
		return 0;
	g = nlroute__start(&q, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET, NLM_F_DUMP,
			   sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	err = nlroute__talk(NETLINK_NETFILTER, &q, on_ct, &r);
	return err;
}

int netns_ct__apply(const NetnsMade *m, char *err, size_t len)
{
	struct nl_req q;
	struct nfgenmsg *g;
	size_t i;
	int e = 0;

	for (i = 0; !e && i < m->n_ct; i++) {
		const NetnsCt *c = m->ct[i];

		if (c->attrs.len > sizeof(q.buf) - NLMSG_ALIGN(sizeof(*g)) - 16) {
			snprintf(err, len, "conntrack entry %zu: too long (%zu bytes)", i, c->attrs.len);
			return -EINVAL;
		}
		g = nlroute__start(&q, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW,
				   NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sizeof(*g));
		g->nfgen_family = c->family;
		g->version = NFNETLINK_V0;
		memcpy((char *)&q.h + NLMSG_ALIGN(q.h.nlmsg_len), c->attrs.data, c->attrs.len);
		q.h.nlmsg_len = NLMSG_ALIGN(q.h.nlmsg_len) + c->attrs.len;
		e = nlroute__talk(NETLINK_NETFILTER, &q, NULL, NULL);
		if (e)
			snprintf(err, len, "making conntrack entry %zu of %zu again (IPCTNL_MSG_CT_NEW): %s",
				 i + 1, m->n_ct, strerror(-e));
	}
	return e;
}

void netns_ct__free(NetnsMade *m)
{
	size_t i;

	for (i = 0; i < m->n_ct; i++) {
		free(m->ct[i]->attrs.data);
		free(m->ct[i]);
	}
	free(m->ct);
	m->ct = NULL;
	m->n_ct = 0;
}
