// SPDX-License-Identifier: GPL-2.0
/*
 * restore_load.c - what the check phase reads: the whole image (every
 * task's core, memory map, pagemap and files; the tree's pipes, pidfd
 * targets and shared memory), checked for what restore cannot do before
 * anything is created; and pidtrace's own vDSO block, which restored
 * tasks get a copy of at their old address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "restore_ctx.h"
#include "restore_ghost.h"
#include "restore_load.h"
#include "restore_shmem.h"
#include "image_tree.h"
#include "rlimits.h"
#include "watchdog.h"

/* Task @k of the image as @t (its files stay the tree's, ctx->tree). */
static int load_task(struct restore_ctx *ctx, const struct image_task *k, struct rtask *t)
{
	uint32_t pid = k->pid;

	t->pid = pid;
	t->ctl = t->stub_ctl = t->src_fd = -1;
	t->core = k->core;
	t->mm = k->mm;
	t->pm = k->pagemap;
	t->files = k->files;
	t->zombie = t->core->state == TASK_STATE__TASK_ZOMBIE;
	if (t->zombie)
		return 0;
	if (!t->core->thread || !t->core->ids || !t->core->mm)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %u: core-%u.img is incomplete", pid, pid);
	/* Each thread's mode and filters are in its thread_core (restore_seccomp.c). */
	if (t->core->creds && t->core->creds->seccomp_mode && !t->core->thread->has_seccomp_mode)
		return restore_ctx__fail(ctx, pid, -EOPNOTSUPP,
				     "pid %u: seccomp mode %u without its filters in the image", pid,
				     t->core->creds->seccomp_mode);
	return 0;
}

/*
 * pidtrace holds every open file description of the tree at once, and each
 * task's highest fd must be installable: refused before anything exists
 * when its fd limit (already raised to the hard one) is too low.
 */
static int check_fd_limit(struct restore_ctx *ctx)
{
	uint64_t max = rlimits__nofile_max();
	uint32_t *seen = NULL, *tmp;
	size_t i, j, k, n = 0;
	pid_t top_pid = 0;
	int top = -1;

	for (i = 0; i < ctx->ntasks; i++) {
		FilesImage *fi = ctx->tasks[i].files;

		for (j = 0; fi && j < fi->n_fds; j++) {
			if ((int)fi->fds[j]->fd > top) {
				top = fi->fds[j]->fd;
				top_pid = ctx->tasks[i].pid;
			}
			for (k = 0; k < n && seen[k] != fi->fds[j]->ofd_id; k++)
				;
			if (k < n)
				continue;
			tmp = realloc(seen, (n + 1) * sizeof(*seen));
			if (!tmp) {
				free(seen);
				return -ENOMEM;
			}
			seen = tmp;
			seen[n++] = fi->fds[j]->ofd_id;
		}
	}
	free(seen);
	if (n + 64 > max)
		return restore_ctx__fail(ctx, 0, -EMFILE,
				     "the tree has %zu open file descriptions, more than pidtrace's fd limit of %lu lets it hold",
				     n, (unsigned long)max);
	if (top >= 0 && (uint64_t)top >= max)
		return restore_ctx__fail(ctx, top_pid, -EMFILE,
				     "pid %d fd %d: above pidtrace's fd limit of %lu", top_pid, top,
				     (unsigned long)max);
	return 0;
}

int restore_load__image(struct restore_ctx *ctx)
{
	size_t i, j;
	int err;

	/* The tree's fds are all open in pidtrace at once: 1024 is not a limit. */
	err = rlimits__raise_nofile();
	if (err)
		pr_debug("cannot raise the fd limit: %s", strerror(-err));
	err = image__open(ctx->dir, &ctx->img);
	if (err)
		return restore_ctx__fail(ctx, 0, err, "%s: not a usable image", ctx->dir);
	/* Every file of the tree, read and checked (image_tree.c, as show reads it). */
	err = image_tree__load(ctx->img, &ctx->tree);
	if (err)
		return restore_ctx__fail(ctx, 0, err, "%s: not a usable image", ctx->dir);
	ctx->inv = ctx->tree.inv;
	ctx->pipes = ctx->tree.pipes;
	ctx->pidfds = ctx->tree.pidfds;
	ctx->shmem = ctx->tree.shmem;
	if (!ctx->inv->n_pids || ctx->inv->pids[0] != ctx->inv->root_pid)
		return restore_ctx__fail(ctx, 0, -EINVAL, "%s: the inventory lists no root task", ctx->dir);
	ctx->tasks = calloc(ctx->inv->n_pids, sizeof(*ctx->tasks));
	if (!ctx->tasks)
		return -ENOMEM;
	for (i = 0; i < ctx->inv->n_pids; i++) {
		err = load_task(ctx, &ctx->tree.tasks[i], &ctx->tasks[i]);
		ctx->ntasks++;
		if (err)
			return err;
		ctx->tasks[i].parent = -1;
		for (j = 0; i && j < i; j++)
			if (ctx->tasks[j].pid == (pid_t)ctx->tasks[i].core->ids->ppid)
				ctx->tasks[i].parent = j;
		if (i && ctx->tasks[i].parent < 0)
			return restore_ctx__fail(ctx, ctx->tasks[i].pid, -EINVAL,
					     "pid %d: its parent %u is not in the image",
					     ctx->tasks[i].pid, ctx->tasks[i].core->ids->ppid);
	}
	if (ctx->tasks[0].zombie)
		return restore_ctx__fail(ctx, 0, -EINVAL, "the root task is a zombie");
	return check_fd_limit(ctx);
}

/* Our own vDSO block: its size, and where a `syscall` is in it. */
int restore_load__vdso(struct restore_ctx *ctx)
{
	unsigned long a, b, vvar = 0, vdso = 0, vdso_end = 0;
	static const uint8_t insn[2] = { 0x0f, 0x05 };
	char line[512];
	void *hit;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &a, &b) != 2)
			continue;
		if (strstr(line, "[vvar]"))
			vvar = a;
		else if (strstr(line, "[vdso]"))
			vdso = a, vdso_end = b;
	}
	fclose(f);
	if (!vvar || !vdso || vvar > vdso)
		return restore_ctx__fail(ctx, 0, -EOPNOTSUPP, "pidtrace has no vDSO block");
	hit = memmem((void *)vdso, vdso_end - vdso, insn, sizeof(insn));
	if (!hit)
		return restore_ctx__fail(ctx, 0, -EOPNOTSUPP, "no syscall instruction in the vDSO");
	ctx->vdso_size = vdso_end - vvar;
	ctx->vdso_sys_off = (unsigned long)hit - vvar;
	return 0;
}

void restore_load__free(struct restore_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nwarnings; i++)
		free(ctx->warnings[i]);
	free(ctx->warnings);
	ctx->warnings = NULL;
	ctx->nwarnings = 0;

	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		if (t->ctl >= 0)
			close(t->ctl);
		if (t->stub_ctl >= 0)
			close(t->stub_ctl);
	}
	image_tree__free(&ctx->tree);
	ctx->pipes = NULL;
	ctx->pidfds = NULL;
	ctx->shmem = NULL;
	restore_shmem__close(ctx);
	restore_ghost__close(ctx);
	if (ctx->init_ctl >= 0)
		close(ctx->init_ctl);
	free(ctx->tasks);
	free(ctx->helpers);
	image__free(ctx->img);
	watchdog__free(ctx->wd);
}
