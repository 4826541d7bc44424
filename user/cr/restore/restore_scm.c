// SPDX-License-Identifier: GPL-2.0
/*
 * restore_scm.c - files in flight. When restore_fdkinds.c refills a unix
 * socket whose queue carried files (SCM_RIGHTS), the messages are sent
 * again here, each with its files attached: a datagram (or seqpacket
 * record) with the files it had; a stream cut where its files rode, each
 * piece up to such an offset sent with them (the receiver's reads stop
 * at the same places, since a read of a stream ends after the bytes that
 * bring files).
 *
 * A file in flight is an open file description like any fd of the tree
 * (same ofd_id, same description): the one pidtrace already opened for a
 * task is sent, else it is opened now and kept in the tree's objects, so a
 * task that holds it too (the sender kept its copy) gets that very one.
 * A file of another kind in flight is one a task holds too (dump_scm.c
 * refuses the others): the queue that carries one is sent once every
 * description of the tree is open (restore_scm__late(), from the kinds'
 * restore_tree step), from the socket's peer when they are connected to
 * each other, else from the socket and to the name it was to be sent
 * from and to; its pipe ends are opened at once, with their pipes. An
 * epoll in flight that no task holds (zdtm scm05) is made then, and its
 * interest list added in the socket's task (restore_epoll__inflight()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kinds.h"
#include "log.h"
#include "restore_ctx.h"
#include "restore_epoll.h"
#include "restore_files.h"
#include "restore_ns.h"
#include "restore_scm.h"

#define MAX_SCM_FDS 253		/* SCM_MAX_FD */

/* A queue whose files are not all open yet: sent by restore_scm__late(). */
struct scm_later {
	pid_t pid;
	const UnixSkEntry *to;
	int from;		/* a dup of the socket it was to be sent from */
	struct sockaddr_un dst;
	socklen_t dlen;		/* 0: to the peer of @from */
};

struct restore_scm {
	struct scm_later *l;
	size_t n;
};

static struct robj *find_obj(struct restore_ctx *ctx, uint32_t id)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == id)
			return &ctx->objs[i];
	return NULL;
}

/* Keep @fd, pidtrace's description of in-flight file @f, with the tree's. */
static int keep(struct restore_ctx *ctx, pid_t pid, const FdEntry *f, int fd)
{
	struct robj *o;
	int err, src = fd;

	if (ctx->pidns) {
		err = restore_ns__hold(ctx, fd, &src);
		if (err) {
			close(fd);
			return restore_ctx__fail(ctx, pid, err,
					     "pid %d: a file in flight: cannot pass it into the namespace: %s",
					     pid, strerror(-err));
		}
	}
	o = realloc(ctx->objs, (ctx->nobjs + 1) * sizeof(*o));
	if (!o) {
		close(fd);
		return -ENOMEM;
	}
	ctx->objs = o;
	ctx->objs[ctx->nobjs++] = (struct robj){ f->ofd_id, fd, src };
	return 0;
}

/*
 * An epoll in flight no task holds: made, kept, and filled in task @pid
 * (restore_epoll.c), now that every description of the tree is open (its
 * queue is sent late: needs_all()).
 */
static int epoll_fd(struct restore_ctx *ctx, pid_t pid, const FdEntry *f)
{
	int fd = restore_epoll__open(ctx, pid, f), err;

	if (fd < 0)
		return fd;
	err = keep(ctx, pid, f, fd);
	if (!err)
		err = restore_epoll__inflight(ctx, pid, f, fd, ctx->objs[ctx->nobjs - 1].src_fd);
	return err ? err : fd;
}

/* pidtrace's fd on in-flight file @f, opened once and kept with the tree's. */
static int file_fd(struct restore_ctx *ctx, pid_t pid, const FdEntry *f)
{
	struct robj *o = find_obj(ctx, f->ofd_id);
	int fd, err;

	if (o)
		return o->fd;
	if (f->type == FD_TYPE__FD_EPOLL && f->epoll)
		return epoll_fd(ctx, pid, f);
	if (f->type != FD_TYPE__FD_PIPE || !f->has_pipe_ino)
		return restore_ctx__fail(ctx, pid, -EOPNOTSUPP,
				     "pid %d: a %s in flight that no task of the tree holds", pid,
				     kinds__noun(f->type));
	fd = restore_files__open_pipe(ctx, pid, f);
	if (fd < 0)
		return fd;
	err = keep(ctx, pid, f, fd);
	return err ? err : fd;
}

/* Send @len bytes of @data, the files @fds (@nfds) with the first send. */
static int send_piece(int from, const uint8_t *data, size_t len, const int *fds, size_t nfds,
		      bool stream, const struct sockaddr_un *dst, socklen_t dlen)
{
	char cbuf[CMSG_SPACE(MAX_SCM_FDS * sizeof(int))];
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	size_t done = 0;
	ssize_t n;

	do {
		iov = (struct iovec){ (void *)(data + done), len - done };
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_name = (void *)dst;
		mh.msg_namelen = dst ? dlen : 0;
		if (nfds && !done) {
			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
			memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
		}
		n = sendmsg(from, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0)
			return -errno;
		if (!stream && (size_t)n != len)
			return -EMSGSIZE;
		done += n;
	} while (stream && done < len);
	return 0;
}

/* The fds of message @m's files. */
static int msg_fds(struct restore_ctx *ctx, pid_t pid, const ScmEntry *m, int *fds)
{
	size_t i;
	int fd;

	if (m->n_fds > MAX_SCM_FDS)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d: %zu files in one message", pid,
				     m->n_fds);
	for (i = 0; i < m->n_fds; i++) {
		fd = file_fd(ctx, pid, m->fds[i]);
		if (fd < 0)
			return fd;
		fds[i] = fd;
	}
	return 0;
}

static const ScmEntry *scm_at(const UnixSkEntry *u, uint64_t at)
{
	size_t i;

	for (i = 0; i < u->n_scm; i++)
		if (u->scm[i]->at == at)
			return u->scm[i];
	return NULL;
}

/* Whether @to's queue carries a file other than a pipe end. */
static bool needs_all(const UnixSkEntry *to)
{
	size_t i, k;

	for (i = 0; i < to->n_scm; i++)
		for (k = 0; k < to->scm[i]->n_fds; k++)
			if (to->scm[i]->fds[k]->type != FD_TYPE__FD_PIPE)
				return true;
	return false;
}

/* Keep @to's queue for restore_scm__late(); its pipe ends opened now, with their pipes. */
static int later(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
		 const struct sockaddr_un *dst, socklen_t dlen)
{
	struct restore_scm *k = ctx->scm;
	struct scm_later *l;
	size_t i, f;
	int fd;

	for (i = 0; i < to->n_scm; i++)
		for (f = 0; f < to->scm[i]->n_fds; f++)
			if (to->scm[i]->fds[f]->type == FD_TYPE__FD_PIPE) {
				fd = file_fd(ctx, pid, to->scm[i]->fds[f]);
				if (fd < 0)
					return fd;
			}
	if (!k && !(k = ctx->scm = calloc(1, sizeof(*k))))
		return -ENOMEM;
	l = realloc(k->l, (k->n + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	k->l = l;
	l = &l[k->n];
	memset(l, 0, sizeof(*l));
	l->from = fcntl(from, F_DUPFD_CLOEXEC, 0);
	if (l->from < 0)
		return -errno;
	k->n++;
	l->pid = pid;
	l->to = to;
	if (dst && dlen <= sizeof(l->dst)) {
		memcpy(&l->dst, dst, dlen);
		l->dlen = dlen;
	}
	return 0;
}

static int send_now(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
		    const struct sockaddr_un *dst, socklen_t dlen);

int restore_scm__send(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
		      const struct sockaddr_un *dst, socklen_t dlen)
{
	return needs_all(to) ? later(ctx, pid, from, to, dst, dlen) :
			       send_now(ctx, pid, from, to, dst, dlen);
}

static int send_now(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
		    const struct sockaddr_un *dst, socklen_t dlen)
{
	bool stream = to->sk_type == SOCK_STREAM;
	int fds[MAX_SCM_FDS], err = 0;
	const ScmEntry *m;
	uint64_t pos = 0, at, len;
	size_t i;

	if (!stream) {
		for (i = 0; i < to->n_queue && !err; i++) {
			m = scm_at(to, i);
			err = m ? msg_fds(ctx, pid, m, fds) : 0;
			if (!err)
				err = send_piece(from, to->queue[i].data, to->queue[i].len, fds,
						 m ? m->n_fds : 0, false, dst, dlen);
		}
		return err;
	}
	len = to->n_queue ? to->queue[0].len : 0;
	/* The pieces in stream order: each ends where files rode. */
	while (!err && pos < len) {
		at = len;
		m = NULL;
		for (i = 0; i < to->n_scm; i++) {
			if (to->scm[i]->at > pos && to->scm[i]->at <= at) {
				at = to->scm[i]->at;
				m = to->scm[i];
			}
		}
		err = m ? msg_fds(ctx, pid, m, fds) : 0;
		if (!err)
			err = send_piece(from, to->queue[0].data + pos, at - pos, fds, m ? m->n_fds : 0,
					 true, dst, dlen);
		pos = at;
	}
	return err;
}

/* The fd entry whose socket state is @u, or NULL. */
static const FdEntry *entry_of(struct restore_ctx *ctx, const UnixSkEntry *u)
{
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++)
			if (fi->fds[k]->unix_sk == u)
				return fi->fds[k];
	}
	return NULL;
}

/* pidtrace's fd on the peer of @e when the two are connected to each other, or -1. */
static int mutual_peer(struct restore_ctx *ctx, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	size_t i, k;

	if (!u->connected || !u->has_peer_ino)
		return -1;
	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const FdEntry *p = fi->fds[k];
			struct robj *o;

			if (p->type != FD_TYPE__FD_UNIX || !p->unix_sk || p->ino != u->peer_ino ||
			    !p->unix_sk->connected || !p->unix_sk->has_peer_ino ||
			    p->unix_sk->peer_ino != e->ino)
				continue;
			o = find_obj(ctx, p->ofd_id);
			if (o)
				return o->fd;
		}
	}
	return -1;
}

int restore_scm__late(struct restore_ctx *ctx)
{
	struct restore_scm *k = ctx->scm;
	const FdEntry *e;
	size_t i;
	int err = 0, from;

	for (i = 0; k && !err && i < k->n; i++) {
		const struct scm_later *l = &k->l[i];

		e = entry_of(ctx, l->to);
		from = e ? mutual_peer(ctx, e) : -1;
		if (from >= 0)
			err = send_now(ctx, l->pid, from, l->to, NULL, 0);
		else
			err = send_now(ctx, l->pid, l->from, l->to, l->dlen ? &l->dst : NULL,
				       l->dlen);
		if (err)
			err = restore_ctx__fail(ctx, l->pid, err,
					    "pid %d fd %u: unix socket %lu: its queue with the files in flight: %s",
					    l->pid, e ? e->fd : 0, e ? (unsigned long)e->ino : 0,
					    strerror(-err));
	}
	return err;
}

void restore_scm__end(struct restore_ctx *ctx)
{
	struct restore_scm *k = ctx->scm;
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++)
		close(k->l[i].from);
	free(k->l);
	free(k);
	ctx->scm = NULL;
}
