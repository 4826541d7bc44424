// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_fds.c - a restored task's fd table against the image:
 * exactly the image's fd numbers; for each its kind, open flags and
 * close-on-exec, offset, the file's identity (dev/ino, rdev) for files
 * reopened by path, the kind's own state that fdinfo shows (eventfd count,
 * signalfd mask, timerfd clock, epoll interest list, inotify watches),
 * the socket options the image holds (read on a copy of the socket taken
 * with pidfd_getfd), and that the fds of one open file description share
 * it again (kcmp) and the ends of one pipe are one pipe.
 *
 * Not compared, by design: the inode numbers of pipes and sockets (new
 * objects), timerfd times and ticks (time passes), the identity of deleted
 * files and memfds (restore makes new ones).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "procfs.h"
#include "restore_verify.h"
#include "restore_verify_tcp.h"

#ifndef SO_PEEK_OFF
#define SO_PEEK_OFF 42
#endif

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static const char *kind_name(int type)
{
	switch (type) {
	case FD_TYPE__FD_REG:
		return "file";
	case FD_TYPE__FD_DIR:
		return "directory";
	case FD_TYPE__FD_CHR:
		return "character device";
	case FD_TYPE__FD_PIPE:
		return "pipe";
	case FD_TYPE__FD_FIFO:
		return "named FIFO";
	case FD_TYPE__FD_PIDFD:
		return "pidfd";
	case FD_TYPE__FD_UNIX:
		return "unix socket";
	case FD_TYPE__FD_EVENTFD:
		return "eventfd";
	case FD_TYPE__FD_SIGNALFD:
		return "signalfd";
	case FD_TYPE__FD_TIMERFD:
		return "timerfd";
	case FD_TYPE__FD_MEMFD:
		return "memfd";
	case FD_TYPE__FD_DELETED:
		return "deleted file";
	case FD_TYPE__FD_EPOLL:
		return "epoll";
	case FD_TYPE__FD_INET:
		return "inet socket";
	case FD_TYPE__FD_INOTIFY:
		return "inotify";
	default:
		return "?";
	}
}

/* The kind the restored fd is, in the image's words (sockets: by SO_DOMAIN). */
static int restored_kind(const char *link, const struct stat *st, int sock_domain)
{
	if (S_ISSOCK(st->st_mode))
		return sock_domain == AF_UNIX ? FD_TYPE__FD_UNIX : FD_TYPE__FD_INET;
	if (S_ISFIFO(st->st_mode))
		return !strncmp(link, "pipe:[", 6) ? FD_TYPE__FD_PIPE : FD_TYPE__FD_FIFO;
	if (!strcmp(link, "anon_inode:[pidfd]"))
		return FD_TYPE__FD_PIDFD;
	if (!strcmp(link, "anon_inode:[eventfd]"))
		return FD_TYPE__FD_EVENTFD;
	if (!strcmp(link, "anon_inode:[signalfd]"))
		return FD_TYPE__FD_SIGNALFD;
	if (!strcmp(link, "anon_inode:[timerfd]"))
		return FD_TYPE__FD_TIMERFD;
	if (!strcmp(link, "anon_inode:[eventpoll]"))
		return FD_TYPE__FD_EPOLL;
	if (!strcmp(link, "anon_inode:inotify"))
		return FD_TYPE__FD_INOTIFY;
	if (!strncmp(link, "/memfd:", 7))
		return FD_TYPE__FD_MEMFD;
	if (S_ISDIR(st->st_mode))
		return FD_TYPE__FD_DIR;
	if (S_ISCHR(st->st_mode))
		return FD_TYPE__FD_CHR;
	if (S_ISREG(st->st_mode)) {
		size_t n = strlen(link);

		return n > 10 && !strcmp(link + n - 10, " (deleted)") ? FD_TYPE__FD_DELETED
								      : FD_TYPE__FD_REG;
	}
	return 0;
}

static bool deleted_path(const char *link)
{
	size_t n = strlen(link);

	return n > 10 && !strcmp(link + n - 10, " (deleted)");
}

/* Is the file behind the fd link @path on a proc file system? */
static bool on_procfs(const char *path)
{
	struct statfs sf;

	return !statfs(path, &sf) && sf.f_type == PROC_SUPER_MAGIC;
}

/* First fd seen of each open file description (by ofd_id), and each pipe's new inode. */
struct seen_ofd {
	pid_t pid, opid; /* pid 0: none seen yet */
	int fd;
};

struct seen_pipe {
	uint64_t img_ino, ino;
};

static struct {
	struct seen_ofd *ofd; /* indexed by ofd_id */
	size_t cap_ofd;
	struct seen_pipe *pipe;
	size_t npipe, cap_pipe;
	bool no_kcmp;
} tree;

void restore_verify_fds__reset(void)
{
	free(tree.ofd);
	free(tree.pipe);
	memset(&tree, 0, sizeof(tree));
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, (*cap ? *cap * 2 : 64) * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = *cap ? *cap * 2 : 64;
	return 0;
}

/* fds of one description in the image share one again (and only by kcmp's word). */
static int check_ofd(struct verify *v, const FdEntry *e)
{
	struct seen_ofd *s;
	size_t cap;
	long r;

	if (tree.no_kcmp)
		return 0;
	if (e->ofd_id >= tree.cap_ofd) {
		cap = tree.cap_ofd ? tree.cap_ofd : 256;
		while (cap <= e->ofd_id)
			cap *= 2;
		s = realloc(tree.ofd, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		memset(s + tree.cap_ofd, 0, (cap - tree.cap_ofd) * sizeof(*s));
		tree.ofd = s;
		tree.cap_ofd = cap;
	}
	s = &tree.ofd[e->ofd_id];
	if (!s->pid) {
		*s = (struct seen_ofd){v->pid, v->opid, e->fd};
		return 0;
	}
	r = syscall(SYS_kcmp, s->opid, v->opid, KCMP_FILE, s->fd, e->fd);
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		tree.no_kcmp = true;
		return 0;
	}
	if (r == 0) {
		v->n->shared++;
		return 0;
	}
	return restore__fail(v->ctx, v->pid, -EIO,
			     "pid %d: fd %u: one open file with fd %d of pid %d in the image, "
			     "%s after restore",
			     v->pid, e->fd, s->fd, (int)s->pid, r < 0 ? "cannot compare" : "two");
}

/* The ends of one pipe of the image are ends of one pipe after restore, and of no other. */
static int check_pipe(struct verify *v, const FdEntry *e, uint64_t ino)
{
	size_t i;
	int err;

	for (i = 0; i < tree.npipe; i++) {
		if (tree.pipe[i].img_ino != e->pipe_ino && tree.pipe[i].ino != ino)
			continue;
		if (tree.pipe[i].img_ino == e->pipe_ino && tree.pipe[i].ino == ino)
			return 0;
		return restore__fail(
			v->ctx, v->pid, -EIO,
			"pid %d: fd %u: pipe %llu in the image, pipe %llu after restore "
			"(the image's pipe %llu is pipe %llu)",
			v->pid, e->fd, (unsigned long long)e->pipe_ino, (unsigned long long)ino,
			(unsigned long long)tree.pipe[i].img_ino,
			(unsigned long long)tree.pipe[i].ino);
	}
	err = grow((void **)&tree.pipe, &tree.cap_pipe, tree.npipe, sizeof(*tree.pipe));
	if (err)
		return err;
	tree.pipe[tree.npipe++] = (struct seen_pipe){e->pipe_ino, ino};
	return 0;
}

static int sockopt(int s, int level, int opt, int *val)
{
	socklen_t len = sizeof(*val);

	*val = 0;
	return getsockopt(s, level, opt, val, &len) ? -errno : 0;
}

#define OPT(level, opt, what, img)                                                                 \
	do {                                                                                       \
		int val_;                                                                          \
		if (!err && !sockopt(s, level, opt, &val_)) {                                      \
			snprintf(w, sizeof(w), "fd %u: %s", e->fd, what);                          \
			err = restore_verify__num(v, w, VF_SDEC, (int64_t)(img), (int64_t)val_);   \
			v->n->sockopts++;                                                          \
		}                                                                                  \
	} while (0)

static int check_unix(struct verify *v, const FdEntry *e, int s)
{
	const UnixSkEntry *u = e->unix_sk;
	char w[64];
	int err = 0;

	if (!u)
		return 0;
	OPT(SOL_SOCKET, SO_TYPE, "socket type", u->sk_type);
	OPT(SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", u->sndbuf);
	OPT(SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", u->rcvbuf);
	OPT(SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED", u->passcred);
	OPT(SOL_SOCKET, SO_PEEK_OFF, "SO_PEEK_OFF", u->peek_off);
	if (u->sk_type != SOCK_DGRAM)
		OPT(SOL_SOCKET, SO_ACCEPTCONN, "listening", u->has_listening && u->listening);
	return err;
}

static int check_inet(struct verify *v, const FdEntry *e, int s)
{
	const InetSkEntry *k = e->inet_sk;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool v6 = k && k->family == AF_INET6;
	int lv = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	char w[64];
	size_t i;
	int err = 0;

	if (!k)
		return 0;
	OPT(SOL_SOCKET, SO_DOMAIN, "address family", k->family);
	OPT(SOL_SOCKET, SO_TYPE, "socket type", k->sk_type);
	OPT(SOL_SOCKET, SO_PROTOCOL, "protocol", k->protocol);
	OPT(SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", k->reuseaddr);
	OPT(SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT", k->reuseport);
	OPT(SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", k->keepalive);
	/* A connection's sizes the program never set are the kernel's to tune (SO_BUF_LOCK). */
	if (!k->tcp || !k->has_buf_lock || (k->buf_lock & 1))
		OPT(SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", k->sndbuf);
	if (!k->tcp || !k->has_buf_lock || (k->buf_lock & 2))
		OPT(SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", k->rcvbuf);
	if (k->has_buf_lock)
		OPT(SOL_SOCKET, 72 /* SO_BUF_LOCK */, "SO_BUF_LOCK", k->buf_lock);
	if (k->sk_type == SOCK_STREAM)
		OPT(SOL_SOCKET, SO_ACCEPTCONN, "listening", k->listening);
	if (k->has_nodelay)
		OPT(IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", k->nodelay);
	/*
	 * Not for a TCP connection: TCP repair binds it to its address, and
	 * the kernel then sets IPV6_V6ONLY (a bind to a non-mapped address
	 * does) where the original got its address from connect() and kept
	 * it off; it cannot be cleared once bound, and a connected socket
	 * never binds or accepts again, where the flag would matter.
	 */
	if (v6 && k->has_v6only && !k->tcp)
		OPT(IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", k->v6only);
	if (k->has_freebind)
		OPT(lv, v6 ? IPV6_FREEBIND : IP_FREEBIND, "freebind", k->freebind);
	if (k->has_transparent)
		OPT(lv, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, "transparent", k->transparent);
	/* The other options the image lists (inet_opts.c), byte for byte. */
	for (i = 0; !err && i < k->n_opts; i++) {
		const InetSockopt *o = k->opts[i];
		uint8_t val[256];
		socklen_t vlen = o->value.len <= sizeof(val) ? o->value.len : sizeof(val);

		if (getsockopt(s, o->level, o->name, val, &vlen))
			continue;
		snprintf(w, sizeof(w), "fd %u: socket option %u/%u", e->fd, o->level, o->name);
		if (vlen != o->value.len || memcmp(val, o->value.data, vlen)) {
			uint64_t a = 0, b = 0;

			memcpy(&a, o->value.data, o->value.len < 8 ? o->value.len : 8);
			memcpy(&b, val, vlen < 8 ? vlen : 8);
			err = restore_verify__num(v, w, VF_HEX, a, a == b ? ~b : b);
		}
		v->n->sockopts++;
	}
	if (!err)
		err = restore_verify_tcp__conn(v, e, s);
	if (err)
		return err;
	if (getsockname(s, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
		uint16_t port = ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
							: ((struct sockaddr_in6 *)&ss)->sin6_port;

		snprintf(w, sizeof(w), "fd %u: local port", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->src_port, ntohs(port));
		v->n->sockopts++;
	}
	return err;
}

/* Socket options, on a copy of the task's socket. */
static int check_socket(struct verify *v, const FdEntry *e, int *pidfd, int *kind)
{
	char w[64];
	int s, dom = 0, err = 0;

	if (*pidfd < 0) {
		*pidfd = syscall(SYS_pidfd_open, v->opid, 0);
		if (*pidfd < 0)
			return restore_verify__cannot(v, "its sockets (pidfd_open)", -errno);
	}
	s = syscall(SYS_pidfd_getfd, *pidfd, e->fd, 0);
	if (s < 0) {
		snprintf(w, sizeof(w), "fd %u (pidfd_getfd)", e->fd);
		return restore_verify__cannot(v, w, -errno);
	}
	sockopt(s, SOL_SOCKET, SO_DOMAIN, &dom);
	*kind = dom == AF_UNIX ? FD_TYPE__FD_UNIX : FD_TYPE__FD_INET;
	if (*kind == (int)e->type)
		err = e->type == FD_TYPE__FD_UNIX ? check_unix(v, e, s) : check_inet(v, e, s);
	close(s);
	return err;
}

/* The kind's own state as fdinfo shows it, where time does not change it. */
static int check_fdinfo_kind(struct verify *v, const FdEntry *e, const char *info)
{
	char w[64];
	uint64_t x = 0;
	int err = 0;

	switch (e->type) {
	case FD_TYPE__FD_EVENTFD:
		if (e->eventfd && !procfs__field_u64(info, "eventfd-count:", 16, &x)) {
			snprintf(w, sizeof(w), "fd %u: eventfd count", e->fd);
			err = restore_verify__num(v, w, VF_DEC, e->eventfd->count, x);
		}
		break;
	case FD_TYPE__FD_SIGNALFD:
		if (e->signalfd && !procfs__field_u64(info, "sigmask:", 16, &x)) {
			snprintf(w, sizeof(w), "fd %u: signalfd mask", e->fd);
			err = restore_verify__num(v, w, VF_HEX, e->signalfd->sigmask, x);
		}
		break;
	case FD_TYPE__FD_TIMERFD:
		if (e->timerfd && !procfs__field_u64(info, "clockid:", 10, &x)) {
			snprintf(w, sizeof(w), "fd %u: timerfd clock", e->fd);
			err = restore_verify__num(v, w, VF_DEC, e->timerfd->clockid, x);
		}
		break;
	case FD_TYPE__FD_EPOLL: {
		const EpollEntry *ep = e->epoll;
		const char *p = info;
		size_t n = 0, i;

		if (!ep || !ep->targets_here)
			break;
		while ((p = strstr(p, "tfd:"))) {
			unsigned int tfd, events;
			unsigned long long data;
			bool found = false;

			if (sscanf(p, "tfd: %u events: %x data: %llx", &tfd, &events, &data) != 3)
				break;
			for (i = 0; i < ep->n_targets; i++)
				if (ep->targets[i]->tfd == tfd && ep->targets[i]->data == data)
					found = true;
			if (!found) {
				snprintf(w, sizeof(w), "fd %u: epoll watch of fd %u", e->fd, tfd);
				return restore_verify__str(v, w, "none", "one");
			}
			n++;
			p += 4;
		}
		snprintf(w, sizeof(w), "fd %u: epoll watches", e->fd);
		err = restore_verify__num(v, w, VF_DEC, ep->n_targets, n);
		break;
	}
	case FD_TYPE__FD_INOTIFY: {
		const InotifyEntry *in = e->inotify;
		const char *p = info;
		size_t n = 0;

		if (!in)
			break;
		/* fdinfo's order is the kernel's: match by watch descriptor. */
		while ((p = strstr(p, "inotify wd:"))) {
			const InotifyWatch *iw = NULL;
			unsigned int wd, mask;
			unsigned long long ino;
			const char *m;
			size_t i;

			if (sscanf(p, "inotify wd:%x ino:%llx", &wd, &ino) != 2)
				break;
			m = strstr(p, "mask:");
			if (!m || sscanf(m, "mask:%x", &mask) != 1)
				break;
			for (i = 0; i < in->n_watches; i++)
				if (in->watches[i]->wd == wd)
					iw = in->watches[i];
			snprintf(w, sizeof(w), "fd %u: inotify watch %u", e->fd, wd);
			if (!iw)
				return restore_verify__str(v, w, "none", "one");
			snprintf(w, sizeof(w), "fd %u: inotify watch %u: inode", e->fd, wd);
			err = restore_verify__num(v, w, VF_DEC, iw->ino, ino);
			snprintf(w, sizeof(w), "fd %u: inotify watch %u: mask", e->fd, wd);
			if (!err)
				err = restore_verify__num(v, w, VF_HEX, iw->mask, mask);
			if (err)
				return err;
			n++;
			p += 11;
		}
		snprintf(w, sizeof(w), "fd %u: inotify watches", e->fd);
		err = restore_verify__num(v, w, VF_DEC, in->n_watches, n);
		break;
	}
	default:
		break;
	}
	return err;
}

static int check_fd(struct verify *v, const FdEntry *e, int *pidfd)
{
	char name[64], w[64], link[4096], *info = NULL;
	uint64_t flags = 0, pos = 0;
	struct stat st;
	bool procfile = false;
	int kind, err;

	snprintf(name, sizeof(name), "fd/%u", e->fd);
	err = procfs__readlink(v->opid, name, link, sizeof(link));
	snprintf(name, sizeof(name), "/proc/%d/fd/%u", v->opid, e->fd);
	if (!err && stat(name, &st))
		err = -errno;
	procfile = !err && on_procfs(name);
	snprintf(name, sizeof(name), "fdinfo/%u", e->fd);
	if (!err)
		err = procfs__read(v->opid, name, &info, NULL);
	if (err) {
		snprintf(name, sizeof(name), "fd %u", e->fd);
		return restore_verify__cannot(v, name, err);
	}
	kind = restored_kind(link, &st, AF_UNIX);
	if (S_ISSOCK(st.st_mode))
		err = check_socket(v, e, pidfd, &kind);
	if (!err && kind != (int)e->type) {
		snprintf(w, sizeof(w), "fd %u: kind", e->fd);
		err = restore_verify__str(v, w, kind_name(e->type), kind ? kind_name(kind) : link);
	}
	if (err)
		goto out;
	procfs__field_u64(info, "flags:", 8, &flags);
	snprintf(w, sizeof(w), "fd %u: flags", e->fd);
	err = restore_verify__num(v, w, VF_OCT, e->flags, flags & ~(uint64_t)O_CLOEXEC);
	snprintf(w, sizeof(w), "fd %u: close-on-exec", e->fd);
	if (!err)
		err = restore_verify__num(v, w, VF_DEC, e->cloexec, !!(flags & O_CLOEXEC));
	/* Offsets of what restore seeks: files, deleted files, memfds, directories. */
	if (!err && e->has_pos &&
	    (e->type == FD_TYPE__FD_REG || e->type == FD_TYPE__FD_DIR ||
	     e->type == FD_TYPE__FD_DELETED || e->type == FD_TYPE__FD_MEMFD) &&
	    !procfs__field_u64(info, "pos:", 10, &pos)) {
		snprintf(w, sizeof(w), "fd %u: offset", e->fd);
		err = restore_verify__num(v, w, VF_DEC, e->pos, pos);
	}
	/*
	 * Files reopened by path: the same file. Not in /proc, whose inodes
	 * are made per lookup (a restored task's /proc/PID/stat, reopened by
	 * its path, is the same file under a new inode number), nor a FIFO
	 * made again because it had been deleted.
	 */
	if (!err && (e->type == FD_TYPE__FD_REG || e->type == FD_TYPE__FD_DIR ||
		     e->type == FD_TYPE__FD_CHR ||
		     (e->type == FD_TYPE__FD_FIFO && !deleted_path(link))) &&
	    !procfile) {
		snprintf(w, sizeof(w), "fd %u: device", e->fd);
		if (e->has_dev)
			err = restore_verify__num(v, w, VF_HEX, e->dev, st.st_dev);
		snprintf(w, sizeof(w), "fd %u: inode", e->fd);
		if (!err && e->has_ino)
			err = restore_verify__num(v, w, VF_DEC, e->ino, st.st_ino);
		snprintf(w, sizeof(w), "fd %u: rdev", e->fd);
		if (!err && e->has_rdev)
			err = restore_verify__num(v, w, VF_HEX, e->rdev, st.st_rdev);
	}
	if (!err && e->type == FD_TYPE__FD_PIPE && e->has_pipe_ino)
		err = check_pipe(v, e, st.st_ino);
	if (!err)
		err = check_fdinfo_kind(v, e, info);
	if (!err)
		err = check_ofd(v, e);
out:
	free(info);
	return err;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The fd numbers open now, sorted. */
static int list_fds(struct verify *v, int **out, size_t *n)
{
	char path[64];
	struct dirent *de;
	size_t cap = 0;
	int *fds = NULL, err = 0;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", v->opid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		err = grow((void **)&fds, &cap, *n, sizeof(*fds));
		if (err)
			break;
		fds[(*n)++] = atoi(de->d_name);
	}
	closedir(d);
	if (err) {
		free(fds);
		return err;
	}
	qsort(fds, *n, sizeof(*fds), cmp_int);
	*out = fds;
	return 0;
}

int restore_verify_fds__task(struct verify *v)
{
	const FilesImage *fi = v->t->files;
	size_t n = 0, i = 0, j = 0;
	int *fds = NULL, pidfd = -1, err;
	char w[64], link[4096];

	if (!fi)
		return 0;
	err = list_fds(v, &fds, &n);
	if (err)
		return restore_verify__cannot(v, "its fds", err);
	/* Both sorted: walk them together. */
	while (!err && (i < fi->n_fds || j < n)) {
		const FdEntry *e = i < fi->n_fds ? fi->fds[i] : NULL;

		if (e && j < n && (int)e->fd == fds[j]) {
			err = check_fd(v, e, &pidfd);
			v->n->fds++;
			i++;
			j++;
		} else if (e && (j == n || (int)e->fd < fds[j])) {
			snprintf(w, sizeof(w), "fd %u", e->fd);
			err = restore_verify__str(v, w, kind_name(e->type), "none");
		} else {
			snprintf(w, sizeof(w), "fd/%d", fds[j]);
			if (procfs__readlink(v->opid, w, link, sizeof(link)))
				snprintf(link, sizeof(link), "?");
			snprintf(w, sizeof(w), "fd %d", fds[j]);
			err = restore_verify__str(v, w, "none", link);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	free(fds);
	return err;
}
