// SPDX-License-Identifier: GPL-2.0
/*
 * dump_mem.c - a task's VMAs and the pages restore cannot get elsewhere.
 *
 * Which pages: /proc/PID/pagemap says, per page, present/swapped and
 * whether the mapped page is a file page. In a private mapping a present
 * non-file page (or a swapped one) is anonymous memory the task wrote:
 * stored. A present "file" page in a private anonymous mapping is the
 * shared zero page: not stored. Untouched private file pages are the file's:
 * not stored. Shared file mappings are the file's. A file deleted while
 * mapped has its contents saved once (dump_ghost.c). Shared anonymous memory
 * is stored once per object at the end, read through map_files with
 * SEEK_DATA so that only allocated pages are copied. MAP_DROPPABLE memory
 * is not stored: it comes back as the kernel may leave it at any time,
 * dropped (zeros).
 *
 * The pages chosen are copied into pages-PID.img by dump_pages.c;
 * pagemap-PID.img says where each run went.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_aio.h"
#include "dump_packet_map.h"
#include "dump_cow.h"
#include "dump_ctx.h"
#include "dump_ghost.h"
#include "dump_mem.h"
#include "dump_pages.h"
#include "dump_shmem.h"
#include "log.h"
#include "mm.pb-c.h"
#include "page.h"
#include "pagemap.pb-c.h"
#include "procfs.h"
#include "progress.h"
#include "ptrace.h"

#define PM_CHUNK 65536 /* pagemap entries read at once */

/* Append a run to an entries array, merging it with the previous one. */
int dump_mem__append_run(PagemapEntry ***entries, size_t *n, uint64_t vaddr, uint32_t nr,
			 uint64_t off)
{
	PagemapEntry **arr, *last = *n ? (*entries)[*n - 1] : NULL;

	if (last && last->vaddr + last->nr_pages * PAGE == vaddr &&
	    last->offset + last->nr_pages * PAGE == off) {
		last->nr_pages += nr;
		return 0;
	}
	if (!(*n & (*n - 1))) {
		arr = realloc(*entries, (*n ? *n * 2 : 16) * sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		*entries = arr;
	}
	last = PB_NEW(PagemapEntry, pagemap_entry);
	if (!last)
		return -ENOMEM;
	last->vaddr = vaddr;
	last->nr_pages = nr;
	last->offset = off;
	(*entries)[(*n)++] = last;
	return 0;
}

/* Add the page at @addr to @v's runs of pages shared with the parent. */
static int add_cow(VmaEntry *v, uint64_t addr)
{
	CowRun **arr, *c = v->n_cow ? v->cow[v->n_cow - 1] : NULL;

	if (c && c->start + c->nr_pages * PAGE == addr) {
		c->nr_pages++;
		return 0;
	}
	arr = realloc(v->cow, (v->n_cow + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	v->cow = arr;
	c = PB_NEW(CowRun, cow_run);
	if (!c)
		return -ENOMEM;
	v->cow[v->n_cow++] = c;
	c->start = addr;
	c->nr_pages = 1;
	return 0;
}

static int dump_vma_pages(struct dump_ctx *ctx, struct dump_pages *b, int pm_fd, const struct dump_task *t, VmaEntry *v)
{
	uint64_t *pme, addr = v->start, run_start = 0, run_len = 0, i, n;
	/* Written pages of a shared memory object or deleted file mapped privately: stored. */
	bool cow = t->ncow && (v->kind == VMA_KIND__VMA_ANON_PRIVATE ||
			       (v->kind == VMA_KIND__VMA_FILE_PRIVATE && !v->has_shmid && !v->ghost));
	size_t hint = 0;
	ssize_t got;
	int err = 0;

	pme = malloc(PM_CHUNK * sizeof(*pme));
	if (!pme)
		return -ENOMEM;
	while (addr < v->end) {
		n = (v->end - addr) / PAGE;
		if (n > PM_CHUNK)
			n = PM_CHUNK;
		got = pread(pm_fd, pme, n * sizeof(*pme), (addr / PAGE) * sizeof(*pme));
		if (got != (ssize_t)(n * sizeof(*pme))) {
			err = got < 0 ? -errno : -EIO;
			break;
		}
		for (i = 0; i < n; i++, addr += PAGE) {
			/* Still the parent's frame (dump_cow.c): not stored. */
			if (cow && dump_mem__page_wanted(pme[i]) && dump_cow__shared(t, addr, &hint)) {
				if (run_len) {
					err = dump_pages__add(b, run_start, run_len);
					if (err)
						goto out;
					run_len = 0;
				}
				err = add_cow(v, addr);
				if (err)
					goto out;
				ctx->cow_pages++;
				continue;
			}
			if (dump_mem__page_wanted(pme[i])) {
				if (!run_len)
					run_start = addr;
				run_len++;
				v->dumped_pages++;
				continue;
			}
			if (run_len) {
				err = dump_pages__add(b, run_start, run_len);
				if (err)
					goto out;
				run_len = 0;
			}
		}
	}
	if (!err && run_len)
		err = dump_pages__add(b, run_start, run_len);
out:
	v->has_dumped_pages = true;
	free(pme);
	return err;
}

/* One parsed smaps header line; strings point into the smaps buffer. */
struct smaps_vma {
	uint64_t start, end, pgoff, inode;
	unsigned int maj, min;
	char perms[5];
	const char *path;
};

static int parse_header(char *line, struct smaps_vma *s)
{
	int pos = 0;

	if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &s->start, &s->end, s->perms, &s->pgoff,
		   &s->maj, &s->min, &s->inode, &pos) < 7)
		return -EINVAL;
	s->path = line + pos;
	return 0;
}

static int refuse(pid_t pid, const struct smaps_vma *s, const char *what)
{
	pr_err("pid %d: mapping %lx-%lx%s%s: %s", pid, s->start, s->end, s->path[0] ? " of " : "",
	       s->path, what);
	return -EOPNOTSUPP;
}

/* @v maps a shared memory object (@link, @st: its map_files entry), saved once. */
static int shmem_object(struct dump_ctx *ctx, pid_t pid, VmaEntry *v, VmaKind kind,
			const char *link, const struct stat *st, bool memfd)
{
	v->kind = kind;
	v->path = dump_ctx__strdup(link);
	if (!v->path)
		return -ENOMEM;
	v->has_dev = v->has_ino = v->has_file_size = v->has_shmid = true;
	v->dev = st->st_dev;
	v->ino = v->shmid = st->st_ino;
	v->file_size = st->st_size;
	return dump_shmem__track_vma(ctx, pid, v, memfd);
}

/* Fill @v from the smaps header @s and the VmFlags line; refuse what restore cannot do. */
static int classify(struct dump_ctx *ctx, pid_t pid, const struct smaps_vma *s, const char *flags,
		    VmaEntry *v)
{
	bool shared = s->perms[3] == 's';
	char mf[64], link[4096];
	struct stat st;
	ssize_t n;

	v->start = s->start;
	v->end = s->end;
	v->pgoff = s->pgoff;
	v->prot = (s->perms[0] == 'r' ? PROT_READ : 0) | (s->perms[1] == 'w' ? PROT_WRITE : 0) |
		  (s->perms[2] == 'x' ? PROT_EXEC : 0);
	v->flags = (shared ? MAP_SHARED : MAP_PRIVATE) | (procfs__has_vmflag(flags, "gd") ? MAP_GROWSDOWN : 0);
	v->vm_flags = dump_ctx__strdup(flags);
	v->name = dump_ctx__strdup(s->path);
	if (!v->vm_flags || !v->name)
		return -ENOMEM;
	if (!strcmp(s->path, "[vvar]") || !strcmp(s->path, "[vvar_vclock]") ||
	    !strcmp(s->path, "[vdso]")) {
		v->kind = VMA_KIND__VMA_VDSO;
		return 0;
	}
	if (!strcmp(s->path, "[vsyscall]")) {
		v->kind = VMA_KIND__VMA_VSYSCALL;
		return 0;
	}
	if (procfs__has_vmflag(flags, "io") || procfs__has_vmflag(flags, "pf"))
		return refuse(pid, s, "device mappings are not supported");
	if (procfs__has_vmflag(flags, "ht"))
		return refuse(pid, s, "hugetlb mappings are not supported");
	/* Before the inode: maps shows the segment id there, 0 for the first of an IPC namespace. */
	if (!strncmp(s->path, "/SYSV", 5))
		return refuse(pid, s, "System V shared memory is not supported");
	if (!s->inode) {
		if (shared)
			return refuse(pid, s, "shared mapping without a file is not supported");
		v->kind = VMA_KIND__VMA_ANON_PRIVATE;
		v->flags |= MAP_ANONYMOUS;
		return 0;
	}
	if (shared && (!strcmp(s->path, "/dev/zero (deleted)") || !strncmp(s->path, "[anon_shmem:", 12))) {
		v->kind = VMA_KIND__VMA_ANON_SHARED;
		v->flags |= MAP_ANONYMOUS;
		v->has_shmid = true;
		v->shmid = s->inode;
		return dump_shmem__track_vma(ctx, pid, v, false);
	}
	snprintf(mf, sizeof(mf), "/proc/%d/map_files/%lx-%lx", pid, s->start, s->end);
	n = readlink(mf, link, sizeof(link) - 1);
	if (n < 0 || stat(mf, &st)) {
		/*
		 * ESRCH: it died (killed from outside) and is a zombie: its /proc
		 * entry is still there, but it "exited during the dump", not
		 * "mapping ...: No such process" (rely_dump_faults, now and then).
		 * errno is taken first: procfs__exists() may change it.
		 */
		int e = errno;

		return e != ESRCH && procfs__exists(pid) ? refuse(pid, s, strerror(e)) : -ESRCH;
	}
	link[n] = '\0';
	/* A packet socket's ring: mapped again from the restored socket (dump_packet_map.c). */
	if (!strncmp(link, "socket:[", 8))
		return dump_packet_map__vma(ctx, pid, v, link);
	/*
	 * Shared anonymous memory mapped privately (reopened through
	 * map_files, zdtm shmemfd-priv): the object itself, not a copy, so
	 * that its pages not yet copied still show the object's writes.
	 */
	if (!shared && (!strcmp(s->path, "/dev/zero (deleted)") || !strncmp(s->path, "[anon_shmem:", 12)))
		return shmem_object(ctx, pid, v, VMA_KIND__VMA_FILE_PRIVATE, link, &st, false);
	/* A memfd is a shared memory object: saved once (dump_shmem.c). */
	if (!strncmp(link, "/memfd:", 7))
		return shmem_object(ctx, pid, v,
				    shared ? VMA_KIND__VMA_ANON_SHARED : VMA_KIND__VMA_FILE_PRIVATE,
				    link, &st, true);
	/* An AIO context's ring (dump_aio.c). */
	if (shared && dump_aio__is_ring(link))
		return dump_aio__vma(ctx, pid, v);
	/* Replaced or deleted while mapped: its contents go in the image. */
	if (strlen(link) > 10 && !strcmp(link + strlen(link) - 10, " (deleted)")) {
		v->kind = shared ? VMA_KIND__VMA_FILE_SHARED : VMA_KIND__VMA_FILE_PRIVATE;
		return dump_ghost__vma(ctx, pid, link, &st, v);
	}
	v->kind = shared ? VMA_KIND__VMA_FILE_SHARED : VMA_KIND__VMA_FILE_PRIVATE;
	v->path = dump_ctx__strdup(link);
	if (!v->path)
		return -ENOMEM;
	v->has_dev = v->has_ino = v->has_file_size = true;
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	v->file_size = st.st_size;
	return 0;
}

static int add_vma(MmImage *mm, VmaEntry *v)
{
	VmaEntry **arr = realloc(mm->vmas, (mm->n_vmas + 1) * sizeof(*arr));

	if (!arr)
		return -ENOMEM;
	mm->vmas = arr;
	mm->vmas[mm->n_vmas++] = v;
	return 0;
}

/* The vDSO block's bounds, once classify() has said which VMAs are in it. */
static void note_vdso(MmImage *mm, const VmaEntry *v)
{
	if (v->kind != VMA_KIND__VMA_VDSO)
		return;
	if (!mm->has_vdso_start || v->start < mm->vdso_start)
		mm->vdso_start = v->start;
	if (v->end > mm->vdso_end)
		mm->vdso_end = v->end;
	mm->has_vdso_start = mm->has_vdso_end = true;
}

/* Parse smaps into @mm; VmaEntry.rss from "Rss:", flags from "VmFlags:". */
int dump_mem__parse_smaps(struct dump_ctx *ctx, pid_t pid, char *buf, MmImage *mm)
{
	char *line, *next, *hdr = NULL;
	struct smaps_vma s;
	uint64_t rss = 0;
	VmaEntry *v;
	size_t n;
	int err = 0;

	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!isupper((unsigned char)line[0])) {
			hdr = line;
			rss = 0;
			continue;
		}
		if (!strncmp(line, "Rss:", 4))
			rss = strtoull(line + 4, NULL, 10) * 1024;
		if (strncmp(line, "VmFlags:", 8) || !hdr)
			continue;
		/* VmFlags ends a VMA's block. */
		err = parse_header(hdr, &s);
		if (err)
			break;
		v = PB_NEW(VmaEntry, vma_entry);
		if (!v) {
			err = -ENOMEM;
			break;
		}
		err = add_vma(mm, v);
		if (err) {
			vma_entry__free_unpacked(v, NULL);
			break;
		}
		v->has_rss = true;
		v->rss = rss;
		line += 8;
		while (*line == ' ')
			line++;
		n = strlen(line);
		while (n && line[n - 1] == ' ')
			line[--n] = '\0';
		err = classify(ctx, pid, &s, line, v);
		if (err)
			break;
		note_vdso(mm, v);
		hdr = NULL;
	}
	return err;
}

/* The length of pidtrace's own vDSO block ([vvar] to [vdso] end), 0 if unknown. */
static uint64_t own_vdso_len(void)
{
	unsigned long a, b, start = 0, end = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &a, &b) != 2)
			continue;
		if (strstr(line, "[vvar]") && (!start || a < start))
			start = a;
		if (strstr(line, "[vdso]"))
			end = b;
	}
	if (f)
		fclose(f);
	return end > start ? end - start : 0;
}

/* @mm's vDSO VMAs are one contiguous block as long as this kernel's. */
static bool whole_vdso(const MmImage *mm)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < mm->n_vmas; i++)
		if (mm->vmas[i]->kind == VMA_KIND__VMA_VDSO)
			total += mm->vmas[i]->end - mm->vmas[i]->start;
	return total == mm->vdso_end - mm->vdso_start && total == own_vdso_len();
}

static int read_vmas(struct dump_ctx *ctx, pid_t pid, MmImage *mm)
{
	char *buf = NULL;
	int err;

	err = procfs__read(pid, "smaps", &buf, NULL);
	if (err)
		return err;
	err = dump_mem__parse_smaps(ctx, pid, buf, mm);
	free(buf);
	/* No mapping at all: no live task has none, it died (killed while frozen). */
	if (!err && !mm->n_vmas)
		return -ESRCH;
	/*
	 * Restore maps this kernel's whole vDSO block where it was, or none
	 * when the program unmapped it all (zdtm vdso02); a block partly
	 * unmapped (or not this kernel's) could not come back as it is.
	 */
	if (!err && mm->has_vdso_start && !whole_vdso(mm)) {
		pr_err("pid %d: its vDSO block %lx-%lx is partly unmapped (or not this kernel's): not supported",
		       pid, (unsigned long)mm->vdso_start, (unsigned long)mm->vdso_end);
		err = -EOPNOTSUPP;
	}
	return err;
}

/* The guard pages of @v ("gu" in VmFlags: it may have some), as runs. */
static int collect_guards(int pm_fd, VmaEntry *v)
{
	uint64_t pme[512], addr = v->start, i, n;
	GuardRun **arr, *g = NULL;
	ssize_t got;

	while (addr < v->end) {
		n = (v->end - addr) / PAGE;
		if (n > 512)
			n = 512;
		got = pread(pm_fd, pme, n * sizeof(*pme), (addr / PAGE) * sizeof(*pme));
		if (got != (ssize_t)(n * sizeof(*pme)))
			return got < 0 ? -errno : -EIO;
		for (i = 0; i < n; i++, addr += PAGE) {
			if (!(pme[i] & PM_GUARD)) {
				g = NULL;
				continue;
			}
			if (g) {
				g->nr_pages++;
				continue;
			}
			arr = realloc(v->guards, (v->n_guards + 1) * sizeof(*arr));
			if (!arr)
				return -ENOMEM;
			v->guards = arr;
			g = PB_NEW(GuardRun, guard_run);
			if (!g)
				return -ENOMEM;
			v->guards[v->n_guards++] = g;
			g->start = addr;
			g->nr_pages = 1;
		}
	}
	return 0;
}

int dump_mem__task(struct dump_ctx *ctx, struct dump_task *t)
{
	MmImage *mm = PB_NEW(MmImage, mm_image);
	PagemapImage *pm = PB_NEW(PagemapImage, pagemap_image);
	struct dump_pages *b = NULL;
	bool printed = false;
	char name[64], path[64];
	int pm_fd = -1, err;
	size_t i;

	if (!mm || !pm) {
		err = -ENOMEM;
		goto out;
	}
	/* Refusals are printed where they are found. */
	err = read_vmas(ctx, t->pid, mm);
	printed = err == -EOPNOTSUPP;
	if (err)
		goto out;
	snprintf(name, sizeof(name), "pages-%d.img", t->pid);
	pm->pages_file = dump_ctx__strdup(name);
	b = dump_pages__new(ctx, t->pt, pm);
	if (!pm->pages_file || !b) {
		err = -ENOMEM;
		goto out;
	}
	dump_mem__learn_zero_pfns();
	snprintf(path, sizeof(path), "/proc/%d/pagemap", t->pid);
	pm_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pm_fd < 0) {
		err = procfs__exists(t->pid) ? -errno : -ESRCH;
		goto out;
	}
	err = dump_pages__begin(b, name, t->pid);
	printed = true;
	if (err)
		goto out;
	for (i = 0; !err && i < mm->n_vmas; i++) {
		VmaEntry *v = mm->vmas[i];

		/* MAP_DROPPABLE ("dp"): the kernel may drop it any time (zeros): not kept. */
		if ((v->kind == VMA_KIND__VMA_ANON_PRIVATE || v->kind == VMA_KIND__VMA_FILE_PRIVATE) &&
		    !procfs__has_vmflag(v->vm_flags, "dp"))
			err = dump_vma_pages(ctx, b, pm_fd, t, v);
		if (!err && procfs__has_vmflag(v->vm_flags, "gu"))
			err = collect_guards(pm_fd, v);
	}
	err = dump_pages__end(b, err, &printed);
	if (err)
		goto out;
	printed = true;
	if (!err)
		err = image__write(ctx->img, IMG_MM, t->pid, &mm->base);
	if (!err)
		err = image__write(ctx->img, IMG_PAGEMAP, t->pid, &pm->base);
	if (!err) {
		t->nvmas = mm->n_vmas;
		t->pages = pm->nr_pages;
		ctx->nvmas += mm->n_vmas;
		ctx->pages += pm->nr_pages;
		ctx->pages_bytes += pm->nr_pages * PAGE;
	}
out:
	if (!printed)
		err = dump_ctx__gone_err(t, err);
	if (err && !printed && err != -ESRCH)
		pr_err("pid %d: cannot dump its memory: %s", t->pid, strerror(-err));
	if (pm_fd >= 0)
		close(pm_fd);
	dump_pages__free(b);
	if (mm)
		mm_image__free_unpacked(mm, NULL);
	if (pm)
		pagemap_image__free_unpacked(pm, NULL);
	return err;
}
