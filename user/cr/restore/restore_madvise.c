// SPDX-License-Identifier: GPL-2.0
/*
 * restore_madvise.c - madvise() state of each mapping, from its VmFlags,
 * and its guard pages, injected into the restored task.
 *
 * An advice a program asked for and that changes what it sees (dontfork,
 * wipeonfork, dontdump: its core dumps, guard pages) must come back or the
 * restore fails, and restore_verify_mm.c compares them afterwards; the
 * hints (hugepage, sequential, random, mergeable) are put back when the
 * kernel takes them, with a warning when it does not. Locked memory
 * (mlock, MAP_LOCKED, MLOCK_ONFAULT) is locked again. MAP_DROPPABLE
 * ("dp") is an mmap() flag: restore_mem.c maps it so. A sealed mapping
 * (mseal, "sl") is sealed again last, once nothing of restore changes it
 * any more (restore_madvise__seal()).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "log.h"
#include "page.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_madvise.h"
#include "testfault.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static const struct {
	const char *flag;	/* as in smaps VmFlags */
	int advice;
	bool must;		/* the program sees the difference */
	const char *name;
} advices[] = {
	{ "dc", MADV_DONTFORK, true, "MADV_DONTFORK" },
	{ "wf", MADV_WIPEONFORK, true, "MADV_WIPEONFORK" },
	{ "dd", MADV_DONTDUMP, true, "MADV_DONTDUMP" },
	{ "hg", MADV_HUGEPAGE, false, "MADV_HUGEPAGE" },
	{ "nh", MADV_NOHUGEPAGE, false, "MADV_NOHUGEPAGE" },
	{ "sr", MADV_SEQUENTIAL, false, "MADV_SEQUENTIAL" },
	{ "rr", MADV_RANDOM, false, "MADV_RANDOM" },
	{ "mg", MADV_MERGEABLE, false, "MADV_MERGEABLE" },
};

int restore_madvise__task(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i, k;
	long r;

	for (i = 0; i < t->mm->n_vmas; i++) {
		const VmaEntry *v = t->mm->vmas[i];

		if (v->kind == VMA_KIND__VMA_VDSO || v->kind == VMA_KIND__VMA_VSYSCALL)
			continue;
		for (k = 0; v->vm_flags && k < sizeof(advices) / sizeof(advices[0]); k++) {
			if (!procfs__has_vmflag(v->vm_flags, advices[k].flag))
				continue;
			/* MAP_DROPPABLE gave the mapping "wf" and "dd" already. */
			if (procfs__has_vmflag(v->vm_flags, "dp") &&
			    (advices[k].advice == MADV_WIPEONFORK || advices[k].advice == MADV_DONTDUMP))
				continue;
			/* Tests: this advice is not given (the verification must see it). */
			if (testfault__point("restore-skip-madvise"))
				continue;
			r = restore_ctx__sys(t, SYS_madvise, v->start, v->end - v->start,
					 advices[k].advice, 0, 0, 0);
			if (r && advices[k].must)
				return restore_ctx__fail(ctx, t->pid, (int)r,
						     "pid %d: %s at %lx failed: %s", t->pid,
						     advices[k].name, (unsigned long)v->start,
						     strerror((int)-r));
			if (r)
				pr_warn("pid %d: %s at %lx: %s (not kept)", t->pid, advices[k].name,
					(unsigned long)v->start, strerror((int)-r));
		}
		/* mlock() / MAP_LOCKED, MLOCK_ONFAULT: what the program locked stays locked. */
		if (v->vm_flags && procfs__has_vmflag(v->vm_flags, "lo")) {
			r = restore_ctx__sys(t, SYS_mlock2, v->start, v->end - v->start,
					 procfs__has_vmflag(v->vm_flags, "lf") ? MLOCK_ONFAULT : 0, 0, 0, 0);
			if (r)
				return restore_ctx__fail(ctx, t->pid, (int)r,
						     "pid %d: mlock at %lx failed: %s", t->pid,
						     (unsigned long)v->start, strerror((int)-r));
		}
		for (k = 0; k < v->n_guards; k++) {
			const GuardRun *g = v->guards[k];

			r = restore_ctx__sys(t, SYS_madvise, g->start, g->nr_pages * PAGE,
					 MADV_GUARD_INSTALL, 0, 0, 0);
			if (r)
				return restore_ctx__fail(ctx, t->pid, (int)r,
						     "pid %d: guard pages at %lx failed: %s", t->pid,
						     (unsigned long)g->start, strerror((int)-r));
		}
	}
	return 0;
}

/*
 * mseal(): a sealed mapping can no longer be unmapped, moved, remapped or
 * have its protection changed, which a program relies on (before, the
 * restore dropped the seal and said OK: tools/procdiff saw "sl" go). A
 * kernel without mseal() fails the restore here, naming the mapping.
 */
int restore_madvise__seal(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	long r;

	for (i = 0; i < t->mm->n_vmas; i++) {
		const VmaEntry *v = t->mm->vmas[i];

		if (v->kind == VMA_KIND__VMA_VDSO || v->kind == VMA_KIND__VMA_VSYSCALL ||
		    !v->vm_flags || !procfs__has_vmflag(v->vm_flags, "sl"))
			continue;
		r = restore_ctx__sys(t, 462 /* SYS_mseal */, v->start, v->end - v->start, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: mseal of the mapping at %lx failed: %s", t->pid,
					     (unsigned long)v->start, strerror((int)-r));
	}
	return 0;
}
