// SPDX-License-Identifier: GPL-2.0
/*
 * dump_sockets.c - sockets: unnamed unix sockets, listening unix
 * sockets bound to a name (an absolute path or an abstract name, nothing
 * pending in the backlog) and unconnected datagram sockets bound to a
 * name (with their queued datagrams) are dumped, inet sockets go to dump_inet.c,
 * every other socket is refused, naming it ("packet socket").
 *
 * Only the ends of socketpairs (or sockets never connected) are saved.
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
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_inet.h"
#include "dump_sockets.h"
#include "log.h"
#include "sockdiag.h"

#define MAX_QUEUE_BYTES (64UL << 20)	/* data queued in one socket */
#define DGRAM_MAX (4UL << 20)		/* one datagram or packet */

struct dk_sock {
	uint64_t ino, peer;
	pid_t pid;
	int fd;
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

/* What a socket of another family than unix and inet is, for the refusal. */
static void describe_socket(int family, int proto, char *buf, size_t len)
{
	switch (family) {
	case AF_NETLINK:
		snprintf(buf, len, "netlink socket (protocol %d)", proto);
		break;
	case AF_PACKET:
		snprintf(buf, len, "packet socket");
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

static int sockopt_int(int s, int opt, int *val)
{
	socklen_t l = sizeof(*val);

	return getsockopt(s, SOL_SOCKET, opt, val, &l) ? -errno : 0;
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
 * A named unix socket is saved only when it listens (stream or seqpacket)
 * with nothing in its backlog, or is a datagram socket connected to no
 * one, under an absolute path whose socket file is still its own, or an
 * abstract name. 0, or -EOPNOTSUPP with @what said.
 */
static int check_named(const struct sockdiag_unix *d, char *what, size_t len)
{
	const char *kind = d->type == SOCK_DGRAM ? "unix datagram socket" : "listening unix socket";
	struct stat st;

	if (d->type == SOCK_DGRAM && (d->state == 1 || d->peer_ino))
		snprintf(what, len, "unix datagram socket bound to %s and connected", d->name);
	else if (d->type != SOCK_DGRAM && d->state != UNIX_LISTEN)
		snprintf(what, len, "unix socket bound to %s, %s,", d->name,
			 d->state == 1 ? "connected (an accepted connection or a client)" :
			 "not listening");
	else if (d->type != SOCK_DGRAM && d->rqueue)
		snprintf(what, len, "listening unix socket %s with %u pending connection%s",
			 d->name, d->rqueue, d->rqueue == 1 ? "" : "s");
	else if (d->raw_name[0] == '\0')
		return 0;
	else if (d->name[0] != '/')
		snprintf(what, len, "unix socket bound to relative path %s", d->name);
	else if (lstat(d->name, &st) || !S_ISSOCK(st.st_mode) || !d->has_vfs ||
		 st.st_ino != d->vfs_ino ||
		 (uint32_t)(major(st.st_dev) << 20 | minor(st.st_dev)) != d->vfs_dev)
		snprintf(what, len, "%s %s whose socket file was removed or replaced", kind,
			 d->name);
	else
		return 0;
	return -EOPNOTSUPP;
}

/*
 * The name, for a listener its backlog, and (for a path) the socket
 * file's owner and mode.
 */
static int record_name(const struct sockdiag_unix *d, UnixSkEntry *u)
{
	bool abstract = d->raw_name[0] == '\0';
	size_t off = abstract ? 1 : 0, len = d->raw_len - off;
	struct stat st;

	/* A path as sun_path holds it: up to its NUL. */
	if (!abstract)
		len = strnlen((const char *)d->raw_name, d->raw_len);
	u->has_listening = true;
	u->listening = d->state == UNIX_LISTEN;
	u->has_abstract = true;
	u->abstract = abstract;
	u->has_name = true;
	u->name.len = len;
	u->name.data = malloc(len ? len : 1);
	if (!u->name.data)
		return -ENOMEM;
	memcpy(u->name.data, d->raw_name + off, len);
	if (u->listening) {
		u->has_backlog = true;
		u->backlog = d->wqueue;
	}
	if (!abstract && !lstat(d->name, &st)) {
		u->has_file_mode = u->has_file_uid = u->has_file_gid = true;
		u->file_mode = st.st_mode & 07777;
		u->file_uid = st.st_uid;
		u->file_gid = st.st_gid;
	}
	return 0;
}

static int dump_unix(struct dump_sockets *k, pid_t pid, int fd, int s, const char *info,
		     uint64_t ino, FdEntry *e)
{
	struct sockdiag_unix d;
	char what[200];
	int err, sndbuf, rcvbuf, peek, cred;
	struct dk_sock *arr;
	UnixSkEntry *u;

	err = sockdiag__unix(ino, &d);
	if (err) {
		pr_err("pid %d fd %d: cannot describe unix socket %lu: %s", pid, fd,
		       (unsigned long)ino, strerror(-err));
		return -EOPNOTSUPP;
	}
	if (d.named) {
		err = check_named(&d, what, sizeof(what));
		if (err)
			return refuse(pid, fd, what);
	}
	if (d.type != SOCK_STREAM && d.type != SOCK_DGRAM && d.type != SOCK_SEQPACKET)
		return refuse(pid, fd, "unix socket of this type");
	err = sockopt_int(s, SO_SNDBUF, &sndbuf);
	if (!err)
		err = sockopt_int(s, SO_RCVBUF, &rcvbuf);
	if (!err)
		err = sockopt_int(s, SO_PEEK_OFF, &peek);
	if (!err)
		err = sockopt_int(s, SO_PASSCRED, &cred);
	if (err)
		return err;
	e->type = FD_TYPE__FD_UNIX;
	u = e->unix_sk = PB_NEW(UnixSkEntry, unix_sk_entry);
	if (!u)
		return -ENOMEM;
	u->sk_type = d.type;
	u->has_connected = true;
	u->connected = d.state == 1; /* TCP_ESTABLISHED, even once the peer is closed */
	if (d.peer_ino) {
		u->has_peer_ino = true;
		u->peer_ino = d.peer_ino;
	}
	u->shutdown = d.shutdown;
	u->sndbuf = sndbuf;
	u->rcvbuf = rcvbuf;
	u->peek_off = peek;
	u->passcred = cred;
	if (d.named) {
		err = record_name(&d, u);
		if (err)
			return err;
	}
	if (sock_seen(k, ino))
		return 0;
	u->has_queue_here = true;
	u->queue_here = true;
	/* A listener holds connections, not data (recv() says EINVAL). */
	err = d.state == UNIX_LISTEN ? 0 : read_queue(s, d.type, d.shutdown, u);
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
	arr[k->nsocks++] = (struct dk_sock){ ino, d.peer_ino, pid, fd };
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
	sockopt_int(s, SO_DOMAIN, &family);
	sockopt_int(s, SO_TYPE, &type);
	sockopt_int(s, SO_PROTOCOL, &proto);
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

int dump_sockets__check_peers(const struct dump_sockets *k)
{
	struct sockdiag_unix d;
	size_t i, j;
	int err;

	for (i = 0; k && i < k->nsocks; i++) {
		const struct dk_sock *s = &k->socks[i];
		bool found = false;

		if (!s->peer)
			continue;
		for (j = 0; j < k->nsocks && !found; j++) {
			if (k->socks[j].ino != s->peer)
				continue;
			found = true;
			if (k->socks[j].peer != s->ino) {
				pr_err("pid %d fd %d: unix socket connected one way only is not supported",
				       s->pid, s->fd);
				return -EOPNOTSUPP;
			}
		}
		if (found)
			continue;
		/* Not in the tree: closed (restore closes it too), or held outside. */
		err = sockdiag__unix(s->peer, &d);
		if (err == -ENOENT)
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
	*peer = k->socks[i].peer;
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
