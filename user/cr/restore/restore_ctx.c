// SPDX-License-Identifier: GPL-2.0
/*
 * restore_ctx.c - what every part of a restore uses (see restore_ctx.h):
 * the first error, said once; the task of a pid; a syscall and a copy into
 * a seized task; and the checkpoint between steps, where an unexpected
 * death, an interrupt or a test fault point ends the restore.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cause.h"
#include "clock.h"
#include "interrupts.h"
#include "log.h"
#include "output.h"
#include "page.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "testfault.h"
#include "watchdog.h"

int restore_ctx__fail(struct restore_ctx *ctx, pid_t pid, int err, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->error[0])
		ctx->error_pid = pid;
	pr_err("%s", msg);
	return err < 0 ? err : -EIO;
}

void restore_ctx__warn(void *arg, const char *msg)
{
	struct restore_ctx *ctx = arg;
	char **w, *m;

	/* Out of memory: the warning is lost, not the restore. */
	m = strdup(msg);
	w = m ? realloc(ctx->warnings, (ctx->nwarnings + 1) * sizeof(*w)) : NULL;
	if (!w) {
		free(m);
		return;
	}
	ctx->warnings = w;
	ctx->warnings[ctx->nwarnings++] = m;
}

struct rtask *restore_ctx__find(struct restore_ctx *ctx, pid_t pid)
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].pid == pid)
			return &ctx->tasks[i];
	return NULL;
}

const FdEntry *restore_ctx__find_fd(const struct restore_ctx *ctx, FdType type, uint64_t ino,
				   bool (*pick)(const FdEntry *e, const void *arg), const void *arg,
				   const struct rtask **task)
{
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const FdEntry *e = fi->fds[k];

			if (e->type != type || e->ino != ino || (pick && !pick(e, arg)))
				continue;
			if (task)
				*task = &ctx->tasks[i];
			return e;
		}
	}
	return NULL;
}

const struct robj *restore_ctx__obj(const struct restore_ctx *ctx, uint32_t ofd_id)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == ofd_id)
			return &ctx->objs[i];
	return NULL;
}

long restore_ctx__sys(struct rtask *t, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long args[6] = { a0, a1, a2, a3, a4, a5 }, ret = 0;
	int err;

	err = ptrace__syscall(t->pt, nr, args, &ret);
	return err ? err : ret;
}

int restore_ctx__put(struct rtask *t, size_t off, const void *buf, size_t len, unsigned long *addr)
{
	unsigned long a = t->hpage + PAGE + off;

	if (!t->hpage_mapped || off + len > RESTORE_DATA_SIZE)
		return -EINVAL;
	if (addr)
		*addr = a;
	return ptrace__write_mem(t->pt, a, buf, len);
}

/* @in with every byte a terminal could act on as '?' (a comm is anyone's choice). */
static const char *plain(const char *in, char *buf, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		buf[i] = (unsigned char)in[i] < 0x20 || (unsigned char)in[i] >= 0x7f ? '?' : in[i];
	buf[i] = '\0';
	return buf;
}

bool restore_ctx__unexpected_death(struct restore_ctx *ctx, uint64_t before_ns)
{
	const struct xrec *d;
	char sb[16], comm[sizeof(d->sender.comm)];
	size_t n, i;

	watchdog__poll(ctx->wd, 0);
	if (!watchdog__unexpected(ctx->wd))
		return false;
	d = watchdog__deaths(ctx->wd, &n);
	for (i = 0; i < n; i++) {
		if (d[i].expected || d[i].ts_ns >= before_ns)
			continue;
		if (d[i].has_sender && d[i].sender_kind == SENDER_KERNEL)
			restore_ctx__fail(ctx, d[i].victim.pid, -ECHILD,
				      "pid %u died during the restore: %s from the kernel in pid "
				      "%u (%s), %s",
				      d[i].victim.pid, output__signame(d[i].signo, sb, sizeof(sb)),
				      d[i].sender.pid, plain(d[i].sender.comm, comm, sizeof(comm)),
				      cause__name(d[i].cause));
		else if (d[i].has_sender)
			restore_ctx__fail(ctx, d[i].victim.pid, -ECHILD,
				      "pid %u died during the restore: %s from pid %u (%s), %s",
				      d[i].victim.pid, output__signame(d[i].signo, sb, sizeof(sb)),
				      d[i].sender.pid, plain(d[i].sender.comm, comm, sizeof(comm)),
				      cause__name(d[i].cause));
		else
			restore_ctx__fail(ctx, d[i].victim.pid, -ECHILD,
				      "pid %u died during the restore: %s, %s", d[i].victim.pid,
				      output__signame(d[i].signo, sb, sizeof(sb)),
				      cause__name(d[i].cause));
		return true;
	}
	return false;
}

/* A test pause: wait, watching the tree, until a death, a signal or the time is up. */
static void test_pause(struct restore_ctx *ctx, const char *name)
{
	const char *ms_env = getenv("PIDTRACE_TEST_PAUSE_MS");
	double until = (clock__mono_ns() / 1e6) + (ms_env ? atoi(ms_env) : 5000);

	fprintf(stderr, "pidtrace: restore: test pause at %s\n", name);
	fflush(stderr);
	while ((clock__mono_ns() / 1e6) < until && !interrupts__pending()) {
		watchdog__poll(ctx->wd, 50);
		if (watchdog__unexpected(ctx->wd))
			break;
	}
}

int restore_ctx__checkpoint(struct restore_ctx *ctx, const char *name)
{
	int acts = testfault__check(name), sig;

	if (acts & TESTFAULT_PAUSE)
		test_pause(ctx, name);
	if (restore_ctx__unexpected_death(ctx, UINT64_MAX))
		return -ECHILD;
	sig = interrupts__pending();
	if (sig)
		return restore_ctx__fail(ctx, 0, -EINTR, "interrupted by %s", interrupts__name(sig));
	if (acts & TESTFAULT_ERROR)
		return restore_ctx__fail(ctx, 0, -EIO, "test fault at %s", name);
	return 0;
}

/* Die the way a process that ended with wait status @status died. */
void restore_ctx__die_as(int status)
{
	struct rlimit none = { 0, 0 };
	int sig = status & 0x7f;
	sigset_t all;

	if (!sig)
		_exit((status >> 8) & 0xff);
	/* A core dump cannot be re-enacted: never write one. */
	setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigfillset(&all);
	sigdelset(&all, sig);
	sigprocmask(SIG_SETMASK, &all, NULL);
	syscall(SYS_kill, syscall(SYS_getpid), sig);
	_exit(128 + sig);
}
