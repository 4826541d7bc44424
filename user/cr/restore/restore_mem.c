// SPDX-License-Identifier: GPL-2.0
/*
 * restore_mem.c - replace a seized stub's memory with the image's.
 *
 * The stub is a fork of pidtrace: everything it maps goes. The order
 * matters because injected system calls need a `syscall` instruction that
 * stays mapped:
 *   1. unregister rseq (its area is about to vanish);
 *   2. map two pages in a hole of the image's layout: a `syscall`
 *      instruction, then a data page for the arguments of later calls,
 *      and point the task's saved rip just after that instruction;
 *   3. unmap everything else, vDSO included;
 *   4. map the vDSO block back at its old address (ARCH_MAP_VDSO_64) and
 *      run further calls from a `syscall` inside it (a task that had
 *      unmapped its vDSO gets none, its calls stay in the first page);
 *   5. map every VMA (files reopened by path, identity checked; files
 *      deleted while mapped from the copy restore_ghost.c made; shared
 *      anonymous memory from the object restore_shmem.c made: the stub
 *      inherited both fds) with write access where pages must be written,
 *      copy the pages from the image (restore_pages.c: straight from a
 *      mapping of the pages file, its checksum checked on the way), then
 *      set the final protections. No MADV_POPULATE_WRITE first: the
 *      copy's own get_user_pages() faults each page in (no exception, no
 *      VM exit) and writes it while it is still in the cache, where a
 *      populate zeroes all of them first and the copy reads them back
 *      from RAM: 0.84-0.91x the time without it (docs/PERFORMANCE.md);
 *      Regions a stub was forked with and keeps (restore_cow.c: pages
 *      shared copy-on-write with its parent) are neither unmapped nor
 *      mapped again; the pages already there are not written again;
 *   6. the madvise() state and guard pages (restore_madvise.c);
 *   7. one PR_SET_MM_MAP for the mm fields, auxv and exe file.
 * The two pages go at the very end (restore_mem__finish).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/prctl.h>

#include "log.h"
#include "page.h"
#include "procfs.h"
#include "ptrace.h"
#include "packet_map.h"
#include "restore_aio.h"
#include "restore_cow.h"
#include "restore_ctx.h"
#include "restore_ghost.h"
#include "restore_madvise.h"
#include "restore_mem.h"
#include "restore_vma_name.h"
#include "restore_pages.h"
#include "restore_shmem.h"
#include "testfault.h"

#define TASK_END 0x7ffffffff000UL
#define HOLE_MARGIN (2UL << 20)
#define ARCH_MAP_VDSO_64 0x2003
#define RSEQ_FLAG_UNREGISTER 1
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static bool is_err(long r)
{
	return r < 0 && r > -4096;
}

/* Point the task's saved registers just after the `syscall` at @ip. */
static int use_syscall_at(struct rtask *t, unsigned long ip, unsigned long sp)
{
	struct user_regs_struct r;
	int err;

	err = ptrace__get_regs(t->pt, &r);
	if (err)
		return err;
	/* orig_rax >= 0 and rip - 2 a `syscall`: ptrace_core runs calls there. */
	r.rip = ip + 2;
	r.orig_rax = 0;
	r.rax = 0;
	r.rsp = sp;
	return ptrace__set_regs(t->pt, &r);
}

static int cmp_vma(const void *a, const void *b)
{
	const VmaEntry *x = *(VmaEntry *const *)a, *y = *(VmaEntry *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Map the two mechanics pages somewhere the image does not use. */
static int map_hpage(struct restore_ctx *ctx, struct rtask *t)
{
	static const uint8_t insn[2] = { 0x0f, 0x05 };
	size_t n = t->mm->n_vmas, i;
	VmaEntry **v = calloc(n + 1, sizeof(*v));
	unsigned long prev = 0x10000, cand = 0;
	long r = -ENOMEM;
	int err;

	if (!v)
		return -ENOMEM;
	memcpy(v, t->mm->vmas, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_vma);
	for (i = 0; i <= n; i++) {
		unsigned long next = i < n ? v[i]->start : TASK_END;

		if (next > prev && next - prev >= 2 * PAGE + 2 * HOLE_MARGIN) {
			cand = prev + HOLE_MARGIN;
			r = restore_ctx__sys(t, SYS_mmap, cand, 2 * PAGE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (r == (long)cand)
				break;
			if (r == -ESRCH)
				break;
		}
		if (i < n && v[i]->end > prev)
			prev = v[i]->end;
	}
	free(v);
	if (r < 0 || (unsigned long)r != cand)
		return restore_ctx__fail(ctx, t->pid, r < 0 ? (int)r : -ENOMEM,
				     "pid %d: no room for pidtrace's two pages: %s", t->pid,
				     strerror(r < 0 ? (int)-r : ENOMEM));
	t->hpage = cand;
	t->hpage_mapped = true;
	err = ptrace__write_mem(t->pt, t->hpage, insn, sizeof(insn));
	if (!err) {
		r = restore_ctx__sys(t, SYS_mprotect, t->hpage, PAGE, PROT_READ | PROT_EXEC, 0, 0, 0);
		err = r < 0 ? (int)r : 0;
	}
	if (!err)
		err = use_syscall_at(t, t->hpage, t->hpage + 2 * PAGE - 256);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot set up pidtrace's pages: %s",
				     t->pid, strerror(-err));
	return 0;
}

/* Where [vvar] starts in the task, 0 if it has none. */
static unsigned long task_vvar(pid_t pid)
{
	char path[64], line[512];
	unsigned long a = 0, b;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vvar]") && sscanf(line, "%lx-%lx", &a, &b) == 2)
			break;
		a = 0;
	}
	fclose(f);
	return a;
}

/*
 * The vDSO block from the VMAs themselves ([vvar] to [vdso] end): the
 * image's vdso_start/vdso_end may be missing.
 */
static bool vdso_block(const MmImage *mm, unsigned long *start, unsigned long *end)
{
	size_t i;

	*start = *end = 0;
	for (i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *v = mm->vmas[i];

		if (v->kind != VMA_KIND__VMA_VDSO)
			continue;
		if (!*start || v->start < *start)
			*start = v->start;
		if (v->end > *end)
			*end = v->end;
	}
	return *start != 0;
}

/* Unmap [a, b) but the regions restore_cow.c kept (VMAs of the image, sorted). */
static long unmap_but_kept(struct restore_ctx *ctx, struct rtask *t, unsigned long a,
			   unsigned long b)
{
	size_t i;
	long r;

	for (i = 0; i < t->mm->n_vmas && a < b; i++) {
		const VmaEntry *v = t->mm->vmas[i];

		if (v->end <= a || !restore_cow__kept(ctx, t, i))
			continue;
		if (v->start >= b)
			break;
		if (v->start > a) {
			r = restore_ctx__sys(t, SYS_munmap, a, v->start - a, 0, 0, 0, 0);
			if (r)
				return r;
		}
		a = v->end;
	}
	return a < b ? restore_ctx__sys(t, SYS_munmap, a, b - a, 0, 0, 0, 0) : 0;
}

static int clear_and_vdso(struct restore_ctx *ctx, struct rtask *t)
{
	unsigned long start, vend, end = t->hpage + 2 * PAGE;
	long r;

	r = unmap_but_kept(ctx, t, 0, t->hpage);
	if (!r)
		r = unmap_but_kept(ctx, t, end, TASK_END);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: cannot unmap the stub: %s",
				     t->pid, strerror((int)-r));
	/*
	 * The program had unmapped its vDSO (zdtm vdso02): none is mapped,
	 * and calls (threads' clone3 too) run from pidtrace's page until
	 * restore_mem__finish() unmaps it.
	 */
	if (!vdso_block(t->mm, &start, &vend)) {
		t->vdso_sys = t->hpage;
		return 0;
	}
	if (vend - start != ctx->vdso_size)
		return restore_ctx__fail(ctx, t->pid, -EOPNOTSUPP,
				     "pid %d: vDSO block of %lu bytes, this kernel's is %lu", t->pid,
				     vend - start, (unsigned long)ctx->vdso_size);
	r = restore_ctx__sys(t, SYS_arch_prctl, ARCH_MAP_VDSO_64, start, 0, 0, 0, 0);
	if (r < 0 || task_vvar(t->opid) != start)
		return restore_ctx__fail(ctx, t->pid, r < 0 ? (int)r : -EADDRINUSE,
				     "pid %d: cannot map the vDSO at %lx: %s", t->pid, start,
				     strerror(r < 0 ? (int)-r : EADDRINUSE));
	t->vdso_sys = start + ctx->vdso_sys_off;
	return use_syscall_at(t, t->vdso_sys, t->hpage + 2 * PAGE - 256);
}

/* Open @path in the task (read-only or read-write). Return: fd or -errno. */
static long task_open(struct rtask *t, const char *path, int flags)
{
	unsigned long addr;
	int err;

	if (strlen(path) + 1 > RESTORE_DATA_SIZE)
		return -ENAMETOOLONG;
	err = restore_ctx__put(t, 0, path, strlen(path) + 1, &addr);
	if (err)
		return err;
	return restore_ctx__sys(t, SYS_openat, AT_FDCWD, addr, flags | O_CLOEXEC, 0, 0, 0);
}

static int check_file(struct restore_ctx *ctx, struct rtask *t, const char *path, uint64_t dev,
		      uint64_t ino)
{
	struct stat st;

	if (stat(path, &st))
		return restore_ctx__fail(ctx, t->pid, -errno, "pid %d: %s: %s", t->pid, path,
				     strerror(errno));
	if (st.st_dev != dev || st.st_ino != ino)
		return restore_ctx__fail(ctx, t->pid, -ESTALE,
				     "pid %d: %s is not the file that was mapped at dump time",
				     t->pid, path);
	return 0;
}

static unsigned tmp_prot(const VmaEntry *v)
{
	return v->dumped_pages || v->n_cow ? v->prot | PROT_READ | PROT_WRITE : v->prot;
}

/* mmap() in the task, one call per VMA of the image (a test fault point). */
static long vma_mmap(struct rtask *t, const VmaEntry *v, unsigned long len, unsigned long prot,
		     unsigned long flags, long fd, unsigned long off)
{
	/* Tests: this mapping fails as it would for lack of memory. */
	if (testfault__point("restore-mmap"))
		return -ENOMEM;
	return restore_ctx__sys(t, SYS_mmap, v->start, len, prot, flags, fd, off);
}

/* Map @v from a new open (@oflags) of the task's fd @fd, closed once mapped. */
static long map_reopened(struct rtask *t, const VmaEntry *v, int fd, int oflags,
			 unsigned long len, unsigned long flags)
{
	char path[64];
	long nfd, r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = task_open(t, path, oflags);
	if (nfd < 0)
		return nfd;
	r = vma_mmap(t, v, len, v->prot, flags, nfd, v->pgoff);
	restore_ctx__sys(t, SYS_close, nfd, 0, 0, 0, 0, 0);
	return r;
}

/*
 * Map shared memory object @shm (its fd, read-write, in the stub). A
 * shared mapping that could never be made writable (no "mw": a memfd
 * mapped read-only after F_SEAL_WRITE) is made from a read-only open, so
 * that it does not count as writable when the seals go on again.
 */
static long map_shm(struct rtask *t, const VmaEntry *v, int shm, unsigned long len,
		    unsigned long flags)
{
	if (!(flags & MAP_SHARED))
		return vma_mmap(t, v, len, tmp_prot(v), flags, shm, v->pgoff);
	if (procfs__has_vmflag(v->vm_flags, "mw"))
		return vma_mmap(t, v, len, v->prot, flags, shm, v->pgoff);
	return map_reopened(t, v, shm, O_RDONLY, len, flags);
}

/*
 * Map the ghost of a deleted file (restore_ghost.c: read-only, inherited
 * as @g). A shared mapping that could be made writable needs a read-write
 * open, made in the task and closed once mapped.
 */
static long map_ghost(struct rtask *t, const VmaEntry *v, int g, unsigned long len,
		      unsigned long flags)
{
	if (!(flags & MAP_SHARED))
		return vma_mmap(t, v, len, tmp_prot(v), flags, g, v->pgoff);
	if (!procfs__has_vmflag(v->vm_flags, "mw"))
		return vma_mmap(t, v, len, v->prot, flags, g, v->pgoff);
	return map_reopened(t, v, g, O_RDWR, len, flags);
}

/* "pid 42: cannot map 0x...-0x... (r-xp /usr/bin/x): Cannot allocate memory" */
static int map_failed(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v, int err)
{
	const char *name = v->path ? v->path : v->name ? v->name : "";

	return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot map 0x%lx-0x%lx (%c%c%c%c%s%s): %s",
			     t->pid, (unsigned long)v->start, (unsigned long)v->end,
			     v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
			     v->prot & PROT_EXEC ? 'x' : '-', v->flags & MAP_SHARED ? 's' : 'p',
			     *name ? " " : "", name, strerror(-err));
}

static int map_vmas(struct restore_ctx *ctx, struct rtask *t)
{
	const char *open_path = NULL;
	long fd = -1, r;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < t->mm->n_vmas; i++) {
		VmaEntry *v = t->mm->vmas[i];
		unsigned long len = v->end - v->start, flags = MAP_FIXED;
		const char *path = v->path ? v->path : v->name;
		bool shared = v->flags & MAP_SHARED;

		if (v->kind == VMA_KIND__VMA_VDSO || v->kind == VMA_KIND__VMA_VSYSCALL)
			continue;
		/*
		 * Mapped already, with pages it shares with its parent or
		 * children; still one fault point per VMA for the tests.
		 */
		if (restore_cow__kept(ctx, t, i)) {
			r = testfault__point("restore-mmap") ? -ENOMEM : (long)v->start;
			if (r != (long)v->start)
				err = map_failed(ctx, t, v, (int)r);
			ctx->vmas++;
			continue;
		}
		/* MAP_DROPPABLE: private anonymous memory the kernel may drop ("dp"). */
		flags |= shared ? MAP_SHARED :
			 v->kind == VMA_KIND__VMA_ANON_PRIVATE && procfs__has_vmflag(v->vm_flags, "dp") ?
				 MAP_DROPPABLE : MAP_PRIVATE;
		if (v->flags & MAP_GROWSDOWN)
			flags |= MAP_GROWSDOWN;
		/* Not charged to the commit limit, as it was not ("nr"). */
		if (procfs__has_vmflag(v->vm_flags, "nr"))
			flags |= MAP_NORESERVE;
		if (v->kind == VMA_KIND__VMA_ANON_PRIVATE) {
			r = vma_mmap(t, v, len, tmp_prot(v), flags | MAP_ANONYMOUS, -1, 0);
		} else if (v->has_packet_ring_fd) {
			/* A packet socket's ring: its place held (packet_map.c). */
			r = packet_map__hold(t, v);
		} else if (v->aio) {
			/* An AIO context's ring: its place held (restore_aio.c). */
			r = restore_aio__map(ctx, t, v);
		} else if (v->ghost) {
			/* A deleted file: its copy, which the stub inherited. */
			int g = restore_ghost__named_fd(ctx, v->dev, v->ino, v->ghost->path);

			if (g < 0) {
				err = restore_ctx__fail(ctx, t->pid, -EINVAL,
						    "pid %d: mapping %lx-%lx: deleted file %s not in the image",
						    t->pid, (unsigned long)v->start,
						    (unsigned long)v->end, v->ghost->path);
				break;
			}
			r = map_ghost(t, v, g, len, flags);
		} else if (v->kind == VMA_KIND__VMA_ANON_SHARED || v->has_shmid) {
			/* Shared anonymous memory, or a memfd (shared or private). */
			int shm = restore_shmem__fd(ctx, v->shmid);

			if (shm < 0) {
				err = restore_ctx__fail(ctx, t->pid, -EINVAL,
						    "pid %d: mapping %lx-%lx: shared memory %lu not in the image",
						    t->pid, (unsigned long)v->start,
						    (unsigned long)v->end, (unsigned long)v->shmid);
				break;
			}
			/* The stub inherited the object's fd from pidtrace. */
			r = map_shm(t, v, shm, len, flags);
		} else {
			int oflags = shared && procfs__has_vmflag(v->vm_flags, "mw") ? O_RDWR : O_RDONLY;

			if (!open_path || strcmp(open_path, path) || oflags != O_RDONLY) {
				if (fd >= 0)
					restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
				fd = -1;
				open_path = NULL;
				err = check_file(ctx, t, path, v->dev, v->ino);
				if (err)
					break;
				fd = task_open(t, path, oflags);
				if (fd < 0) {
					err = restore_ctx__fail(ctx, t->pid, (int)fd, "pid %d: open %s: %s",
							    t->pid, path, strerror((int)-fd));
					break;
				}
				open_path = oflags == O_RDONLY ? path : NULL;
			}
			r = vma_mmap(t, v, len, tmp_prot(v), flags, fd, v->pgoff);
		}
		if (r != (long)v->start)
			err = map_failed(ctx, t, v, is_err(r) ? (int)r : -EIO);
		ctx->vmas++;
	}
	if (fd >= 0)
		restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
	return err;
}

static int protect(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	long r;

	for (i = 0; i < t->mm->n_vmas; i++) {
		VmaEntry *v = t->mm->vmas[i];
		/* A kept region was mapped read-write by its stub (restore_cow.c). */
		unsigned cur = restore_cow__kept(ctx, t, i) ? PROT_READ | PROT_WRITE : tmp_prot(v);

		if (v->kind == VMA_KIND__VMA_VDSO || v->kind == VMA_KIND__VMA_VSYSCALL ||
		    cur == v->prot)
			continue;
		r = restore_ctx__sys(t, SYS_mprotect, v->start, v->end - v->start, v->prot, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: mprotect at %lx failed: %s",
					     t->pid, (unsigned long)v->start, strerror((int)-r));
	}
	return 0;
}

static int set_mm(struct restore_ctx *ctx, struct rtask *t)
{
	const MmCore *m = t->core->mm;
	struct prctl_mm_map map;
	unsigned long addr;
	long exe = -1, r;
	int err, ghost;

	if (!m)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: the image has no mm fields",
				     t->pid);
	memset(&map, 0, sizeof(map));
	map.start_code = m->start_code;
	map.end_code = m->end_code;
	map.start_data = m->start_data;
	map.end_data = m->end_data;
	map.start_brk = m->start_brk;
	map.brk = m->brk;
	map.start_stack = m->start_stack;
	map.arg_start = m->arg_start;
	map.arg_end = m->arg_end;
	map.env_start = m->env_start;
	map.env_end = m->env_end;
	map.exe_fd = (uint32_t)-1;
	ghost = m->has_exe_ino ? restore_ghost__named_fd(ctx, m->exe_dev, m->exe_ino, m->exe_path) :
				 -1;
	if (ghost >= 0) {
		/* The executable was deleted: its mapped copy (inherited). */
		map.exe_fd = ghost;
	} else if (m->exe_path && m->exe_path[0]) {
		if (m->has_exe_ino) {
			err = check_file(ctx, t, m->exe_path, m->exe_dev, m->exe_ino);
			if (err)
				return err;
		}
		exe = task_open(t, m->exe_path, O_RDONLY);
		if (exe < 0)
			return restore_ctx__fail(ctx, t->pid, (int)exe, "pid %d: open %s: %s", t->pid,
					     m->exe_path, strerror((int)-exe));
		map.exe_fd = exe;
	}
	if (sizeof(map) + m->n_auxv * 8 > RESTORE_DATA_SIZE)
		return restore_ctx__fail(ctx, t->pid, -E2BIG, "pid %d: auxv too large", t->pid);
	err = restore_ctx__put(t, sizeof(map), m->auxv, m->n_auxv * 8, &addr);
	map.auxv = (__u64 *)(uintptr_t)addr;
	map.auxv_size = m->n_auxv * 8;
	if (!err)
		err = restore_ctx__put(t, 0, &map, sizeof(map), &addr);
	r = err ? err : restore_ctx__sys(t, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, addr, sizeof(map), 0, 0);
	if (exe >= 0)
		restore_ctx__sys(t, SYS_close, exe, 0, 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_SET_MM_MAP failed: %s", t->pid,
				     strerror((int)-r));
	return 0;
}

int restore_mem__task(struct restore_ctx *ctx, struct rtask *t)
{
	struct ptrace_core_rseq rs;
	long r;
	int err;

	err = ptrace__get_rseq(t->pt, &rs);
	if (!err && rs.rseq_abi_pointer) {
		r = restore_ctx__sys(t, SYS_rseq, rs.rseq_abi_pointer, rs.rseq_abi_size,
				 RSEQ_FLAG_UNREGISTER, rs.signature, 0, 0);
		err = r < 0 ? (int)r : 0;
	}
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot unregister rseq: %s", t->pid,
				     strerror(-err));
	err = map_hpage(ctx, t);
	if (!err)
		err = clear_and_vdso(ctx, t);
	if (!err)
		err = map_vmas(ctx, t);
	/* AIO contexts, in id order, once every mapping is in place. */
	if (!err)
		err = restore_aio__task(ctx, t);
	if (!err)
		err = restore_cow__clear(ctx, t);
	if (!err)
		err = restore_pages__task(ctx, t);
	if (!err)
		err = restore_cow__task(ctx, t);
	if (!err)
		err = protect(ctx, t);
	if (!err)
		err = restore_madvise__task(ctx, t);
	/* Named anonymous memory ([anon:NAME]), once the ranges are final. */
	if (!err)
		err = restore_vma_name__task(ctx, t);
	/* Sealed mappings last: after this none of them may change. */
	if (!err)
		err = restore_madvise__seal(ctx, t);
	if (!err)
		err = set_mm(ctx, t);
	return err;
}

int restore_mem__finish(struct restore_ctx *ctx, struct rtask *t)
{
	long r;

	if (!t->hpage_mapped)
		return 0;
	r = restore_ctx__sys(t, SYS_munmap, t->hpage, 2 * PAGE, 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: cannot unmap pidtrace's pages: %s",
				     t->pid, strerror((int)-r));
	t->hpage_mapped = false;
	return 0;
}
