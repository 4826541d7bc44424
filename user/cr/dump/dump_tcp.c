// SPDX-License-Identifier: GPL-2.0
/*
 * dump_tcp.c - a TCP connection, established or closing (tcp_fin.h),
 * read in repair mode. The
 * tree is frozen, so nothing reads or writes the socket meanwhile; its
 * peer, in the tree or not, is held by the network lock (tcp_lock.c,
 * netlock.h). Without one a peer outside may still send, and what
 * arrives is acknowledged even in repair mode, so the receive sequence
 * is read again before the image is committed.
 *
 * Each socket put in repair mode is kept (a copy of its fd) until
 * dump_tcp__end(): a failed dump or --leave-running must hand the program
 * its socket back out of repair mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dump_tcp.h"
#include "log.h"
#include "sockdiag.h"
#include "tcp_fin.h"
#include "tcp_lock.h"
#include "tcp_repair.h"
#include "tcp_skerr.h"

#define TCP_LISTEN_STATE 10

/* A connection in repair mode: a copy of its socket, where its receive sequence was. */
struct held {
	int s;
	pid_t pid;
	int fd;
	uint32_t rcv_seq;
	bool syn_sent;	/* connecting: its state must not move on either */
	char *what;
};

static struct held *held;
static size_t nheld;

static int hold(int s, pid_t pid, int fd, const char *what)
{
	struct held *arr;
	int c;

	arr = realloc(held, (nheld + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	held = arr;
	c = fcntl(s, F_DUPFD_CLOEXEC, 3);
	if (c < 0)
		return -errno;
	held[nheld++] = (struct held){ c, pid, fd, 0, false, strdup(what) };
	return 0;
}

/* Bytes the peer got into @s since @seq, or -errno. */
static int64_t arrived(int s, uint32_t seq)
{
	uint32_t now;
	int err = tcp_repair__seq(s, TCP_RECV_QUEUE, &now);

	return err ? err : (int64_t)(uint32_t)(now - seq);
}

static int refuse_moving(pid_t pid, int fd, const char *what, int64_t n)
{
	if (n < 0)
		pr_err("pid %d fd %d: %s: cannot read it in TCP repair mode: %s", pid, fd,
		       what ? what : "TCP connection", strerror((int)-n));
	else if (tcp_lock__held())
		pr_err("pid %d fd %d: %s with its peer sending during the dump (%lld bytes "
		       "arrived past the network lock) is not supported", pid, fd,
		       what ? what : "TCP connection", (long long)n);
	else
		pr_err("pid %d fd %d: %s with its peer sending during the dump (%lld bytes "
		       "arrived; no network lock: %s) is not supported", pid, fd,
		       what ? what : "TCP connection", (long long)n, tcp_lock__why_not());
	return -EOPNOTSUPP;
}

/* Queue @queue of @s: its bytes (@ioc counts them, and @fin more) and its end. */
static int read_queue(int s, int queue, int ioc, int fin, uint32_t *seq, ProtobufCBinaryData *b)
{
	int len, err;

	if (ioctl(s, ioc, &len))
		return -errno;
	len -= fin;
	err = tcp_repair__seq(s, queue, seq);
	if (err)
		return err;
	if (len <= 0)
		return 0;
	b->data = malloc(len);
	if (!b->data)
		return -ENOMEM;
	b->len = len;
	return tcp_repair__peek(s, queue, b->data, len);
}

/*
 * Connecting (SYN_SENT): nothing queued, nothing received. What restore
 * needs is the initial sequence number (a peer that saw the SYN knows
 * it) and the MSS clamp, the program's TCP_MAXSEG if it set one. Data
 * sent with the SYN (TCP Fast Open) is not kept: refused.
 */
static int read_syn_sent(int s, TcpConnEntry *t)
{
	socklen_t l = sizeof(int);
	int v = 0, err;

	if (!getsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &v, &l) && v)
		return -EOPNOTSUPP;
	err = tcp_repair__seq(s, TCP_SEND_QUEUE, &t->outq_seq);
	if (err)
		return err;
	t->opts = t->snd_wscale = t->rcv_wscale = 0;
	t->has_snd_mss = false;
	l = sizeof(v);
	if (getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &l))
		return -errno;
	t->mss = v;
	return 0;
}

static int read_conn(int s, TcpConnEntry *t)
{
	struct tcp_repair_window w;
	struct tcp_info ti;
	socklen_t l;
	int v, err;

	l = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return -errno;
	t->state = ti.tcpi_state;
	t->opts = ti.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE);
	t->snd_wscale = ti.tcpi_snd_wscale;
	t->rcv_wscale = ti.tcpi_rcv_wscale;
	t->has_snd_mss = true;
	t->snd_mss = ti.tcpi_snd_mss;
	if (!tcp_fin__state_ok(t->state))
		return -EAGAIN;	/* it moved on since inet_diag looked */
	if (t->state == TCP_FIN_ST_SYN_SENT)
		return read_syn_sent(s, t);
	/* SIOCINQ leaves out the peer's FIN already. */
	err = read_queue(s, TCP_RECV_QUEUE, SIOCINQ, 0, &t->inq_seq, &t->inq);
	/* SIOCOUTQ counts our FIN until the peer acknowledges it. */
	if (!err && t->state != TCP_FIN_ST_CLOSE)
		err = read_queue(s, TCP_SEND_QUEUE, SIOCOUTQ,
				 tcp_fin__ours(t->state) && !tcp_fin__ours_acked(t->state),
				 &t->outq_seq, &t->outq);
	/* Closed: nothing left to send (a reset dropped what was not acknowledged). */
	else if (!err)
		err = tcp_repair__seq(s, TCP_SEND_QUEUE, &t->outq_seq);
	if (err)
		return err;
	if (ioctl(s, SIOCOUTQNSD, &v))
		return -errno;
	if (t->state == TCP_FIN_ST_CLOSE)
		v = 0;
	/* Our FIN is the queue's last sequence number: unsent, it is counted. */
	if (tcp_fin__ours(t->state) && v > 0) {
		t->has_fin_unsent = t->fin_unsent = true;
		v--;
	}
	t->unsent = v > 0 ? v : 0;
	/* In repair mode TCP_MAXSEG is the clamp the peer announced. */
	l = sizeof(v);
	if (getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &l))
		return -errno;
	t->mss = v;
	l = sizeof(v);
	if (getsockopt(s, IPPROTO_TCP, TCP_TIMESTAMP, &v, &l))
		return -errno;
	t->timestamp = v;
	l = sizeof(w);
	if (getsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, &l))
		return -errno;
	t->snd_wl1 = w.snd_wl1;
	t->snd_wnd = w.snd_wnd;
	t->max_window = w.max_window;
	t->rcv_wnd = w.rcv_wnd;
	t->rcv_wup = w.rcv_wup;
	return 0;
}

/* Whether restore's segments from the peer's address will reach @s (tcp_fin__probe()). */
static int probe(int s, const TcpConnEntry *t)
{
	struct sockaddr_storage local, peer;
	socklen_t ll = sizeof(local), pl = sizeof(peer);

	if (!tcp_fin__peers(t->state) && !tcp_fin__ours_acked(t->state))
		return 0;
	if (getsockname(s, (struct sockaddr *)&local, &ll) ||
	    getpeername(s, (struct sockaddr *)&peer, &pl))
		return 0;	/* closed: nothing to probe */
	return tcp_fin__probe(s, t, &local, &peer);
}

/*
 * The peer of connection @s is outside the tree and may still send, and
 * no network lock could be had (tcp_lock__held()): what it sends between
 * the dump and the restore meets no socket and is answered with a reset,
 * and the restore could only fail then, the tree gone. Refused when that
 * is sure: our receive window is closed (the peer probes it), or the
 * peer is a socket of this machine with bytes queued to send. A peer
 * elsewhere with nothing to say until the restore is fine; one that
 * speaks up in between is what restore reports as a reset
 * (docs/restore.md). With the lock its segments are dropped until the
 * restore and sent again: nothing to refuse.
 */
static int peer_outside(pid_t pid, int fd, int s, const char *what, const TcpConnEntry *t)
{
	struct sockaddr_storage local, peer;
	socklen_t ll = sizeof(local), pl = sizeof(peer);
	struct sockdiag_inet o;

	if (!(t->rcv_wnd >> t->rcv_wscale)) {
		pr_err("pid %d fd %d: %s (%s) with its receive window closed and its peer outside "
		       "the dumped tree is not supported without a network lock (%s): the peer's "
		       "window probes between the dump and the restore would be answered with a "
		       "reset", pid, fd, what, tcp_fin__state_name(t->state), tcp_lock__why_not());
		return -EOPNOTSUPP;
	}
	if (getsockname(s, (struct sockaddr *)&local, &ll) ||
	    getpeername(s, (struct sockaddr *)&peer, &pl) ||
	    sockdiag__tcp_peer(&local, &peer, &o) || !o.wqueue)
		return 0;
	pr_err("pid %d fd %d: %s (%s) whose peer outside the dumped tree has %u bytes to send "
	       "is not supported without a network lock (%s): between the dump and the restore "
	       "they would be answered with a reset", pid, fd, what,
	       tcp_fin__state_name(t->state), o.wqueue, tcp_lock__why_not());
	return -EOPNOTSUPP;
}

/* A connecting socket still connecting: its peer's answer would be in no image. */
static int check_syn(const struct held *h)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(h->s, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return refuse_moving(h->pid, h->fd, h->what, -errno);
	if (ti.tcpi_state == TCP_FIN_ST_SYN_SENT)
		return 0;
	pr_err("pid %d fd %d: %s (connecting), %s during the dump, is not supported", h->pid,
	       h->fd, h->what ? h->what : "TCP connection", tcp_fin__state_name(ti.tcpi_state));
	return -EOPNOTSUPP;
}

int dump_tcp__conn(pid_t pid, int fd, int s, const char *what, InetSkEntry *k)
{
	TcpConnEntry *t;
	int64_t n;
	int err;

	err = tcp_repair__set(s, 1);
	if (err) {
		pr_err("pid %d fd %d: %s: cannot enter TCP repair mode: %s", pid, fd, what,
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	err = hold(s, pid, fd, what);
	if (err) {
		tcp_repair__set(s, 0);
		return err;
	}
	t = k->tcp = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	tcp_conn_entry__init(t);
	err = read_conn(s, t);
	if (!err && t->unsent > t->outq.len)
		err = -EIO;
	if (err == -EOPNOTSUPP && t->state == TCP_FIN_ST_SYN_SENT) {
		pr_err("pid %d fd %d: %s (connecting with TCP Fast Open) is not supported", pid, fd,
		       what);
		return err;
	}
	if (err) {
		pr_err("pid %d fd %d: %s: cannot read it in TCP repair mode: %s", pid, fd, what,
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	/*
	 * Repair mode does not stop the peer: what arrives now is
	 * acknowledged, and would be missing from the image.
	 */
	held[nheld - 1].rcv_seq = t->inq_seq;
	if (t->state == TCP_FIN_ST_SYN_SENT) {
		held[nheld - 1].syn_sent = true;
		return check_syn(&held[nheld - 1]);
	}
	err = probe(s, t);
	if (err) {
		pr_err("pid %d fd %d: %s (%s), where no segment from its peer's address arrives "
		       "(%s), is not supported: restore replays the peer's FIN or ACK that way",
		       pid, fd, what, tcp_fin__state_name(t->state), tcp_fin__probe_why());
		return -EOPNOTSUPP;
	}
	/*
	 * Our window closed, the peer outside the tree still sending: it
	 * probes the window, and between the dump and the restore no socket
	 * answers but a reset, unless the network lock holds the connection
	 * until then. Without it the restore could only fail, with the tree
	 * gone: refused now.
	 */
	if (!tcp_fin__peers(t->state) && t->state != TCP_FIN_ST_CLOSE && !tcp_lock__held() &&
	    !tcp_lock__peer_in_tree(s)) {
		err = peer_outside(pid, fd, s, what, t);
		if (err)
			return err;
	}
	n = arrived(s, t->inq_seq);
	return n ? refuse_moving(pid, fd, what, n) : 0;
}

static bool close_mode;

static bool skip_in_flight;

void dump_tcp__set_skip_in_flight(bool on)
{
	skip_in_flight = on;
}

bool dump_tcp__skip_in_flight(void)
{
	return skip_in_flight;
}

void dump_tcp__set_close(bool on)
{
	close_mode = on;
}

bool dump_tcp__close_mode(void)
{
	return close_mode;
}

bool dump_tcp__close_instead(int s, uint32_t *state, uint32_t *shutdown,
			     struct sockaddr_storage *local, bool *connected)
{
	int family = local->ss_family;

	/* A listener stays one; a socket that never sent a segment has nothing to close. */
	if (!close_mode || *state == TCP_LISTEN_STATE ||
	    (!*connected && (*state == TCP_FIN_ST_CLOSE || *state == 13 /* TCP_BOUND_INACTIVE */) &&
	     !dump_tcp__ever_connected(s)))
		return false;
	*state = TCP_FIN_ST_CLOSE;
	*shutdown = 3;
	*connected = false;
	/* Unbound: its port may be a listener's, or taken again by then. */
	memset(local, 0, sizeof(*local));
	local->ss_family = family;
	return true;
}

bool dump_tcp__ever_connected(int s)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return true;	/* unknown: not the easy case */
	/* A SYN or anything after it: a connection that ended, or never came. */
	return ti.tcpi_segs_out || ti.tcpi_segs_in;
}

int dump_tcp__closed_how(int s, int *reset_err, char *why, size_t len)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	struct tcp_skerr k;
	int err = tcp_skerr__read(s, &k);

	*reset_err = -1;
	if (err) {
		/* poll() tells an error is pending, not which: SO_ERROR would take it. */
		if (poll(&p, 1, 0) < 0 || (p.revents & POLLERR)) {
			snprintf(why, len, "an error pending that only a BPF iterator reads without "
				 "taking it (%s)", strerror(-err));
			return -EOPNOTSUPP;
		}
		/*
		 * No error pending: closed by FINs, or by a reset whose error
		 * the program read. Only SOCK_DONE tells, and only the
		 * iterator reads it; restore would make FINs of a reset.
		 */
		snprintf(why, len, "by FINs or by a reset whose error was read: only a BPF "
			 "iterator tells which (%s)", strerror(-err));
		return -EOPNOTSUPP;
	}
	if (k.err_soft) {
		snprintf(why, len, "a soft error pending (%s) that restore cannot set",
			 strerror(k.err_soft));
		return -EOPNOTSUPP;
	}
	if (k.done && k.err) {
		snprintf(why, len, "its peer's FIN, then an error pending (%s)", strerror(k.err));
		return -EOPNOTSUPP;
	}
	/* Only a reset (from ESTABLISHED or our FIN's states) leaves ECONNRESET. */
	if (!k.done && k.err && k.err != ECONNRESET) {
		snprintf(why, len, "error %s pending, which a reset does not leave",
			 strerror(k.err));
		return -EOPNOTSUPP;
	}
	if (!k.done)
		*reset_err = k.err;
	return 0;
}

int dump_tcp__check(pid_t root)
{
	char path[256];
	size_t i;
	int64_t n;

	for (i = 0; i < nheld; i++) {
		if (held[i].syn_sent) {
			if (check_syn(&held[i]))
				return -EOPNOTSUPP;
			continue;
		}
		n = arrived(held[i].s, held[i].rcv_seq);
		if (n)
			return refuse_moving(held[i].pid, held[i].fd, held[i].what, n);
	}
	/* The tree will be killed: the lock stays on its connections to peers outside it. */
	return root ? tcp_lock__pin(root, path, sizeof(path)) : 0;
}

void dump_tcp__end(bool killed)
{
	size_t i;
	int err;

	for (i = 0; i < nheld; i++) {
		/* A window probe goes out: harmless, the peer just acknowledges. */
		err = killed ? 0 : tcp_repair__set(held[i].s, 0);
		if (err)
			pr_warn("a TCP connection of the tree could not leave repair mode: %s",
				strerror(-err));
		close(held[i].s);
		free(held[i].what);
	}
	free(held);
	held = NULL;
	nheld = 0;
	/* Killed: a lock pinned at the commit stays until the restore (netlock.h). */
	tcp_lock__release(killed);
}
