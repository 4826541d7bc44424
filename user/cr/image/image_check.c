// SPDX-License-Identifier: GPL-2.0
/*
 * image_check.c - what a decoded image file says, checked before anyone
 * acts on it: counts and sizes within what the kernel allows, enums in
 * range, VMAs sorted and disjoint, every stored page inside its pages file
 * and inside a mapping that stores pages, names the inventory does not
 * contradict. protobuf-c checks the wire format only; restore maps,
 * writes and allocates from these numbers, so each is bounded here once
 * (the list is in docs/image.md, "What the reader guarantees"). This
 * file: the inventory, task state, memory and shared memory; fds, pipes
 * and pidfds are image_check_files.c's.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core.pb-c.h"
#include "files.pb-c.h"
#include "image_check.h"
#include "image_int.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"
#include "pidfds.pb-c.h"

int image_check__cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp((*(InventoryFile *const *)a)->name, (*(InventoryFile *const *)b)->name);
}

/*
 * A key that appears twice among @n (sorting a copy: counts come from the
 * file and must not make the check quadratic). Return: 0 (none), 1 with
 * @dup set, or -ENOMEM.
 */
int image_check__find_dup(const void *arr, size_t n, size_t stride, size_t off, uint64_t *dup)
{
	uint64_t *keys;
	size_t i;
	int ret = 0;

	if (n < 2)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *m = *(const char *const *)((const char *)arr + i * stride);

		memcpy(&keys[i], m + off, sizeof(uint64_t));
	}
	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (i = 1; i < n && !ret; i++)
		if (keys[i] == keys[i - 1]) {
			*dup = keys[i];
			ret = 1;
		}
	free(keys);
	return ret;
}

/* A value the schema's enum knows (protobuf-c keeps unknown ones as they are). */
bool image_check__known(const ProtobufCEnumDescriptor *d, int value)
{
	return protobuf_c_enum_descriptor_get_value(d, value) != NULL;
}

static bool has_pid(const uint32_t *sorted, size_t n, uint32_t pid)
{
	return bsearch(&pid, sorted, n, sizeof(*sorted), image_check__cmp_u32) != NULL;
}

static int kind_by_name(const char *kind)
{
	int k;

	for (k = 0; k < IMG_KIND_COUNT; k++)
		if (!strcmp(image__kinds[k].name, kind))
			return k;
	return -1;
}

/* The name a file of @kind for @pid must have (pages: also "pages-shmem.img"). */
static bool name_fits(const InventoryFile *f, int kind)
{
	char want[64];

	if (kind == IMG_PAGES && !f->has_pid)
		return !strcmp(f->name, "pages-shmem.img");
	if (kind == IMG_INVENTORY)
		return false;
	image__file_name(kind, f->has_pid ? f->pid : 0, want, sizeof(want));
	return !strcmp(f->name, want) && (f->has_pid || kind == IMG_PIPES ||
					  kind == IMG_PIDFDS || kind == IMG_SHMEM ||
					  kind == IMG_CGROUPS);
}

int image__check_inventory(struct image *img)
{
	const Inventory *inv = img->inv;
	const char *n = "inventory.img";
	uint32_t *pids = NULL;
	char core[64];
	size_t i;
	int kind, err = 0;

	if (!inv->format_version || inv->format_version > IMAGE_FORMAT_VERSION)
		return bad(img, n, "format version %u is not one this pidtrace reads (1..%u)",
			   inv->format_version, IMAGE_FORMAT_VERSION);
	if (inv->page_size != PAGE)
		return bad(img, n, "page size %u, this machine's is %lu", inv->page_size, PAGE);
	if (!inv->n_pids || inv->n_pids > PID_LIMIT)
		return bad(img, n, "%zu tasks: impossible", inv->n_pids);
	if (inv->pids[0] != inv->root_pid)
		return bad(img, n, "the first task is %u, not the root %u", inv->pids[0],
			   inv->root_pid);
	/* Five files per task and five for the tree at most. */
	if (inv->n_files > 5 * inv->n_pids + 5)
		return bad(img, n, "%zu files for %zu tasks: impossible", inv->n_files, inv->n_pids);
	pids = malloc(inv->n_pids * sizeof(*pids));
	img->sorted = malloc((inv->n_files + 1) * sizeof(*img->sorted));
	if (!pids || !img->sorted) {
		free(pids);
		return -ENOMEM;
	}
	memcpy(pids, inv->pids, inv->n_pids * sizeof(*pids));
	qsort(pids, inv->n_pids, sizeof(*pids), image_check__cmp_u32);
	for (i = 0; i < inv->n_pids && !err; i++)
		if (!pids[i] || pids[i] > PID_LIMIT || (i && pids[i] == pids[i - 1]))
			err = bad(img, n, "pid %u is %s", pids[i],
				  pids[i] ? "listed twice" : "impossible");
	for (i = 0; i < inv->n_files && !err; i++) {
		const InventoryFile *f = inv->files[i];

		kind = kind_by_name(f->kind);
		if (kind < 0 || kind == IMG_INVENTORY)
			err = bad(img, n, "file '%.64s' has an unknown kind '%.32s'", f->name,
				  f->kind);
		else if (strchr(f->name, '/') || f->name[0] == '.' || !name_fits(f, kind))
			err = bad(img, n, "bad file name '%.64s' for a %s file", f->name, f->kind);
		else if (f->has_pid && !has_pid(pids, inv->n_pids, f->pid))
			err = bad(img, n, "file %s belongs to pid %u, which is not in the image",
				  f->name, f->pid);
		img->sorted[i] = inv->files[i];
	}
	free(pids);
	if (err)
		return err;
	qsort(img->sorted, inv->n_files, sizeof(*img->sorted), cmp_file);
	img->nsorted = inv->n_files;
	for (i = 1; i < inv->n_files; i++)
		if (!strcmp(img->sorted[i]->name, img->sorted[i - 1]->name))
			return bad(img, n, "file %s is listed twice", img->sorted[i]->name);
	for (i = 0; i < inv->n_pids; i++) {
		image__file_name(IMG_CORE, inv->pids[i], core, sizeof(core));
		if (!image__listed(img, core))
			return bad(img, n, "pid %u has no %s", inv->pids[i], core);
	}
	return 0;
}

static int check_siginfo(struct image *img, const char *n, SiginfoEntry **e, size_t cnt)
{
	size_t i;

	if (cnt > MAX_SIGINFO)
		return bad(img, n, "%zu queued signals: impossible", cnt);
	for (i = 0; i < cnt; i++)
		if (!e[i]->signo || e[i]->signo > 64 || e[i]->raw.len != 128)
			return bad(img, n, "queued signal %zu is damaged (signal %u, %zu bytes)", i,
				   e[i]->signo, e[i]->raw.len);
	return 0;
}

/* struct termios2 and struct winsize, as TCGETS2 and TIOCGWINSZ give them. */
#define CTTY_TERMIOS2_BYTES 44
#define CTTY_WINSIZE_BYTES 8

static int check_core(struct image *img, const char *n, uint32_t pid, const TaskCore *c)
{
	const ThreadCore *th = c->thread;
	size_t i;
	int err;

	if (c->pid != pid || c->ids->pid != pid)
		return bad(img, n, "describes pid %u, expected %u", c->pid != pid ? c->pid :
			   c->ids->pid, pid);
	if (!image_check__known(&task_state__descriptor, c->state))
		return bad(img, n, "unknown task state %d", c->state);
	if (c->state == TASK_STATE__TASK_ZOMBIE) {
		if (!c->has_exit_status)
			return bad(img, n, "a zombie without its exit status");
		return 0;
	}
	if (!th || !c->creds || !c->mm)
		return bad(img, n, "a live task without its %s",
			   !th ? "registers" : !c->creds ? "credentials" : "mm fields");
	if (th->tid != pid)
		return bad(img, n, "thread %u, expected %u", th->tid, pid);
	if (th->xstate.len < MIN_XSTATE || th->xstate.len > MAX_XSTATE)
		return bad(img, n, "FPU state of %zu bytes: impossible", th->xstate.len);
	if (c->creds->n_uid != 4 || c->creds->n_gid != 4 || c->creds->n_groups > 65536)
		return bad(img, n, "damaged credentials (%zu uids, %zu gids, %zu groups)",
			   c->creds->n_uid, c->creds->n_gid, c->creds->n_groups);
	if (c->n_sigactions > 64)
		return bad(img, n, "%zu signal actions: impossible", c->n_sigactions);
	for (i = 0; i < c->n_sigactions; i++)
		if (!c->sigactions[i]->sig || c->sigactions[i]->sig > 64)
			return bad(img, n, "a signal action for signal %u", c->sigactions[i]->sig);
	if (c->n_rlimits > 16)
		return bad(img, n, "%zu resource limits: impossible", c->n_rlimits);
	for (i = 0; i < c->n_rlimits; i++)
		if (c->rlimits[i]->resource >= 16 || c->rlimits[i]->cur > c->rlimits[i]->max)
			return bad(img, n, "damaged resource limit %u", c->rlimits[i]->resource);
	if (c->mm->n_auxv % 2 || c->mm->n_auxv > 256)
		return bad(img, n, "an auxiliary vector of %zu words: impossible", c->mm->n_auxv);
	if (c->has_pdeath_sig && c->pdeath_sig > 64)
		return bad(img, n, "parent death signal %u", c->pdeath_sig);
	/* A group stop's signal: the four stop signals only (restore sends it). */
	if (c->has_stop_sig && c->stop_sig != SIGSTOP && c->stop_sig != SIGTSTP &&
	    c->stop_sig != SIGTTIN && c->stop_sig != SIGTTOU)
		return bad(img, n, "stop signal %u is not a stop signal", c->stop_sig);
	if (c->has_stop_sig && c->n_threads)
		return bad(img, n, "stopped with %zu more threads: not restorable", c->n_threads);
	if (c->has_stop_reported && !c->has_stop_sig)
		return bad(img, n, "a stop reported to the parent, but not stopped");
	if (c->has_autogroup_nice && (c->autogroup_nice < -20 || c->autogroup_nice > 19))
		return bad(img, n, "autogroup nice %d", c->autogroup_nice);
	/* A terminal device its session takes again (restore_ctty.c): its leader's. */
	if (c->ctty_dev && (c->ids->sid != pid || !c->ctty_dev->path ||
			    c->ctty_dev->path[0] != '/' || !c->ctty_dev->rdev ||
			    c->ctty_dev->termios.len != CTTY_TERMIOS2_BYTES ||
			    c->ctty_dev->winsize.len != CTTY_WINSIZE_BYTES))
		return bad(img, n, "a damaged controlling terminal device (%zu bytes of termios)",
			   c->ctty_dev->termios.len);
	err = check_siginfo(img, n, th->pending, th->n_pending);
	if (!err)
		err = check_siginfo(img, n, c->shared_pending, c->n_shared_pending);
	if (!err && c->n_threads > MAX_THREADS)
		err = bad(img, n, "%zu threads: impossible", c->n_threads);
	/* The other threads: sorted, each once, none the leader, sane state. */
	for (i = 0; !err && i < c->n_threads; i++) {
		const ThreadCore *o = c->threads[i];

		if (!o->tid || o->tid > PID_LIMIT || o->tid == pid ||
		    (i && o->tid <= c->threads[i - 1]->tid))
			err = bad(img, n, "thread %u is out of order or impossible", o->tid);
		else if (o->xstate.len < MIN_XSTATE || o->xstate.len > MAX_XSTATE)
			err = bad(img, n, "thread %u: FPU state of %zu bytes: impossible", o->tid,
				  o->xstate.len);
		else if (o->creds && (o->creds->n_uid != 4 || o->creds->n_gid != 4 ||
				      o->creds->n_groups > 65536))
			err = bad(img, n, "thread %u: damaged credentials (%zu uids, %zu gids, %zu groups)",
				  o->tid, o->creds->n_uid, o->creds->n_gid, o->creds->n_groups);
		else
			err = check_siginfo(img, n, o->pending, o->n_pending);
	}
	return err;
}

static bool stores_pages(VmaKind k)
{
	return k == VMA_KIND__VMA_ANON_PRIVATE || k == VMA_KIND__VMA_FILE_PRIVATE;
}

/* A mapping of a deleted file: a file mapping naming its inode. */
static int check_ghost(struct image *img, const char *n, const VmaEntry *v)
{
	if (v->kind != VMA_KIND__VMA_FILE_PRIVATE && v->kind != VMA_KIND__VMA_FILE_SHARED)
		return bad(img, n, "mapping 0x%llx: a deleted file in a mapping of kind %d",
			   (unsigned long long)v->start, v->kind);
	if (!v->has_dev || !v->has_ino)
		return bad(img, n, "mapping 0x%llx: a deleted file without its inode",
			   (unsigned long long)v->start);
	return image_check__deleted_file(img, n, "mapping", v->start, v->ghost);
}

/* Pages shared with the parent: a private mapping, sorted, inside the mapping. */
static int check_cow(struct image *img, const char *n, const VmaEntry *v)
{
	uint64_t prev_end = v->start;
	size_t k;

	if (v->kind != VMA_KIND__VMA_ANON_PRIVATE && v->kind != VMA_KIND__VMA_FILE_PRIVATE)
		return bad(img, n, "mapping 0x%llx shares pages with its parent but is not a private mapping",
			   (unsigned long long)v->start);
	for (k = 0; k < v->n_cow; k++) {
		const CowRun *c = v->cow[k];

		if (!c->nr_pages || c->start % PAGE || c->start < prev_end ||
		    c->nr_pages > (v->end - c->start) / PAGE)
			return bad(img, n, "mapping 0x%llx: impossible run of pages shared with the parent (0x%llx, %llu pages)",
				   (unsigned long long)v->start, (unsigned long long)c->start,
				   (unsigned long long)c->nr_pages);
		prev_end = c->start + c->nr_pages * PAGE;
	}
	return 0;
}

static int check_mm(struct image *img, const char *n, const MmImage *mm)
{
	uint64_t prev_end = 0;
	size_t i;

	if (mm->n_vmas > MAX_VMAS)
		return bad(img, n, "%zu mappings: impossible", mm->n_vmas);
	for (i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *v = mm->vmas[i];
		bool vsys = v->kind == VMA_KIND__VMA_VSYSCALL;

		if (!image_check__known(&vma_kind__descriptor, v->kind))
			return bad(img, n, "mapping %zu has an unknown kind %d", i, v->kind);
		if (v->start >= v->end || v->start % PAGE || v->end % PAGE ||
		    (vsys ? v->start != VSYSCALL_START : v->end > USER_TOP))
			return bad(img, n, "mapping %zu is impossible (0x%llx-0x%llx)", i,
				   (unsigned long long)v->start, (unsigned long long)v->end);
		if (v->start < prev_end)
			return bad(img, n, "mapping 0x%llx-0x%llx overlaps the one before it",
				   (unsigned long long)v->start, (unsigned long long)v->end);
		prev_end = v->end;
		if (v->prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
			return bad(img, n, "mapping 0x%llx has unknown protection bits 0x%x",
				   (unsigned long long)v->start, v->prot);
		/* An AIO ring's file is the context io_setup makes (restore_aio.c). */
		if (v->aio && (v->kind != VMA_KIND__VMA_FILE_SHARED || !(v->flags & MAP_SHARED) ||
			       v->aio->ring.len != v->end - v->start || !v->aio->nr_events ||
			       v->aio->head >= v->aio->nr_events ||
			       v->aio->tail >= v->aio->nr_events || v->aio->id >= 4096 ||
			       (uint64_t)v->aio->nr_events * 32 + 32 > v->aio->ring.len))
			return bad(img, n, "AIO ring 0x%llx is damaged",
				   (unsigned long long)v->start);
		/* A packet ring is mapped from its socket, from offset 0 (packet_map.c). */
		if (v->has_packet_ring_fd && (v->kind != VMA_KIND__VMA_FILE_SHARED || v->pgoff || v->aio))
			return bad(img, n, "packet ring 0x%llx is damaged", (unsigned long long)v->start);
		if ((v->kind == VMA_KIND__VMA_FILE_PRIVATE || v->kind == VMA_KIND__VMA_FILE_SHARED) &&
		    !v->aio && !v->has_packet_ring_fd && (!v->path || !*v->path))
			return bad(img, n, "file mapping 0x%llx names no file",
				   (unsigned long long)v->start);
		if (v->kind == VMA_KIND__VMA_ANON_SHARED && !v->has_shmid)
			return bad(img, n, "shared mapping 0x%llx names no object",
				   (unsigned long long)v->start);
		if (v->has_dumped_pages && v->dumped_pages > (v->end - v->start) / PAGE)
			return bad(img, n, "mapping 0x%llx claims %llu stored pages",
				   (unsigned long long)v->start, (unsigned long long)v->dumped_pages);
		if (v->ghost && check_ghost(img, n, v))
			return -EINVAL;
		if (v->n_cow && check_cow(img, n, v))
			return -EINVAL;
	}
	if ((mm->has_vdso_start || mm->has_vdso_end) &&
	    (mm->vdso_start >= mm->vdso_end || mm->vdso_start % PAGE || mm->vdso_end % PAGE ||
	     mm->vdso_end > USER_TOP))
		return bad(img, n, "impossible vDSO block 0x%llx-0x%llx",
			   (unsigned long long)mm->vdso_start, (unsigned long long)mm->vdso_end);
	return 0;
}

/*
 * Runs of pages: each page aligned, sorted, disjoint, inside [0, @limit) when
 * @limit (shared memory objects), with data inside the pages file @pages.
 */
static int check_runs(struct image *img, const char *n, const char *pages, PagemapEntry **e,
		      size_t cnt, uint64_t limit, uint64_t *total)
{
	const InventoryFile *f = image__listed(img, pages);
	uint64_t data, prev_end = 0, len;
	size_t i;

	if (!f || strcmp(f->kind, "pages"))
		return bad(img, n, "its pages file %.64s is not in the inventory", pages);
	data = f->size > IMAGE_PAGES_HDR_SIZE ? f->size - IMAGE_PAGES_HDR_SIZE : 0;
	*total = 0;
	for (i = 0; i < cnt; i++) {
		len = (uint64_t)e[i]->nr_pages * PAGE;
		if (!e[i]->nr_pages || e[i]->vaddr % PAGE || e[i]->offset % PAGE ||
		    e[i]->vaddr > USER_TOP || e[i]->vaddr + len > (limit ? limit : USER_TOP))
			return bad(img, n, "entry %zu is impossible (0x%llx, %u pages)", i,
				   (unsigned long long)e[i]->vaddr, e[i]->nr_pages);
		if (e[i]->vaddr < prev_end)
			return bad(img, n, "entry at 0x%llx overlaps the one before it",
				   (unsigned long long)e[i]->vaddr);
		prev_end = e[i]->vaddr + len;
		if (e[i]->offset > data || len > data - e[i]->offset)
			return bad(img, n, "pages missing: entry at 0x%llx needs %s bytes %llu-%llu, it has %llu",
				   (unsigned long long)e[i]->vaddr, pages,
				   (unsigned long long)e[i]->offset,
				   (unsigned long long)(e[i]->offset + len), (unsigned long long)data);
		*total += e[i]->nr_pages;
	}
	return 0;
}

/* Every stored page must fall in a mapping that stores pages. */
static int check_in_vmas(struct image *img, const char *n, const PagemapImage *pm,
			 const MmImage *mm)
{
	size_t i, v = 0;
	uint64_t a, end;

	for (i = 0; i < pm->n_entries; i++) {
		a = pm->entries[i]->vaddr;
		end = a + (uint64_t)pm->entries[i]->nr_pages * PAGE;
		while (a < end) {
			while (v < mm->n_vmas && mm->vmas[v]->end <= a)
				v++;
			if (v == mm->n_vmas || mm->vmas[v]->start > a ||
			    !stores_pages(mm->vmas[v]->kind))
				return bad(img, n, "page 0x%llx is not in a mapping that stores pages",
					   (unsigned long long)a);
			a = mm->vmas[v]->end;
		}
	}
	return 0;
}

static int check_pagemap(struct image *img, const char *n, uint32_t pid, const PagemapImage *pm)
{
	ProtobufCMessage *mm = NULL;
	char want[64];
	uint64_t total;
	int err;

	snprintf(want, sizeof(want), "pages-%u.img", pid);
	if (strcmp(pm->pages_file, want))
		return bad(img, n, "names %.64s as its pages file, expected %s", pm->pages_file, want);
	err = check_runs(img, n, pm->pages_file, pm->entries, pm->n_entries, 0, &total);
	if (err)
		return err;
	if (total != pm->nr_pages)
		return bad(img, n, "says %llu pages, its entries %llu",
			   (unsigned long long)pm->nr_pages, (unsigned long long)total);
	/* The mappings are read (and checked) again: the pagemap depends on them. */
	err = image__read(img, IMG_MM, pid, &mm);
	if (err == -ENOENT)
		return bad(img, n, "its task has no mm-%u.img", pid);
	if (err)
		return err;
	err = check_in_vmas(img, n, pm, (MmImage *)mm);
	protobuf_c_message_free_unpacked(mm, NULL);
	return err;
}

static int check_shmem(struct image *img, const char *n, const ShmemImage *s)
{
	uint64_t total, dup;
	size_t i;
	int err;

	if (strcmp(s->pages_file, "pages-shmem.img"))
		return bad(img, n, "names %.64s as its pages file", s->pages_file);
	for (i = 0; i < s->n_objects; i++) {
		const ShmemObject *o = s->objects[i];

		if (!o->size || o->size % PAGE || o->size > USER_TOP)
			return bad(img, n, "object %llu has an impossible size %llu",
				   (unsigned long long)o->shmid, (unsigned long long)o->size);
		err = check_runs(img, n, s->pages_file, o->extents, o->n_extents, o->size, &total);
		if (err)
			return err;
	}
	err = image_check__find_dup(s->objects, s->n_objects, sizeof(*s->objects),
		       offsetof(ShmemObject, shmid), &dup);
	if (err > 0)
		return bad(img, n, "object %llu is listed twice", (unsigned long long)dup);
	return err;
}

int image__check_msg(struct image *img, enum image_kind kind, uint32_t pid,
		     const ProtobufCMessage *msg)
{
	char n[64];

	image__file_name(kind, pid, n, sizeof(n));
	switch (kind) {
	case IMG_CORE:
		return check_core(img, n, pid, (const TaskCore *)msg);
	case IMG_MM:
		return check_mm(img, n, (const MmImage *)msg);
	case IMG_PAGEMAP:
		return check_pagemap(img, n, pid, (const PagemapImage *)msg);
	case IMG_FILES:
		return image_check__files(img, n, (const FilesImage *)msg);
	case IMG_PIPES:
		return image_check__pipes(img, n, (const PipesImage *)msg);
	case IMG_PIDFDS:
		return image_check__pidfds(img, n, (const PidfdsImage *)msg);
	case IMG_SHMEM:
		return check_shmem(img, n, (const ShmemImage *)msg);
	case IMG_CGROUPS:
		return image_check__cgroups(img, n, (const CgroupsImage *)msg);
	default:
		return 0;
	}
}
