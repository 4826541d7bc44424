// SPDX-License-Identifier: GPL-2.0
/*
 * restore_stub.c - the stub side of restore_tree.c: a task of the tree
 * before pidtrace seizes it. Forked with clone3(set_tid) by pidtrace or
 * by its parent's stub, it sets itself up (its parent-death signal, name,
 * default dispositions, empty mask), says "ready" on its control socket,
 * then runs the commands pidtrace sends there (restore_stub.h) with raw
 * system calls only, until it is seized.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sched.h>

#include "restore_cow.h"
#include "restore_ctx.h"
#include "restore_ctty.h"
#include "restore_fdt.h"
#include "restore_pgrp.h"
#include "restore_stub.h"
#include "restore_tree.h"
#include "testfault.h"

static long sys_clone3_pid(pid_t pid, int exit_signal, unsigned long flags)
{
	struct clone_args args;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.exit_signal = exit_signal;
	args.set_tid = (uint64_t)(uintptr_t)&pid;
	args.set_tid_size = 1;
	return syscall(SYS_clone3, &args, sizeof(args));
}

static void __attribute__((noreturn)) stub_main(struct restore_ctx *ctx, size_t idx, pid_t parent);

/*
 * Every signal blocked around the clone (raw: glibc's sigprocmask leaves
 * its own two out): the stub starts with none deliverable, so no handler
 * of pidtrace's runs in it before it has set every action to the default.
 */
long restore_stub__fork(struct restore_ctx *ctx, size_t idx)
{
	struct rtask *child = &ctx->tasks[idx];
	pid_t me = syscall(SYS_getpid);
	uint64_t all = ~0ULL, old;
	long r;
	int err;

	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, sizeof(old));
	fflush(NULL);
	/* CLONE_FILES: it uses its parent's fd table, as it did (restore_fdt.c). */
	r = sys_clone3_pid(child->pid, child->core->ids->exit_signal,
			   restore_fdt__clone_flags(child));
	if (r == 0)
		stub_main(ctx, idx, me);
	err = errno;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof(old));
	return r < 0 ? -err : r;
}

static long stub_do(struct restore_ctx *ctx, const struct stub_cmd *c)
{
	switch (c->op) {
	case STUB_FORK:
		return restore_stub__fork(ctx, c->arg);
	case STUB_SETSID:
		return setsid() < 0 ? -errno : 0;
	case STUB_SETPGID:
		return setpgid(0, c->arg) ? -errno : 0;
	case STUB_EXIT:
		restore_ctx__die_as(c->arg);
	case STUB_CTTY:
		/* Test-only: the stub dies here (":kill"), pidtrace waiting for its reply. */
		if (testfault__check("restore-stub-ctty") & TESTFAULT_ERROR)
			return -EIO;
		return restore_ctty__stub_pts(c->arg);
	case STUB_CTTY_DEV:
		return restore_ctty__stub_dev(ctx, c->arg);
	case STUB_COW:
		return restore_cow__stub(ctx, c->arg);
	case STUB_PGRP_LEAD:
	case STUB_PGRP_END:
		return restore_pgrp__stub(c->op, c->arg);
	}
	return -EINVAL;
}

/*
 * Its parent, or pidtrace, is gone (the control socket too: pidtrace's
 * files close before its children get their parent-death signal): die as
 * that signal would have made it, not by an exit status of its own.
 */
static void __attribute__((noreturn)) die_orphaned(void)
{
	syscall(SYS_kill, syscall(SYS_getpid), SIGKILL);
	_exit(1);
}

/*
 * The stub's life: raw system calls only (it is a fork of pidtrace made by
 * clone3, glibc's per-thread caches describe another task).
 */
static void stub_main(struct restore_ctx *ctx, size_t idx, pid_t parent)
{
	int fd = ctx->tasks[idx].stub_ctl, sig;
	const uint64_t dfl[4] = { 0 }; /* handler, flags, restorer, mask */
	struct stub_reply rep;
	struct stub_cmd c;
	sigset_t none;
	size_t i;
	ssize_t n;

	/* First: from here a parent's death kills it; a death before is seen next. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (syscall(SYS_getppid) != parent)
		die_orphaned();
	/* The name stays through the restore (zombies keep it too). */
	prctl(PR_SET_NAME, ctx->tasks[idx].core->comm);
	/* All-zero actions: restore_state.c need not set those the image has so. */
	for (sig = 1; sig < 65; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	/* Every signal was blocked until now (restore_stub__fork). */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].ctl >= 0)
			close(ctx->tasks[i].ctl);
	if (ctx->init_ctl >= 0)
		close(ctx->init_ctl);
	/* Set up: pidtrace may look at it now (wait_ready). */
	rep.ret = syscall(SYS_getpid);
	/* MSG_NOSIGNAL: its SIGPIPE is the default action now, and must not kill it. */
	if (send(fd, &rep, sizeof(rep), MSG_NOSIGNAL) != sizeof(rep))
		die_orphaned();
	for (;;) {
		n = read(fd, &c, sizeof(c));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(c))
			die_orphaned();
		rep.ret = stub_do(ctx, &c);
		if (send(fd, &rep, sizeof(rep), MSG_NOSIGNAL) != sizeof(rep))
			die_orphaned();
	}
}
