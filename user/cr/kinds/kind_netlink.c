// SPDX-License-Identifier: GPL-2.0
/*
 * kind_netlink.c - netlink sockets: the protocol and type, the port id
 * it is bound to, the multicast groups it joined (every one, not only the
 * first 32 of nl_groups), where connect() pointed it, its buffers and its
 * SOL_NETLINK flags. Read at dump on a copy of the socket (pidfd_getfd)
 * and from netlink_diag (sock_diag: whether it is connected, its receive
 * queue, a dump in progress); made again at restore in pidtrace's network
 * namespace, bound to the same port id (free: the original is dead),
 * joined, connected.
 *
 * What cannot come back is refused at dump: a protocol whose kernel side
 * keeps state for the socket (audit, netfilter, connector...: restorable()
 * lists the others), unread messages (the kernel or another socket sent
 * them; they cannot be queued again as they were), a dump the kernel is
 * still feeding, an eBPF socket filter (a classic one is kept:
 * sk_filter.c), a socket of another network namespace.
 * netlink_sk.c reads the groups and asks netlink_diag.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "dump_ctx.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "netlink_sk.h"
#include "restore_ctx.h"
#include "restore_verify.h"
#include "sk_filter.h"
#include "sockopt.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NL_PROTOCOLS 32		/* the kernel's MAX_LINKS */

/* The SOL_NETLINK flags kept: an int each, 0 or 1, in an optional bool of the entry. */
static const struct nl_flag {
	int opt;
	const char *name;
	size_t has, val;	/* offsets in NetlinkSkEntry */
} flags[] = {
#define F(opt, field) { opt, #opt, offsetof(NetlinkSkEntry, has_##field), offsetof(NetlinkSkEntry, field) }
	F(NETLINK_PKTINFO, pktinfo),
	F(NETLINK_BROADCAST_ERROR, broadcast_error),
	F(NETLINK_NO_ENOBUFS, no_enobufs),
	F(NETLINK_LISTEN_ALL_NSID, listen_all_nsid),
	F(NETLINK_CAP_ACK, cap_ack),
	F(NETLINK_EXT_ACK, ext_ack),
	F(NETLINK_GET_STRICT_CHK, strict_chk),
#undef F
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static protobuf_c_boolean *flag_has(const NetlinkSkEntry *k, size_t i)
{
	return (protobuf_c_boolean *)((char *)k + flags[i].has);
}

static protobuf_c_boolean *flag_val(const NetlinkSkEntry *k, size_t i)
{
	return (protobuf_c_boolean *)((char *)k + flags[i].val);
}

static const char *const proto_names[NL_PROTOCOLS] = {
	[NETLINK_ROUTE] = "route", [NETLINK_USERSOCK] = "usersock",
	[NETLINK_FIREWALL] = "firewall", [NETLINK_SOCK_DIAG] = "sock_diag",
	[NETLINK_NFLOG] = "nflog", [NETLINK_XFRM] = "xfrm", [NETLINK_SELINUX] = "selinux",
	[NETLINK_ISCSI] = "iscsi", [NETLINK_AUDIT] = "audit", [NETLINK_FIB_LOOKUP] = "fib_lookup",
	[NETLINK_CONNECTOR] = "connector", [NETLINK_NETFILTER] = "netfilter",
	[NETLINK_IP6_FW] = "ip6_fw", [NETLINK_DNRTMSG] = "dnrtmsg",
	[NETLINK_KOBJECT_UEVENT] = "kobject_uevent", [NETLINK_GENERIC] = "generic",
	[NETLINK_SCSITRANSPORT] = "scsitransport", [NETLINK_ECRYPTFS] = "ecryptfs",
	[NETLINK_RDMA] = "rdma", [NETLINK_CRYPTO] = "crypto", [NETLINK_SMC] = "smc",
};

/*
 * The protocols whose kernel side keeps nothing for a socket beyond what
 * the image holds (its port, groups, destination, flags): requests are
 * answered and events multicast. Others bind kernel state to the port id
 * that a new socket would not have (the audit daemon's registration,
 * netfilter queue and log bindings, the proc connector's filters...):
 * refused, and an image holding one is damaged.
 */
static bool restorable(uint32_t p)
{
	switch (p) {
	case NETLINK_ROUTE:
	case NETLINK_USERSOCK:
	case NETLINK_SOCK_DIAG:
	case NETLINK_XFRM:
	case NETLINK_SELINUX:
	case NETLINK_FIB_LOOKUP:
	case NETLINK_KOBJECT_UEVENT:
	case NETLINK_GENERIC:
	case NETLINK_CRYPTO:
		return true;
	default:
		return false;
	}
}

/* "route", or "protocol 25" for one without a name here. */
static const char *proto_name(uint32_t p, char *buf, size_t len)
{
	if (p < NL_PROTOCOLS && proto_names[p])
		return proto_names[p];
	snprintf(buf, len, "protocol %u", p);
	return buf;
}

static bool claims(const struct fd_live *l)
{
	return S_ISSOCK(l->st->st_mode) && l->family == AF_NETLINK;
}

/* "netlink route socket (port 4242)", for the refusals. */
static void what(const NetlinkSkEntry *k, char *buf, size_t len)
{
	char p[32];

	if (k->port)
		snprintf(buf, len, "netlink %s socket (port %u)", proto_name(k->protocol, p, sizeof(p)),
			 k->port);
	else
		snprintf(buf, len, "netlink %s socket (not bound)", proto_name(k->protocol, p, sizeof(p)));
}

/* Read the state of socket @s (a copy of @l's) into @e; refuse what cannot come back. */
static int dump_sock(const struct fd_live *l, int s, FdEntry *e)
{
	NetlinkSkEntry *k = e->netlink_sk = PB_NEW(NetlinkSkEntry, netlink_sk_entry);
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	struct netlink_sk_diag d;
	char w[96], why[64] = "";
	uint32_t *g;
	size_t i;
	int v, n, err;

	if (!k)
		return -ENOMEM;
	k->protocol = l->protocol;
	if ((err = sockopt__get_int(s, SOL_SOCKET, SO_TYPE, &v)))
		return err;
	k->sk_type = v;
	if (getsockname(s, (struct sockaddr *)&sa, &len))
		return -errno;
	k->port = sa.nl_pid;
	len = sizeof(sa);
	if (getpeername(s, (struct sockaddr *)&sa, &len))
		return -errno;
	k->dst_port = sa.nl_pid;
	k->dst_group = sa.nl_groups ? __builtin_ffs(sa.nl_groups) : 0;
	what(k, w, sizeof(w));
	err = kinds__sock_same_netns(s);
	if (err < 0)
		return err;
	if (!err) {
		pr_err("pid %d fd %d: %s of another network namespace is not supported", l->pid, l->fd, w);
		return -EOPNOTSUPP;
	}
	if (!restorable(k->protocol)) {
		pr_err("pid %d fd %d: %s is not supported: its kernel side may keep state for it that a new socket would not have",
		       l->pid, l->fd, w);
		return -EOPNOTSUPP;
	}
	err = netlink_sk__diag(k->protocol, l->st->st_ino, &d);
	if (err) {
		pr_err("pid %d fd %d: %s: netlink_diag cannot describe it: %s", l->pid, l->fd, w,
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	if (!d.found && k->port) {
		pr_err("pid %d fd %d: %s: netlink_diag does not list it", l->pid, l->fd, w);
		return -EOPNOTSUPP;
	}
	/* Bound sockets only get messages; one that never was has none queued. */
	k->connected = d.connected;
	k->has_dst_port = k->has_dst_group = k->connected;
	if (d.rmem)
		snprintf(why, sizeof(why), "unread messages (%u bytes queued)", d.rmem);
	else if (d.dumping)
		snprintf(why, sizeof(why), "a dump in progress");
	if (why[0]) {
		pr_err("pid %d fd %d: %s with %s is not supported", l->pid, l->fd, w, why);
		return -EOPNOTSUPP;
	}
	n = netlink_sk__groups(s, &g);
	if (n == -E2BIG) {
		pr_err("pid %d fd %d: %s in more than %u multicast groups is not supported", l->pid,
		       l->fd, w, NL_GROUPS_MAX);
		return -EOPNOTSUPP;
	}
	if (n < 0)
		return n;
	k->groups = g;
	k->n_groups = n;
	if ((err = sockopt__get_int(s, SOL_SOCKET, SO_SNDBUF, &v)))
		return err;
	k->sndbuf = v;
	if ((err = sockopt__get_int(s, SOL_SOCKET, SO_RCVBUF, &v)))
		return err;
	k->rcvbuf = v;
	k->has_passcred = !sockopt__get_int(s, SOL_SOCKET, SO_PASSCRED, &v);
	k->passcred = v;
	/* A flag this kernel does not give stays absent, and is not set at restore. */
	for (i = 0; i < NFLAGS; i++) {
		*flag_has(k, i) = !sockopt__get_int(s, SOL_NETLINK, flags[i].opt, &v);
		*flag_val(k, i) = !!v;
	}
	/* A classic filter is kept (sk_filter.c); an eBPF one refused. */
	err = sk_filter__dump(s, e, why, sizeof(why));
	if (err == -EOPNOTSUPP)
		pr_err("pid %d fd %d: %s with %s is not supported", l->pid, l->fd, w, why);
	return err;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	/* The engine's copy was for the family only: this kind reads the socket itself. */
	return kinds__dump_socket(l, e, "netlink socket", dump_sock);
}

/*
 * A protocol the kernel can have, a type netlink has, groups ascending and
 * in range, a destination only when connected, one group connect() can
 * name, and a connected socket bound (connect binds).
 */
static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const NetlinkSkEntry *k = e->netlink_sk;
	char why[64];
	size_t i;

	if (!k)
		return bad(img, n, "netlink socket fd %u has no state", e->fd);
	if (k->protocol >= NL_PROTOCOLS)
		return bad(img, n, "netlink socket fd %u: protocol %u is not below %u", e->fd,
			   k->protocol, NL_PROTOCOLS);
	if (!restorable(k->protocol))
		return bad(img, n, "netlink socket fd %u: protocol %u is not one restore makes", e->fd,
			   k->protocol);
	if (k->sk_type != SOCK_RAW && k->sk_type != SOCK_DGRAM)
		return bad(img, n, "netlink socket fd %u: socket type %u", e->fd, k->sk_type);
	if (k->n_groups > NL_GROUPS_MAX)
		return bad(img, n, "netlink socket fd %u: %zu groups, more than %u", e->fd, k->n_groups,
			   NL_GROUPS_MAX);
	for (i = 0; i < k->n_groups; i++) {
		if (!k->groups[i] || k->groups[i] > NL_GROUP_MAX)
			return bad(img, n, "netlink socket fd %u: group %u is not within 1..%u", e->fd,
				   k->groups[i], NL_GROUP_MAX);
		if (i && k->groups[i] <= k->groups[i - 1])
			return bad(img, n, "netlink socket fd %u: groups not in ascending order", e->fd);
	}
	if (!k->connected && (k->has_dst_port || k->has_dst_group))
		return bad(img, n, "netlink socket fd %u has a destination but is not connected", e->fd);
	if (k->connected && (!k->port || k->dst_group > 32))
		return bad(img, n, "netlink socket fd %u: connected %s", e->fd,
			   k->port ? "to a group above 32" : "but not bound");
	if (sk_filter__check(e, why, sizeof(why)))
		return bad(img, n, "netlink socket fd %u: %s", e->fd, why);
	return 0;
}

static int open_netlink(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const NetlinkSkEntry *k = e->netlink_sk;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	const char *step;
	char w[96], join[40];
	size_t i;
	int s, v, err;

	if (!k)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: netlink socket without its state",
				     pid, e->fd);
	what(k, w, sizeof(w));
	s = socket(AF_NETLINK, k->sk_type | SOCK_CLOEXEC | (e->flags & O_NONBLOCK ? SOCK_NONBLOCK : 0),
		   k->protocol);
	if (s < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: %s: socket: %s", pid, e->fd, w,
				     strerror(errno));
	/* Buffers as getsockopt gave them (the kernel doubles what is set), past rmem_max too. */
	if (!sockopt__get_int(s, SOL_SOCKET, SO_SNDBUF, &v) && (uint32_t)v != k->sndbuf)
		sockopt__set_buf(s, SO_SNDBUF, k->sndbuf / 2);
	if (!sockopt__get_int(s, SOL_SOCKET, SO_RCVBUF, &v) && (uint32_t)v != k->rcvbuf)
		sockopt__set_buf(s, SO_RCVBUF, k->rcvbuf / 2);
	step = "SO_PASSCRED";
	err = k->has_passcred && k->passcred ? sockopt__set_int(s, SOL_SOCKET, SO_PASSCRED, 1) : 0;
	for (i = 0; !err && i < NFLAGS; i++) {
		step = flags[i].name;
		if (*flag_has(k, i) && *flag_val(k, i))
			err = sockopt__set_int(s, SOL_NETLINK, flags[i].opt, 1);
	}
	/* The same port id: the original is dead, so it is free (else: in use, said). */
	if (!err && k->port) {
		step = "bind";
		sa.nl_pid = k->port;
		err = bind(s, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	}
	for (i = 0; !err && i < k->n_groups; i++) {
		snprintf(join, sizeof(join), "joining group %u", k->groups[i]);
		step = join;
		err = sockopt__set_int(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, k->groups[i]);
	}
	if (!err && k->connected) {
		step = "connect";
		sa.nl_pid = k->dst_port;
		sa.nl_groups = k->dst_group ? 1U << (k->dst_group - 1) : 0;
		err = connect(s, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	}
	if (!err)
		err = sk_filter__restore(s, e, &step);
	if (err) {
		close(s);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: %s: %s: %s", pid, e->fd, w, step,
				     strerror(-err));
	}
	return s;
}

/* Protocol, type, port, destination, groups, buffers and flags, on a copy of the restored socket. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const NetlinkSkEntry *k = e->netlink_sk;
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	uint32_t *g = NULL;
	char w[64];
	size_t i;
	int s = l->sock, n, err = 0;

	if (!k || s < 0)
		return 0;
	err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_PROTOCOL, "netlink protocol", k->protocol);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_TYPE, "socket type", k->sk_type);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", k->sndbuf);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", k->rcvbuf);
	if (!err && k->has_passcred)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED",
					      k->passcred);
	for (i = 0; !err && i < NFLAGS; i++)
		if (*flag_has(k, i))
			err = restore_verify__sockopt(v, e, s, SOL_NETLINK, flags[i].opt, flags[i].name,
						      *flag_val(k, i));
	if (!err)
		err = sk_filter__verify(v, e, s);
	if (!err && !getsockname(s, (struct sockaddr *)&sa, &len)) {
		snprintf(w, sizeof(w), "fd %u: netlink port id", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->port, sa.nl_pid);
		v->n->sockopts++;
	}
	len = sizeof(sa);
	if (!err && k->connected && !getpeername(s, (struct sockaddr *)&sa, &len)) {
		snprintf(w, sizeof(w), "fd %u: netlink destination port", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->dst_port, sa.nl_pid);
		v->n->sockopts++;
	}
	if (err)
		return err;
	n = netlink_sk__groups(s, &g);
	if (n >= 0) {
		/* The first group that differs (or the count, when one list is a prefix of the other). */
		for (i = 0; i < (size_t)n && i < k->n_groups && g[i] == k->groups[i]; i++)
			;
		if (i < (size_t)n || i < k->n_groups) {
			snprintf(w, sizeof(w), "fd %u: netlink group #%zu", e->fd, i + 1);
			err = restore_verify__num(v, w, VF_DEC, i < k->n_groups ? k->groups[i] : 0,
						  i < (size_t)n ? g[i] : 0);
		}
		v->n->sockopts++;
	}
	free(g);
	return err;
}

/* "1,5,33" */
static void groups_str(const NetlinkSkEntry *k, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < k->n_groups && o + 12 < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? "," : "", k->groups[i]);
	if (i < k->n_groups)
		snprintf(buf + o, len - o, ",...");
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const NetlinkSkEntry *k = e->netlink_sk;
	char p[32], g[256];
	int n;
	size_t i;

	if (!k)
		return false;
	n = snprintf(buf, len, "socket:[%lu] netlink %s", (unsigned long)e->ino,
		     proto_name(k->protocol, p, sizeof(p)));
	if (k->sk_type != SOCK_RAW)
		n += snprintf(buf + n, len - n, " dgram");
	n += k->port ? snprintf(buf + n, len - n, ", port %u", k->port)
		     : snprintf(buf + n, len - n, ", not bound");
	if (k->n_groups) {
		groups_str(k, g, sizeof(g));
		n += snprintf(buf + n, len - n, ", group%s %s", k->n_groups > 1 ? "s" : "", g);
	}
	if (k->connected)
		n += snprintf(buf + n, len - n, ", connected to port %u group %u", k->dst_port,
			      k->dst_group);
	/* The flags set, without their NETLINK_ prefix. */
	for (i = 0; i < NFLAGS && n >= 0 && (size_t)n < len; i++)
		if (*flag_has(k, i) && *flag_val(k, i))
			n += snprintf(buf + n, len - n, ", %s", flags[i].name + 8);
	if (n >= 0 && (size_t)n < len) {
		char filt[64];

		sk_filter__describe(e, filt, sizeof(filt));
		snprintf(buf + n, len - n, "%s", filt);
	}
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const NetlinkSkEntry *k = e->netlink_sk;
	struct json_object *j, *a, *f;
	char p[32];
	size_t i;

	if (!k)
		return;
	j = json_object_new_object();
	kinds_show__add(j, "ino", kinds_show__u64(e->ino));
	kinds_show__add(j, "protocol", json_object_new_int64(k->protocol));
	kinds_show__add(j, "protocol_name", escape__json_string(proto_name(k->protocol, p, sizeof(p))));
	kinds_show__add(j, "sk_type", escape__json_string(k->sk_type == SOCK_RAW ? "raw" :
							   k->sk_type == SOCK_DGRAM ? "dgram" : "?"));
	kinds_show__add(j, "port", json_object_new_int64(k->port));
	a = json_object_new_array();
	for (i = 0; a && i < k->n_groups; i++)
		json_object_array_add(a, json_object_new_int64(k->groups[i]));
	kinds_show__add(j, "groups", a);
	kinds_show__add(j, "connected", json_object_new_boolean(k->connected));
	if (k->connected) {
		kinds_show__add(j, "dst_port", json_object_new_int64(k->dst_port));
		kinds_show__add(j, "dst_group", json_object_new_int64(k->dst_group));
	}
	kinds_show__add(j, "sndbuf", json_object_new_int64(k->sndbuf));
	kinds_show__add(j, "rcvbuf", json_object_new_int64(k->rcvbuf));
	if (k->has_passcred)
		kinds_show__add(j, "passcred", json_object_new_boolean(k->passcred));
	f = json_object_new_object();
	for (i = 0; f && i < NFLAGS; i++)
		if (*flag_has(k, i))
			kinds_show__add(f, flags[i].name, json_object_new_boolean(*flag_val(k, i)));
	kinds_show__add(j, "options", f);
	sk_filter__json(e, j);
	kinds_show__add(o, "netlink", j);
}

const struct fd_kind kind_netlink = {
	.type = FD_TYPE__FD_NETLINK,
	.name = "netlink",
	.noun = "netlink socket",
	.test = "netlink",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_netlink,
	.verify = verify,
	.describe = describe,
	.json = json,
};
