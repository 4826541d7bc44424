// SPDX-License-Identifier: GPL-2.0
/*
 * restore_ns.c - `restore --pidns`: the tree gets a pid namespace of its
 * own, so its pids are free whatever runs on the host.
 *
 * pidtrace forks a tiny init (clone3 with CLONE_NEWPID: pid 1 there) that
 * forks the root's stub on command (so the root has its old pid inside),
 * holds the file descriptions the tasks take with pidfd_getfd() (pidtrace
 * is invisible from inside: the tasks open a pidfd on pid 1 instead;
 * pidtrace hands each description to the init with SCM_RIGHTS), then,
 * once the tree runs, reaps orphans and reports the root's wait status.
 * When the root exits the init exits and the namespace goes with it.
 *
 * The init dies with pidtrace (PR_SET_PDEATHSIG) until --detach lets it
 * outlive it; killing the init kills everything in the namespace.
 * Inside, /proc is still the host's (no mount namespace is made):
 * /proc/PID paths of the restored programs name host pids.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sched.h>

#include "log.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_files.h"
#include "restore_ghost.h"
#include "restore_ns.h"
#include "restore_stub.h"
#include "restore_tree.h"

/* Close every fd but those in @keep (in any order). */
static void close_all_but(const int *keep, size_t n)
{
	unsigned int from = 0, to;
	size_t i;
	int lo;

	for (;;) {
		lo = -1;
		for (i = 0; i < n; i++)
			if (keep[i] >= (int)from && (lo < 0 || keep[i] < lo))
				lo = keep[i];
		to = lo < 0 ? ~0U : (unsigned int)lo;
		if (to > from)
			syscall(SYS_close_range, from, to - 1, 0);
		if (lo < 0)
			break;
		from = lo + 1;
	}
}

static long init_hold(struct msghdr *mh)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(mh);
	int fd;

	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EINVAL;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* Reap everything; report the root's end to pidtrace, then end too. */
static void __attribute__((noreturn)) init_reap(struct restore_ctx *ctx, int ctl)
{
	pid_t root = ctx->tasks[0].pid, p;
	int st;

	for (;;) {
		p = waitpid(-1, &st, __WALL);
		if (p == root) {
			if (write(ctl, &st, sizeof(st)) != sizeof(st))
				_exit(0);
			_exit(0);
		}
		if (p < 0 && errno != EINTR)
			_exit(0);
	}
}

/* The helpers the init forked: their pids and the fds that make them die. */
struct init_helpers {
	pid_t pid[256];
	int die[256];
	size_t n;
};

static long init_helper(struct restore_ctx *ctx, struct init_helpers *hs, int idx)
{
	int die_fd;
	pid_t pid;

	if (!ctx->pidfds || idx < 0 || (size_t)idx >= ctx->pidfds->n_targets || hs->n == 256)
		return -EINVAL;
	pid = restore_files__fork_helper(ctx, ctx->pidfds->targets[idx], &die_fd);
	if (pid < 0)
		return pid;
	hs->pid[hs->n] = pid;
	hs->die[hs->n++] = die_fd;
	return pid;
}

/* Let helper @pid die and reap it, by its pid. Return: its wait status. */
static long init_helper_die(struct init_helpers *hs, pid_t pid)
{
	size_t i;
	int st;

	for (i = 0; i < hs->n; i++) {
		if (hs->pid[i] != pid || hs->die[i] < 0)
			continue;
		if (write(hs->die[i], "x", 1) != 1)
			kill(pid, SIGKILL);
		close(hs->die[i]);
		hs->die[i] = -1;
		while (waitpid(pid, &st, __WALL) < 0)
			if (errno != EINTR)
				return -errno;
		return st;
	}
	return -ESRCH;
}

static void __attribute__((noreturn)) init_main(struct restore_ctx *ctx)
{
	struct init_helpers hs = { .n = 0 };
	int ctl = ctx->init_stub_ctl, *keep, sig;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct stub_reply rep;
	struct stub_cmd c;
	struct iovec iov;
	struct msghdr mh;
	size_t i, n = 0;
	sigset_t none;
	ssize_t got;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "pidtrace-init");
	for (sig = 1; sig < 65; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Keep only what the stubs need: their control sockets, and ours. */
	keep = calloc(ctx->ntasks + ctx->nshm + restore_ghost__fds(ctx, NULL) + 1, sizeof(*keep));
	if (!keep)
		_exit(1);
	keep[n++] = ctl;
	for (i = 0; i < ctx->ntasks; i++)
		keep[n++] = ctx->tasks[i].stub_ctl;
	for (i = 0; i < ctx->nshm; i++)
		keep[n++] = ctx->shm[i].fd; /* the stubs map them */
	n += restore_ghost__fds(ctx, keep + n); /* these too */
	close_all_but(keep, n);
	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = &c;
		iov.iov_len = sizeof(c);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		got = recvmsg(ctl, &mh, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != sizeof(c))
			_exit(1); /* pidtrace is gone */
		switch (c.op) {
		case STUB_FORK:
			rep.ret = restore_stub__fork(ctx, c.arg);
			break;
		case INIT_HOLD:
			rep.ret = init_hold(&mh);
			break;
		case INIT_HELPER:
			rep.ret = init_helper(ctx, &hs, c.arg);
			break;
		case INIT_HELPER_DIE:
			rep.ret = init_helper_die(&hs, c.arg);
			break;
		case INIT_RUN:
			close_all_but(&ctl, 1);
			if (c.arg)
				prctl(PR_SET_PDEATHSIG, 0);
			rep.ret = 0;
			if (write(ctl, &rep, sizeof(rep)) != sizeof(rep))
				_exit(1);
			init_reap(ctx, ctl);
		default:
			rep.ret = -EINVAL;
		}
		if (write(ctl, &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
	}
}

int restore_ns__start(struct restore_ctx *ctx)
{
	struct clone_args args;
	int sp[2];
	long r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return restore_ctx__fail(ctx, 0, -errno, "socketpair: %s", strerror(errno));
	ctx->init_ctl = sp[0];
	ctx->init_stub_ctl = sp[1];
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_NEWPID;
	args.exit_signal = SIGCHLD;
	fflush(NULL);
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r == 0)
		init_main(ctx);
	if (r < 0)
		return restore_ctx__fail(ctx, 0, -errno, "cannot create a pid namespace: %s",
				     strerror(errno));
	ctx->init_opid = r;
	close(ctx->init_stub_ctl);
	ctx->init_stub_ctl = -1;
	return 0;
}

pid_t restore_ns__outer_pid(pid_t parent_opid, pid_t pid)
{
	char name[64], *buf = NULL, *p, *end, *status;
	uint32_t ns[8];
	pid_t found = 0;
	size_t n;
	long c;

	snprintf(name, sizeof(name), "task/%d/children", parent_opid);
	if (procfs__read(parent_opid, name, &buf, NULL))
		return 0;
	for (p = buf; !found; p = end) {
		c = strtol(p, &end, 10);
		if (end == p)
			break;
		status = NULL;
		if (!procfs__read(c, "status", &status, NULL) &&
		    !procfs__field_list(status, "NSpid:", ns, 8, &n) && n && ns[n - 1] == (uint32_t)pid)
			found = c;
		free(status);
	}
	free(buf);
	return found;
}

int restore_ns__hold(struct restore_ctx *ctx, int fd, int *num)
{
	struct stub_cmd c = { INIT_HOLD, 0 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, sizeof(c) };
	struct stub_reply rep;
	struct cmsghdr *cm;
	struct msghdr mh;

	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	if (sendmsg(ctx->init_ctl, &mh, 0) != sizeof(c) ||
	    read(ctx->init_ctl, &rep, sizeof(rep)) != sizeof(rep))
		return -EPIPE;
	if (rep.ret < 0)
		return (int)rep.ret;
	*num = (int)rep.ret;
	return 0;
}

int restore_ns__run(struct restore_ctx *ctx, bool detach)
{
	return restore_tree__call(ctx, ctx->init_ctl, INIT_RUN, detach, NULL);
}

int restore_ns__wait_root(struct restore_ctx *ctx, int *status)
{
	ssize_t n;

	do
		n = read(ctx->init_ctl, status, sizeof(*status));
	while (n < 0 && errno == EINTR);
	waitpid(ctx->init_opid, NULL, __WALL);
	ctx->init_opid = 0;
	return n == sizeof(*status) ? 0 : -ECHILD;
}

void restore_ns__kill(struct restore_ctx *ctx)
{
	if (!ctx->init_opid)
		return;
	kill(ctx->init_opid, SIGKILL);
	waitpid(ctx->init_opid, NULL, __WALL);
	ctx->init_opid = 0;
}
