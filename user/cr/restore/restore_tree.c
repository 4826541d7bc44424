// SPDX-License-Identifier: GPL-2.0
/*
 * restore_tree.c - create the tasks of the tree with their old pids, links,
 * sessions and groups; seize them; kill and reap them on rollback.
 *
 * Every task starts as a stub: a fork of pidtrace made with clone3(set_tid)
 * by pidtrace (the root) or by its parent's stub, on command. So each task
 * has the right parent from its first instruction, sessions are made by the
 * task itself (setsid before it forks its children) and groups are joined
 * once their leaders exist. A stub runs only raw system calls, then blocks
 * reading its control socket, where pidtrace seizes it: from then on it is
 * driven by injected system calls (restore_mem.c and friends) and none of
 * pidtrace's code runs in it again.
 *
 * A stub dies with its parent (PR_SET_PDEATHSIG, SIGKILL, its very first
 * call; a parent already gone before it is checked right after): if
 * pidtrace is killed mid-restore the root dies, then its children, and so
 * on. Once seized, a task also dies with its tracer (PTRACE_O_EXITKILL):
 * restoring credentials clears the parent-death signal. The restored
 * parent-death signal replaces it at the very end.
 *
 * A stub says "ready" on its control socket once it has its name, every
 * signal's default action and an empty mask, and pidtrace waits for that
 * before it does anything with the task: seized any earlier, the task
 * would keep pidtrace's name and dispositions (the set-up, interrupted,
 * never runs again), and could outlive pidtrace if it had not yet asked
 * for its parent-death signal.
 *
 * The stub's side (its set-up and the commands it runs) is restore_stub.c.
 *
 * Zombies of the image are stubs that set their session and group and then
 * exit with the original wait status, before their parent is seized (a
 * traced parent would queue the SIGCHLD that an untraced one discards).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "interrupts.h"
#include "kinds.h"
#include "log.h"
#include "procfs.h"
#include "ptrace.h"
#include "restore_cow.h"
#include "restore_ctx.h"
#include "restore_ctty.h"
#include "restore_ns.h"
#include "restore_pgrp.h"
#include "restore_stopped.h"
#include "restore_stub.h"
#include "restore_threads.h"
#include "restore_tree.h"
#include "watchdog.h"

/* How long a new stub may take to set itself up (a loaded machine: generous). */
#define READY_WAIT_MS 10000

/*
 * Wait for a stub's reply. Its death closes nothing (its parent's stub
 * holds the other end of its socket too), so a plain read() would wait
 * for ever: look at the tracer's deaths and for a stop request meanwhile.
 */
static int wait_reply(struct restore_ctx *ctx, int ctl)
{
	struct pollfd pfd = { ctl, POLLIN, 0 };
	int n;

	for (;;) {
		n = poll(&pfd, 1, 100);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (ctx->wd && (watchdog__poll(ctx->wd, 0), watchdog__unexpected(ctx->wd)))
			return -ECHILD;
		if (interrupts__pending())
			return -EINTR;
	}
}

int restore_tree__call(struct restore_ctx *ctx, int ctl, int op, int arg, long *ret)
{
	struct stub_cmd c = { op, arg };
	struct stub_reply rep;
	ssize_t n;
	int err;

	if (write(ctl, &c, sizeof(c)) != sizeof(c))
		return -EPIPE;
	err = wait_reply(ctx, ctl);
	if (err)
		return err;
	do
		n = read(ctl, &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(rep))
		return -EPIPE;
	if (ret)
		*ret = rep.ret;
	return rep.ret < 0 ? (int)rep.ret : 0;
}

static int stub_call(struct restore_ctx *ctx, struct rtask *t, int op, int arg, long *ret)
{
	return restore_tree__call(ctx, t->ctl, op, arg, ret);
}

int restore_tree__check_pids(struct restore_ctx *ctx)
{
	char path[64], ns[64] = "?";
	struct procfs_stat st;
	struct stat sb;
	size_t i;

	if (ctx->pidns)
		return 0; /* a new namespace: every pid is free */
	if (!stat("/proc/self/ns/pid", &sb))
		snprintf(ns, sizeof(ns), "%lu", (unsigned long)sb.st_ino);
	for (i = 0; i < ctx->ntasks; i++) {
		pid_t pid = ctx->tasks[i].pid;

		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (access(path, F_OK))
			continue;
		if (procfs__stat(pid, &st))
			snprintf(st.comm, sizeof(st.comm), "?");
		return restore_ctx__fail(ctx, pid, -EEXIST, "pid %d is in use by '%s' (pid namespace %s)",
				     pid, st.comm, ns);
	}
	return 0;
}

/* Wait until a task that was told to exit is a zombie. */
static int wait_zombie(struct restore_ctx *ctx, struct rtask *t)
{
	struct procfs_stat st;
	int i;

	for (i = 0; i < 5000; i++) {
		if (procfs__stat(t->opid, &st))
			break;
		if (st.state == 'Z')
			return 0;
		usleep(1000);
	}
	return restore_ctx__fail(ctx, t->pid, -ETIMEDOUT, "pid %d: did not become a zombie", t->pid);
}

/*
 * Wait for the stub's "ready" (stub_main): its name, dispositions and mask
 * are set, and it dies with its parent. Nothing else reads the socket yet.
 */
static int wait_ready(struct restore_ctx *ctx, struct rtask *t)
{
	struct pollfd pfd = { t->ctl, POLLIN, 0 };
	struct stub_reply rep;
	struct procfs_stat st;
	int i, n;

	for (i = 0; i < READY_WAIT_MS / 100; i++) {
		n = poll(&pfd, 1, 100);
		if (n < 0 && errno != EINTR)
			return restore_ctx__fail(ctx, t->pid, -errno, "pid %d: poll: %s", t->pid,
					     strerror(errno));
		if (n > 0)
			break;
		/* Other stubs hold its socket too: no end of file when it dies. */
		if (procfs__stat(t->opid, &st) || st.state == 'Z')
			return restore_ctx__fail(ctx, t->pid, -ESRCH,
					     "pid %d: died before its set-up was done", t->pid);
	}
	if (!(pfd.revents & POLLIN))
		return restore_ctx__fail(ctx, t->pid, -ETIMEDOUT, "pid %d: not set up after %d s",
				     t->pid, READY_WAIT_MS / 1000);
	do
		n = read(t->ctl, &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(rep) || rep.ret != t->pid)
		return restore_ctx__fail(ctx, t->pid, -EPROTO,
				     "pid %d: its stub did not say it was ready", t->pid);
	return 0;
}

/* Before its children exist, so that they inherit it (kinds.h ctty_pts). */
static int session_tty(struct restore_ctx *ctx, struct rtask *t)
{
	const struct fd_kind *k;
	int err = 0, pts = -1;
	size_t i;

	/* A terminal device, not made: taken again (restore_ctty.c). */
	if (t->core->ctty_dev)
		return restore_ctty__take(ctx, t, (int)(t - ctx->tasks));
	for (i = 0; !err && pts < 0 && (k = kinds__at(i)); i++)
		if (k->ctty_pts)
			err = k->ctty_pts(ctx, t, &pts);
	if (err || pts < 0)
		return err;
	err = stub_call(ctx, t, STUB_CTTY, pts, NULL);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err,
				     "pid %d: open /dev/pts/%d as its controlling terminal: %s",
				     t->pid, pts, strerror(-err));
	return 0;
}

static int create_one(struct restore_ctx *ctx, size_t i)
{
	struct rtask *t = &ctx->tasks[i];
	TaskIds *ids = t->core->ids;
	long r;
	int err;

	if (t->parent < 0 && ctx->pidns) {
		err = restore_tree__call(ctx, ctx->init_ctl, STUB_FORK, (int)i, &r);
	} else if (t->parent < 0) {
		r = restore_stub__fork(ctx, i);
		err = r < 0 ? (int)r : 0;
	} else {
		/* Its parent's pages that it shares are in the parent first (restore_cow.c). */
		err = restore_cow__before_fork(ctx, t->parent);
		if (err)
			return err;
		err = stub_call(ctx, &ctx->tasks[t->parent], STUB_FORK, (int)i, &r);
	}
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot create it (clone3 with set_tid): %s",
				     t->pid, strerror(-err));
	t->opid = r;
	if (ctx->pidns) {
		t->opid = restore_ns__outer_pid(t->parent < 0 ? ctx->init_opid :
							      ctx->tasks[t->parent].opid, r);
		if (t->opid <= 0)
			return restore_ctx__fail(ctx, t->pid, -ESRCH,
					     "pid %d: cannot find it from outside its namespace", t->pid);
	}
	/* It exists: a rollback must kill it, whatever comes next. */
	t->created = true;
	close(t->stub_ctl);
	t->stub_ctl = -1;
	if (r != t->pid)
		return restore_ctx__fail(ctx, t->pid, -EIO, "pid %d: created with pid %ld", t->pid, r);
	err = wait_ready(ctx, t);
	if (err)
		return err;
	restore_cow__born(ctx, i);
	if (ids->sid == (uint32_t)t->pid) {
		err = stub_call(ctx, t, STUB_SETSID, 0, NULL);
		if (err)
			return restore_ctx__fail(ctx, t->pid, err, "pid %d: setsid: %s", t->pid,
					     strerror(-err));
		err = session_tty(ctx, t);
		if (err)
			return err;
	} else if (t->parent >= 0 && ctx->tasks[t->parent].core->ids->sid != ids->sid) {
		return restore_ctx__fail(ctx, t->pid, -EOPNOTSUPP,
				     "pid %d: session %u is not its parent's: not supported", t->pid,
				     ids->sid);
	}
	return 0;
}

static int set_group(struct restore_ctx *ctx, struct rtask *t)
{
	uint32_t pgid = t->core->ids->pgid;
	int err;

	if (pgid == t->core->ids->sid && pgid == (uint32_t)t->pid)
		return 0; /* setsid() made it */
	err = stub_call(ctx, t, STUB_SETPGID, pgid == (uint32_t)t->pid ? 0 : (int)pgid, NULL);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: setpgid(%u): %s", t->pid, pgid,
				     strerror(-err));
	return 0;
}

int restore_tree__create(struct restore_ctx *ctx)
{
	char why[128];
	size_t i;
	int err = 0, pass;

	for (i = 0; i < ctx->ntasks; i++) {
		int sp[2];

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
			return restore_ctx__fail(ctx, 0, -errno, "socketpair: %s", strerror(errno));
		ctx->tasks[i].ctl = sp[0];
		ctx->tasks[i].stub_ctl = sp[1];
	}
	/* Before the first fork: every stub sees the regions' states. */
	err = restore_cow__plan(ctx);
	if (err)
		return err;
	/* The init inherits every stub's socket, to pass them to the stubs. */
	if (ctx->pidns)
		err = restore_ns__start(ctx);
	for (i = 0; !err && i < ctx->ntasks; i++)
		err = create_one(ctx, i);
	/* Groups whose leader had exited: led by a helper while the members join. */
	if (!err)
		err = restore_pgrp__lead(ctx);
	/* Group leaders first, then the members (a group must exist to be joined). */
	for (pass = 0; !err && pass < 2; pass++) {
		for (i = 0; !err && i < ctx->ntasks; i++) {
			struct rtask *t = &ctx->tasks[i];
			uint32_t pgid = t->core->ids->pgid;

			if ((pgid == (uint32_t)t->pid) != (pass == 0))
				continue;
			if (pass == 1 && !restore_ctx__find(ctx, pgid) && !restore_pgrp__helped(ctx, pgid))
				continue; /* a group outside the tree: keep the inherited one */
			err = set_group(ctx, t);
		}
	}
	if (!err)
		err = restore_pgrp__end(ctx);
	for (i = 0; !err && i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		if (!t->zombie)
			continue;
		snprintf(why, sizeof(why), "pid %d re-created as a zombie (wait status 0x%x)", t->pid,
			 t->core->exit_status);
		/* It kills itself, if it died by a signal (die_as). */
		watchdog__expect_self(ctx->wd, t->opid, t->core->exit_status & 0x7f,
				      CAUSE_RESTORE_HELPER, why);
		if (t->core->exit_status & 0x80)
			pr_warn("pid %d: zombie dumped core originally; re-created without the core flag",
				t->pid);
		/* No reply: it exits (and other stubs keep its socket open). */
		if (write(t->ctl, &(struct stub_cmd){ STUB_EXIT, t->core->exit_status },
			  sizeof(struct stub_cmd)) != sizeof(struct stub_cmd))
			return restore_ctx__fail(ctx, t->pid, -EPIPE, "pid %d: lost its stub", t->pid);
		err = wait_zombie(ctx, t);
		ctx->zombies++;
	}
	return err;
}

int restore_tree__seize(struct restore_ctx *ctx)
{
	size_t i;
	int err;

	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		if (t->zombie)
			continue;
		err = ptrace__seize(t->opid, &t->pt);
		if (err)
			return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot seize it: %s", t->pid,
					     strerror(-err));
		/* Dies with pidtrace even once its credentials clear the parent-death signal. */
		err = ptrace__set_exitkill(t->pt);
		if (err)
			return restore_ctx__fail(ctx, t->pid, err, "pid %d: PTRACE_O_EXITKILL: %s",
					     t->pid, strerror(-err));
		close(t->ctl);
		t->ctl = -1;
	}
	return 0;
}

/* Reap @pid (pidtrace is the tree's subreaper during a restore). */
static void reap(pid_t pid)
{
	int st, i;

	for (i = 0; i < 5000; i++) {
		pid_t r = waitpid(pid, &st, __WALL | WNOHANG);

		if (r == pid && (WIFEXITED(st) || WIFSIGNALED(st)) && !procfs__exists(pid))
			return;
		if (r < 0 && errno == ECHILD && !procfs__exists(pid))
			return;
		if (r == 0 || r < 0)
			usleep(1000);
	}
	pr_warn("pid %d: could not be reaped", pid);
}

/*
 * Roll back: every task, helper and the init (--pidns) killed and reaped.
 *
 * Every SIGKILL is sent first, each right after its expectation (the
 * decision): the first SIGKILL a task gets is then pidtrace's, unless
 * someone else's came before -- and that death stays theirs, unexpected
 * (watchdog.h). Children are signalled before their parents, so that no
 * parent-death signal (a stub's) comes first. The init goes last:
 * its death kills whatever is left in its namespace (and it reaps the
 * tasks, whose parents are in there, once we, their tracer, have
 * collected their deaths).
 */
void restore_tree__kill_all(struct restore_ctx *ctx)
{
	size_t i;

	/* Children first (a task comes after its parent): no parent dies before. */
	for (i = ctx->ntasks; i-- > 0;) {
		struct rtask *t = &ctx->tasks[i];

		if (!t->created || t->reaped)
			continue;
		watchdog__expect(ctx->wd, t->opid, CAUSE_RESTORE_ROLLBACK, "restore rolled back");
		kill(t->opid, SIGKILL);
	}
	for (i = 0; i < ctx->nhelpers; i++) {
		if (ctx->helpers[i].reaped)
			continue;
		watchdog__expect(ctx->wd, ctx->helpers[i].pid, CAUSE_RESTORE_ROLLBACK,
				 "restore rolled back (pidfd helper)");
		kill(ctx->helpers[i].pid, SIGKILL);
	}
	if (ctx->init_opid) {
		watchdog__expect(ctx->wd, ctx->init_opid, CAUSE_RESTORE_ROLLBACK,
				 "restore rolled back (pid namespace init)");
		kill(ctx->init_opid, SIGKILL);
	}

	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		if (!t->created || t->reaped)
			continue;
		/* Its other threads first: the leader's exit is reported after theirs. */
		restore_threads__kill(ctx, t);
		if (t->pt) {
			ptrace__kill(t->pt);
			t->pt = NULL;
		}
	}
	for (i = ctx->ntasks; i-- > 0;) {
		struct rtask *t = &ctx->tasks[i];

		if (t->created && !t->reaped) {
			reap(t->opid);
			t->reaped = true;
		}
	}
	for (i = 0; i < ctx->nhelpers; i++) {
		if (!ctx->helpers[i].reaped)
			reap(ctx->helpers[i].pid);
		ctx->helpers[i].reaped = true;
	}
	restore_ns__kill(ctx);
}

int restore_tree__detach_all(struct restore_ctx *ctx)
{
	size_t i;
	int err;

	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		if (!t->pt)
			continue;
		err = restore_threads__detach(ctx, t);
		/* Stopped at dump: its stop signal, taken once let go. */
		if (!err)
			err = restore_stopped__before_detach(ctx, t);
		if (err)
			return err;
		err = ptrace__detach(t->pt);
		t->pt = NULL;
		t->detached = true;
		if (err)
			return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot detach: %s", t->pid,
					     strerror(-err));
	}
	return 0;
}
