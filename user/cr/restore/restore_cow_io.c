// SPDX-License-Identifier: GPL-2.0
/*
 * restore_cow_io.c - the data of pages shared copy-on-write (see
 * restore_cow_io.h): where a page's contents are in the image, written
 * into a task, and the frames checked once inherited.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "page.h"
#include "restore_ctx.h"
#include "restore_cow_io.h"
#include "restore_pages.h"
#include "testfault.h"

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* The VMA of @mm containing @addr (VMAs are sorted: image_check.c), -1. */
long restore_cow_io__find_vma(const MmImage *mm, uint64_t addr)
{
	size_t lo = 0, hi = mm ? mm->n_vmas : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const VmaEntry *v = mm->vmas[mid];

		if (addr < v->start)
			hi = mid;
		else if (addr >= v->end)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

static const PagemapEntry *find_entry(const PagemapImage *pm, uint64_t addr)
{
	size_t lo = 0, hi = pm ? pm->n_entries : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const PagemapEntry *e = pm->entries[mid];

		if (addr < e->vaddr)
			hi = mid;
		else if (addr >= e->vaddr + (uint64_t)e->nr_pages * PAGE)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

static bool in_cow(const VmaEntry *v, uint64_t addr)
{
	size_t k;

	for (k = 0; k < v->n_cow; k++)
		if (addr >= v->cow[k]->start && addr < v->cow[k]->start + v->cow[k]->nr_pages * PAGE)
			return true;
	return false;
}

static bool live(const struct rtask *t)
{
	return !t->zombie && t->mm;
}

/* The pages files read for shared pages, opened as needed. */
struct srcs {
	struct rpages *p;
	bool *open;
	size_t n;
};

static int srcs_init(struct restore_ctx *ctx, struct srcs *s)
{
	s->n = ctx->ntasks;
	s->p = calloc(s->n, sizeof(*s->p));
	s->open = calloc(s->n, sizeof(*s->open));
	return s->p && s->open ? 0 : -ENOMEM;
}

/*
 * Not checked here: each file is its own task's too, and that task's
 * memory phase (restore_pages.c) checks it before the tree runs.
 */
static int srcs_done(struct srcs *s, int err)
{
	size_t i;

	for (i = 0; s->open && i < s->n; i++)
		if (s->open[i])
			restore_pages__close(&s->p[i]);
	free(s->p);
	free(s->open);
	return err;
}

/*
 * Where the contents of @task's page at @addr are: its pages file, or, for
 * a page it shared with its parent, the parent's (and so on up).
 */
static int resolve(struct restore_ctx *ctx, int task, uint64_t addr, int *src, uint64_t *off)
{
	size_t depth;

	for (depth = 0; task >= 0 && depth < ctx->ntasks; depth++) {
		const struct rtask *t = &ctx->tasks[task];
		const PagemapEntry *e;
		long v;

		if (!live(t))
			break;
		e = find_entry(t->pm, addr);
		if (e) {
			*src = task;
			*off = e->offset + (addr - e->vaddr);
			return 0;
		}
		v = restore_cow_io__find_vma(t->mm, addr);
		if (v < 0 || !in_cow(t->mm->vmas[v], addr))
			break;
		task = t->parent;
	}
	return -ENOENT;
}

/* The runs of one pages file to write, as pagemap entries into it. */
struct runs {
	PagemapEntry **e;
	size_t n, cap;
};

/* Append page @addr at @off of the file, merged with the last run. */
static int runs_add(struct runs *r, uint64_t addr, uint64_t off)
{
	PagemapEntry *last = r->n ? r->e[r->n - 1] : NULL, **arr;

	if (last && last->vaddr + (uint64_t)last->nr_pages * PAGE == addr &&
	    last->offset + (uint64_t)last->nr_pages * PAGE == off && last->nr_pages < UINT32_MAX) {
		last->nr_pages++;
		return 0;
	}
	if (r->n == r->cap) {
		arr = realloc(r->e, (r->cap ? r->cap * 2 : 16) * sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		r->e = arr;
		r->cap = r->cap ? r->cap * 2 : 16;
	}
	last = malloc(sizeof(*last));
	if (!last)
		return -ENOMEM;
	pagemap_entry__init(last);
	last->vaddr = addr;
	last->nr_pages = 1;
	last->offset = off;
	r->e[r->n++] = last;
	return 0;
}

/*
 * Write into @dst, at the addresses of @set, the pages that task @content
 * has there (from the image): each page found in its pages file (or up
 * the tree), then written per file by restore_pages.c's writer (two
 * threads from 64 MiB on, ctx->pages counted). Return: 0 or -errno (said).
 */
int restore_cow_io__write(struct restore_ctx *ctx, struct rtask *dst, int content,
			  const struct rangeset *set, uint64_t *pages)
{
	struct runs *runs = calloc(ctx->ntasks, sizeof(*runs));
	struct srcs s = { 0 };
	uint64_t addr, off;
	size_t i, k;
	int err, src;

	err = runs ? srcs_init(ctx, &s) : -ENOMEM;
	for (i = 0; !err && i < set->n; i++) {
		for (addr = set->r[i].a; !err && addr < set->r[i].b; addr += PAGE) {
			if (resolve(ctx, content, addr, &src, &off)) {
				err = restore_ctx__fail(ctx, dst->pid, -EINVAL,
						    "pid %d: page 0x%lx shared with %s is in no pages file of the image",
						    dst->pid, (unsigned long)addr,
						    ctx->tasks[content].pid == dst->pid ? "its child" : "its parent");
				break;
			}
			err = runs_add(&runs[src], addr, off);
			if (err)
				err = restore_ctx__fail(ctx, dst->pid, err, "out of memory");
			else
				(*pages)++;
		}
	}
	if (err == -ENOMEM && (!runs || !s.p || !s.open))
		err = restore_ctx__fail(ctx, dst->pid, err, "out of memory");
	for (k = 0; !err && runs && k < ctx->ntasks; k++) {
		if (!runs[k].n)
			continue;
		s.open[k] = true;
		err = restore_pages__open_unchecked(ctx, ctx->tasks[k].pid, ctx->tasks[k].pm->pages_file,
						    &s.p[k]);
		if (!err)
			err = restore_pages__write(ctx, dst, &s.p[k], runs[k].e, runs[k].n, NULL);
	}
	for (k = 0; runs && k < ctx->ntasks; k++) {
		for (i = 0; i < runs[k].n; i++)
			free(runs[k].e[i]);
		free(runs[k].e);
	}
	free(runs);
	return srcs_done(&s, err);
}

/* Frame numbers of @pid's pages [a, b): 0 for a page it has not. */
static int read_pagemap(pid_t pid, uint64_t a, uint64_t b, uint64_t *out)
{
	char path[64];
	size_t len = (b - a) / PAGE * sizeof(*out);
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = pread(fd, out, len, a / PAGE * sizeof(*out));
	close(fd);
	return got == (ssize_t)len ? 0 : got < 0 ? -errno : -EIO;
}

/* The same frame, or the same swap entry. */
static bool same_page(uint64_t x, uint64_t y)
{
	if ((x & PM_PRESENT) && (y & PM_PRESENT))
		return (x & PM_PFN_MASK) && (x & PM_PFN_MASK) == (y & PM_PFN_MASK);
	return (x & PM_SWAPPED) && (y & PM_SWAPPED) && (x & PM_PFN_MASK) == (y & PM_PFN_MASK);
}

/* The pages @t inherited in kept region @v are its parent's frames. */
/*
 * Tests (restore-cow-unshare): the first inherited page written with its
 * own contents, so that it is a copy: the check must see it.
 */
static void unshare_one(struct rtask *t, const VmaEntry *v)
{
	uint8_t page[PAGE];
	struct iovec l = { page, PAGE }, r = { (void *)(uintptr_t)v->cow[0]->start, PAGE };

	if (process_vm_readv(t->opid, &l, 1, &r, 1, 0) == PAGE)
		process_vm_writev(t->opid, &l, 1, &r, 1, 0);
}

int restore_cow_io__check(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v)
{
	const struct rtask *p = &ctx->tasks[t->parent];
	uint64_t *mine = NULL, *theirs = NULL, i, n;
	size_t k;
	int err = 0;

	if (v->n_cow && testfault__point("restore-cow-unshare"))
		unshare_one(t, v);
	for (k = 0; !err && k < v->n_cow; k++) {
		const CowRun *c = v->cow[k];

		n = c->nr_pages;
		free(mine);
		free(theirs);
		mine = malloc(n * sizeof(*mine));
		theirs = malloc(n * sizeof(*theirs));
		if (!mine || !theirs) {
			err = restore_ctx__fail(ctx, t->pid, -ENOMEM, "out of memory");
			break;
		}
		err = read_pagemap(t->opid, c->start, c->start + n * PAGE, mine);
		if (!err)
			err = read_pagemap(p->opid, c->start, c->start + n * PAGE, theirs);
		if (err) {
			err = restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot read its pagemap: %s",
					    t->pid, strerror(-err));
			break;
		}
		for (i = 0; i < n; i++) {
			if (same_page(mine[i], theirs[i]))
				continue;
			err = restore_ctx__fail(ctx, t->pid, -EIO,
					    "pid %d: page 0x%lx: shared with its parent %d in the image, not after restore",
					    t->pid, (unsigned long)(c->start + i * PAGE), p->pid);
			break;
		}
		ctx->cow_shared += n;
	}
	free(mine);
	free(theirs);
	return err;
}
