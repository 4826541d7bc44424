// SPDX-License-Identifier: GPL-2.0
/*
 * dump_scm.c - files in flight. A unix socket's queue may hold messages
 * carrying open files (SCM_RIGHTS) that no task holds any more. Peeking
 * such a message (MSG_PEEK, from a peek offset of 0 moved forward by each
 * peek, the way dump_sockets.c reads the data) installs copies of its
 * files in the peeker, pidtrace, without taking anything from the queue;
 * each copy is then described as a task's fd would be (an fd_entry with
 * its ofd_id, found with kcmp against every fd of the tree, so a file
 * both in flight and held by a task stays one open file description), and
 * a pipe's buffered bytes are saved with the tree's pipes.
 *
 * A datagram or seqpacket message is the queue entry of the same index; a
 * stream's files travel with the last byte the peek returned (a peek stops
 * after the first piece that carries files), so the stream offset there is
 * recorded. A pipe end in flight is saved with its pipe; any other file
 * (a socket, an eventfd...) is kept only when a task of the tree holds
 * that same open file description too: the image names its kind and
 * description, which restore opens for that task and sends again. One no
 * task holds (an eventfd closed once sent...) is refused, naming it, once
 * every fd of the tree is known (dump_scm__check()). An epoll is kept
 * held or not (zdtm scm05), with its interest list, each entry by the
 * description of the tree it watches (dump_epoll__inflight()): restore
 * makes it and fills it when no task has it.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dump_epoll.h"
#include "dump_files.h"
#include "dump_scm.h"
#include "kinds.h"
#include "log.h"

#define PEEK_BYTES (4UL << 20)	/* a datagram's most (dump_sockets.c's DGRAM_MAX) */
#define MAX_SCM_FDS 253		/* SCM_MAX_FD: the most one message carries */

/* A file in flight other than a pipe: some task must hold it too. */
struct scm_held {
	pid_t pid;		/* the socket's holder and fd, for the refusal */
	int fd;
	int cfd;		/* pidtrace's copy (held until the end) */
	uint64_t dev, ino;
	char what[256];		/* its /proc link */
};

struct dump_scm {
	int *fds;	/* pidtrace's copies, open until the dump ends */
	size_t n;
	struct scm_held *held;
	size_t nheld;
};

static int hold(struct dump_ctx *ctx, int fd)
{
	struct dump_scm *k = ctx->scm;
	int *a;

	if (!k) {
		k = ctx->scm = calloc(1, sizeof(*k));
		if (!k)
			return -ENOMEM;
	}
	a = realloc(k->fds, (k->n + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	k->fds = a;
	a[k->n++] = fd;
	return 0;
}

static int refuse(pid_t pid, int fd, const char *what)
{
	pr_err("pid %d fd %d: unix socket with %s in flight (SCM_RIGHTS) is not supported", pid,
	       fd, what);
	return -EOPNOTSUPP;
}

/*
 * A file in flight other than a pipe (@cfd, pidtrace's copy; @link, @st,
 * @info as for a task's fd): its kind and open file description, which a
 * task of the tree must hold too (dump_scm__check()).
 */
static int other(struct dump_ctx *ctx, pid_t pid, int fd, int cfd, unsigned int idx,
		 const char *link, const struct stat *st, const char *info, FdEntry *f)
{
	struct fd_live l = { .pid = getpid(), .fd = cfd, .link = link, .st = st, .info = info,
			     .sock = -1 };
	const struct fd_kind *k = NULL;
	struct dump_scm *k_ = ctx->scm;
	struct scm_held *h;
	uint64_t flags = 0;
	int pfd = -1, err;

	err = kinds__probe_socket(&l, &pfd, false);
	if (pfd >= 0)
		close(pfd);
	if (!err)
		k = kinds__claim(&l);
	if (!k)
		return refuse(pid, fd, link);
	procfs__field_u64(info, "flags:", 8, &flags);
	f->fd = idx;
	f->type = k->type;
	f->flags = flags & ~O_CLOEXEC;
	f->has_dev = f->has_ino = f->has_mode = true;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mode = st->st_mode;
	err = dump_files__ofd_id(ctx, getpid(), cfd, st->st_dev, st->st_ino, st->st_mode,
				 &f->ofd_id);
	if (err)
		return err;
	/* An epoll needs no holder: its interest list travels with it (dump_epoll.c). */
	if (k->type == FD_TYPE__FD_EPOLL)
		return dump_epoll__inflight(ctx, pid, fd, cfd, info, f);
	h = realloc(k_->held, (k_->nheld + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	k_->held = h;
	h = &h[k_->nheld++];
	h->pid = pid;
	h->fd = fd;
	h->cfd = cfd;
	h->dev = st->st_dev;
	h->ino = st->st_ino;
	snprintf(h->what, sizeof(h->what), "%.*s", (int)sizeof(h->what) - 1, link);
	return 0;
}

/* Describe pidtrace's copy @cfd (the @idx-th file of its message) into @f. */
static int describe(struct dump_ctx *ctx, pid_t pid, int fd, int cfd, unsigned int idx,
		    FdEntry *f)
{
	char name[64], link[256], *info = NULL;
	uint64_t flags = 0;
	struct stat st;
	ssize_t n;
	int err;

	snprintf(name, sizeof(name), "/proc/self/fd/%d", cfd);
	n = readlink(name, link, sizeof(link) - 1);
	if (n < 0 || fstat(cfd, &st))
		return -errno;
	link[n] = '\0';
	snprintf(name, sizeof(name), "fdinfo/%d", cfd);
	err = procfs__read(getpid(), name, &info, NULL);
	if (err)
		return err;
	procfs__field_u64(info, "flags:", 8, &flags);
	if (!S_ISFIFO(st.st_mode) || strncmp(link, "pipe:[", 6)) {
		err = other(ctx, pid, fd, cfd, idx, link, &st, info, f);
		free(info);
		return err;
	}
	free(info);
	f->fd = idx;
	f->type = FD_TYPE__FD_PIPE;
	f->flags = flags & ~O_CLOEXEC;
	f->has_dev = f->has_ino = f->has_mode = f->has_pipe_ino = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mode = st.st_mode;
	f->pipe_ino = st.st_ino;
	err = dump_files__ofd_id(ctx, getpid(), cfd, st.st_dev, st.st_ino, st.st_mode, &f->ofd_id);
	return err ? err : dump_files__capture_pipe(ctx, getpid(), cfd, st.st_ino);
}

/* One message's files (@cfds, @n of them, now pidtrace's) at @at. */
static int add_msg(struct dump_ctx *ctx, pid_t pid, int fd, UnixSkEntry *u, uint64_t at,
		   const int *cfds, size_t n)
{
	ScmEntry *m, **arr;
	size_t i;
	int err = 0;

	arr = realloc(u->scm, (u->n_scm + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	u->scm = arr;
	m = arr[u->n_scm] = PB_NEW(ScmEntry, scm_entry);
	if (!m)
		return -ENOMEM;
	u->n_scm++;
	m->at = at;
	m->fds = calloc(n, sizeof(*m->fds));
	if (!m->fds)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		m->fds[i] = PB_NEW(FdEntry, fd_entry);
		if (!m->fds[i])
			return -ENOMEM;
		m->n_fds++;
		err = describe(ctx, pid, fd, cfds[i], i, m->fds[i]);
	}
	return err;
}

/* Peek every message of @s, recording the files each carries. */
static int peek_all(struct dump_ctx *ctx, pid_t pid, int fd, int s, UnixSkEntry *u)
{
	char cbuf[CMSG_SPACE(MAX_SCM_FDS * sizeof(int))];
	bool stream = u->sk_type == SOCK_STREAM;
	uint64_t idx = 0, off = 0;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	size_t nfd, i;
	int *cfds, err = 0;
	uint8_t *buf;
	ssize_t r;

	buf = malloc(PEEK_BYTES);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		iov = (struct iovec){ buf, PEEK_BYTES };
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		r = recvmsg(s, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				err = -errno;
			break;
		}
		/* Every file first: a copy not held yet would leak on an error. */
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			cfds = (int *)CMSG_DATA(c);
			for (i = 0; i < nfd; i++) {
				if (!err)
					err = hold(ctx, cfds[i]);
				if (err)
					close(cfds[i]);
			}
			if (!err)
				err = add_msg(ctx, pid, fd, u, stream ? off + r : idx, cfds, nfd);
		}
		if (!err && (mh.msg_flags & MSG_CTRUNC))
			err = refuse(pid, fd, "more files than one message can carry");
		if (err)
			break;
		if (r == 0 && (stream || (u->shutdown & 1)))
			break;
		off += r;
		idx++;
	}
	free(buf);
	return err;
}

int dump_scm__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *info, FdEntry *e)
{
	int pidfd, s, saved = -1, zero = 0, err;
	socklen_t ol = sizeof(saved);
	uint64_t scm = 0;

	procfs__field_u64(info, "scm_fds:", 10, &scm);
	if (!scm || !e->unix_sk || !e->unix_sk->queue_here)
		return 0;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	s = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = s < 0 ? -errno : 0;
	close(pidfd);
	if (err)
		return err;
	if (getsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &saved, &ol) ||
	    setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero))) {
		err = -errno;
		close(s);
		return err;
	}
	err = peek_all(ctx, pid, fd, s, e->unix_sk);
	/* The task's own peek offset, as it was. */
	setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &saved, sizeof(saved));
	close(s);
	if (err == -EMSGSIZE)
		return refuse(pid, fd, "a datagram of more than 4 MiB");
	return err;
}

/* Whether a task of the tree has @h's open file description at one of its fds. */
static bool held(struct dump_ctx *ctx, const struct scm_held *h)
{
	char path[320];
	struct dirent *d;
	struct stat st;
	bool found = false;
	size_t i;
	DIR *dir;

	for (i = 0; i < ctx->ntasks && !found; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", ctx->tasks[i].pid);
		dir = opendir(path);
		while (dir && !found && (d = readdir(dir))) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fd/%s", ctx->tasks[i].pid, d->d_name);
			if (stat(path, &st) || st.st_dev != h->dev || st.st_ino != h->ino)
				continue;
			found = !syscall(SYS_kcmp, getpid(), ctx->tasks[i].pid, KCMP_FILE, h->cfd,
					 atoi(d->d_name));
		}
		if (dir)
			closedir(dir);
	}
	return found;
}

int dump_scm__check(struct dump_ctx *ctx)
{
	struct dump_scm *k = ctx->scm;
	size_t i;

	for (i = 0; k && i < k->nheld; i++) {
		if (!held(ctx, &k->held[i])) {
			pr_err("pid %d fd %d: unix socket with %s in flight (SCM_RIGHTS), held by no task of the tree, is not supported",
			       k->held[i].pid, k->held[i].fd, k->held[i].what);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

void dump_scm__free(struct dump_ctx *ctx)
{
	struct dump_scm *k = ctx->scm;
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++)
		close(k->fds[i]);
	free(k->fds);
	free(k->held);
	free(k);
	ctx->scm = NULL;
}
