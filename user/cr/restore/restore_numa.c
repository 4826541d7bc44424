// SPDX-License-Identifier: GPL-2.0
/*
 * restore_numa.c - a mapping's own NUMA policy (task_core.vma_mempolicies,
 * dump_numa.c), set again by the task with mbind() without moving pages:
 * those the restore wrote were placed by the thread's policy.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "restore_ctx.h"
#include "restore_numa.h"

int restore_numa__vmas(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCore *c = t->core;
	unsigned long addr;
	size_t i;
	long r;
	int err;

	for (i = 0; i < c->n_vma_mempolicies; i++) {
		const VmaMempolicyEntry *e = c->vma_mempolicies[i];

		if (e->end <= e->start || !e->nodes.len || e->nodes.len > 512)
			return restore_ctx__fail(ctx, t->pid, -EINVAL,
					     "pid %d: a bad NUMA policy entry in the image", t->pid);
		err = restore_ctx__put(t, 0, e->nodes.data, e->nodes.len, &addr);
		r = err ? err : restore_ctx__sys(t, SYS_mbind, e->start, e->end - e->start, e->mode,
					       addr, e->nodes.len * 8, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: NUMA policy of the mapping at %llx (mbind mode 0x%x): %s",
					     t->pid, (unsigned long long)e->start, e->mode,
					     strerror((int)-r));
	}
	return 0;
}
