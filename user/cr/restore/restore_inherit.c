// SPDX-License-Identifier: GPL-2.0
/*
 * restore_inherit.c - the restored tasks are forks of pidtrace (its
 * stubs): they start with whatever pidtrace itself got from whoever
 * started it. Most of it the restore sets to the image's (signal actions
 * and mask, nice, scheduling, I/O priority, affinity, limits, umask,
 * THP disable, securebits...). Some of it no task can ever drop:
 *  - no_new_privs (a service started with NoNewPrivileges=, setpriv
 *    --no-new-privs): every restored task would keep it, and an exec of a
 *    set-uid program or a file with capabilities would stop working;
 *  - memory-deny-write-execute (PR_SET_MDWE): the restore could not even
 *    map its own code into the tasks;
 *  - address space randomization off (setarch -R: the kernel decides it
 *    at exec, PF_RANDOMIZE): the tree's new mappings would not be
 *    randomized any more, silently;
 *  - a locked securebit (SECBIT_*_LOCKED): it cannot be cleared;
 *  - a lower hard limit than a task of the image has, without
 *    CAP_SYS_RESOURCE to raise it (a service's LimitCORE=);
 *  - fewer capabilities than a task of the image has (permitted or
 *    bounding set: a tree dumped under a service manager or CI runner
 *    with the full set, restored from a container's shell): none can be
 *    given back (capset() said "Operation not permitted", late).
 * Each one, when the image's tasks have not got it, is refused here in one
 * line, before anything is made (restore's check phase).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include <linux/capability.h>

#include "procfs.h"
#include "restore_inherit.h"
#include "rlimits.h"

#define PF_RANDOMIZE 0x00400000UL
#define PR_GET_MDWE_ 66
/* SECBIT_NOROOT_LOCKED, NO_SETUID_FIXUP_LOCKED, KEEP_CAPS_LOCKED, NO_CAP_AMBIENT_RAISE_LOCKED */
#define SECBITS_LOCKED 0xaaUL

/* The first live task of the image that has not got @has (NULL: none). */
static const struct rtask *lacking(const struct restore_ctx *ctx,
				   bool (*has)(const struct rtask *))
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie && !has(&ctx->tasks[i]))
			return &ctx->tasks[i];
	return NULL;
}

static bool has_nnp(const struct rtask *t)
{
	return t->core->creds && t->core->creds->no_new_privs;
}

static bool has_mdwe(const struct rtask *t)
{
	return t->core->has_mdwe && t->core->mdwe;
}

static bool has_no_randomize(const struct rtask *t)
{
	return t->core->creds && (t->core->creds->personality & ADDR_NO_RANDOMIZE);
}

/* Is address space randomization on in this kernel (kernel.randomize_va_space)? */
static bool aslr_on(void)
{
	bool on = true;
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "re");
	int v;

	if (f) {
		on = fscanf(f, "%d", &v) != 1 || v != 0;
		fclose(f);
	}
	return on;
}

/* pidtrace's own effective, permitted and bounding capability sets. */
static int own_caps(uint64_t *eff, uint64_t *prm, uint64_t *bnd)
{
	char *status = NULL;
	int err;

	err = procfs__read(0, "status", &status, NULL);
	if (!err)
		err = procfs__field_u64(status, "CapEff:", 16, eff);
	if (!err)
		err = procfs__field_u64(status, "CapPrm:", 16, prm);
	if (!err)
		err = procfs__field_u64(status, "CapBnd:", 16, bnd);
	free(status);
	return err;
}

/* A live task of the image with capabilities pidtrace has not got, or NULL. */
static const struct rtask *more_caps(const struct restore_ctx *ctx, uint64_t prm, uint64_t bnd,
				     uint64_t *extra)
{
	const TaskCreds *c;
	size_t i;

	for (i = 0; i < ctx->ntasks; i++) {
		c = ctx->tasks[i].core->creds;
		if (ctx->tasks[i].zombie || !c)
			continue;
		*extra = ((c->cap_prm | c->cap_eff | c->cap_amb) & ~prm) | (c->cap_bnd & ~bnd);
		if (*extra)
			return &ctx->tasks[i];
	}
	return NULL;
}

/*
 * A hard limit of the image above pidtrace's own (a service's LimitCORE=,
 * a runner's ulimit -Hn), which only CAP_SYS_RESOURCE may raise: refused
 * here rather than at the state step, the tree made. Return: 0 or -EPERM.
 */
static int hard_limits(struct restore_ctx *ctx, uint64_t eff)
{
	const RlimitEntry *e;
	struct rlimit own;
	size_t i, j;

	if (eff & (1ULL << CAP_SYS_RESOURCE))
		return 0;
	for (i = 0; i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		for (j = 0; j < ctx->tasks[i].core->n_rlimits; j++) {
			e = ctx->tasks[i].core->rlimits[j];
			if (getrlimit(e->resource, &own) || e->max <= (uint64_t)own.rlim_max)
				continue;
			return restore_ctx__fail(ctx, ctx->tasks[i].pid, -EPERM,
					     "pid %d: RLIMIT_%s: its hard limit %llu is above pidtrace's own (%llu), and pidtrace lacks CAP_SYS_RESOURCE to raise it",
					     ctx->tasks[i].pid, rlimits__name(e->resource),
					     (unsigned long long)e->max, (unsigned long long)own.rlim_max);
		}
	}
	return 0;
}

int restore_inherit__check(struct restore_ctx *ctx)
{
	uint64_t eff, prm, bnd, extra = 0;
	const struct rtask *t;
	struct procfs_stat st;
	long r;

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 && (t = lacking(ctx, has_nnp)))
		return restore_ctx__fail(ctx, t->pid, -EPERM,
				     "pidtrace runs with no_new_privs set (inherited from what started it): pid %d would have it too, and it cannot be cleared",
				     t->pid);
	r = prctl(PR_GET_MDWE_, 0, 0, 0, 0);
	if (r > 0 && (t = lacking(ctx, has_mdwe)))
		return restore_ctx__fail(ctx, t->pid, -EPERM,
				     "pidtrace runs with memory-deny-write-execute (inherited from what started it): pid %d would have it too, and it cannot be cleared",
				     t->pid);
	if (!procfs__stat(0, &st) && !(st.flags & PF_RANDOMIZE) && aslr_on() &&
	    (t = lacking(ctx, has_no_randomize)))
		return restore_ctx__fail(ctx, t->pid, -EPERM,
				     "pidtrace runs with address space randomization off (setarch -R): pid %d's new mappings would not be randomized either",
				     t->pid);
	r = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	if (r > 0 && (r & SECBITS_LOCKED))
		return restore_ctx__fail(ctx, 0, -EPERM,
				     "pidtrace runs with locked securebits 0x%lx (inherited from what started it): the restored tasks would keep them",
				     r);
	if (own_caps(&eff, &prm, &bnd))
		return 0;
	if ((t = more_caps(ctx, prm, bnd, &extra)))
		return restore_ctx__fail(ctx, t->pid, -EPERM,
				     "pid %d has capabilities 0x%llx that pidtrace itself has not got: they cannot be given back",
				     t->pid, (unsigned long long)extra);
	return hard_limits(ctx, eff);
}
