// SPDX-License-Identifier: GPL-2.0
/*
 * show_json.c - an image as one JSON document (field by field in
 * docs/image.md). Addresses, masks and flags are "0x..." strings; sizes,
 * counts, pids and numbers a program compares are JSON numbers.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>

#include <json-c/json.h>

#include "escape.h"
#include "kind_deleted.h"
#include "kind_locks.h"
#include "kinds.h"
#include "names.h"
#include "netlock.h"
#include "page.h"
#include "show.h"
#include "show_netns.h"
#include "show_cgroup.h"
#include "show_fown.h"
#include "show_mem.h"
#include "show_taskstate.h"
#include "show_threads.h"
#include "show_timers.h"

static struct json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)v);
	return escape__json_string(buf);
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *u32_array(const uint32_t *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int64(v[i]));
	return a;
}

static struct json_object *sig_names(uint64_t mask)
{
	struct json_object *a = json_object_new_array();
	char nb[16];
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (mask & (1ULL << (sig - 1)))
			json_object_array_add(a, escape__json_string(names__signame(sig, nb, sizeof(nb))));
	return a;
}

static struct json_object *regs_json(const UserRegs *r)
{
	struct json_object *o = json_object_new_object();

#define R(x) add(o, #x, hex(r->x))
	R(rip); R(rsp); R(rbp); R(rax); R(rbx); R(rcx); R(rdx); R(rsi); R(rdi);
	R(r8); R(r9); R(r10); R(r11); R(r12); R(r13); R(r14); R(r15);
	R(orig_rax); R(eflags); R(cs); R(ss); R(ds); R(es); R(fs); R(gs);
	R(fs_base); R(gs_base);
#undef R
	return o;
}

static struct json_object *siginfo_json(const SiginfoEntry *e)
{
	struct json_object *o = json_object_new_object();
	char nb[16];

	add(o, "signo", json_object_new_int(e->signo));
	add(o, "name", escape__json_string(names__signame(e->signo, nb, sizeof(nb))));
	add(o, "code", json_object_new_int(e->code));
	add(o, "errno", json_object_new_int(e->err_no));
	if (e->has_sender_pid) {
		add(o, "sender_pid", json_object_new_int(e->sender_pid));
		add(o, "sender_uid", json_object_new_int64(e->sender_uid));
	}
	return o;
}

static struct json_object *signals_json(const TaskCore *c)
{
	const ThreadCore *th = c->thread;
	struct json_object *o = json_object_new_object(), *a;
	char nb[16];
	size_t i;

	add(o, "blocked", hex(th->blocked));
	add(o, "blocked_names", sig_names(th->blocked));
	a = json_object_new_array();
	for (i = 0; i < th->n_pending; i++)
		json_object_array_add(a, siginfo_json(th->pending[i]));
	add(o, "pending", a);
	a = json_object_new_array();
	for (i = 0; i < c->n_shared_pending; i++)
		json_object_array_add(a, siginfo_json(c->shared_pending[i]));
	add(o, "shared_pending", a);
	/* Only the actions that differ from a fresh process's. */
	a = json_object_new_array();
	for (i = 0; i < c->n_sigactions; i++) {
		const SigactionEntry *s = c->sigactions[i];
		struct json_object *e;

		if (!s->handler && !s->flags && !s->mask)
			continue;
		e = json_object_new_object();
		add(e, "sig", json_object_new_int(s->sig));
		add(e, "name", escape__json_string(names__signame(s->sig, nb, sizeof(nb))));
		add(e, "handler", s->handler == 0 ? escape__json_string("SIG_DFL") :
				  s->handler == 1 ? escape__json_string("SIG_IGN") : hex(s->handler));
		add(e, "flags", hex(s->flags));
		add(e, "restorer", hex(s->restorer));
		add(e, "mask", hex(s->mask));
		json_object_array_add(a, e);
	}
	add(o, "sigactions", a);
	if (th->sigaltstack)
		add(o, "sigaltstack", show_json__sigaltstack(th->sigaltstack));
	add(o, "pdeath_sig", json_object_new_int(c->has_pdeath_sig ? c->pdeath_sig : 0));
	return o;
}

struct json_object *show_json__creds(const TaskCreds *c)
{
	struct json_object *o = json_object_new_object();

	add(o, "uid", u32_array(c->uid, c->n_uid));
	add(o, "gid", u32_array(c->gid, c->n_gid));
	add(o, "groups", u32_array(c->groups, c->n_groups));
	add(o, "cap_inh", hex(c->cap_inh));
	add(o, "cap_prm", hex(c->cap_prm));
	add(o, "cap_eff", hex(c->cap_eff));
	add(o, "cap_bnd", hex(c->cap_bnd));
	add(o, "cap_amb", hex(c->cap_amb));
	add(o, "no_new_privs", json_object_new_boolean(c->no_new_privs));
	add(o, "seccomp_mode", json_object_new_int(c->seccomp_mode));
	add(o, "personality", hex(c->personality));
	return o;
}

static struct json_object *mm_json(const MmCore *m)
{
	struct json_object *o = json_object_new_object();

#define M(x) add(o, #x, hex(m->x))
	M(start_code); M(end_code); M(start_data); M(end_data); M(start_brk); M(brk);
	M(start_stack); M(arg_start); M(arg_end); M(env_start); M(env_end);
#undef M
	add(o, "exe", escape__json_string(m->exe_path));
	add(o, "auxv_entries", json_object_new_int64(m->n_auxv / 2));
	add(o, "dumpable", json_object_new_int(m->dumpable));
	return o;
}

static struct json_object *vma_json(const VmaEntry *v)
{
	struct json_object *o = json_object_new_object();
	char prot[4];

	snprintf(prot, sizeof(prot), "%c%c%c", v->prot & 1 ? 'r' : '-', v->prot & 2 ? 'w' : '-',
		 v->prot & 4 ? 'x' : '-');
	add(o, "start", hex(v->start));
	add(o, "end", hex(v->end));
	add(o, "size", json_object_new_int64(v->end - v->start));
	add(o, "prot", escape__json_string(prot));
	add(o, "shared", json_object_new_boolean(v->flags & 0x01));
	add(o, "kind", escape__json_string(show__vma_kind(v->kind)));
	add(o, "pgoff", json_object_new_int64(v->pgoff));
	add(o, "name", escape__json_string(v->name ? v->name : ""));
	if (v->path)
		add(o, "path", escape__json_string(v->path));
	if (v->has_ino) {
		add(o, "dev", json_object_new_int64(v->dev));
		add(o, "ino", json_object_new_int64(v->ino));
		add(o, "file_size", json_object_new_int64(v->file_size));
	}
	if (v->has_shmid)
		add(o, "shmid", json_object_new_int64(v->shmid));
	add(o, "vm_flags", escape__json_string(v->vm_flags ? v->vm_flags : ""));
	add(o, "rss", json_object_new_int64(v->rss));
	add(o, "dumped_pages", json_object_new_int64(v->dumped_pages));
	if (v->n_cow) {
		uint64_t cow = 0;
		size_t k;

		for (k = 0; k < v->n_cow; k++)
			cow += v->cow[k]->nr_pages;
		add(o, "cow_pages", json_object_new_int64(cow));
	}
	show_mem__vma_json(v, o);
	if (v->ghost) {
		struct json_object *d = json_object_new_object();

		add(d, "path", escape__json_string(v->ghost->path));
		add(d, "size", json_object_new_int64(v->ghost->size));
		add(d, "mode", hex(v->ghost->mode));
		add(d, "uid", json_object_new_int64(v->ghost->uid));
		add(d, "gid", json_object_new_int64(v->ghost->gid));
		add(d, "data_here", json_object_new_boolean(v->ghost->data_here));
		kind_deleted__json_data(v->ghost, d);
		add(o, "deleted", d);
	}
	return o;
}

struct json_object *show_json__pidfd(const PidfdTargetEntry *p)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	add(o, "ino", json_object_new_int64(p->ino));
	add(o, "state", escape__json_string(show__pidfd_state(p->state)));
	add(o, "pid", json_object_new_int64(p->n_nspid ? p->nspid[0] : 0));
	add(o, "nspid", u32_array(p->nspid, p->n_nspid));
	if (p->has_exit_status)
		add(o, "exit_status", json_object_new_int(p->exit_status));
	if (p->has_tree_pid)
		add(o, "tree_pid", json_object_new_int64(p->tree_pid));
	if (p->has_tree_tid)
		add(o, "tree_tid", json_object_new_int64(p->tree_tid));
	if (p->comm && *p->comm)
		add(o, "comm", escape__json_string(p->comm));
	if (p->death) {
		const PidfdDeathNote *d = p->death;
		struct json_object *dn = json_object_new_object();

		add(dn, "pid", json_object_new_int64(d->pid));
		add(dn, "ppid", json_object_new_int64(d->ppid));
		add(dn, "comm", escape__json_string(d->comm));
		add(dn, "parent_comm", escape__json_string(d->parent_comm));
		add(dn, "exit_status", json_object_new_int64(d->exit_status));
		add(dn, "ts_ns", json_object_new_int64(d->ts_ns));
		if (d->has_sig) {
			add(dn, "signo", json_object_new_int(d->sig));
			add(dn, "si_code", json_object_new_int(d->si_code));
			add(dn, "killer_pid", json_object_new_int64(d->killer_pid));
			add(dn, "killer_uid", json_object_new_int64(d->killer_uid));
			add(dn, "killer_comm", escape__json_string(d->killer_comm ? d->killer_comm : ""));
			add(dn, "killer_syscall", json_object_new_int(d->killer_syscall));
		}
		add(o, "death", dn);
	}
	a = json_object_new_array();
	for (i = 0; i < p->n_holders; i++) {
		struct json_object *h = json_object_new_object();

		add(h, "pid", json_object_new_int64(p->holders[i]->pid));
		add(h, "fd", json_object_new_int64(p->holders[i]->fd));
		add(h, "thread", json_object_new_boolean(p->holders[i]->thread));
		json_object_array_add(a, h);
	}
	add(o, "holders", a);
	return o;
}

static struct json_object *fd_json(const struct image_tree *s, const FdEntry *e)
{
	struct json_object *o = json_object_new_object();
	const struct fd_kind *k;
	char flags[160];

	show__open_flags(e->flags, flags, sizeof(flags));
	add(o, "fd", json_object_new_int64(e->fd));
	add(o, "type", escape__json_string(kinds__name(e->type)));
	add(o, "flags", hex(e->flags));
	add(o, "flags_names", escape__json_string(flags));
	add(o, "cloexec", json_object_new_boolean(e->cloexec));
	/* Made by open(DIR, O_TMPFILE): fdinfo had __O_TMPFILE|O_DIRECTORY too. */
	if (e->tmpfile)
		add(o, "tmpfile", json_object_new_boolean(true));
	add(o, "ofd", json_object_new_int64(e->ofd_id));
	if (e->has_pos)
		add(o, "pos", json_object_new_int64(e->pos));
	if (e->path)
		add(o, "path", escape__json_string(e->path));
	/* Removed: restore makes it again and removes it (restore_rmdir.c). */
	if (e->dir_removed)
		add(o, "dir_removed", json_object_new_boolean(true));
	if (e->has_rdev)
		add(o, "rdev", hex(e->rdev));
	if (e->has_pipe_ino)
		add(o, "pipe_ino", json_object_new_int64(e->pipe_ino));
	kind_locks__json(e, o);
	show_fown__json(e, o);
	/* The kind's own members (kinds.h). */
	k = kinds__find(e->type);
	if (k && k->json)
		k->json(s, e, o);
	return o;
}

static struct json_object *task_json(const struct image_tree *s, const struct image_task *t)
{
	const TaskCore *c = t->core;
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	add(o, "pid", json_object_new_int64(c->pid));
	add(o, "ppid", json_object_new_int64(c->ids->ppid));
	add(o, "pgid", json_object_new_int64(c->ids->pgid));
	add(o, "sid", json_object_new_int64(c->ids->sid));
	add(o, "nspid", u32_array(c->ids->nspid, c->ids->n_nspid));
	add(o, "exit_signal", json_object_new_int(c->ids->exit_signal));
	add(o, "state", escape__json_string(c->state == TASK_STATE__TASK_ZOMBIE ? "zombie" :
										    "alive"));
	add(o, "comm", escape__json_string(c->comm));
	if (c->has_exit_status)
		add(o, "exit_status", json_object_new_int(c->exit_status));
	if (c->creds)
		add(o, "creds", show_json__creds(c->creds));
	show_cgroup__json(c, o);
	if (!c->thread)
		return o;
	add(o, "nice", json_object_new_int(c->nice));
	if (c->has_stop_sig) {
		char nb[16];

		add(o, "stop_signal", escape__json_string(names__signame(c->stop_sig, nb,
									    sizeof(nb))));
		/* Its parent had collected the stop (waitpid WUNTRACED). */
		add(o, "stop_reported", json_object_new_boolean(c->stop_reported));
	}
	if (c->has_autogroup_nice)
		add(o, "autogroup_nice", json_object_new_int(c->autogroup_nice));
	if (c->ctty_dev) {
		struct json_object *t = json_object_new_object();

		add(t, "path", escape__json_string(c->ctty_dev->path));
		add(t, "rdev", json_object_new_int64(c->ctty_dev->rdev));
		add(t, "fg_pgrp", json_object_new_int(c->ctty_dev->fg_pgrp));
		add(o, "ctty_dev", t);
	}
	add(o, "regs", regs_json(c->thread->regs));
	add(o, "xstate_bytes", json_object_new_int64(c->thread->xstate.len));
	if (c->thread->has_syscall_nr) {
		struct json_object *sc = json_object_new_object();

		add(sc, "nr", json_object_new_int64(c->thread->syscall_nr));
		add(sc, "ret", json_object_new_int64(c->thread->syscall_ret));
		add(sc, "restart", json_object_new_boolean(c->thread->syscall_restart));
		add(o, "syscall", sc);
	}
	if (c->thread->rseq) {
		struct json_object *rs = json_object_new_object();

		add(rs, "pointer", hex(c->thread->rseq->pointer));
		add(rs, "size", json_object_new_int64(c->thread->rseq->size));
		add(rs, "signature", hex(c->thread->rseq->signature));
		add(o, "rseq", rs);
	}
	add(o, "signals", signals_json(c));
	show_threads__json(c, o);
	show_taskstate__json(c, o);
	a = json_object_new_array();
	for (i = 0; i < c->n_rlimits; i++) {
		const RlimitEntry *r = c->rlimits[i];
		struct json_object *e = json_object_new_object();

		add(e, "resource", escape__json_string(show__rlimit_name(r->resource)));
		add(e, "cur", r->cur == RLIM_INFINITY ? escape__json_string("unlimited") :
							 json_object_new_int64(r->cur));
		add(e, "max", r->max == RLIM_INFINITY ? escape__json_string("unlimited") :
							 json_object_new_int64(r->max));
		json_object_array_add(a, e);
	}
	add(o, "rlimits", a);
	show_timers__json(c, o);
	if (c->mm)
		add(o, "mm", mm_json(c->mm));
	a = json_object_new_array();
	for (i = 0; t->mm && i < t->mm->n_vmas; i++)
		json_object_array_add(a, vma_json(t->mm->vmas[i]));
	add(o, "vmas", a);
	if (t->mm && t->mm->has_vdso_start) {
		struct json_object *v = json_object_new_object();

		add(v, "start", hex(t->mm->vdso_start));
		add(v, "end", hex(t->mm->vdso_end));
		add(o, "vdso_block", v);
	}
	if (t->pagemap) {
		struct json_object *p = json_object_new_object();

		add(p, "file", escape__json_string(t->pagemap->pages_file));
		add(p, "nr_pages", json_object_new_int64(t->pagemap->nr_pages));
		add(p, "bytes", json_object_new_int64(t->pagemap->nr_pages * PAGE));
		add(p, "runs", json_object_new_int64(t->pagemap->n_entries));
		add(o, "pages", p);
	}
	if (t->files) {
		char um[8];

		a = json_object_new_array();
		for (i = 0; i < t->files->n_fds; i++)
			json_object_array_add(a, fd_json(s, t->files->fds[i]));
		add(o, "fds", a);
		/* Its fds are that task's (CLONE_FILES): the table is stored once. */
		if (t->files->has_fd_table_of)
			add(o, "fd_table_of", json_object_new_int64(t->files->fd_table_of));
		add(o, "cwd", escape__json_string(t->files->cwd));
		if (t->files->cwd_removed)
			add(o, "cwd_removed", json_object_new_boolean(true));
		add(o, "root", escape__json_string(t->files->root));
		snprintf(um, sizeof(um), "%04o", t->files->umask);
		add(o, "umask", escape__json_string(um));
	}
	return o;
}

static struct json_object *shared_json(const struct image_tree *s, struct json_object *o)
{
	struct json_object *a = json_object_new_array();
	size_t i, j;

	for (i = 0; s->pipes && i < s->pipes->n_pipes; i++) {
		const PipeEntry *p = s->pipes->pipes[i];
		struct json_object *e = json_object_new_object();
		char *hexd = malloc(p->data.len * 2 + 1);

		add(e, "ino", json_object_new_int64(p->ino));
		add(e, "capacity", json_object_new_int64(p->capacity));
		add(e, "bytes", json_object_new_int64(p->data.len));
		if (hexd) {
			for (j = 0; j < p->data.len; j++)
				snprintf(hexd + 2 * j, 3, "%02x", p->data.data[j]);
			hexd[2 * p->data.len] = '\0';
			add(e, "data_hex", escape__json_string(hexd));
			free(hexd);
		}
		json_object_array_add(a, e);
	}
	add(o, "pipes", a);
	a = json_object_new_array();
	for (i = 0; s->pidfds && i < s->pidfds->n_targets; i++)
		json_object_array_add(a, show_json__pidfd(s->pidfds->targets[i]));
	add(o, "pidfd_targets", a);
	a = json_object_new_array();
	for (i = 0; s->shmem && i < s->shmem->n_objects; i++) {
		struct json_object *e = json_object_new_object();

		add(e, "shmid", json_object_new_int64(s->shmem->objects[i]->shmid));
		add(e, "size", json_object_new_int64(s->shmem->objects[i]->size));
		add(e, "pages", json_object_new_int64(show__shmem_pages(s, s->shmem->objects[i]->shmid)));
		show_mem__shmem_json(s->shmem->objects[i], e);
		json_object_array_add(a, e);
	}
	add(o, "shmem", a);
	show_cgroup__image_json(s->cgroups, o);
	return o;
}

void show_json__print(const struct image_tree *s, FILE *f)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	add(o, "dir", escape__json_string(image__dir(s->img)));
	add(o, "format_version", json_object_new_int64(s->inv->format_version));
	{
		char id[64];

		/* null for a version 1 image: it has none (docs/image.md). */
		add(o, "image_id", image__id_str(s->img, id, sizeof(id)) ?
					   escape__json_string(id) : NULL);
	}
	add(o, "pidtrace_version", escape__json_string(s->inv->pidtrace_version));
	add(o, "root_pid", json_object_new_int64(s->inv->root_pid));
	add(o, "created_ns", json_object_new_int64(s->inv->created_ns));
	add(o, "kernel_release", escape__json_string(s->inv->kernel_release));
	add(o, "boot_id", escape__json_string(s->inv->boot_id));
	add(o, "page_size", json_object_new_int64(s->inv->page_size));
	add(o, "leave_running", json_object_new_boolean(s->inv->leave_running));
	if (s->inv->netlock) {
		struct json_object *nl = json_object_new_object();

		add(nl, "path", escape__json_string(s->inv->netlock));
		add(nl, "held", json_object_new_boolean(netlock__exists(s->inv->netlock)));
		add(o, "netlock", nl);
	}
	a = json_object_new_array();
	for (i = 0; i < s->inv->n_external_ns; i++) {
		const InventoryNs *ns = s->inv->external_ns[i];
		struct json_object *e = json_object_new_object();

		add(e, "kind", escape__json_string(ns->kind));
		add(e, "ino", json_object_new_int64(ns->ino));
		add(e, "path", ns->path ? escape__json_string(ns->path) : NULL);
		json_object_array_add(a, e);
	}
	add(o, "external_ns", a);
	show_netns__json(s->inv, o);
	a = json_object_new_array();
	for (i = 0; i < s->inv->n_files; i++) {
		struct json_object *e = json_object_new_object();

		add(e, "name", escape__json_string(s->inv->files[i]->name));
		add(e, "kind", escape__json_string(s->inv->files[i]->kind));
		if (s->inv->files[i]->has_pid)
			add(e, "pid", json_object_new_int64(s->inv->files[i]->pid));
		add(e, "size", json_object_new_int64(s->inv->files[i]->size));
		json_object_array_add(a, e);
	}
	add(o, "files", a);
	a = json_object_new_array();
	for (i = 0; i < s->ntasks; i++)
		json_object_array_add(a, task_json(s, &s->tasks[i]));
	add(o, "tasks", a);
	shared_json(s, o);
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

struct json_object *show_json__regs(const UserRegs *r)
{
	return regs_json(r);
}

struct json_object *show_json__sigaltstack(const SigaltstackEntry *s)
{
	struct json_object *ss = json_object_new_object();

	add(ss, "sp", hex(s->sp));
	add(ss, "size", json_object_new_int64(s->size));
	add(ss, "flags", json_object_new_int(s->flags));
	add(ss, "disabled", json_object_new_boolean(s->flags & SS_DISABLE));
	return ss;
}

struct json_object *show_json__siginfo(const SiginfoEntry *e)
{
	return siginfo_json(e);
}
