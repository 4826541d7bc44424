// SPDX-License-Identifier: GPL-2.0
/*
 * dump_splice.c - the pages of a big task by vmsplice() and splice() (see
 * dump_splice.h).
 *
 * vmsplice() puts the caller's own pages into a pipe without copying
 * them; splice() moves them from the pipe into the pages file, the one
 * copy, and the checksum reads them back from the file's page cache while
 * they are in the CPU's cache (image__pages_splice()). Half the CPU of
 * process_vm_readv() + checksum + write() at 256 MiB (docs/PERFORMANCE.md,
 * rounds five and six). The task itself must call vmsplice(), on a pipe
 * of its own: a helper thread made for it (ptrace__helper_start(),
 * ptrace_helper.c) has a descriptor table no other thread shares, so the
 * pipe is never in the task's table and the kernel closes it when the
 * helper exits, whenever pidtrace dies. pidtrace takes the read end with
 * pidfd_getfd() on the helper's thread pidfd (PIDFD_THREAD, Linux 6.9).
 * The tree is stopped until the pages are in the file: what vmsplice()
 * pinned cannot change in the pipe. Pages vmsplice() does not take (a
 * mapping without read permission) are copied as before, and so is the
 * rest of the task.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dump_mem.h"
#include "dump_splice.h"
#include "interrupts.h"
#include "log.h"
#include "page.h"
#include "procfs.h"
#include "progress.h"
#include "ptrace.h"
#include "testfault.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define SPLICE_IOVS 1024		/* IOV_MAX: vmsplice() takes no more in one call */
#define SPLICE_PIPE (16UL << 20)	/* 16 vmsplice() calls per 256 MiB */
/*
 * Where it pays (round six, pidtrace's CPU and the target's together):
 * 0.83-0.87x at 256 MiB, 0.91-0.94x at 64, ~1x at 16-32, 1.13x at 4.
 */
#define SPLICE_AFTER_MIB 64
#define COPY_BYTES (256UL << 10)

struct dump_splice {
	struct dump_ctx *ctx;
	struct ptrace_task *pt;
	struct image_pages *out;
	PagemapImage *pm;
	struct ptrace_helper *hp;
	int rfd[2];		/* pidtrace's copies of the pipes' read ends */
	long wfd[2];		/* their write ends, in the helper's table */
	int cur;		/* the pipe the next batch goes into */
	size_t pipe_sz;
	unsigned long area;	/* the iovecs, in the task */
	size_t max_iov;
	struct iovec iov[SPLICE_IOVS];
	size_t n, bytes;
	bool copying;		/* vmsplice() fell short: the rest by copy */
	uint8_t *buf;
	uint64_t next_off;	/* where the next batch lands in the data */
	/*
	 * The worker splices one pipe into the file and checksums it while
	 * the helper vmsplices the next batch into the other (two cores).
	 */
	bool worker, busy, quit;
	pthread_t thread;
	sem_t go, done;
	int job_fd;
	size_t job_len;
	int job_err;
	bool job_printed;
};

uint64_t dump_splice__after(pid_t pid)
{
	const char *v = getenv("PIDTRACE_SPLICE_MIB");
	uint64_t after = (uint64_t)SPLICE_AFTER_MIB << 20, kib;
	char *end, *status = NULL;
	unsigned long long mib;

	if (v && !strcmp(v, "off"))
		return UINT64_MAX;
	if (v && *v) {
		mib = strtoull(v, &end, 10);
		if (!*end && mib <= (UINT64_MAX >> 20))
			after = mib << 20;
	}
	/* Most of a big task is resident anonymous memory: then from the first page. */
	if (after && !procfs__read(pid, "status", &status, NULL) &&
	    !procfs__field_u64(status, "RssAnon:", 10, &kib) && kib << 10 >= after)
		after = 0;
	free(status);
	return after;
}

/* Runs of the pagemap for @n ranges that landed at @off. */
static int add_runs(struct dump_splice *s, const struct iovec *iov, size_t n, uint64_t off)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < n; i++) {
		err = testfault__point("splice-runs");
		if (!err)
			err = dump_mem__append_run(&s->pm->entries, &s->pm->n_entries,
						   (uint64_t)iov[i].iov_base, iov[i].iov_len / PAGE,
						   off);
		s->pm->nr_pages += iov[i].iov_len / PAGE;
		off += iov[i].iov_len;
	}
	/* The splice path's errors count as said (dump_pages.c): say this one. */
	if (err)
		pr_err("pid %d: cannot note its pages in the pagemap: %s", ptrace__pid(s->pt),
		       strerror(-err));
	return err;
}

/* @len bytes at @addr by the copy path: process_vm_readv() and write(). */
static int copy_range(struct dump_splice *s, uint64_t addr, size_t len)
{
	struct iovec l, r;
	uint64_t off;
	size_t take;
	int err = 0;

	if (!s->buf && !(s->buf = malloc(COPY_BYTES)))
		return -ENOMEM;
	while (!err && len) {
		take = len < COPY_BYTES ? len : COPY_BYTES;
		l.iov_base = s->buf;
		r.iov_base = (void *)addr;
		l.iov_len = r.iov_len = take;
		err = ptrace__read_iov(s->pt, &l, &r, 1);
		if (err) {
			pr_err("pid %d: cannot read its memory at %#llx: %s", ptrace__pid(s->pt),
			       (unsigned long long)addr, strerror(-err));
			return err;
		}
		err = image__pages_append(s->out, s->buf, take, &off);
		if (!err)
			err = add_runs(s, &r, 1, off);
		s->ctx->copied += take;
		addr += take;
		len -= take;
	}
	return err;
}

/* One batch from a pipe into the file (the worker's, or inline without one). */
static void run_job(struct dump_splice *s)
{
	s->job_err = image__pages_splice(s->out, s->job_fd, s->job_len, NULL);
	s->job_printed = s->job_err != 0;
	if (!s->job_err)
		s->job_err = testfault__point("splice-splice");
}

static void *worker_main(void *arg)
{
	struct dump_splice *s = arg;

	interrupts__block_own();
	for (;;) {
		while (sem_wait(&s->go) && errno == EINTR)
			;
		if (s->quit)
			return NULL;
		run_job(s);
		sem_post(&s->done);
	}
}

static void worker_start(struct dump_splice *s)
{
	sigset_t all, old;

	if (sem_init(&s->go, 0, 0))
		return;
	if (sem_init(&s->done, 0, 0)) {
		sem_destroy(&s->go);
		return;
	}
	/* Signals are the main thread's business (it polls for them). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	s->worker = !pthread_create(&s->thread, NULL, worker_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->worker) {
		sem_destroy(&s->go);
		sem_destroy(&s->done);
	}
}

/* The batch handed over last is in the file. Return: its result (said). */
static int worker_wait(struct dump_splice *s)
{
	if (!s->busy)
		return 0;
	while (sem_wait(&s->done) && errno == EINTR)
		;
	s->busy = false;
	if (s->job_err && !s->job_printed && s->job_err != -ESRCH)
		pr_err("pid %d: cannot splice its memory: %s", ptrace__pid(s->pt),
		       strerror(-s->job_err));
	return s->job_err;
}

static void worker_stop(struct dump_splice *s)
{
	if (!s->worker)
		return;
	worker_wait(s);
	s->quit = true;
	sem_post(&s->go);
	pthread_join(s->thread, NULL);
	sem_destroy(&s->go);
	sem_destroy(&s->done);
	s->worker = false;
}

/* Hand @len bytes in pipe @i to the worker (or splice them here). */
static int hand_over(struct dump_splice *s, int i, size_t len)
{
	s->job_fd = s->rfd[i];
	s->job_len = len;
	if (!s->worker) {
		run_job(s);
		if (s->job_err && !s->job_printed && s->job_err != -ESRCH)
			pr_err("pid %d: cannot splice its memory: %s", ptrace__pid(s->pt),
			       strerror(-s->job_err));
		return s->job_err;
	}
	s->busy = true;
	sem_post(&s->go);
	return 0;
}

/* The queued ranges: into the pipe by the helper, into the file by us. */
static int flush(struct dump_splice *s)
{
	struct ptrace_call c = { .nr = SYS_vmsplice };
	size_t i, got, n = s->n;
	uint64_t off = 0;
	int err;

	if (!n)
		return 0;
	s->n = 0;
	s->bytes = 0;
	err = ptrace__write_mem(s->pt, s->area, s->iov, n * sizeof(s->iov[0]));
	if (err)
		goto fail;
	/* Never a wait: a full pipe would hold the helper in the kernel. */
	/* The worker may still splice the other pipe: this one is free. */
	c.args[0] = s->wfd[s->cur];
	c.args[1] = (long)s->area;
	c.args[2] = (long)n;
	c.args[3] = SPLICE_F_NONBLOCK;
	err = ptrace__helper_calls(s->hp, &c, 1);
	if (!err)
		err = testfault__point("splice-vmsplice");
	if (err)
		goto fail;
	got = c.ret > 0 ? (size_t)c.ret : 0;
	if (got % PAGE) {
		/* Half a page in the pipe: no pagemap run can say that. */
		pr_err("pid %d: vmsplice() took %zu bytes, not whole pages", ptrace__pid(s->pt), got);
		return -EIO;
	}
	/* The batch before, in the file by now: this one after it. */
	err = worker_wait(s);
	if (err)
		return err;
	off = s->next_off;
	if (got) {
		err = hand_over(s, s->cur, got);
		if (err)
			return err;
		s->cur = !s->cur;
		s->next_off += got;
		s->ctx->copied += got;
		s->ctx->spliced_bytes += got;
		progress__update(s->ctx->progress, s->ctx->copied);
	}
	/* The ranges vmsplice() took whole, then the part of the next one. */
	for (i = 0; i < n && got >= s->iov[i].iov_len; i++)
		got -= s->iov[i].iov_len;
	err = add_runs(s, s->iov, i, off);
	if (err || i == n)
		return err;
	if (got) {
		struct iovec part = { s->iov[i].iov_base, got };

		err = add_runs(s, &part, 1, off + ((uint64_t)c.ret - got));
		if (err)
			return err;
		s->iov[i].iov_base = (uint8_t *)s->iov[i].iov_base + got;
		s->iov[i].iov_len -= got;
	}
	pr_debug("pid %d: vmsplice() returned %ld: the rest of its pages by copy",
		 ptrace__pid(s->pt), c.ret);
	/* The copy appends to the file: what was spliced must be there first. */
	err = worker_wait(s);
	if (err)
		return err;
	s->copying = true;
	for (; !err && i < n; i++)
		err = copy_range(s, (uint64_t)s->iov[i].iov_base, s->iov[i].iov_len);
	return err;
fail:
	if (err != -ESRCH)
		pr_err("pid %d: cannot splice its memory: %s", ptrace__pid(s->pt), strerror(-err));
	return err;
}

int dump_splice__add(struct dump_splice *s, uint64_t addr, uint64_t nr)
{
	uint64_t take;
	int err;

	if (s->copying)
		return copy_range(s, addr, nr * PAGE);
	while (nr) {
		if (s->n == s->max_iov || s->bytes == s->pipe_sz) {
			err = flush(s);
			if (err)
				return err;
			if (s->copying)
				return copy_range(s, addr, nr * PAGE);
		}
		take = (s->pipe_sz - s->bytes) / PAGE;
		if (take > nr)
			take = nr;
		s->iov[s->n].iov_base = (void *)addr;
		s->iov[s->n].iov_len = take * PAGE;
		s->n++;
		s->bytes += take * PAGE;
		addr += take * PAGE;
		nr -= take;
	}
	return 0;
}

/* The helper's two pipes: made in its table, their read ends taken into ours. */
static int open_pipes(struct dump_splice *s)
{
	struct ptrace_call c[2] = { { .nr = SYS_pipe2 }, { .nr = SYS_pipe2 } };
	pid_t tid = ptrace__helper_tid(s->hp);
	int fds[4], pidfd, err, i;
	unsigned long want;
	long sz = -1;

	c[0].args[0] = (long)s->area;
	c[1].args[0] = (long)s->area + 2 * sizeof(int);
	err = ptrace__helper_calls(s->hp, c, 2);
	for (i = 0; !err && i < 2; i++)
		if (c[i].ret)
			err = c[i].ret < 0 && c[i].ret > -4096 ? (int)c[i].ret : -EIO;
	if (!err)
		err = ptrace__read_mem(s->pt, s->area, fds, sizeof(fds));
	if (!err)
		err = testfault__point("splice-pipe");
	if (err)
		return err;
	pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -errno;
	for (i = 0; !err && i < 2; i++) {
		s->wfd[i] = fds[2 * i + 1];
		s->rfd[i] = (int)syscall(SYS_pidfd_getfd, pidfd, fds[2 * i], 0);
		err = s->rfd[i] < 0 ? -errno : 0;
	}
	close(pidfd);
	if (err)
		return err;
	/*
	 * pidtrace, not the task, sizes them: past pipe-max-size with
	 * CAP_SYS_RESOURCE, else as large as that allows (1 MiB by default).
	 */
	for (want = SPLICE_PIPE; sz < 0 && want >= PAGE; want /= 2)
		sz = fcntl(s->rfd[0], F_SETPIPE_SZ, want);
	if (sz >= (long)PAGE && fcntl(s->rfd[1], F_SETPIPE_SZ, sz) != sz)
		sz = -1;
	if (sz < (long)PAGE)
		return -EIO;
	s->pipe_sz = (size_t)sz & ~(PAGE - 1);
	return 0;
}

int dump_splice__start(struct dump_ctx *ctx, struct ptrace_task *pt, struct image_pages *out,
		       PagemapImage *pm, struct dump_splice **sp)
{
	struct dump_splice *s = calloc(1, sizeof(*s));
	size_t len;
	int err;

	*sp = NULL;
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->pt = pt;
	s->out = out;
	s->pm = pm;
	s->rfd[0] = s->rfd[1] = -1;
	err = ptrace__helper_start(pt, SPLICE_IOVS * sizeof(struct iovec), &s->hp);
	if (err) {
		pr_debug("pid %d: no helper thread for vmsplice (%s): pages by copy",
			 ptrace__pid(pt), strerror(-err));
		free(s);
		return err;
	}
	s->area = ptrace__helper_area(s->hp, &len);
	s->max_iov = len / sizeof(struct iovec);
	if (s->max_iov > SPLICE_IOVS)
		s->max_iov = SPLICE_IOVS;
	err = open_pipes(s);
	if (err) {
		pr_debug("pid %d: no pipes in the helper thread (%s): pages by copy",
			 ptrace__pid(pt), strerror(-err));
		if (s->rfd[0] >= 0)
			close(s->rfd[0]);
		if (s->rfd[1] >= 0)
			close(s->rfd[1]);
		/* Nothing was written: only the task's way back can fail now. */
		err = ptrace__helper_end(s->hp);
		free(s);
		return err == -ESRCH || err == -ENOTRECOVERABLE ? err : -EOPNOTSUPP;
	}
	pr_debug("pid %d: pages by vmsplice in helper thread %d, two %zu-byte pipes",
		 ptrace__pid(pt), ptrace__helper_tid(s->hp), s->pipe_sz);
	s->next_off = image__pages_size(out);
	worker_start(s);
	*sp = s;
	return 0;
}

int dump_splice__end(struct dump_splice *s, int err)
{
	int err2;

	if (!s)
		return err;
	if (!err)
		err = flush(s);
	/* Its last batch in the file (or given up), nothing reads the pipes. */
	if (worker_wait(s) && !err)
		err = s->job_err;
	worker_stop(s);
	if (s->rfd[0] >= 0)
		close(s->rfd[0]);
	if (s->rfd[1] >= 0)
		close(s->rfd[1]);
	err2 = ptrace__helper_end(s->hp);
	if (err2 && err2 != -ESRCH && !err) {
		pr_err("pid %d: cannot end its vmsplice helper thread: %s", ptrace__pid(s->pt),
		       strerror(-err2));
		err = err2;
	}
	free(s->buf);
	free(s);
	return err ? err : err2;
}
