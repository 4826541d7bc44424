// SPDX-License-Identifier: GPL-2.0
/*
 * restore_pages.c - the image's page data into the restored memory, the
 * data checksum checked on the way (see restore_pages.h).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "image.h"
#include "interrupts.h"
#include "page.h"
#include "page_crc.h"
#include "progress.h"
#include "restore_cow.h"
#include "restore_ctx.h"
#include "restore_pages.h"
#include "restore_uffd.h"
#include "testfault.h"

#define WRITE_CHUNK (32UL << 20)
#define PARALLEL_BYTES (64UL << 20) /* a second thread copies from here on */

/* "pid 42: " for a task's file, "" for pages-shmem.img. */
static const char *who(const struct rpages *p, char *buf, size_t len)
{
	if (!p->pid)
		return "";
	snprintf(buf, len, "pid %d: ", p->pid);
	return buf;
}

static int pages_open(struct restore_ctx *ctx, pid_t pid, const char *name, struct rpages *p,
		      bool check);

int restore_pages__open(struct restore_ctx *ctx, pid_t pid, const char *name, struct rpages *p)
{
	return pages_open(ctx, pid, name, p, true);
}

int restore_pages__open_unchecked(struct restore_ctx *ctx, pid_t pid, const char *name,
				  struct rpages *p)
{
	return pages_open(ctx, pid, name, p, false);
}

static int pages_open(struct restore_ctx *ctx, pid_t pid, const char *name, struct rpages *p,
		      bool check)
{
	uint64_t data_off = 0;
	void *map;
	char w[32];
	int err;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->pid = pid;
	p->fd = -1;
	err = image__pages_open(ctx->img, name, false, &p->fd, &data_off, &p->size);
	if (!err)
		err = image__pages_crc(p->fd, &p->want);
	if (err)
		return restore_ctx__fail(ctx, pid, err, "%s%s: cannot open it", who(p, w, sizeof(w)),
				     name);
	if (!p->size)
		return 0;
	map = mmap(NULL, p->size, PROT_READ, MAP_PRIVATE, p->fd, data_off);
	if (map == MAP_FAILED)
		return restore_ctx__fail(ctx, pid, -errno, "%scannot map %s: %s", who(p, w, sizeof(w)),
				     name, strerror(errno));
	p->data = map;
	if (!check)
		return 0;
	err = page_crc__start(p->data, p->size, &p->crc);
	if (err)
		return restore_ctx__fail(ctx, pid, err, "%s%s: %s", who(p, w, sizeof(w)), name,
				     strerror(-err));
	return 0;
}

int restore_pages__check(struct restore_ctx *ctx, struct rpages *p)
{
	uint32_t got = p->crc ? page_crc__wait(p->crc) : 0;
	char w[32];

	/* An empty data region has the crc32 of nothing: 0. */
	if (got != p->want)
		return restore_ctx__fail(ctx, p->pid, -EBADMSG,
				     "%s%s: checksum mismatch (the file is damaged)",
				     who(p, w, sizeof(w)), p->name);
	return 0;
}

void restore_pages__close(struct rpages *p)
{
	/* The thread reads the mapping: stopped before it goes. */
	page_crc__free(p->crc);
	p->crc = NULL;
	if (p->data)
		munmap((void *)p->data, p->size);
	p->data = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/*
 * One process_vm_writev() call: iovecs [first, first + n) of the runs,
 * @want bytes.
 */
struct wcall {
	size_t first, n, want;
};

/* The calls of a task's copy, taken in order by one or two threads. */
struct wjob {
	pid_t opid;
	int uffd;		/* UFFDIO_COPY through it (restore_uffd.h), -1: process_vm_writev */
	const struct iovec *l, *rem;
	const struct wcall *calls;
	size_t ncalls;
	atomic_size_t next;	/* the next call to take */
	atomic_size_t done;	/* bytes written */
	atomic_bool stop;	/* a call failed: take no more */
	atomic_size_t failed;	/* the first failed call, ncalls: none */
	int err;		/* its errno, 0 for a short write */
};

/*
 * One run by UFFDIO_COPY: whole pages allocated and filled at once. A page
 * the task has already (EEXIST) cannot fault, so process_vm_writev()
 * writes that one. Return: the bytes written (all of them), or -1, errno.
 */
static ssize_t uffd_copy(const struct wjob *j, const struct iovec *l, const struct iovec *r)
{
	size_t done = 0, again = 0;

	while (done < l->iov_len) {
		struct uffdio_copy c = {
			.dst = (uintptr_t)r->iov_base + done,
			.src = (uintptr_t)l->iov_base + done,
			.len = l->iov_len - done,
		};
		struct iovec pl = { (char *)l->iov_base + done, PAGE },
			     pr = { (char *)r->iov_base + done, PAGE };

		if (!ioctl(j->uffd, UFFDIO_COPY, &c)) {
			done = l->iov_len;
		} else if (c.copy > 0) {
			done += (size_t)c.copy; /* a part (EAGAIN): the rest again */
		} else if (errno == EAGAIN && ++again < 1000) {
			continue;
		} else if (errno == EEXIST) {
			if (process_vm_writev(j->opid, &pl, 1, &pr, 1, 0) != PAGE)
				return -1;
			done += PAGE;
		} else {
			return -1;
		}
	}
	return (ssize_t)done;
}

/* Run call @i of @j. Return: true if it wrote everything. */
static bool wjob_call(struct wjob *j, size_t i, bool fault)
{
	const struct wcall *c = &j->calls[i];
	size_t none = j->ncalls, k;
	ssize_t got, one;

	if (fault) {
		errno = EFAULT;
		got = -1;
	} else if (j->uffd >= 0) {
		for (got = 0, k = c->first; k < c->first + c->n; k++) {
			one = uffd_copy(j, &j->l[k], &j->rem[k]);
			if (one < 0) {
				got = -1;
				break;
			}
			got += one;
		}
	} else {
		got = process_vm_writev(j->opid, j->l + c->first, c->n, j->rem + c->first, c->n, 0);
	}
	if (got == (ssize_t)c->want) {
		atomic_fetch_add(&j->done, c->want);
		return true;
	}
	/* The first failure is the one said (the other thread may fail too). */
	if (atomic_compare_exchange_strong(&j->failed, &none, i))
		j->err = got < 0 ? errno : 0;
	atomic_store(&j->stop, true);
	return false;
}

static void *wjob_worker(void *arg)
{
	struct wjob *j = arg;
	size_t i;

	interrupts__block_own();
	while (!atomic_load(&j->stop) && (i = atomic_fetch_add(&j->next, 1)) < j->ncalls)
		wjob_call(j, i, false);
	return NULL;
}

/*
 * The runs of the pagemap as iovecs into the mapping, grouped in calls of
 * at most WRITE_CHUNK bytes (so that a progress bar moves, and two threads
 * can share the work) and IOV_MAX runs.
 */
static int plan_calls(PagemapEntry *const *entries, size_t nentries, const struct rpages *p,
		      struct iovec **lp, struct iovec **remp, struct wcall **callsp,
		      size_t *ncallsp, uint64_t *total)
{
	size_t i, niov = 0, cap = 0, ncalls = 0, ccap = 0, cur_n = 0, cur_want = 0;
	struct iovec *l = NULL, *rem = NULL, *nl, *nr;
	struct wcall *calls = NULL, *nc;
	uint64_t done, len;

	*total = 0;
	for (i = 0; i < nentries; i++) {
		const PagemapEntry *e = entries[i];

		len = (uint64_t)e->nr_pages * PAGE;
		if (e->offset + len > p->size)
			goto inval;
		for (done = 0; done < len;) {
			uint64_t piece = len - done;

			if (piece > WRITE_CHUNK - cur_want)
				piece = WRITE_CHUNK - cur_want;
			if (niov == cap) {
				cap = cap ? cap * 2 : 64;
				nl = realloc(l, cap * sizeof(*l));
				if (nl)
					l = nl;
				nr = realloc(rem, cap * sizeof(*rem));
				if (nr)
					rem = nr;
				if (!nl || !nr)
					goto nomem;
			}
			l[niov].iov_base = (void *)(p->data + e->offset + done);
			rem[niov].iov_base = (void *)(uintptr_t)(e->vaddr + done);
			l[niov].iov_len = rem[niov].iov_len = piece;
			niov++;
			cur_n++;
			cur_want += piece;
			done += piece;
			*total += piece;
			if (cur_n == IOV_MAX || cur_want == WRITE_CHUNK ||
			    (i + 1 == nentries && done == len)) {
				if (ncalls == ccap) {
					ccap = ccap ? ccap * 2 : 16;
					nc = realloc(calls, ccap * sizeof(*calls));
					if (!nc)
						goto nomem;
					calls = nc;
				}
				calls[ncalls].first = niov - cur_n;
				calls[ncalls].n = cur_n;
				calls[ncalls].want = cur_want;
				ncalls++;
				cur_n = cur_want = 0;
			}
		}
	}
	*lp = l;
	*remp = rem;
	*callsp = calls;
	*ncallsp = ncalls;
	return 0;
inval:
	free(l);
	free(rem);
	free(calls);
	return -EINVAL;
nomem:
	free(l);
	free(rem);
	free(calls);
	return -ENOMEM;
}

/*
 * Copy the runs of the pagemap from the mapping. From PARALLEL_BYTES on, a
 * second thread takes every other call: each call faults in and writes its
 * own pages, so two cores copy twice the pages (the checksum thread reads
 * the mapping meanwhile). Only process_vm_writev() runs on the second
 * thread; errors are said here, after it is joined.
 */
static int write_runs(struct restore_ctx *ctx, struct rtask *t, const struct rpages *p,
		      PagemapEntry *const *entries, size_t nentries, const char *fault, int uffd)
{
	struct iovec *l = NULL, *rem = NULL;
	struct wcall *calls = NULL;
	struct wjob j;
	pthread_t worker;
	bool threaded = false;
	sigset_t all, old;
	uint64_t total;
	size_t i, f;
	int err;

	err = plan_calls(entries, nentries, p, &l, &rem, &calls, &j.ncalls, &total);
	if (err == -EINVAL)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: %s: truncated", t->pid, p->name);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: %s: out of memory", t->pid, p->name);
	j.opid = t->opid;
	j.uffd = uffd;
	j.l = l;
	j.rem = rem;
	j.calls = calls;
	atomic_init(&j.next, 0);
	atomic_init(&j.done, 0);
	atomic_init(&j.stop, false);
	atomic_init(&j.failed, j.ncalls);
	j.err = 0;
	for (;;) {
		i = atomic_fetch_add(&j.next, 1);
		if (i >= j.ncalls || atomic_load(&j.stop))
			break;
		/* Tests: the write fails as for an address the task does not have. */
		if (!wjob_call(&j, i, fault && testfault__point(fault)))
			break;
		progress__update(ctx->progress, ctx->pages_bytes + atomic_load(&j.done));
		/* After the first call, so that a test fault always hits this thread. */
		if (!threaded && i == 0 && total >= PARALLEL_BYTES && j.ncalls > 2) {
			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			threaded = !pthread_create(&worker, NULL, wjob_worker, &j);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	if (threaded)
		pthread_join(worker, NULL);
	f = atomic_load(&j.failed);
	if (f < j.ncalls) {
		err = restore_ctx__fail(ctx, t->pid, j.err ? -j.err : -EFAULT,
				    "pid %d: writing %zu bytes of pages near %p failed: %s", t->pid,
				    calls[f].want, rem[calls[f].first].iov_base,
				    j.err ? strerror(j.err) : "short write");
	} else {
		ctx->pages += total / PAGE;
		ctx->pages_bytes += total;
		progress__update(ctx->progress, ctx->pages_bytes);
	}
	free(l);
	free(rem);
	free(calls);
	return err;
}

int restore_pages__write(struct restore_ctx *ctx, struct rtask *t, const struct rpages *p,
			 PagemapEntry *const *entries, size_t nentries, const char *fault)
{
	return write_runs(ctx, t, p, entries, nentries, fault, -1);
}

/*
 * The runs into VMAs registered with a userfaultfd (restore_uffd.h) by
 * UFFDIO_COPY, the others by process_vm_writev() afterwards. Either way
 * the same bytes, the same checks.
 */
static int write_task(struct restore_ctx *ctx, struct rtask *t, const struct rpages *p,
		      PagemapEntry *const *e, size_t n)
{
	PagemapEntry **by_uffd = NULL, **other = NULL;
	size_t nu = 0, no = 0, i;
	struct ruffd u;
	int err, cerr;

	err = restore_uffd__open(ctx, t, e, n, &u);
	if (err)
		return err;
	if (u.fd < 0)
		return write_runs(ctx, t, p, e, n, "restore-write", -1);
	by_uffd = calloc(n, sizeof(*by_uffd));
	other = calloc(n, sizeof(*other));
	if (!by_uffd || !other) {
		err = restore_ctx__fail(ctx, t->pid, -ENOMEM, "pid %d: out of memory", t->pid);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (restore_uffd__covers(&u, e[i]->vaddr, (uint64_t)e[i]->nr_pages * PAGE))
			by_uffd[nu++] = e[i];
		else
			other[no++] = e[i];
	}
	err = write_runs(ctx, t, p, by_uffd, nu, "restore-write", u.fd);
out:
	cerr = restore_uffd__close(ctx, t, &u);
	if (!err)
		err = cerr;
	/*
	 * The other runs once nothing is registered: a run may cross from an
	 * unregistered VMA into a registered one, where a fault would fail.
	 */
	if (!err && no)
		err = write_runs(ctx, t, p, other, no, "restore-write", -1);
	free(by_uffd);
	free(other);
	return err;
}

int restore_pages__task(struct restore_ctx *ctx, struct rtask *t)
{
	PagemapEntry **left = NULL;
	struct rpages p;
	size_t nleft = 0, i;
	int err;

	if (!t->pm->nr_pages || !t->pm->n_entries)
		return 0;
	/* Pages already in regions kept from before the memory phase are not written again. */
	err = restore_cow__stored(ctx, t, &left, &nleft);
	if (err)
		return err;
	err = restore_pages__open(ctx, t->pid, t->pm->pages_file, &p);
	if (!err)
		err = left ? write_task(ctx, t, &p, left, nleft) :
			     write_task(ctx, t, &p, t->pm->entries, t->pm->n_entries);
	for (i = 0; i < nleft; i++)
		free(left[i]);
	free(left);
	/* The task is still held: what it got is checked before it can run. */
	if (!err)
		err = restore_pages__check(ctx, &p);
	restore_pages__close(&p);
	return err;
}
