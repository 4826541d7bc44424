// SPDX-License-Identifier: GPL-2.0
/*
 * dump_sockets.c - sockets: unix sockets, inet sockets (dump_inet.c);
 * every other socket no kind claims is refused, naming it. A unix socket
 * with a socket filter is refused (restore would not attach it).
 *
 * A unix socket is saved unnamed (a socketpair end, a socket never
 * connected) or bound to a name dump_unix_name.c accepts: listening
 * (nothing pending in the backlog), bound only, an accepted connection,
 * a datagram socket with its queued datagrams; a datagram socket may be
 * connected to a named one (or to itself, or to one now closed), which
 * need not be connected back. Stream and seqpacket connections are kept
 * in pairs; what restore cannot make again is refused once every task's
 * sockets are known.
 * sock_diag tells a socket's peer; the data waiting in a socket is read in
 * pidtrace, on a copy of the socket taken with pidfd_getfd(), with MSG_PEEK
 * from a peek offset of 0 (SO_PEEK_OFF), which leaves it queued; the
 * socket's own peek offset is put back (the files in flight in it,
 * SCM_RIGHTS, are dump_scm.c's). A socket whose peer lives outside the
 * dumped tree is refused (checked once every task's fds are known).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "dump_ctx.h"
#include "dump_inet.h"
#include "dump_sockets.h"
#include "dump_unix_name.h"
#include "log.h"
#include "sockdiag.h"
#include "sockopt.h"
#include "unix_opts.h"

#define MAX_QUEUE_BYTES (64UL << 20)	/* data queued in one socket */
#define DGRAM_MAX (4UL << 20)		/* one datagram or packet */

struct dk_sock {
	uint64_t ino, peer;
	pid_t pid;
	int fd;
	uint32_t type;
	bool named;
	uint32_t pending;	/* a listener: connections in its backlog */
	uint64_t pending_on;	/* a client: the listener its connection waits in */
	uint64_t vfs;		/* its own socket file (dev << 32 | ino), 0: none */
	uint64_t replaced;	/* the file now at its path, another socket's */
	/*
	 * A datagram socket whose peer could be restored outside the tree:
	 * bound to an absolute path or an abstract name, not connected back.
	 */
	bool ext_ok;
	char name[110];
};

struct dump_sockets {
	pid_t pidfd_pid;	/* the task pidfd is open on (pidfd_getfd) */
	int pidfd;
	struct dk_sock *socks;	/* every socket seen, once */
	size_t nsocks;
};

static int refuse(pid_t pid, int fd, const char *what)
{
	pr_err("pid %d fd %d: %s is not supported", pid, fd, what);
	return -EOPNOTSUPP;
}

/* A copy of @pid's fd @fd in pidtrace (the same open file). */
static int steal_fd(struct dump_sockets *k, pid_t pid, int fd)
{
	int r;

	if (k->pidfd_pid != pid) {
		if (k->pidfd >= 0)
			close(k->pidfd);
		k->pidfd_pid = 0;
		k->pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (k->pidfd < 0)
			return errno == ESRCH ? -ESRCH : -errno;
		k->pidfd_pid = pid;
	}
	r = syscall(SYS_pidfd_getfd, k->pidfd, fd, 0);
	return r < 0 ? -errno : r;
}

/* What a socket of another family is, for the refusal (packet, netlink: their own kinds). */
static void describe_socket(int family, int proto, char *buf, size_t len)
{
	switch (family) {
	case AF_NETLINK:
		snprintf(buf, len, "netlink socket (protocol %d)", proto);
		break;
	default:
		snprintf(buf, len, "socket of address family %d", family);
	}
}

/* The unread data of unix socket @s: one entry per datagram, or one for a stream. */
static int read_queue(int s, uint32_t type, uint32_t shut, UnixSkEntry *u)
{
	int saved = -1, zero = 0, err = 0;
	socklen_t ol = sizeof(saved);
	size_t cap = type == SOCK_STREAM ? (1UL << 20) : DGRAM_MAX, total = 0;
	uint8_t *buf = malloc(cap);
	ProtobufCBinaryData *q, *item;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	if (getsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &saved, &ol) ||
	    setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero))) {
		free(buf);
		return -errno;
	}
	for (;;) {
		n = recv(s, buf, cap, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				err = -errno;
			break;
		}
		/* 0: end of a stream; for datagrams, end once shut down. */
		if (n == 0 && (type == SOCK_STREAM || (shut & 1)))
			break;
		if ((size_t)n > cap) {
			err = -EMSGSIZE;
			break;
		}
		if (total + n > MAX_QUEUE_BYTES) {
			err = -EFBIG;
			break;
		}
		total += n;
		if (type == SOCK_STREAM && u->n_queue) {
			item = &u->queue[0];
			item->data = realloc(item->data, item->len + n);
			if (!item->data) {
				err = -ENOMEM;
				break;
			}
			memcpy(item->data + item->len, buf, n);
			item->len += n;
			continue;
		}
		q = realloc(u->queue, (u->n_queue + 1) * sizeof(*q));
		if (!q) {
			err = -ENOMEM;
			break;
		}
		u->queue = q;
		item = &u->queue[u->n_queue];
		item->len = n;
		item->data = malloc(n ? n : 1);
		if (!item->data) {
			err = -ENOMEM;
			break;
		}
		memcpy(item->data, buf, n);
		u->n_queue++;
	}
	/* The task's own peek offset, as it was. */
	setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &saved, sizeof(saved));
	free(buf);
	return err;
}

static bool sock_seen(const struct dump_sockets *k, uint64_t ino)
{
	size_t i;

	for (i = 0; i < k->nsocks; i++)
		if (k->socks[i].ino == ino)
			return true;
	return false;
}

#define UNIX_LISTEN 10	/* TCP_LISTEN, as sock_diag gives the state */

/*
 * How many datagrams restore can queue again in a named datagram socket:
 * it sends them from a socket that is not the receiver's peer, which the
 * kernel stops once more than net.unix.max_dgram_qlen wait.
 */
static size_t dgram_room(void)
{
	FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "re");
	long n = 10;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 10;
		fclose(f);
	}
	return n < 0 ? 1 : (size_t)n + 1;
}

static bool connected_dgram(int s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return !getpeername(s, (struct sockaddr *)&ss, &len);
}

/*
 * The name of datagram socket @ino's peer @peer, kept in @u so that a peer
 * outside the tree can be connected to again; *@ext_ok when it can be: an
 * absolute path or an abstract name (a relative one is the binder's cwd's),
 * and the peer not connected back to @ino (its own peer would be gone
 * after the dump: what it sent would fail, ECONNREFUSED).
 */
static int peer_name(uint64_t peer, uint64_t ino, UnixSkEntry *u, bool *ext_ok)
{
	struct sockdiag_unix p;
	int err = sockdiag__unix(peer, &p);

	*ext_ok = false;
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (!p.named || p.type != SOCK_DGRAM || !p.raw_len ||
	    (p.raw_name[0] != '/' && p.raw_name[0] != '\0'))
		return 0;
	u->has_peer_name = true;
	u->peer_name.data = malloc(p.raw_len);
	if (!u->peer_name.data)
		return -ENOMEM;
	memcpy(u->peer_name.data, p.raw_name, p.raw_len);
	u->peer_name.len = p.raw_len;
	*ext_ok = p.peer_ino != ino;
	return 0;
}

/*
 * A client connected, its peer without an inode: a connection waiting in
 * a listener's backlog (or a peer closed). Restore connects it again
 * when nothing was sent on it yet (what was sits in the unaccepted peer,
 * which only accept() reaches).
 */
static int pending_on(int s, uint64_t ino, UnixSkEntry *u, char *what, size_t len)
{
	uint64_t l = 0;
	int n = 0, r;

	r = sockdiag__unix_pending_on(ino, &l);
	if (r <= 0)
		return r;
	if (ioctl(s, SIOCOUTQ, &n))
		return -errno;
	/* SIOCOUTQ: memory the data sent takes, not its length. */
	if (n) {
		snprintf(what, len, "unix socket whose connection is not accepted yet, with data sent on it,");
		return -EOPNOTSUPP;
	}
	u->has_pending_on = true;
	u->pending_on = l;
	return 0;
}

static int dump_unix(struct dump_sockets *k, pid_t pid, int fd, int s, const char *info,
		     uint64_t ino, FdEntry *e)
{
	struct sockdiag_unix d;
	uint64_t replaced = 0;
	bool ext_ok = false;
	char what[320];
	socklen_t fl = 0;
	int err, sndbuf, rcvbuf, peek, cred;
	struct dk_sock *arr;
	UnixSkEntry *u;

	err = sockdiag__unix(ino, &d);
	if (err) {
		pr_err("pid %d fd %d: cannot describe unix socket %lu: %s", pid, fd,
		       (unsigned long)ino, strerror(-err));
		return -EOPNOTSUPP;
	}
	if (d.type != SOCK_STREAM && d.type != SOCK_DGRAM && d.type != SOCK_SEQPACKET)
		return refuse(pid, fd, "unix socket of this type");
	/*
	 * A filter restore would not attach again (restore_unix.c does not
	 * call sk_filter.c yet): refused rather than lost.
	 */
	if (!getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &fl) ? fl != 0 : errno == EACCES)
		return refuse(pid, fd, "unix socket with a socket filter (BPF)");
	err = sockopt__get_int(s, SOL_SOCKET, SO_SNDBUF, &sndbuf);
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf);
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_PEEK_OFF, &peek);
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_PASSCRED, &cred);
	if (err)
		return err;
	e->type = FD_TYPE__FD_UNIX;
	u = e->unix_sk = PB_NEW(UnixSkEntry, unix_sk_entry);
	if (!u)
		return -ENOMEM;
	u->sk_type = d.type;
	u->has_connected = true;
	/*
	 * TCP_ESTABLISHED, even once the peer is closed. A datagram socket
	 * others connected to is ESTABLISHED too: it is connected when it
	 * has a peer of its own (getpeername(), even a closed one).
	 */
	u->connected = d.type == SOCK_DGRAM ? connected_dgram(s) : d.state == 1;
	if (d.type != SOCK_DGRAM && u->connected && !d.peer_ino) {
		err = pending_on(s, ino, u, what, sizeof(what));
		if (err == -EOPNOTSUPP)
			return refuse(pid, fd, what);
		if (err)
			return err;
	}
	if (d.peer_ino) {
		u->has_peer_ino = true;
		u->peer_ino = d.peer_ino;
	}
	if (d.type == SOCK_DGRAM && d.peer_ino) {
		err = peer_name(d.peer_ino, ino, u, &ext_ok);
		if (err)
			return err;
	}
	u->shutdown = d.shutdown;
	u->sndbuf = sndbuf;
	u->rcvbuf = rcvbuf;
	u->peek_off = peek;
	u->passcred = cred;
	err = unix_opts__dump(s, d.type, u);
	if (err)
		return err;
	if (d.named) {
		err = dump_unix_name__record(s, &d, u, what, sizeof(what), &replaced);
		if (err == -EOPNOTSUPP)
			return refuse(pid, fd, what);
		if (err)
			return err;
	}
	if (sock_seen(k, ino))
		return 0;
	u->has_queue_here = true;
	u->queue_here = true;
	/*
	 * A listener holds connections, not data, and a stream or seqpacket
	 * socket never connected none either (recv() says EINVAL, ENOTCONN).
	 */
	err = d.state == UNIX_LISTEN || (d.type != SOCK_DGRAM && !d.peer_ino && !u->connected) ?
		      0 : read_queue(s, d.type, d.shutdown, u);
	if (!err && d.named && d.type == SOCK_DGRAM && u->n_queue > dgram_room()) {
		snprintf(what, sizeof(what),
			 "unix datagram socket %s with %zu datagrams queued, more than net.unix.max_dgram_qlen lets restore send again,",
			 d.name, u->n_queue);
		return refuse(pid, fd, what);
	}
	if (err == -EFBIG || err == -EMSGSIZE) {
		snprintf(what, sizeof(what), "unix socket with %s queued",
			 err == -EFBIG ? "more than 64 MiB" : "a datagram of more than 4 MiB");
		return refuse(pid, fd, what);
	}
	if (err)
		return err;
	arr = realloc(k->socks, (k->nsocks + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	k->socks = arr;
	arr[k->nsocks] = (struct dk_sock){ ino, d.peer_ino, pid, fd, d.type, d.named,
					   d.state == UNIX_LISTEN ? d.rqueue : 0, u->pending_on,
					   d.has_vfs && !u->file_gone ?
						   (uint64_t)d.vfs_dev << 32 | d.vfs_ino : 0,
					   replaced, ext_ok };
	snprintf(arr[k->nsocks++].name, sizeof(arr->name), "%s", d.name);
	return 0;
}

int dump_sockets__fd(struct dump_sockets **sk, pid_t pid, int fd, const struct stat *st,
		     const char *info, FdEntry *e)
{
	int s, family = 0, type = 0, proto = 0, err;
	struct dump_sockets *k = *sk;
	char what[256];

	if (!k) {
		k = *sk = calloc(1, sizeof(*k));
		if (!k)
			return -ENOMEM;
		k->pidfd = -1;
	}
	s = steal_fd(k, pid, fd);
	if (s < 0) {
		if (s == -ESRCH)
			return s;
		pr_err("pid %d fd %d: cannot look at the socket: %s", pid, fd, strerror(-s));
		return -EOPNOTSUPP;
	}
	sockopt__get_int(s, SOL_SOCKET, SO_DOMAIN, &family);
	sockopt__get_int(s, SOL_SOCKET, SO_TYPE, &type);
	sockopt__get_int(s, SOL_SOCKET, SO_PROTOCOL, &proto);
	if (family == AF_UNIX) {
		err = dump_unix(k, pid, fd, s, info, st->st_ino, e);
	} else if (family == AF_INET || family == AF_INET6) {
		err = dump_inet__fd(pid, fd, s, family, type, proto, st->st_ino, e);
	} else {
		describe_socket(family, proto, what, sizeof(what));
		err = refuse(pid, fd, what);
	}
	close(s);
	return err;
}

/*
 * Socket @s is connected to @q, a socket of the tree: what restore cannot
 * make again (a refusal printed), or 0. Restore connects a socket to its
 * peer's name, through the listener for an accepted connection, or makes
 * an unnamed pair with socketpair().
 */
static int check_pair(const struct dk_sock *s, const struct dk_sock *q)
{
	const char *what = NULL;

	if (q->peer != s->ino) {
		/* A datagram socket sends to a named one that need not answer. */
		if (s->type == SOCK_DGRAM && q->named)
			return 0;
		what = s->type == SOCK_DGRAM ?
			       "unix datagram socket connected to an unnamed socket that is not connected back" :
			       "unix socket connected one way only";
	} else if (s->type == SOCK_DGRAM && s->named && !q->named) {
		what = "unix datagram socket bound to a name and connected to an unnamed socket connected back";
	} else if (s->type != SOCK_DGRAM && s->named && q->named) {
		what = "unix socket connection with both ends bound to a name";
	}
	if (!what)
		return 0;
	pr_err("pid %d fd %d: %s is not supported", s->pid, s->fd, what);
	return -EOPNOTSUPP;
}

/* Every connection pending in listener @l comes from a client of the tree. */
static int check_pending(const struct dump_sockets *k, const struct dk_sock *l)
{
	uint32_t n = 0;
	size_t j;

	for (j = 0; j < k->nsocks; j++)
		n += k->socks[j].pending_on == l->ino;
	if (n == l->pending)
		return 0;
	pr_err("pid %d fd %d: listening unix socket %s with %u pending connection%s, %u of them from outside the dumped tree or closed, is not supported",
	       l->pid, l->fd, l->name, l->pending, l->pending == 1 ? "" : "s", l->pending - n);
	return -EOPNOTSUPP;
}

int dump_sockets__check_peers(const struct dump_sockets *k)
{
	struct sockdiag_unix d;
	size_t i, j;
	int err;

	for (i = 0; k && i < k->nsocks; i++) {
		const struct dk_sock *s = &k->socks[i];
		bool found = false;

		if (s->pending) {
			err = check_pending(k, s);
			if (err)
				return err;
		}
		for (j = 0; s->replaced && j < k->nsocks && !found; j++)
			found = k->socks[j].vfs == s->replaced;
		if (s->replaced && !found) {
			pr_err("pid %d fd %d: unix socket %s whose socket file was replaced by one of a socket outside the dumped tree is not supported",
			       s->pid, s->fd, s->name);
			return -EOPNOTSUPP;
		}
		found = false;
		for (j = 0; s->pending_on && j < k->nsocks && !found; j++)
			found = k->socks[j].ino == s->pending_on;
		if (s->pending_on && !found) {
			pr_err("pid %d fd %d: unix socket whose connection waits in the backlog of a listener outside the dumped tree is not supported",
			       s->pid, s->fd);
			return -EOPNOTSUPP;
		}
		found = false;

		if (!s->peer || s->peer == s->ino)
			continue;
		for (j = 0; j < k->nsocks && !found; j++) {
			if (k->socks[j].ino != s->peer)
				continue;
			found = true;
			err = check_pair(s, &k->socks[j]);
			if (err)
				return err;
		}
		if (found)
			continue;
		/* Not in the tree: closed (restore closes it too), or held outside. */
		err = sockdiag__unix(s->peer, &d);
		if (err == -ENOENT)
			continue;
		/* Named, one way: restore connects to its name again (restore_unix_dgram.c). */
		if (s->ext_ok)
			continue;
		pr_err("pid %d fd %d: unix socket whose peer (socket %lu) is outside the dumped tree is not supported",
		       s->pid, s->fd, (unsigned long)s->peer);
		return -EOPNOTSUPP;
	}
	return 0;
}

bool dump_sockets__unix(const struct dump_sockets *k, size_t i, uint64_t *ino, uint64_t *peer,
			pid_t *pid, int *fd)
{
	if (!k || i >= k->nsocks)
		return false;
	*ino = k->socks[i].ino;
	/* A peer restore connects to by name may well be held outside. */
	*peer = k->socks[i].ext_ok ? 0 : k->socks[i].peer;
	*pid = k->socks[i].pid;
	*fd = k->socks[i].fd;
	return true;
}

void dump_sockets__free(struct dump_sockets *k)
{
	if (!k)
		return;
	if (k->pidfd >= 0)
		close(k->pidfd);
	free(k->socks);
	free(k);
}
