// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_tcp.c - a restored TCP connection against the image: its
 * state, the MSS it sends with, and its shutdown bits. The tree is stopped, so only the peer and
 * the kernel move a connection on: the peer's FIN (ESTABLISHED to
 * CLOSE_WAIT), its ACK of our FIN (FIN_WAIT1 to FIN_WAIT2, CLOSING or
 * LAST_ACK to closed), a reset (to closed). A state before the image's,
 * or one only the program reaches (its own shutdown), is a difference.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "restore_verify.h"
#include "restore_tcp.h"
#include "restore_verify_tcp.h"
#include "sockdiag.h"
#include "tcp_fin.h"
#include "tcp_skerr.h"

/* Whether the kernel alone takes a connection from state @img to @now. */
static bool reachable(uint32_t img, uint32_t now)
{
	if (now == img || now == TCP_FIN_ST_CLOSE)
		return true;
	switch (img) {
	case TCP_FIN_ST_ESTABLISHED:
		return now == TCP_FIN_ST_CLOSE_WAIT;
	case TCP_FIN_ST_SYN_SENT:
		/* The peer's SYN-ACK: established, and what follows from there. */
		return now == TCP_FIN_ST_ESTABLISHED || now == TCP_FIN_ST_CLOSE_WAIT;
	case TCP_FIN_ST_FIN_WAIT1:
		return now == TCP_FIN_ST_FIN_WAIT2 || now == TCP_FIN_ST_CLOSING;
	default:
		return false;
	}
}

static int closed(struct verify *v, const FdEntry *e, int s)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);
	struct pollfd p = { .fd = s, .events = POLLIN | POLLRDHUP };
	char w[64];

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return 0;
	snprintf(w, sizeof(w), "fd %u: TCP state (restore --tcp-close)", e->fd);
	v->n->sockopts++;
	if (ti.tcpi_state != TCP_FIN_ST_CLOSE)
		return restore_verify__str(v, w, "closed", tcp_fin__state_name(ti.tcpi_state));
	/* Both ways shut: the kernel polls it hung up and readable at its end. */
	snprintf(w, sizeof(w), "fd %u: poll events (restore --tcp-close)", e->fd);
	if (poll(&p, 1, 0) < 0)
		return 0;
	return restore_verify__num(v, w, VF_HEX, POLLIN | POLLRDHUP | POLLHUP,
				   p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR));
}

/*
 * Closed in the image: by FINs (SOCK_DONE, no error) or by a reset (no
 * SOCK_DONE, its error pending or read): the same on the restored socket,
 * read without taking the error (tcp_skerr.h; without it the restore
 * fails: what dump saved could not be checked).
 */
static int closed_how(struct verify *v, const FdEntry *e, int s)
{
	const TcpConnEntry *t = e->inet_sk->tcp;
	struct tcp_skerr k;
	char w[64];
	int err;

	err = tcp_skerr__read(s, &k);
	if (err) {
		snprintf(w, sizeof(w), "fd %u: how its TCP socket closed (BPF iterator)", e->fd);
		return restore_verify__cannot(v, w, err);
	}
	snprintf(w, sizeof(w), "fd %u: closed by a reset (no peer's FIN)", e->fd);
	v->n->sockopts++;
	err = restore_verify__num(v, w, VF_DEC, t->has_reset_err, !k.done);
	if (err)
		return err;
	snprintf(w, sizeof(w), "fd %u: pending socket error", e->fd);
	v->n->sockopts++;
	err = restore_verify__num(v, w, VF_DEC, t->has_reset_err ? t->reset_err : 0,
				  (uint32_t)k.err);
	if (err)
		return err;
	/* Dump refuses a soft error; sockdiag cannot see a closed socket's shutdown bits. */
	snprintf(w, sizeof(w), "fd %u: pending soft socket error", e->fd);
	v->n->sockopts++;
	err = restore_verify__num(v, w, VF_DEC, 0, (uint32_t)k.err_soft);
	if (err)
		return err;
	snprintf(w, sizeof(w), "fd %u: TCP shutdown bits", e->fd);
	v->n->sockopts++;
	return restore_verify__num(v, w, VF_HEX, e->inet_sk->has_shutdown ?
				   e->inet_sk->shutdown & 3 : 0, k.shutdown & 3);
}

int restore_verify_tcp__conn(struct verify *v, const FdEntry *e, int s)
{
	const InetSkEntry *k = e->inet_sk;
	struct sockdiag_inet d;
	struct tcp_info ti;
	socklen_t l = sizeof(ti);
	struct stat st;
	uint32_t img_sd;
	char w[64];
	int err;

	if (!k || !k->tcp)
		return 0;
	/* restore --tcp-close: closed, shut down both ways, no address. */
	if (restore_tcp__close_mode())
		return closed(v, e, s);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return 0;
	snprintf(w, sizeof(w), "fd %u: TCP state", e->fd);
	v->n->sockopts++;
	if (!reachable(k->tcp->state, ti.tcpi_state))
		return restore_verify__str(v, w, tcp_fin__state_name(k->tcp->state),
					   tcp_fin__state_name(ti.tcpi_state));
	if (k->tcp->state == TCP_FIN_ST_CLOSE) {
		err = closed_how(v, e, s);
		if (err)
			return err;
	}
	/*
	 * The MSS it sends with, as TCP_MAXSEG gives it (restore_tcp.c
	 * sync_mss()). The kernel computes it again, larger, when the peer
	 * offers a window beyond the largest it had (half of that, up to the
	 * path's): a restored peer may have done so already. Smaller is
	 * what TCP repair leaves.
	 */
	if (k->tcp->has_snd_mss && ti.tcpi_state == k->tcp->state &&
	    ti.tcpi_snd_mss < k->tcp->snd_mss) {
		snprintf(w, sizeof(w), "fd %u: TCP MSS", e->fd);
		v->n->sockopts++;
		err = restore_verify__num(v, w, VF_DEC, k->tcp->snd_mss, ti.tcpi_snd_mss);
		if (err)
			return err;
	}
	/* The shutdown bits: the image's, and RCV_SHUTDOWN if the peer's FIN came since. */
	if (fstat(s, &st) || sockdiag__inet(k->family, IPPROTO_TCP, st.st_ino, &d))
		return 0;
	img_sd = k->has_shutdown ? k->shutdown & 3 : 0;
	if ((d.shutdown & img_sd) == img_sd &&
	    (d.shutdown == img_sd || tcp_fin__peers(ti.tcpi_state) ||
	     ti.tcpi_state == TCP_FIN_ST_CLOSE))
		return 0;
	snprintf(w, sizeof(w), "fd %u: TCP shutdown bits", e->fd);
	err = restore_verify__num(v, w, VF_HEX, img_sd, d.shutdown == img_sd ? ~0u : d.shutdown);
	return err;
}
