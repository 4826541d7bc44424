// SPDX-License-Identifier: GPL-2.0
/*
 * restore_tcp.c - TCP connections at restore (restore_tcp.h). The socket
 * is made with the other fds (its number must be there) but bound and
 * connected only once every fd is: a listener on the same port, later in
 * the fd table, must bind first. Order also matters to the kernel: TCP_QUEUE_SEQ only on a closed socket (before
 * connect()), options and timestamps once connected, the window last
 * (it is checked against the receive sequence the refilled queue sets).
 * The send queue is refilled in two parts: what had been sent goes in
 * repair mode (the peer may acknowledge it, or the retransmit timer
 * sends it again), what had never been sent is written normally once
 * repair mode is off.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inet_sk.h"
#include "escape.h"
#include "image.h"
#include "log.h"
#include "netlock.h"
#include "nft_cmd.h"
#include "restore_ctx.h"
#include "restore_inet.h"
#include "restore_reuseport.h"
#include "restore_tcp.h"
#include "tcp_fin.h"
#include "tcp_fwpass.h"
#include "tcp_repair.h"
#include "testfault.h"

#ifndef TCPOPT_MAXSEG
#define TCPOPT_MAXSEG 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERMITTED 4
#define TCPOPT_TIMESTAMP 8
#endif

struct held {
	int s;
	pid_t pid;
	uint32_t fd;
	const InetSkEntry *k;
	struct sockaddr_storage local, peer;
	socklen_t llen, plen;
	size_t delivered;	/* the send queue's first bytes its peer in the tree has */
};

static struct held *held;
static size_t nheld;

static int set_options(int s, const TcpConnEntry *t)
{
	struct tcp_repair_opt o[4];
	int n = 0;

	o[n].opt_code = TCPOPT_MAXSEG;
	o[n++].opt_val = t->mss;
	if (t->opts & TCPI_OPT_WSCALE) {
		o[n].opt_code = TCPOPT_WINDOW;
		o[n++].opt_val = t->snd_wscale | (t->rcv_wscale << 16);
	}
	if (t->opts & TCPI_OPT_SACK) {
		o[n].opt_code = TCPOPT_SACK_PERMITTED;
		o[n++].opt_val = 0;
	}
	if (t->opts & TCPI_OPT_TIMESTAMPS) {
		o[n].opt_code = TCPOPT_TIMESTAMP;
		o[n++].opt_val = 0;
	}
	return setsockopt(s, IPPROTO_TCP, TCP_REPAIR_OPTIONS, o, n * sizeof(o[0])) ? -errno : 0;
}

/*
 * The MSS the connection sends with (mss_cache). The kernel computes it
 * at connect() from the default clamp (536: 524 bytes a segment, 1208
 * over IPv6) and TCP_REPAIR_OPTIONS sets the peer's clamp without
 * computing it again: the restored connection would send small segments
 * where the original sent large ones, and their memory overhead makes a
 * receiver run out of buffer inside the window it offered (the kernel
 * then shrinks it to zero and drops every later segment beyond it, the
 * peer's window updates with them: both ends wait for ever). Setting
 * IP_OPTIONS (to what the program had, usually none) computes it again,
 * bounded, as the kernel does, by half the largest window then known:
 * a window of twice the saved MSS makes it that MSS. The real window
 * is set after the queues (setup_one()).
 */
static int sync_mss(int s, const InetSkEntry *k)
{
	static const uint8_t none[1];
	const TcpConnEntry *t = k->tcp;
	const ProtobufCBinaryData *ipo = NULL;
	struct tcp_repair_window w;
	socklen_t l = sizeof(w);
	uint32_t m = t->has_snd_mss ? t->snd_mss : 0;
	size_t i;

	/* Skipped: the verification must find the MSS wrong (tests/root/cr_tcpbuf.sh). */
	if (testfault__point("restore-skip-tcp-mss"))
		return 0;
	for (i = 0; i < k->n_opts; i++)
		if (k->opts[i]->level == IPPROTO_IP && k->opts[i]->name == IP_OPTIONS)
			ipo = &k->opts[i]->value;
	if (getsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, &l))
		return -errno;
	/* connect() left snd_wl1 at 0, which the kernel may find beyond the window. */
	w.snd_wl1 = w.rcv_wup;
	w.snd_wnd = 0;
	/* Above 536 the kernel takes half of it, below all of it. */
	w.max_window = 2 * m > 536 ? 2 * m : m;
	if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, sizeof(w)))
		return -errno;
	if (setsockopt(s, IPPROTO_IP, IP_OPTIONS, ipo ? ipo->data : none, ipo ? ipo->len : 0))
		return -errno;
	return 0;
}

static int grow(int s, int force, int opt, size_t len)
{
	socklen_t l = sizeof(int);
	int cur, v;

	if (getsockopt(s, SOL_SOCKET, opt, &cur, &l))
		return -errno;
	/* The kernel doubles what it is given, and counts skb overhead against it. */
	if (len > INT32_MAX / 4 || (size_t)cur >= 2 * len + 128 * 1024)
		return 0;
	v = len + 64 * 1024;
	return setsockopt(s, SOL_SOCKET, force, &v, sizeof(v)) ? -errno : 0;
}

/*
 * Refill a queue with the saved buffer size; only if the bytes do not fit
 * (the original held them in other pieces) with a larger one. A larger
 * receive buffer also widens the window the peer is offered, so not first.
 */
static int fill(int s, int queue, int force, int opt, const ProtobufCBinaryData *b,
		size_t len)
{
	size_t done = 0;
	int err;

	err = tcp_repair__fill(s, queue, b->data, len, &done);
	if (err != -ENOMEM && err != -EAGAIN)
		return err;
	err = grow(s, force, opt, len);
	return err ? err : tcp_repair__fill(s, queue, b->data, len, &done);
}

int restore_tcp__open(pid_t pid, uint32_t fd, int s, const InetSkEntry *k,
		      const struct sockaddr *local, socklen_t llen, const struct sockaddr *peer,
		      socklen_t plen)
{
	struct held *arr, *h;
	int c, err;

	if (llen > sizeof(h->local) || plen > sizeof(h->peer))
		return -EINVAL;
	err = tcp_repair__set(s, 1);
	if (err)
		return err;
	arr = realloc(held, (nheld + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	held = arr;
	c = fcntl(s, F_DUPFD_CLOEXEC, 3);
	if (c < 0)
		return -errno;
	h = &held[nheld++];
	*h = (struct held){ .s = c, .pid = pid, .fd = fd, .k = k, .llen = llen, .plen = plen };
	memcpy(&h->local, local, llen);
	memcpy(&h->peer, peer, plen);
	return 0;
}

/*
 * The first bytes of @h's send queue that its peer, also in the tree, had
 * received already: their acknowledgment was on its way (or held back by
 * the dump's network lock). Sent again they would meet a receive window
 * that may be closed by now; they go in as acknowledged, as they would
 * have been a moment later.
 */
static size_t delivered(const struct held *h)
{
	const TcpConnEntry *t = h->k->tcp;
	uint32_t una = tcp_fin__write_seq(t) - (uint32_t)t->outq.len, d;
	size_t i;

	for (i = 0; i < nheld; i++) {
		const struct held *p = &held[i];

		if (p == h || p->llen != h->plen || p->plen != h->llen ||
		    memcmp(&p->local, &h->peer, h->plen) || memcmp(&p->peer, &h->local, h->llen))
			continue;
		d = tcp_fin__rcv_nxt(p->k->tcp) - una;
		/* Forward only, and only into what had been sent. */
		return (int32_t)d > 0 && d <= tcp_fin__sent_in_repair(t) ? d : 0;
	}
	return 0;
}

/*
 * Connecting (SYN_SENT), bound: its initial sequence number, and the
 * program's TCP_MAXSEG if the clamp is not the kernel's default (536;
 * 1220 over IPv6). The SYN goes out in finish_one(), out of repair mode:
 * a connect() in repair mode would make it ESTABLISHED at once.
 */
static int setup_syn_sent(const struct held *h, const char **what)
{
	const struct sockaddr_in6 *l6 = (const void *)&h->local;
	bool v6 = h->local.ss_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(&l6->sin6_addr);
	uint32_t mss = h->k->tcp->mss;
	int err;

	*what = "TCP_QUEUE_SEQ";
	err = tcp_repair__set_seq(h->s, TCP_SEND_QUEUE, h->k->tcp->outq_seq - 1);
	if (err)
		return err;
	*what = "TCP_MAXSEG";
	if (mss != (v6 ? 1220u : 536u) &&
	    setsockopt(h->s, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss)))
		return -errno;
	return 0;
}

/* Out of repair mode: connect() again, non-blocking, sends the SYN from that sequence number. */
static int connect_again(const struct held *h, const char **what)
{
	int fl = fcntl(h->s, F_GETFL), err = 0;

	*what = "connect (its SYN sent again)";
	if (fl < 0 || fcntl(h->s, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	if (connect(h->s, (const struct sockaddr *)&h->peer, h->plen) && errno != EINPROGRESS)
		err = -errno;
	/* The open file description's flags as the program had them. */
	if (fcntl(h->s, F_SETFL, fl) && !err)
		err = -errno;
	return err;
}

/* The connection of @h set up on its socket (repair mode, not bound yet). */
static int setup_one(const struct held *h, const char **what)
{
	const TcpConnEntry *t = h->k->tcp;
	size_t sent = tcp_fin__sent_in_repair(t), skip = h->delivered;
	ProtobufCBinaryData rest = { t->outq.len - skip, t->outq.data + skip };
	uint32_t rcv_nxt = tcp_fin__rcv_nxt(t);
	struct tcp_repair_window w = {
		.snd_wl1 = t->snd_wl1, .snd_wnd = t->snd_wnd, .max_window = t->max_window,
		.rcv_wnd = t->rcv_wnd, .rcv_wup = t->rcv_wup,
	};
	uint32_t ts = t->timestamp;
	int s = h->s, err;

	/* The window's left edge past the peer's FIN, not replayed yet: back to it. */
	if ((int32_t)(w.rcv_wup - rcv_nxt) > 0) {
		w.rcv_wnd += w.rcv_wup - rcv_nxt;
		w.rcv_wup = rcv_nxt;
	}
	*what = "bind";
	if (bind(s, (const struct sockaddr *)&h->local, h->llen))
		return -errno;
	if (t->state == TCP_FIN_ST_SYN_SENT)
		return setup_syn_sent(h, what);
	/*
	 * The sequences where the queues begin: refilling them moves both on
	 * (to where they were, short of the FINs: tcp_fin.h).
	 */
	*what = "TCP_QUEUE_SEQ";
	err = tcp_repair__set_seq(s, TCP_RECV_QUEUE, rcv_nxt - (uint32_t)t->inq.len);
	if (!err)
		err = tcp_repair__set_seq(s, TCP_SEND_QUEUE,
					  tcp_fin__write_seq(t) - (uint32_t)(t->outq.len - skip));
	if (err)
		return err;
	*what = "connect";
	if (connect(s, (const struct sockaddr *)&h->peer, h->plen))
		return -errno;
	*what = "TCP_REPAIR_OPTIONS";
	err = set_options(s, t);
	if (err)
		return err;
	/* Before the queues: the send queue is cut in segments of that size. */
	*what = "its MSS (IP_OPTIONS)";
	err = sync_mss(s, h->k);
	if (err)
		return err;
	*what = "TCP_TIMESTAMP";
	if ((t->opts & TCPI_OPT_TIMESTAMPS) &&
	    setsockopt(s, IPPROTO_TCP, TCP_TIMESTAMP, &ts, sizeof(ts)))
		return -errno;
	*what = "receive queue";
	err = fill(s, TCP_RECV_QUEUE, SO_RCVBUFFORCE, SO_RCVBUF, &t->inq, t->inq.len);
	if (err)
		return err;
	*what = "send queue";
	err = fill(s, TCP_SEND_QUEUE, SO_SNDBUFFORCE, SO_SNDBUF, &rest, sent - skip);
	if (err)
		return err;
	*what = "TCP_REPAIR_WINDOW";
	if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, sizeof(w)))
		return -errno;
	return 0;
}

/* Bytes never sent: an ordinary write, the socket out of repair mode. */
static int send_unsent(int s, const TcpConnEntry *t)
{
	size_t off = tcp_fin__sent_in_repair(t);
	ssize_t n;

	while (off < t->outq.len) {
		n = send(s, t->outq.data + off, t->outq.len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0)
			return n ? -errno : -EIO;
		off += n;
	}
	return 0;
}

/* Whether setting @opt of @s to @v failed: 0 or -errno, @what said. */
static int set_sol(int s, int opt, int v, const char *name, const char **what)
{
	if (!setsockopt(s, SOL_SOCKET, opt, &v, sizeof(v)))
		return 0;
	*what = name;
	return -errno;
}

/* One connection out of repair mode, with its unsent bytes and its own sizes. */
static int finish_one(const struct held *h, const char **what)
{
	const InetSkEntry *k = h->k;
	int err;

	*what = "leave repair mode";
	err = tcp_repair__set(h->s, 0);
	/* Leaving repair mode clears SO_REUSEADDR (its forced reuse and the flag are one field). */
	if (!err && k->reuseaddr)
		err = set_sol(h->s, SO_REUSEADDR, 1, "SO_REUSEADDR", what);
	if (!err && k->tcp->state == TCP_FIN_ST_SYN_SENT)
		err = connect_again(h, what);
	if (!err && tcp_fin__sent_in_repair(k->tcp) < k->tcp->outq.len) {
		*what = "write its unsent bytes";
		/* Room for them whatever the pieces; the saved size comes back below. */
		err = grow(h->s, SO_SNDBUFFORCE, SO_SNDBUF, k->tcp->outq.len);
		if (!err)
			err = send_unsent(h->s, k->tcp);
	}
	if (!err)
		err = tcp_fin__after_repair(h->s, k->tcp, k->has_shutdown ? k->shutdown : 0, what);
	/* The saved sizes again (restore_inet.c's rule: half, the kernel doubles). */
	if (!err)
		err = set_sol(h->s, SO_SNDBUFFORCE, k->sndbuf / 2, "SO_SNDBUFFORCE", what);
	if (!err)
		err = set_sol(h->s, SO_RCVBUFFORCE, k->rcvbuf / 2, "SO_RCVBUFFORCE", what);
	if (!err)
		err = restore_inet__buf_lock(h->s, k, what);
	return err;
}

int restore_tcp__finish(struct restore_ctx *ctx)
{
	const char *what = NULL;
	size_t i;
	int step, err = 0, fw;

	/* Every listener is bound by now: SO_REUSEPORT as the program left it. */
	err = restore_reuseport__finish();
	if (err) {
		restore_ctx__fail(ctx, 0, err, "SO_REUSEPORT of a TCP socket sharing its port: %s",
			      strerror(-err));
		return err;
	}
	/* A connection on a listener's port goes after it. */
	for (i = 0; i < nheld; i++)
		held[i].delivered = delivered(&held[i]);
	for (i = 0; i < nheld && !err; i++)
		err = setup_one(&held[i], &what);
	/*
	 * The FINs, each step over every connection: a peer in the tree is
	 * connected already when the other end's answer reaches it.
	 */
	for (step = 0; step < TCP_FIN_STEPS && !err; step++)
		for (i = 0; i < nheld && !err; i++)
			err = tcp_fin__replay(held[i].s, held[i].k->tcp, step, &held[i].local,
					      &held[i].peer, &what);
	/* The firewall as it was, if a replay had to pass it (tcp_fwpass.h). */
	fw = tcp_fwpass__close();
	if (fw && err)
		pr_err("firewall pass: the nftables rules \"pidtrace-replay %d\" could not be "
		       "removed either: %s (the next restore or restore --unlock-only removes them)",
		       (int)getpid(), strerror(-fw));
	else if (fw) {
		restore_ctx__fail(ctx, 0, fw, "firewall pass: the nftables rules \"pidtrace-replay "
				  "%d\" added for the replay could not be removed: %s%s%s (the next "
				  "restore or restore --unlock-only removes them)", (int)getpid(),
				  strerror(-fw), *nft_cmd__error() ? ": " : "", nft_cmd__error());
		return fw;
	}
	/* Then out of repair mode, each peer in the tree there already. */
	for (i = err ? i : 0; i < nheld && !err; i++)
		err = finish_one(&held[i], &what);
	if (err) {
		const struct held *h = &held[i - 1];
		char local[64];

		inet_sk__addr_str(h->k->family, h->k->src_addr.data, h->k->src_addr.len,
				  h->k->src_port, local, sizeof(local));
		restore_ctx__fail(ctx, h->pid, err, "pid %d fd %u: TCP connection %s: %s: %s", h->pid,
			      h->fd, local, what, strerror(-err));
	}
	/* The copies stay until the restore ends: one that fails closes them silently. */
	return err;
}

static bool close_mode;

void restore_tcp__set_close(bool on)
{
	close_mode = on;
}

bool restore_tcp__close_mode(void)
{
	return close_mode;
}

int restore_tcp__open_closed(int s, const char **what)
{
	/* Never connected: ENOTCONN, the shutdown bits set all the same. */
	if (shutdown(s, SHUT_RDWR) && errno != ENOTCONN) {
		*what = "shutdown";
		return -errno;
	}
	return 0;
}

void restore_tcp__drop(bool silent)
{
	size_t i;

	restore_reuseport__drop();
	/*
	 * Back in repair mode, a socket closes without a FIN or a reset: the
	 * peer keeps its connection for the next restore, and no orphan of
	 * ours keeps the connection's addresses meanwhile.
	 */
	for (i = 0; silent && i < nheld; i++)
		tcp_repair__set(held[i].s, 1);
	for (i = 0; i < nheld; i++)
		close(held[i].s);
	free(held);
	held = NULL;
	nheld = 0;
}

void restore_tcp__unlock(struct restore_ctx *ctx)
{
	const char *path = ctx->inv ? ctx->inv->netlock : NULL;
	int err;

	if (!path)
		return;
	err = netlock__remove(path);
	if (err == -ENOENT)
		pr_warn("the image's network lock %s was gone before the restore (removed, or the "
			"machine rebooted): a peer outside the tree may have reset its connection",
			escape__str(path));
	else if (err)
		pr_warn("the image's network lock %s could not be removed: %s (pidtrace restore "
			"--unlock-only)", escape__str(path), strerror(-err));
}

int restore_tcp__unlock_only(const char *dir)
{
	struct image *img = NULL;
	const char *path;
	bool whole;
	int err, fw;

	err = image__open(dir, &img);
	if (err) {
		pr_err("%s: cannot read the image: %s", escape__str(dir), strerror(-err));
		return 1;
	}
	path = image__inventory(img)->netlock;
	whole = path && netlock__whole_ns(path);
	err = path ? netlock__remove(path) : -ENOENT;
	if (!path)
		printf("%s: the image holds no network lock\n", escape__str(dir));
	else if (err == -ENOENT)
		printf("%s: network lock %s: gone already\n", escape__str(dir), escape__str(path));
	else if (err)
		pr_err("%s: network lock %s: %s", escape__str(dir), escape__str(path),
		       strerror(-err));
	else if (whole)
		printf("%s: network lock %s removed: the net namespace's packets pass again, the "
		       "peers of the tree's TCP connections are answered with resets from now on\n",
		       escape__str(dir), escape__str(path));
	else
		printf("%s: network lock %s removed: the peers of its TCP connections are answered "
		       "with resets from now on\n", escape__str(dir), escape__str(path));
	image__free(img);
	/* What a restore killed in its replay left in the firewall (tcp_fwpass.h). */
	fw = tcp_fwpass__clean_stale();
	if (fw > 0)
		printf("%s: %d nftables rule(s) \"pidtrace-replay\" of a restore that is gone "
		       "removed\n", escape__str(dir), fw);
	else if (fw < 0)
		pr_err("%s: the nftables rules \"pidtrace-replay\" of a restore that is gone: %s%s%s",
		       escape__str(dir), strerror(-fw), *nft_cmd__error() ? ": " : "",
		       nft_cmd__error());
	return (err && err != -ENOENT) || fw < 0 ? 1 : 0;
}
