// SPDX-License-Identifier: GPL-2.0
/*
 * dump_unix_cred.c - who a unix socket names as its peer (SO_PEERCRED):
 * the task that called socketpair() (both ends), listen() (a listener,
 * and what its clients copied when they connected) or connect() (the
 * accepted end), with its effective uid and gid of that moment.
 *
 * The kernel keeps that process's struct pid, so the pid number stays
 * after the process is gone and may even name another process since:
 * SO_PEERPIDFD gives a pidfd on that very struct pid, whose fdinfo says
 * "Pid: -1" once it has exited. Restore makes the call again in the
 * restored task of that pid (restore_unix_cred.c), or, for a maker that
 * has exited, in a process forked with its pid that exits again; a
 * zombie, a process outside the tree, or an exited maker whose number a
 * task of the tree has now, is refused
 * in one line, once every socket's peer is known to be in the tree (a
 * peer outside is the first thing to say), before the tree is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_unix_cred.h"
#include "kinds.h"
#include "log.h"
#include "procfs.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/*
 * The pid of the process pidfd @pfd is open on, in our namespace: -1 when
 * it has exited, 0 when the kernel does not say.
 */
static long pidfd_pid(int pfd)
{
	char name[64], *info = NULL;
	const char *v;
	long pid = 0;

	snprintf(name, sizeof(name), "fdinfo/%d", pfd);
	if (procfs__read(0, name, &info, NULL))
		return 0;
	v = procfs__field(info, "Pid:");
	if (v)
		pid = strtol(v, NULL, 10);
	free(info);
	return pid;
}

int dump_unix_cred__fd(struct dump_ctx *ctx, pid_t pid, int fd, FdEntry *e)
{
	UnixSkEntry *u = e->unix_sk;
	struct ucred cr = { 0 };
	socklen_t len = sizeof(cr);
	const char *why = NULL;
	struct dump_task *t;
	int s, peer = -1, err = 0;
	long alive = 0;

	if (!u)
		return 0;
	s = kinds__copy_fd(pid, fd);
	if (s < 0)
		return s;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len)) {
		err = -errno;
		goto out;
	}
	u->has_peer_pid = u->has_peer_uid = u->has_peer_gid = true;
	u->peer_pid = cr.pid;
	u->peer_uid = cr.uid;
	u->peer_gid = cr.gid;
	if (!cr.pid)
		goto out;
	len = sizeof(peer);
	if (!getsockopt(s, SOL_SOCKET, SO_PEERPIDFD, &peer, &len) && peer >= 0)
		alive = pidfd_pid(peer);
	t = dump_ctx__find_task(ctx, cr.pid);
	/* An exited maker: a process forked with its pid stands in at restore. */
	if (alive < 0 && t)
		why = "which has exited and whose number a task of the tree has now";
	else if (alive < 0)
		u->has_peer_dead = u->peer_dead = true;
	else if (alive > 0 && alive != cr.pid)
		why = "seen from another pid namespace";
	else if (!t)
		why = "a process outside the dumped tree";
	else if (t->zombie)
		why = "a zombie of the tree";
	/* The first is said once the peers are known to be in the tree (dump_sockets.c). */
	if (why && !ctx->unix_cred_refusal &&
	    asprintf(&ctx->unix_cred_refusal,
		     "pid %d fd %d: unix socket %lu whose peer credentials (SO_PEERCRED) name pid %d, %s, is not supported",
		     pid, fd, (unsigned long)e->ino, cr.pid, why) < 0) {
		ctx->unix_cred_refusal = NULL;
		err = -ENOMEM;
	}
out:
	if (peer >= 0)
		close(peer);
	if (s >= 0)
		close(s);
	return err;
}

int dump_unix_cred__check(struct dump_ctx *ctx)
{
	if (!ctx->unix_cred_refusal)
		return 0;
	pr_err("%s", ctx->unix_cred_refusal);
	return -EOPNOTSUPP;
}

void dump_unix_cred__free(struct dump_ctx *ctx)
{
	free(ctx->unix_cred_refusal);
	ctx->unix_cred_refusal = NULL;
}
