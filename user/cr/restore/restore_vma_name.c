// SPDX-License-Identifier: GPL-2.0
/*
 * restore_vma_name.c - anonymous memory named with
 * prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME) (see restore_vma_name.h).
 *
 * Dump keeps each mapping's name as maps shows it (vma_entry.name); a
 * private anonymous mapping shows "[anon:NAME]", shared anonymous memory
 * "[anon_shmem:NAME]". The restored task names the same range again
 * itself, by an injected prctl: without it verify would find a nameless
 * mapping where the image has a named one. A kernel without
 * CONFIG_ANON_VMA_NAME refuses (EINVAL): the restore fails naming the
 * mapping, rather than give the program memory without its name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "restore_ctx.h"
#include "restore_vma_name.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif
#ifndef PR_SET_VMA_ANON_NAME
#define PR_SET_VMA_ANON_NAME 0
#endif
/* ANON_VMA_NAME_MAX_LEN, the terminating NUL included. */
#define NAME_MAX_LEN 80

/* NAME of "[anon:NAME]" or "[anon_shmem:NAME]" into @buf; false if @v is not named so. */
static bool anon_name(const VmaEntry *v, char *buf, size_t len)
{
	static const char *const prefix[] = { "[anon:", "[anon_shmem:" };
	size_t i, p, n;

	if (!v->name || (v->kind != VMA_KIND__VMA_ANON_PRIVATE &&
			 v->kind != VMA_KIND__VMA_ANON_SHARED))
		return false;
	n = strlen(v->name);
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		p = strlen(prefix[i]);
		if (n > p + 1 && !strncmp(v->name, prefix[i], p) && v->name[n - 1] == ']' &&
		    n - p - 1 < len) {
			memcpy(buf, v->name + p, n - p - 1);
			buf[n - p - 1] = '\0';
			return true;
		}
	}
	return false;
}

int restore_vma_name__task(struct restore_ctx *ctx, struct rtask *t)
{
	char name[NAME_MAX_LEN];
	unsigned long addr;
	size_t i;
	long r;
	int err;

	for (i = 0; t->mm && i < t->mm->n_vmas; i++) {
		const VmaEntry *v = t->mm->vmas[i];

		if (!anon_name(v, name, sizeof(name)))
			continue;
		err = restore_ctx__put(t, 0, name, strlen(name) + 1, &addr);
		r = err ? err : restore_ctx__sys(t, SYS_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME,
					     v->start, v->end - v->start, addr, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: cannot name its memory at 0x%llx-0x%llx %.100s again (PR_SET_VMA_ANON_NAME): %s%s",
					     t->pid, (unsigned long long)v->start,
					     (unsigned long long)v->end, v->name, strerror((int)-r),
					     r == -EINVAL ? " (a kernel without CONFIG_ANON_VMA_NAME?)" : "");
	}
	return 0;
}
