// SPDX-License-Identifier: GPL-2.0
/*
 * kind_pidfd.c - pidfds. What a pidfd points at is found by a BPF task_file
 * iterator (pidfd_scan.c), which follows it to its struct pid even when
 * the target was reaped; each target is saved once for the tree with its
 * holders, its state (alive in the tree, alive outside, zombie, reaped),
 * its exit status and, when `pidtrace watch --pin` saw it die, how it
 * died. Restore reopens a pidfd on the restored task, or on a helper that
 * stands for a dead target and dies as it did (restore_files.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "dump_ctx.h"
#include "dump_threads.h"
#include "image_check.h"
#include "kinds.h"
#include "log.h"
#include "pidfd_scan.h"
#include "registry.h"
#include "restore_files.h"
#include "show.h"

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:[pidfd]");
}

/* Our pid for a pidfd target: its number in pidtrace's pid namespace. */
static pid_t target_pid(const struct dump_ctx *ctx, const struct pidfd_target *pt)
{
	unsigned int i;

	for (i = 0; i < pt->levels; i++)
		if (pt->ns_ino[i] == ctx->self_pidns)
			return pt->nspid[i];
	return pt->levels == 1 ? pt->nspid[0] : 0;
}

/*
 * What `pidtrace watch --pin` saw of a dead target's death, if it ran: the
 * kernel itself no longer knows its comm, parent or killer.
 */
static int add_death_note(struct dump_ctx *ctx, PidfdTargetEntry *e)
{
	struct pt_death_note n;
	PidfdDeathNote *d;
	int fd;

	if (!ctx->registry_tried) {
		ctx->registry_tried = true;
		fd = registry__open();
		ctx->registry_fd = fd >= 0 ? fd : -1;
		if (fd == -EPERM)
			pr_warn("death registry %s ignored: its directory is not root's alone",
				registry__path());
		else if (fd < 0 && fd != -ENOENT)
			pr_debug("death registry %s: %s", registry__path(), strerror(-fd));
	}
	if (ctx->registry_fd < 0 || registry__lookup(ctx->registry_fd, e->ino, &n))
		return 0;
	d = PB_NEW(PidfdDeathNote, pidfd_death_note);
	if (!d)
		return -ENOMEM;
	e->death = d;
	d->pid = n.pid;
	d->ppid = n.ppid;
	d->comm = strndup(n.comm, sizeof(n.comm));
	d->parent_comm = strndup(n.parent_comm, sizeof(n.parent_comm));
	d->exit_status = n.exit_code;
	d->ts_ns = n.ts_ns;
	if (n.sig) {
		d->has_sig = d->has_si_code = d->has_killer_pid = d->has_killer_uid = true;
		d->has_killer_syscall = true;
		d->sig = n.sig;
		d->si_code = n.si_code;
		d->killer_pid = n.killer_pid;
		d->killer_uid = n.killer_uid;
		d->killer_syscall = n.killer_syscall;
		d->killer_comm = strndup(n.killer_comm, sizeof(n.killer_comm));
	}
	return d->comm && d->parent_comm && (!n.sig || d->killer_comm) ? 0 : -ENOMEM;
}

static int add_pidfd(struct dump_ctx *ctx, pid_t holder, const struct pidfd_target *pt)
{
	PidfdTargetEntry *e = NULL, **arr;
	PidfdHolder *h, **harr;
	struct procfs_stat st;
	struct dump_task *t;
	pid_t pid;
	size_t i;

	for (i = 0; i < ctx->npidfds; i++)
		if (ctx->pidfds[i]->ino == pt->ino)
			e = ctx->pidfds[i];
	if (!e) {
		arr = realloc(ctx->pidfds, (ctx->npidfds + 1) * sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		ctx->pidfds = arr;
		e = PB_NEW(PidfdTargetEntry, pidfd_target_entry);
		if (!e)
			return -ENOMEM;
		ctx->pidfds[ctx->npidfds++] = e;
		e->ino = pt->ino;
		e->nspid = calloc(pt->levels + 1, sizeof(*e->nspid));
		e->ns_ino = calloc(pt->levels + 1, sizeof(*e->ns_ino));
		if (!e->nspid || !e->ns_ino)
			return -ENOMEM;
		for (i = 0; i < pt->levels; i++) {
			e->nspid[i] = pt->nspid[i];
			e->ns_ino[i] = pt->ns_ino[i];
		}
		e->n_nspid = e->n_ns_ino = pt->levels;
		e->has_exit = pt->has_exit;
		e->has_exit_status = pt->has_exit;
		e->exit_status = pt->exit_status;
		pid = target_pid(ctx, pt);
		t = pid ? dump_ctx__find_task(ctx, pid) : NULL;
		/* A thread of a dumped process (PIDFD_THREAD): made again with it. */
		if (!t && pid && (t = dump_threads__find(ctx, pid))) {
			e->has_tree_tid = true;
			e->tree_tid = pid;
		}
		if (t) {
			e->has_tree_pid = true;
			e->tree_pid = t->pid;
		}
		if (pt->state == PIDFD_TARGET_REAPED)
			e->state = PIDFD_STATE__PIDFD_REAPED;
		else if (pt->state == PIDFD_TARGET_ZOMBIE)
			e->state = PIDFD_STATE__PIDFD_ZOMBIE;
		else
			e->state = t ? PIDFD_STATE__PIDFD_ALIVE_IN_TREE : PIDFD_STATE__PIDFD_ALIVE_OUTSIDE;
		if (pt->state != PIDFD_TARGET_REAPED && pid && !procfs__stat(pid, &st)) {
			e->comm = dump_ctx__strdup(st.comm);
			e->has_start_time = true;
			e->start_time = st.starttime;
		}
		if (pt->state != PIDFD_TARGET_ALIVE && add_death_note(ctx, e))
			return -ENOMEM;
	}
	harr = realloc(e->holders, (e->n_holders + 1) * sizeof(*harr));
	if (!harr)
		return -ENOMEM;
	e->holders = harr;
	h = PB_NEW(PidfdHolder, pidfd_holder);
	if (!h)
		return -ENOMEM;
	e->holders[e->n_holders++] = h;
	h->pid = holder;
	h->fd = pt->fd;
	h->thread = pt->thread;
	return 0;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	const struct pidfd_target *pt;
	struct dump_task *t = dump_ctx__find_task(ctx, l->pid);
	int err;

	/* The task's pidfds are found once, on its first. */
	if (!ctx->task_pidfds) {
		err = pidfd_scan__task(l->pid, &ctx->task_pidfds);
		if (err == -ESRCH)
			return err;
		if (err) {
			pr_err("pid %d fd %d: cannot find the pidfd's target: %s", l->pid, l->fd,
			       strerror(-err));
			return -EOPNOTSUPP;
		}
	}
	pt = pidfd_scan__find(ctx->task_pidfds, l->fd);
	/*
	 * A held task's fd table cannot change; one SIGKILLed meanwhile
	 * (no longer held) drops its files before it is a zombie, and
	 * the iterator then sees none: that is its exit, not a new kind
	 * of pidfd.
	 */
	if (!pt && t && dump_ctx__gone_err(t, -ENOENT) == -ESRCH)
		return -ESRCH;
	if (!pt) {
		pr_err("pid %d fd %d: a pidfd the iterator did not see is not supported", l->pid,
		       l->fd);
		return -EOPNOTSUPP;
	}
	e->has_pidfd_ino = true;
	e->pidfd_ino = pt->ino;
	return add_pidfd(ctx, l->pid, pt);
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	if (!e->has_pidfd_ino)
		return bad(img, n, "fd %u names no object", e->fd);
	return 0;
}

/* The target as pidfds.img says (its pidfs inode and holders are under "pidfd targets"). */
static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const PidfdTargetEntry *p = show__pidfd_target(s, e->pidfd_ino);
	int n;

	if (!p) {
		snprintf(buf, len, "pidfs %lu: target missing from pidfds.img",
			 (unsigned long)e->pidfd_ino);
		return true;
	}
	if (p->has_tree_tid)
		n = snprintf(buf, len, "thread %u of pid %u %s", p->tree_tid, p->tree_pid,
			     show__pidfd_state(p->state));
	else
		n = snprintf(buf, len, "pid %u %s", p->n_nspid ? p->nspid[0] : 0,
			     show__pidfd_state(p->state));
	if (p->has_exit_status && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " status 0x%x", p->exit_status);
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const PidfdTargetEntry *p = show__pidfd_target(s, e->pidfd_ino);

	json_object_object_add(o, "pidfd_ino", json_object_new_int64(e->pidfd_ino));
	json_object_object_add(o, "thread", json_object_new_boolean(e->flags & O_EXCL));
	if (p)
		json_object_object_add(o, "pidfd", show_json__pidfd(p));
}

const struct fd_kind kind_pidfd = {
	.type = FD_TYPE__FD_PIDFD,
	.name = "pidfd",
	.noun = "pidfd",
	.test = "pidfd",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = restore_files__open_pidfd,
	.describe = describe,
	.json = json,
};
