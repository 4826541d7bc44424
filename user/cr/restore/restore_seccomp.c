// SPDX-License-Identifier: GPL-2.0
/*
 * restore_seccomp.c - each thread's seccomp state as dump_seccomp.c saved
 * it: strict mode, or its chain of filters (see restore_seccomp.h).
 *
 * The task installs its filters itself, by a seccomp() pidtrace runs in
 * it. A filter judges every later syscall of the thread, pidtrace's
 * remote ones too (the rest of the restore runs dozens of them: rlimits,
 * credentials, timers, the unmapping of pidtrace's pages), so first every
 * thread of the process is held with PTRACE_O_SUSPEND_SECCOMP: the kernel
 * skips its filters and strict mode while pidtrace traces it, and the
 * detach, which lets the task run on its own, ends that. Without that
 * option (pidtrace itself under seccomp, or without CAP_SYS_ADMIN) the
 * restore fails before a filter is installed.
 *
 * Sharing: threads get their filters from one another (clone copies the
 * chain, SECCOMP_FILTER_FLAG_TSYNC gives the caller's chain to every
 * thread), and a later TSYNC works only when every other thread's chain
 * is a part of the caller's. So the filters every thread's chain begins
 * with are installed once by the leader with TSYNC, and only what
 * follows by each thread for itself. Tasks (fork) share nothing that a
 * program can see: each installs its own.
 *
 * Filters come before the credentials are lowered (a filter without
 * no_new_privs needs CAP_SYS_ADMIN); strict mode, which forbids nothing
 * to a suspended thread either, after every filter.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "procfs.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_seccomp.h"
#include "restore_threads.h"
#include "restore_verify.h"
#include "testfault.h"

/* BPF_MAXINSNS: the kernel takes no longer filter. */
#define MAX_PROG (4096 * sizeof(struct sock_filter))

struct sthread {
	struct rtask tt;	/* the thread as a task (the leader: the task itself) */
	const ThreadCore *th;
};

static bool same_filter(const SeccompFilterEntry *a, const SeccompFilterEntry *b)
{
	return a->prog.len == b->prog.len && a->flags == b->flags &&
	       !memcmp(a->prog.data, b->prog.data, a->prog.len);
}

/* How many filters every thread's chain begins with (0 unless all are in filter mode). */
static size_t common_prefix(const struct sthread *v, size_t n)
{
	size_t len, i, k;

	if (n < 2)
		return 0;
	len = v[0].th->n_seccomp_filters;
	for (i = 0; i < n; i++) {
		if (v[i].th->seccomp_mode != SECCOMP_MODE_FILTER)
			return 0;
		if (v[i].th->n_seccomp_filters < len)
			len = v[i].th->n_seccomp_filters;
	}
	for (k = 0; k < len; k++)
		for (i = 1; i < n; i++)
			if (!same_filter(v[0].th->seccomp_filters[k], v[i].th->seccomp_filters[k]))
				return k;
	return len;
}

/*
 * Filter @k of @s, installed by @s itself, from the area at @area in the
 * process (a struct sock_fprog, then the program). @tsync: for every thread.
 */
static int install(struct restore_ctx *ctx, struct rtask *t, struct sthread *s, size_t k,
		   unsigned long area, bool tsync)
{
	const SeccompFilterEntry *e = s->th->seccomp_filters[k];
	struct sock_fprog fp;
	unsigned long flags = e->flags & SECCOMP_FILTER_FLAG_LOG;
	long r;
	int err;

	if (!e->prog.len || e->prog.len % sizeof(struct sock_filter) || e->prog.len > MAX_PROG)
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d thread %d: seccomp filter %zu: bad length %zu in the image",
				     t->pid, s->tt.pid, k + 1, e->prog.len);
	fp.len = e->prog.len / sizeof(struct sock_filter);
	fp.filter = (struct sock_filter *)(area + sizeof(fp));
	err = ptrace__write_mem(t->pt, area, &fp, sizeof(fp));
	if (!err)
		err = ptrace__write_mem(t->pt, area + sizeof(fp), e->prog.data, e->prog.len);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot write a seccomp filter: %s",
				     t->pid, strerror(-err));
	if (tsync)
		flags |= SECCOMP_FILTER_FLAG_TSYNC;
	/* A test fault drops the LOG flag (cr_seccomp.sh: verify compares each filter). */
	if ((flags & SECCOMP_FILTER_FLAG_LOG) && testfault__point("restore-skip-seccomp-log"))
		flags &= ~SECCOMP_FILTER_FLAG_LOG;
	r = restore_ctx__sys(&s->tt, SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, area, 0, 0, 0);
	/* TSYNC: a positive result is the thread that could not take the filter. */
	if (r > 0)
		return restore_ctx__fail(ctx, t->pid, -EBUSY,
				     "pid %d: seccomp filter %zu: thread %ld could not share it (TSYNC)",
				     t->pid, k + 1, r);
	if (r < 0)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d thread %d: seccomp filter %zu: %s",
				     t->pid, s->tt.pid, k + 1, strerror((int)-r));
	return 0;
}

static int install_all(struct restore_ctx *ctx, struct rtask *t, struct sthread *v, size_t n,
		       unsigned long area)
{
	size_t common = common_prefix(v, n), i, k;
	long r;
	int err = 0;

	for (k = 0; !err && k < common; k++)
		err = install(ctx, t, &v[0], k, area, true);
	for (i = 0; !err && i < n; i++)
		for (k = common; !err && k < v[i].th->n_seccomp_filters; k++) {
			/* A test fault skips one thread's own filter (cr_seccomp.sh: verify catches it). */
			if (testfault__point("restore-skip-seccomp-filter"))
				continue;
			err = install(ctx, t, &v[i], k, area, false);
		}
	for (i = 0; !err && i < n; i++) {
		if (v[i].th->seccomp_mode != SECCOMP_MODE_STRICT)
			continue;
		r = restore_ctx__sys(&v[i].tt, SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, 0, 0, 0, 0);
		if (r)
			err = restore_ctx__fail(ctx, t->pid, r < 0 ? (int)r : -EIO,
					    "pid %d thread %d: seccomp strict mode: %s", t->pid,
					    v[i].tt.pid, strerror(r < 0 ? (int)-r : EIO));
	}
	return err;
}

int restore_seccomp__task(struct restore_ctx *ctx, struct rtask *t)
{
	size_t n = restore_threads__count(t) + 1, i, longest = 0;
	struct sthread *v;
	unsigned long area = 0;
	bool any = false;
	long r;
	int err = 0, e;

	v = calloc(n, sizeof(*v));
	if (!v)
		return restore_ctx__fail(ctx, t->pid, -ENOMEM, "out of memory");
	v[0].tt = *t;
	v[0].th = t->core->thread;
	for (i = 1; i < n; i++)
		v[i].tt = restore_threads__task(t, i - 1, &v[i].th);
	for (i = 0; i < n; i++) {
		const ThreadCore *th = v[i].th;
		size_t k;

		if (th->seccomp_mode != SECCOMP_MODE_STRICT && th->seccomp_mode != SECCOMP_MODE_FILTER) {
			if (!th->seccomp_mode)
				continue;
			err = restore_ctx__fail(ctx, t->pid, -EINVAL,
					    "pid %d thread %u: unknown seccomp mode %u in the image",
					    t->pid, th->tid, th->seccomp_mode);
			goto out;
		}
		any = true;
		for (k = 0; k < th->n_seccomp_filters; k++)
			if (th->seccomp_filters[k]->prog.len > longest)
				longest = th->seccomp_filters[k]->prog.len;
	}
	if (!any)
		goto out;
	/* Every thread: a TSYNC filter reaches them all. */
	for (i = 0; i < n; i++) {
		err = ptrace__suspend_seccomp(v[i].tt.pt);
		if (err) {
			err = restore_ctx__fail(ctx, t->pid, err,
					    "pid %d thread %d: cannot hold it out of seccomp for the restore (PTRACE_O_SUSPEND_SECCOMP): %s",
					    t->pid, v[i].tt.pid, strerror(-err));
			goto out;
		}
	}
	if (longest) {
		/* Anywhere free: the image's mappings are all in place already. */
		r = restore_ctx__sys(t, SYS_mmap, 0, longest + sizeof(struct sock_fprog),
				 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0 && r > -4096) {
			err = restore_ctx__fail(ctx, t->pid, (int)r,
					    "pid %d: no room for its seccomp filters: %s", t->pid,
					    strerror((int)-r));
			goto out;
		}
		area = (unsigned long)r;
	}
	err = install_all(ctx, t, v, n, area);
	if (area) {
		r = restore_ctx__sys(t, SYS_munmap, area, longest + sizeof(struct sock_fprog), 0, 0, 0,
				 0);
		e = r ? (int)r : 0;
		if (e && !err)
			err = restore_ctx__fail(ctx, t->pid, e, "pid %d: munmap: %s", t->pid,
					    strerror(-e));
	}
out:
	free(v);
	return err;
}

/* The held thread @tid of the task being verified, NULL if none. */
static struct ptrace_task *thread_pt(struct verify *v, const ThreadCore *th, bool leader)
{
	const ThreadCore *x;
	struct rtask tt;
	size_t i;

	if (leader)
		return v->t->pt;
	for (i = 0; i < restore_threads__count(v->t); i++) {
		tt = restore_threads__task(v->t, i, &x);
		if (x == th)
			return tt.pt;
	}
	return NULL;
}

/* Each filter the kernel has for the thread, byte for byte and flag for flag. */
static int same_filters(struct verify *v, const ThreadCore *th, bool leader)
{
	struct ptrace_task *pt = thread_pt(v, th, leader);
	const SeccompFilterEntry *e;
	uint64_t flags = 0;
	size_t k, len;
	void *prog;
	int err;

	for (k = 0; pt && k < th->n_seccomp_filters; k++) {
		e = th->seccomp_filters[k];
		err = ptrace__seccomp_filter(pt, k, &prog, &len);
		if (!err)
			err = ptrace__seccomp_flags(pt, k, &flags);
		if (err) {
			free(prog);
			return restore_verify__cannot(v, "its seccomp filters", err);
		}
		err = len != e->prog.len || memcmp(prog, e->prog.data, len) ||
		      (flags & SECCOMP_FILTER_FLAG_LOG) != (e->flags & SECCOMP_FILTER_FLAG_LOG);
		free(prog);
		if (err && leader)
			return restore_ctx__fail(v->ctx, v->pid, -EIO,
					     "pid %d: seccomp filter %zu differs from the image's",
					     v->pid, k + 1);
		if (err)
			return restore_ctx__fail(v->ctx, v->pid, -EIO,
					     "pid %d: thread %u: seccomp filter %zu differs from the image's",
					     v->pid, th->tid, k + 1);
	}
	return 0;
}

int restore_seccomp__verify(struct verify *v, const ThreadCore *th, const char *status,
			    bool leader)
{
	uint64_t mode = 0, count = 0;
	char what[80];
	int err;

	if (!th->has_seccomp_mode)
		return 0;
	procfs__field_u64(status, "Seccomp:", 10, &mode);
	procfs__field_u64(status, "Seccomp_filters:", 10, &count);
	if (leader)
		snprintf(what, sizeof(what), "seccomp mode");
	else
		snprintf(what, sizeof(what), "thread %u: seccomp mode", th->tid);
	err = restore_verify__num(v, what, VF_DEC, th->seccomp_mode, mode);
	if (err || !procfs__field(status, "Seccomp_filters:"))
		return err;
	if (leader)
		snprintf(what, sizeof(what), "seccomp filters");
	else
		snprintf(what, sizeof(what), "thread %u: seccomp filters", th->tid);
	err = restore_verify__num(v, what, VF_DEC, th->n_seccomp_filters, count);
	return err ? err : same_filters(v, th, leader);
}
