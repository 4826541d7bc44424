// SPDX-License-Identifier: GPL-2.0
/*
 * restore_unix_cred.c - a unix socket's peer credentials (SO_PEERCRED,
 * SO_PEERPIDFD) as the image has them.
 *
 * The kernel gives a socket the credentials of the task that makes one
 * call: socketpair() both ends its caller's, listen() the listener's own
 * (which each client copies when it connects), connect() the accepted
 * end's the connecting task's: its process (struct pid), effective uid
 * and gid. pidtrace makes the sockets, so each such call is made instead
 * by the restored task whose pid the image names (dump_unix_cred.c
 * refuses any other), injected while the task is still a stub with
 * pidtrace's credentials (the files phase): its effective uid and gid are
 * switched to the image's for that one call and back (its real and saved
 * uid stay pidtrace's, root, so it may), and the parent-death signal the
 * switch clears is set again. The socket goes into the task with
 * pidfd_getfd() from pidtrace (from the init with --pidns) and leaves it
 * again after the call; a socketpair is made there and taken by pidtrace.
 * A maker that had exited at dump (peer_dead) is stood in for by a
 * process forked from pidtrace with its pid (clone3 set_tid: the pid must
 * be free; not with --pidns), sharing pidtrace's fd table, that takes the
 * image's ids, makes the call and exits: SO_PEERCRED names that pid, and
 * SO_PEERPIDFD a process that has exited, as before.
 * Supplementary groups (SO_PEERGROUPS) are pidtrace's.
 */
#include <errno.h>
#include <stdint.h>
#include <linux/sched.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "page.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_ns.h"
#include "restore_unix_cred.h"
#include "testfault.h"

bool restore_unix_cred__known(const UnixSkEntry *u)
{
	return u && u->has_peer_pid && u->peer_pid && u->has_peer_uid && u->has_peer_gid;
}

/*
 * Syscall @nr in a process standing for @as's exited maker (its pid, its
 * ids, pidtrace's fd table), which then exits; @pair: a socketpair's two
 * fds, as it got them. Return: the call's result, or -errno (said when
 * it is the stand-in's making).
 */
static long as_dead(struct restore_ctx *ctx, const UnixSkEntry *as, long nr, long a0, long a1,
		    long a2, long a3, int pair[2])
{
	struct clone_args args;
	pid_t want = (pid_t)as->peer_pid, me = getpid(), c;
	long res[3] = { 0, -1, -1 };
	int p[2], st, err = 0;

	if (ctx->pidns)
		return restore_ctx__fail(ctx, 0, -EOPNOTSUPP,
				     "unix socket made by pid %u, which had exited: not with --pidns",
				     as->peer_pid);
	/* One fd table for both: the answer is read once the stand-in is gone. */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_FILES;
	args.exit_signal = SIGCHLD;
	args.set_tid = (uint64_t)(uintptr_t)&want;
	args.set_tid_size = 1;
	fflush(NULL);
	c = syscall(SYS_clone3, &args, sizeof(args));
	if (c == 0) {
		/* Raw calls only: this copy of pidtrace is no thread of libc's. */
		syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (syscall(SYS_getppid) != me)
			syscall(SYS_exit, 1);
		if (syscall(SYS_setresgid, as->peer_gid, as->peer_gid, as->peer_gid) ||
		    syscall(SYS_setresuid, as->peer_uid, as->peer_uid, as->peer_uid))
			res[0] = -errno;
		else if (syscall(nr, a0, a1, a2, a3) < 0)
			res[0] = -errno;
		if (!res[0] && pair) {
			res[1] = pair[0];
			res[2] = pair[1];
		}
		if (write(p[1], res, sizeof(res)) != sizeof(res))
			syscall(SYS_exit, 1);
		syscall(SYS_exit, 0);
	}
	if (c < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return restore_ctx__fail(ctx, 0, err,
				     "unix socket made by pid %u, which had exited: cannot fork a process with that pid: %s",
				     as->peer_pid, strerror(-err));
	}
	/* This very pid and nothing else. */
	while (waitpid(c, &st, __WALL) < 0 && errno == EINTR)
		;
	if (read(p[0], res, sizeof(res)) != sizeof(res))
		err = -EIO;
	close(p[0]);
	close(p[1]);
	if (err)
		return restore_ctx__fail(ctx, 0, err,
				     "unix socket made by pid %u, which had exited: its stand-in failed",
				     as->peer_pid);
	if (!res[0] && pair) {
		pair[0] = (int)res[1];
		pair[1] = (int)res[2];
	}
	return res[0];
}

/* The task that makes @as's calls: alive, held, with its data page. */
static struct rtask *maker(struct restore_ctx *ctx, const UnixSkEntry *as)
{
	struct rtask *t = restore_ctx__find(ctx, (pid_t)as->peer_pid);

	if (t && !t->zombie && t->pt && t->hpage_mapped)
		return t;
	restore_ctx__fail(ctx, 0, -ESRCH,
			  "unix socket peer credentials name pid %u, not a live task of the image",
			  as->peer_pid);
	return NULL;
}

/*
 * Syscall @nr in @t with @as's effective uid and gid, then pidtrace's
 * again. Return: its result, or -errno (the switch's failures said).
 */
static long as_peer(struct restore_ctx *ctx, struct rtask *t, const UnixSkEntry *as, long nr,
		    long a0, long a1, long a2, long a3)
{
	long eu = (long)geteuid(), eg = (long)getegid(), r, back = 0;
	bool sw = as->peer_uid != (uint32_t)eu || as->peer_gid != (uint32_t)eg;

	/* restore-skip-peercred: a test fault makes it as pidtrace (restore_verify_unix.c tells). */
	if (sw && testfault__point("restore-skip-peercred"))
		sw = false;

	r = sw ? restore_ctx__sys(t, SYS_setresgid, -1, as->peer_gid, -1, 0, 0, 0) : 0;
	if (!r && sw)
		r = restore_ctx__sys(t, SYS_setresuid, -1, as->peer_uid, -1, 0, 0, 0);
	if (r < 0) {
		restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: euid %u, egid %u for a unix socket: %s",
				  t->pid, as->peer_uid, as->peer_gid, strerror((int)-r));
	} else {
		r = restore_ctx__sys(t, nr, a0, a1, a2, a3, 0, 0);
	}
	if (sw) {
		back = restore_ctx__sys(t, SYS_setresuid, -1, eu, -1, 0, 0, 0);
		if (!back)
			back = restore_ctx__sys(t, SYS_setresgid, -1, eg, -1, 0, 0, 0);
		/* The switch cleared it: until finish, the stub dies with its parent. */
		if (!back)
			back = restore_ctx__sys(t, SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0, 0);
		if (back)
			return restore_ctx__fail(ctx, t->pid, (int)back,
					     "pid %d: back to pidtrace's credentials: %s", t->pid,
					     strerror((int)-back));
	}
	return r;
}

/* pidtrace's socket @s as an fd of @t. Return: its number there, or -errno. */
static long into(struct restore_ctx *ctx, struct rtask *t, int s)
{
	int src = s, err;
	long pfd, n;

	if (ctx->pidns) {
		/* The init holds the copy until the tree runs (restore_ns.c). */
		err = restore_ns__hold(ctx, s, &src);
		if (err)
			return err;
	}
	pfd = restore_ctx__sys(t, SYS_pidfd_open, ctx->src_pid, 0, 0, 0, 0, 0);
	if (pfd < 0)
		return pfd;
	n = restore_ctx__sys(t, SYS_pidfd_getfd, pfd, src, 0, 0, 0, 0);
	restore_ctx__sys(t, SYS_close, pfd, 0, 0, 0, 0, 0);
	return n;
}

/* Call @nr(fd, @a1, @a2) on socket @s in the task of @as's peer, as that peer. */
static long call(struct restore_ctx *ctx, struct rtask *t, const UnixSkEntry *as, int s, long nr,
		 long a1, long a2)
{
	long n = into(ctx, t, s), r;

	if (n < 0)
		return restore_ctx__fail(ctx, t->pid, (int)n, "pid %d: a unix socket into it: %s",
				     t->pid, strerror((int)-n));
	r = as_peer(ctx, t, as, nr, n, a1, a2, 0);
	restore_ctx__sys(t, SYS_close, n, 0, 0, 0, 0, 0);
	return r;
}

/*
 * A datagram socket connected without peer credentials (connect() gives
 * none; its peer, named, has been closed since): @sv[0] connected to
 * @sv[1], which has a name of the kernel's (autobind).
 */
static int without(int sv[2])
{
	struct sockaddr_un a;
	socklen_t alen = sizeof(sa_family_t);
	int err = 0;

	sv[0] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sv[1] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (sv[0] < 0 || sv[1] < 0 || bind(sv[1], (struct sockaddr *)&a, alen))
		err = -errno;
	alen = sizeof(a);
	if (!err && (getsockname(sv[1], (struct sockaddr *)&a, &alen) ||
		     connect(sv[0], (struct sockaddr *)&a, alen)))
		err = -errno;
	if (!err)
		return 0;
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	sv[0] = sv[1] = -1;
	return err;
}

int restore_unix_cred__socketpair(struct restore_ctx *ctx, const UnixSkEntry *as, int type,
				  int sv[2])
{
	int tv[2] = { -1, -1 }, pfd, err = 0;
	struct rtask *t;
	long r;

	sv[0] = sv[1] = -1;
	if (as && as->has_peer_pid && !as->peer_pid && type == SOCK_DGRAM)
		return without(sv);
	if (!restore_unix_cred__known(as))
		return socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) ? -errno : 0;
	if (as->peer_dead) {
		r = as_dead(ctx, as, SYS_socketpair, AF_UNIX, type | SOCK_CLOEXEC, 0, (long)sv, sv);
		if (r < 0)
			sv[0] = sv[1] = -1;
		return r < 0 ? restore_ctx__fail(ctx, 0, (int)r, "socketpair: %s", strerror((int)-r)) :
			       0;
	}
	t = maker(ctx, as);
	if (!t)
		return -ESRCH;
	r = as_peer(ctx, t, as, SYS_socketpair, AF_UNIX, type | SOCK_CLOEXEC, 0,
		    (long)(t->hpage + PAGE));
	if (r < 0)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: socketpair: %s", t->pid,
				     strerror((int)-r));
	/*
	 * Its two fds stay in the task: every fd of the stub goes when it takes
	 * its own (restore_files__task()'s close_range), which spares two
	 * injected calls per pair.
	 */
	err = ptrace__read_mem(t->pt, t->hpage + PAGE, tv, sizeof(tv));
	pfd = err ? -1 : syscall(SYS_pidfd_open, t->opid, 0);
	if (!err && pfd < 0)
		err = -errno;
	if (!err && (sv[0] = syscall(SYS_pidfd_getfd, pfd, tv[0], 0)) < 0)
		err = -errno;
	if (!err && (sv[1] = syscall(SYS_pidfd_getfd, pfd, tv[1], 0)) < 0)
		err = -errno;
	if (pfd >= 0)
		close(pfd);
	if (!err)
		return 0;
	if (sv[0] >= 0)
		close(sv[0]);
	sv[0] = sv[1] = -1;
	return restore_ctx__fail(ctx, t->pid, err, "pid %d: taking its socketpair: %s", t->pid,
			     strerror(-err));
}

int restore_unix_cred__socket(struct restore_ctx *ctx, const UnixSkEntry *as, int type)
{
	struct sockaddr none = { .sa_family = AF_UNSPEC };
	int sv[2], s, err;

	if (type != SOCK_DGRAM || !restore_unix_cred__known(as)) {
		s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		return s < 0 ? -errno : s;
	}
	/* Made in a pair, alone at once, then connected to nothing (AF_UNSPEC). */
	err = restore_unix_cred__socketpair(ctx, as, type, sv);
	if (err)
		return err;
	close(sv[1]);
	if (!connect(sv[0], &none, sizeof(none)))
		return sv[0];
	err = -errno;
	close(sv[0]);
	return err;
}

int restore_unix_cred__listen(struct restore_ctx *ctx, const UnixSkEntry *as, int s, int backlog)
{
	struct rtask *t;

	if (!restore_unix_cred__known(as))
		return listen(s, backlog) ? -errno : 0;
	if (as->peer_dead)
		return (int)as_dead(ctx, as, SYS_listen, s, backlog, 0, 0, NULL);
	t = maker(ctx, as);
	return t ? (int)call(ctx, t, as, s, SYS_listen, backlog, 0) : -ESRCH;
}

int restore_unix_cred__connect(struct restore_ctx *ctx, const UnixSkEntry *as, int s,
			       const struct sockaddr_un *a, socklen_t alen)
{
	unsigned long addr;
	struct rtask *t;
	int err;

	if (!restore_unix_cred__known(as))
		return connect(s, (const struct sockaddr *)a, alen) ? -errno : 0;
	if (as->peer_dead)
		return (int)as_dead(ctx, as, SYS_connect, s, (long)a, alen, 0, NULL);
	t = maker(ctx, as);
	if (!t)
		return -ESRCH;
	err = restore_ctx__put(t, 0, a, alen, &addr);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: connect: %s", t->pid,
				     strerror(-err));
	return (int)call(ctx, t, as, s, SYS_connect, (long)addr, alen);
}

int restore_unix_cred__relisten(struct restore_ctx *ctx)
{
	size_t i, k, o;
	int err;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const FdEntry *e = fi->fds[k];
			const UnixSkEntry *u = e->unix_sk;

			if (e->type != FD_TYPE__FD_UNIX || !u || !u->listening ||
			    !restore_unix_cred__known(u))
				continue;
			/* pidtrace's copy of the description; the first fd that has it. */
			for (o = 0; o < ctx->nobjs && ctx->objs[o].ofd_id != e->ofd_id; o++)
				;
			if (o == ctx->nobjs || ctx->objs[o].fd < 0)
				continue;
			err = restore_unix_cred__listen(ctx, u, ctx->objs[o].fd,
							u->has_backlog ? (int)u->backlog : 0);
			if (err)
				return restore_ctx__fail(ctx, ctx->tasks[i].pid, err,
						     "pid %d fd %u: listen: %s", ctx->tasks[i].pid,
						     e->fd, strerror(-err));
		}
	}
	return 0;
}
