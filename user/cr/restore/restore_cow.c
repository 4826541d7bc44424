// SPDX-License-Identifier: GPL-2.0
/*
 * restore_cow.c - pages a child shared copy-on-write with its parent at
 * dump time come back shared: the parent's pages are in its memory before
 * the child is forked from it, and the child inherits them.
 *
 * The image (dump_cow.c) lists, per private VMA of a child (anonymous
 * memory, or a file mapped privately: its written pages), the runs of
 * pages that were still its parent's page frame (vma_entry.cow);
 * they are not stored in the child's pages file. A stub is a fork of its
 * parent's stub (restore_tree.c), so:
 *
 *  1. plan (check phase): a child's VMA with the same bounds and backing
 *     as a plain private VMA of its parent is "inheritable"; the parent's
 *     VMA is to be filled before its children are forked when a child
 *     shares pages in it;
 *  2. before the parent's first child is forked: its stub drops what it
 *     inherited and does not keep (its ancestors' regions), maps each
 *     region to fill (MAP_FIXED_NOREPLACE: a region that collides with
 *     pidtrace's own mappings in the stub is not made, and its children
 *     get copies instead), and pidtrace writes into it, with
 *     process_vm_writev(), the parent's pages that a child shares, from the
 *     image (the parent's pages file, or further up for pages the parent
 *     itself shared with its own parent). The parent is moved into its
 *     cgroups first (restore_cgroup.c), so the pages are charged to its
 *     memory cgroup as the original's were (when its children are in the
 *     same cgroups: children_share_cgroups());
 *  3. a child born with such a region keeps it when it has the same VMA
 *     (status INH); it is neither unmapped nor mapped again in the memory
 *     phase (restore_mem.c), which drops from it what the task must not
 *     have (MADV_DONTNEED: pages it did not share; in a file mapping that
 *     brings back the file's page) before writing the task's stored
 *     pages, skipping the pages already there;
 *  4. shared pages that were not inherited (no same VMA in the parent, a
 *     collision, a region of a parent that could not be filled) are copied
 *     from the ancestor's data: same contents, not shared. Inherited ones
 *     are checked in /proc/PID/pagemap (the same frame as the parent's)
 *     once the task's memory is written: a difference fails the restore.
 *     (The page data and the check: restore_cow_io.c.)
 *
 * Sharing comes back between a task and its parent (and so down a chain
 * of such links). A page shared by two siblings whose parent had written
 * its own copy since (or any page the parent no longer had) was not the
 * parent's frame at dump time: it is stored in each child, as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "page.h"
#include "procfs.h"
#include "restore_cgroup.h"
#include "restore_ctx.h"
#include "restore_cow.h"
#include "restore_cow_io.h"
#include "restore_stub.h"
#include "restore_tree.h"
#include "testfault.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* A region's state, in memory that every stub shares with pidtrace. */
enum { CS_NONE, CS_INH, CS_FRESH, CS_FAIL };

struct cow_task {
	int *pvma;		/* per VMA: the parent's VMA with the same bounds, -1 */
	bool *pre;		/* per VMA: a child shares pages in it: filled before forks */
	size_t base;		/* its first VMA in the status array */
	bool any_pre, prepared;
};

struct restore_cow {
	struct cow_task *t;	/* per task */
	volatile uint8_t *status; /* MAP_SHARED, per VMA of the tree (NULL: nothing to fill) */
	size_t nstatus;
};

/*
 * A VMA a stub can map the same way before the memory phase: private
 * anonymous memory, or a private mapping of a file reopened by its path
 * (not a shared memory object, not a deleted file), without the flags a
 * plain mmap() would not give (MAP_GROWSDOWN, MAP_DROPPABLE,
 * MAP_NORESERVE).
 */
static bool inheritable(const VmaEntry *v)
{
	if (v->kind == VMA_KIND__VMA_FILE_PRIVATE) {
		if (v->has_shmid || v->ghost || !v->path || v->path[0] != '/' || !v->has_ino)
			return false;
	} else if (v->kind != VMA_KIND__VMA_ANON_PRIVATE) {
		return false;
	}
	return !(v->flags & ~(uint32_t)(MAP_PRIVATE | MAP_ANONYMOUS)) &&
	       !procfs__has_vmflag(v->vm_flags, "dp") && !procfs__has_vmflag(v->vm_flags, "nr");
}

/* The child's VMA @c is what it inherited of the parent's @p at fork. */
static bool same_vma(const VmaEntry *c, const VmaEntry *p)
{
	if (c->start != p->start || c->end != p->end || c->kind != p->kind || !inheritable(c) ||
	    !inheritable(p))
		return false;
	return c->kind == VMA_KIND__VMA_ANON_PRIVATE ||
	       (c->dev == p->dev && c->ino == p->ino && c->pgoff == p->pgoff &&
		!strcmp(c->path, p->path));
}

static bool live(const struct rtask *t)
{
	return !t->zombie && t->mm;
}

int restore_cow__plan(struct restore_ctx *ctx)
{
	struct restore_cow *c;
	size_t i, v, total = 0;
	bool any_cow = false, any_pre = false;

	for (i = 0; i < ctx->ntasks; i++)
		for (v = 0; live(&ctx->tasks[i]) && v < ctx->tasks[i].mm->n_vmas; v++)
			any_cow |= ctx->tasks[i].mm->vmas[v]->n_cow > 0;
	if (!any_cow)
		return 0;
	c = calloc(1, sizeof(*c));
	if (c)
		c->t = calloc(ctx->ntasks, sizeof(*c->t));
	if (!c || !c->t)
		goto nomem;
	ctx->cow = c;
	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];
		struct cow_task *ct = &c->t[i];

		if (!live(t))
			continue;
		ct->base = total;
		total += t->mm->n_vmas;
		ct->pvma = malloc(t->mm->n_vmas * sizeof(*ct->pvma));
		ct->pre = calloc(t->mm->n_vmas, sizeof(*ct->pre));
		if (!ct->pvma || !ct->pre)
			goto nomem;
		for (v = 0; v < t->mm->n_vmas; v++)
			ct->pvma[v] = -1;
	}
	/* Parents come before their children: a parent's arrays exist. */
	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i], *p;

		if (!live(t) || t->parent < 0 || !live(&ctx->tasks[t->parent]))
			continue;
		p = &ctx->tasks[t->parent];
		for (v = 0; v < t->mm->n_vmas; v++) {
			const VmaEntry *cv = t->mm->vmas[v];
			long u = restore_cow_io__find_vma(p->mm, cv->start);

			if (u < 0 || !same_vma(cv, p->mm->vmas[u]))
				continue;
			c->t[i].pvma[v] = (int)u;
			if (cv->n_cow) {
				c->t[t->parent].pre[u] = true;
				c->t[t->parent].any_pre = true;
				any_pre = true;
			}
		}
	}
	if (!any_pre)
		return 0;
	c->status = mmap(NULL, total ? total : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (c->status == MAP_FAILED) {
		c->status = NULL;
		goto nomem;
	}
	c->nstatus = total ? total : 1;
	return 0;
nomem:
	if (!ctx->cow)
		free(c);
	return restore_ctx__fail(ctx, 0, -ENOMEM, "out of memory");
}

static uint8_t status_of(const struct restore_ctx *ctx, size_t task, size_t v)
{
	return ctx->cow->status[ctx->cow->t[task].base + v];
}

static bool kept_status(uint8_t s)
{
	return s == CS_INH || s == CS_FRESH;
}

void restore_cow__born(struct restore_ctx *ctx, size_t idx)
{
	struct rtask *t = &ctx->tasks[idx];
	struct cow_task *ct;
	size_t v;

	if (!ctx->cow || !ctx->cow->status || !live(t) || t->parent < 0)
		return;
	ct = &ctx->cow->t[idx];
	for (v = 0; v < t->mm->n_vmas; v++)
		if (ct->pvma[v] >= 0 && kept_status(status_of(ctx, t->parent, ct->pvma[v])))
			ctx->cow->status[ct->base + v] = CS_INH;
}

/*
 * Map @r read-write where it was (in the stub): a file by its path, and
 * only if it is still the inode of the dump. Return: 0, or -1 when not
 * made (the address is taken, the file is gone or another one).
 */
static int stub_map(const VmaEntry *r)
{
	void *want = (void *)(uintptr_t)r->start, *got;
	int flags = MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd = -1;
	struct stat st;

	if (r->kind == VMA_KIND__VMA_FILE_PRIVATE) {
		fd = open(r->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) || st.st_dev != r->dev || st.st_ino != r->ino) {
			close(fd);
			return -1;
		}
	} else {
		flags |= MAP_ANONYMOUS;
	}
	got = mmap(want, r->end - r->start, PROT_READ | PROT_WRITE, flags, fd,
		   fd >= 0 ? (off_t)r->pgoff : 0);
	if (fd >= 0)
		close(fd);
	if (got != MAP_FAILED && got != want)
		munmap(got, r->end - r->start);
	return got == want ? 0 : -1;
}

/*
 * In the stub (restore_tree.c): raw system calls only, nothing allocated.
 * Its ancestors' regions that it does not keep go (a region of its own may
 * be where one of theirs was), then its regions to fill are mapped.
 */
long restore_cow__stub(struct restore_ctx *ctx, size_t idx)
{
	struct rtask *t = &ctx->tasks[idx];
	struct restore_cow *c = ctx->cow;
	struct cow_task *ct;
	size_t u, v;
	int k;

	if (!c || !c->status || !live(t))
		return -EINVAL;
	ct = &c->t[idx];
	for (k = t->parent; k >= 0; k = ctx->tasks[k].parent) {
		const struct rtask *a = &ctx->tasks[k];

		if (!live(a))
			continue;
		for (u = 0; u < a->mm->n_vmas; u++) {
			const VmaEntry *r = a->mm->vmas[u];
			bool keep = false;

			if (!kept_status(status_of(ctx, k, u)))
				continue;
			for (v = 0; !keep && v < t->mm->n_vmas; v++)
				keep = c->status[ct->base + v] == CS_INH &&
				       t->mm->vmas[v]->start < r->end && r->start < t->mm->vmas[v]->end;
			if (!keep)
				munmap((void *)(uintptr_t)r->start, r->end - r->start);
		}
	}
	for (v = 0; v < t->mm->n_vmas; v++) {
		if (ct->pre[v] && c->status[ct->base + v] != CS_INH)
			c->status[ct->base + v] = stub_map(t->mm->vmas[v]) ? CS_FAIL : CS_FRESH;
	}
	return 0;
}

static int add_runs(struct rangeset *s, const VmaEntry *v)
{
	size_t k;
	int err = 0;

	for (k = 0; !err && k < v->n_cow; k++)
		err = rangeset__add(s, v->cow[k]->start, v->cow[k]->start + v->cow[k]->nr_pages * PAGE);
	return err;
}

/* The pages @t's children share in its VMA @v. */
static int child_runs(struct restore_ctx *ctx, size_t task, size_t v, struct rangeset *s)
{
	size_t i, w;
	int err = 0;

	for (i = task + 1; !err && i < ctx->ntasks; i++) {
		const struct rtask *c = &ctx->tasks[i];

		if (c->parent != (int)task || !live(c))
			continue;
		for (w = 0; !err && w < c->mm->n_vmas; w++)
			if (ctx->cow->t[i].pvma[w] == (int)v)
				err = add_runs(s, c->mm->vmas[w]);
	}
	return err;
}

/* What kept region @v of task @task holds from before its memory phase. */
static int held(struct restore_ctx *ctx, size_t task, size_t v, struct rangeset *s)
{
	const struct rtask *t = &ctx->tasks[task];
	uint8_t st = status_of(ctx, task, v);
	int err = 0;

	if (st == CS_INH)
		err = add_runs(s, t->mm->vmas[v]);
	if (!err && ctx->cow->t[task].pre[v] && kept_status(st))
		err = child_runs(ctx, task, v, s);
	rangeset__norm(s);
	return err;
}

/*
 * Every child of @parent is in the parent's cgroups in the image: only
 * then is the parent moved into them before its children are forked (they
 * are born in its cgroups; restore_cgroup.c moves a task only where its
 * cgroup differs from pidtrace's, so a child in pidtrace's cgroup would
 * stay in the parent's). Otherwise its filled pages are charged to
 * pidtrace's cgroups.
 */
static bool children_share_cgroups(const struct restore_ctx *ctx, size_t parent)
{
	const TaskCore *p = ctx->tasks[parent].core;
	size_t i, k;

	for (i = parent + 1; i < ctx->ntasks; i++) {
		const TaskCore *c = ctx->tasks[i].core;

		if (ctx->tasks[i].parent != (int)parent)
			continue;
		if (c->n_cgroups != p->n_cgroups)
			return false;
		for (k = 0; k < c->n_cgroups; k++)
			if (strcmp(c->cgroups[k]->controllers, p->cgroups[k]->controllers) ||
			    strcmp(c->cgroups[k]->path, p->cgroups[k]->path))
				return false;
	}
	return true;
}

int restore_cow__before_fork(struct restore_ctx *ctx, size_t parent)
{
	struct rtask *t = &ctx->tasks[parent];
	struct cow_task *ct;
	struct rangeset want = { 0 }, mine = { 0 }, fill = { 0 };
	size_t v;
	long r;
	int err;

	if (!ctx->cow || !ctx->cow->status || !live(t))
		return 0;
	ct = &ctx->cow->t[parent];
	if (ct->prepared || !ct->any_pre)
		return 0;
	ct->prepared = true;
	/* Its pages are charged where the original's were. */
	if (children_share_cgroups(ctx, parent)) {
		err = restore_cgroup__task(ctx, t);
		if (err)
			return err;
	}
	/* Tests: as if every address were taken in the stub (the children get copies). */
	if (testfault__point("restore-cow-map")) {
		for (v = 0; v < t->mm->n_vmas; v++)
			if (ct->pre[v] && status_of(ctx, parent, v) != CS_INH)
				ctx->cow->status[ct->base + v] = CS_FAIL;
		return 0;
	}
	err = restore_tree__call(ctx, t->ctl, STUB_COW, (int)parent, &r);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot map its shared pages: %s",
				     t->pid, strerror(-err));
	for (v = 0; !err && v < t->mm->n_vmas; v++) {
		uint8_t st = status_of(ctx, parent, v);

		if (!ct->pre[v] || !kept_status(st))
			continue;
		want.n = mine.n = fill.n = 0;
		err = child_runs(ctx, parent, v, &want);
		if (!err && st == CS_INH)
			err = add_runs(&mine, t->mm->vmas[v]);
		rangeset__norm(&want);
		rangeset__norm(&mine);
		for (size_t i = 0; !err && i < want.n; i++)
			err = rangeset__sub_range(want.r[i].a, want.r[i].b, &mine, &fill);
		if (err)
			err = restore_ctx__fail(ctx, t->pid, err, "out of memory");
		else
			err = restore_cow_io__write(ctx, t, (int)parent, &fill, &ctx->cow_filled);
	}
	rangeset__free(&want);
	rangeset__free(&mine);
	rangeset__free(&fill);
	return err;
}

bool restore_cow__kept(struct restore_ctx *ctx, const struct rtask *t, size_t vma)
{
	if (!ctx->cow || !ctx->cow->status || !live(t))
		return false;
	return kept_status(status_of(ctx, (size_t)(t - ctx->tasks), vma));
}

/* Everything @t's kept regions hold already, normalized. */
static int held_all(struct restore_ctx *ctx, const struct rtask *t, struct rangeset *s, bool *any)
{
	size_t task = (size_t)(t - ctx->tasks), v;
	int err = 0;

	*any = false;
	for (v = 0; !err && v < t->mm->n_vmas; v++) {
		if (!restore_cow__kept(ctx, t, v))
			continue;
		*any = true;
		err = held(ctx, task, v, s);
	}
	rangeset__norm(s);
	return err;
}

int restore_cow__stored(struct restore_ctx *ctx, const struct rtask *t, PagemapEntry ***out,
			size_t *n)
{
	struct rangeset s = { 0 }, left = { 0 };
	PagemapEntry **arr = NULL;
	size_t i, k, cnt = 0;
	bool any;
	int err;

	*out = NULL;
	*n = 0;
	err = held_all(ctx, t, &s, &any);
	if (err || !any)
		goto out;
	for (i = 0; !err && i < t->pm->n_entries; i++) {
		const PagemapEntry *e = t->pm->entries[i];

		left.n = 0;
		err = rangeset__sub_range(e->vaddr, e->vaddr + (uint64_t)e->nr_pages * PAGE, &s, &left);
		for (k = 0; !err && k < left.n; k++) {
			PagemapEntry *ne, **na = realloc(arr, (cnt + 1) * sizeof(*arr));

			ne = na ? malloc(sizeof(*ne)) : NULL;
			if (na)
				arr = na;
			if (!ne) {
				err = -ENOMEM;
				break;
			}
			pagemap_entry__init(ne);
			ne->vaddr = left.r[k].a;
			ne->nr_pages = (left.r[k].b - left.r[k].a) / PAGE;
			ne->offset = e->offset + (left.r[k].a - e->vaddr);
			arr[cnt++] = ne;
		}
	}
	if (err) {
		for (i = 0; i < cnt; i++)
			free(arr[i]);
		free(arr);
		err = restore_ctx__fail(ctx, t->pid, err, "out of memory");
		goto out;
	}
	/* An empty array is not NULL: nothing left to write. */
	*out = arr ? arr : malloc(sizeof(*arr));
	*n = cnt;
	if (!*out)
		err = restore_ctx__fail(ctx, t->pid, -ENOMEM, "out of memory");
out:
	rangeset__free(&s);
	rangeset__free(&left);
	return err;
}

int restore_cow__clear(struct restore_ctx *ctx, struct rtask *t)
{
	struct rangeset s = { 0 }, gaps = { 0 };
	size_t task = (size_t)(t - ctx->tasks), v, i;
	long r;
	int err = 0;

	for (v = 0; !err && v < (live(t) ? t->mm->n_vmas : 0); v++) {
		const VmaEntry *e = t->mm->vmas[v];

		/* A region mapped fresh holds nothing but what was written in it. */
		if (!restore_cow__kept(ctx, t, v) || status_of(ctx, task, v) != CS_INH)
			continue;
		s.n = gaps.n = 0;
		err = held(ctx, task, v, &s);
		if (!err)
			err = rangeset__sub_range(e->start, e->end, &s, &gaps);
		for (i = 0; !err && i < gaps.n; i++) {
			r = restore_ctx__sys(t, SYS_madvise, gaps.r[i].a, gaps.r[i].b - gaps.r[i].a,
					 MADV_DONTNEED, 0, 0, 0);
			if (r)
				err = restore_ctx__fail(ctx, t->pid, (int)r,
						    "pid %d: cannot clear 0x%lx-0x%lx: %s", t->pid,
						    (unsigned long)gaps.r[i].a, (unsigned long)gaps.r[i].b,
						    strerror((int)-r));
		}
	}
	rangeset__free(&s);
	rangeset__free(&gaps);
	return err;
}

int restore_cow__task(struct restore_ctx *ctx, struct rtask *t)
{
	struct rangeset s = { 0 }, runs = { 0 }, copy = { 0 };
	size_t task = (size_t)(t - ctx->tasks), v, i;
	int err = 0;

	if (!ctx->cow || !live(t))
		return 0;
	for (v = 0; !err && v < t->mm->n_vmas; v++) {
		const VmaEntry *e = t->mm->vmas[v];
		bool kept = restore_cow__kept(ctx, t, v);

		if (!e->n_cow)
			continue;
		if (t->parent < 0)
			return restore_ctx__fail(ctx, t->pid, -EINVAL,
					     "pid %d: the image says it shares pages with a parent it has not",
					     t->pid);
		s.n = runs.n = copy.n = 0;
		if (kept)
			err = held(ctx, task, v, &s);
		if (!err)
			err = add_runs(&runs, e);
		for (i = 0; !err && i < runs.n; i++)
			err = rangeset__sub_range(runs.r[i].a, runs.r[i].b, &s, &copy);
		if (err) {
			err = restore_ctx__fail(ctx, t->pid, err, "out of memory");
			break;
		}
		if (copy.n)
			err = restore_cow_io__write(ctx, t, t->parent, &copy, &ctx->cow_copied);
		if (!err && kept && status_of(ctx, task, v) == CS_INH)
			err = restore_cow_io__check(ctx, t, e);
	}
	rangeset__free(&s);
	rangeset__free(&runs);
	rangeset__free(&copy);
	return err;
}

void restore_cow__free(struct restore_ctx *ctx)
{
	struct restore_cow *c = ctx->cow;
	size_t i;

	if (!c)
		return;
	for (i = 0; c->t && i < ctx->ntasks; i++) {
		free(c->t[i].pvma);
		free(c->t[i].pre);
	}
	free(c->t);
	if (c->status)
		munmap((void *)c->status, c->nstatus);
	free(c);
	ctx->cow = NULL;
}
