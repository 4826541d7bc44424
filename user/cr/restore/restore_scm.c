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
 * Only pipe ends are in images (dump_scm.c refuses the rest).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "restore_ctx.h"
#include "restore_files.h"
#include "restore_ns.h"
#include "restore_scm.h"

#define MAX_SCM_FDS 253		/* SCM_MAX_FD */

static struct robj *find_obj(struct restore_ctx *ctx, uint32_t id)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == id)
			return &ctx->objs[i];
	return NULL;
}

/* pidtrace's fd on in-flight file @f, opened once and kept with the tree's. */
static int file_fd(struct restore_ctx *ctx, pid_t pid, const FdEntry *f)
{
	struct robj *o = find_obj(ctx, f->ofd_id);
	int fd, err, src;

	if (o)
		return o->fd;
	if (f->type != FD_TYPE__FD_PIPE || !f->has_pipe_ino)
		return restore_ctx__fail(ctx, pid, -EOPNOTSUPP,
				     "pid %d: a file of kind %d in flight: not supported", pid,
				     f->type);
	fd = restore_files__open_pipe(ctx, pid, f);
	if (fd < 0)
		return fd;
	src = fd;
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
	return fd;
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

int restore_scm__send(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
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
