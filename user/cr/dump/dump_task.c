// SPDX-License-Identifier: GPL-2.0
/*
 * dump_task.c - one task's identity, credentials, registers, mm fields and
 * limits (see dump_task.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/kcmp.h>

#include "dump_cgroup.h"
#include "dump_ctx.h"
#include "dump_seccomp.h"
#include "dump_stopped.h"
#include "dump_ctty.h"
#include "dump_task.h"
#include "dump_taskstate.h"
#include "dump_threads.h"
#include "log.h"
#include "ptrace.h"


static int copy_list(const char *status, const char *key, uint32_t **out, size_t *n)
{
	uint32_t vals[64];
	int err;

	err = procfs__field_list(status, key, vals, 64, n);
	if (err == -ENOENT) {
		*n = 0;
		return 0;
	}
	if (err)
		return err;
	if (!*n)
		return 0;
	*out = malloc(*n * sizeof(uint32_t));
	if (!*out)
		return -ENOMEM;
	memcpy(*out, vals, *n * sizeof(uint32_t));
	return 0;
}

static int fill_ids(struct dump_task *t, const char *status, TaskIds **out)
{
	TaskIds *ids = PB_NEW(TaskIds, task_ids);
	char path[64];
	struct stat st;
	int err;

	if (!ids)
		return -ENOMEM;
	*out = ids;
	ids->pid = t->pid;
	ids->ppid = t->stat.ppid;
	ids->pgid = t->stat.pgrp;
	ids->sid = t->stat.session;
	ids->exit_signal = t->stat.exit_signal;
	err = copy_list(status, "NSpid:", &ids->nspid, &ids->n_nspid);
	if (!err)
		err = copy_list(status, "NSpgid:", &ids->nspgid, &ids->n_nspgid);
	if (!err)
		err = copy_list(status, "NSsid:", &ids->nssid, &ids->n_nssid);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", t->pid);
	if (!err && !stat(path, &st)) {
		ids->has_pidns_ino = true;
		ids->pidns_ino = st.st_ino;
	}
	return err;
}

static uint64_t hex_field(const char *status, const char *key)
{
	uint64_t v = 0;

	procfs__field_u64(status, key, 16, &v);
	return v;
}

int dump_task__creds(pid_t pid, pid_t tid, const char *status, TaskCreds **out)
{
	TaskCreds *c = PB_NEW(TaskCreds, task_creds);
	char name[64], *pers = NULL;
	uint64_t v = 0;
	int err;

	if (!c)
		return -ENOMEM;
	*out = c;
	err = copy_list(status, "Uid:", &c->uid, &c->n_uid);
	if (!err)
		err = copy_list(status, "Gid:", &c->gid, &c->n_gid);
	if (!err)
		err = copy_list(status, "Groups:", &c->groups, &c->n_groups);
	if (err)
		return err;
	c->cap_inh = hex_field(status, "CapInh:");
	c->cap_prm = hex_field(status, "CapPrm:");
	c->cap_eff = hex_field(status, "CapEff:");
	c->cap_bnd = hex_field(status, "CapBnd:");
	c->cap_amb = hex_field(status, "CapAmb:");
	if (!procfs__field_u64(status, "NoNewPrivs:", 10, &v))
		c->no_new_privs = v;
	if (!procfs__field_u64(status, "Seccomp:", 10, &v))
		c->seccomp_mode = v;
	/* personality(2) too is per thread. */
	if (tid == pid)
		snprintf(name, sizeof(name), "personality");
	else
		snprintf(name, sizeof(name), "task/%d/personality", tid);
	if (!procfs__read(pid, name, &pers, NULL)) {
		c->personality = strtoul(pers, NULL, 16);
		free(pers);
	}
	return 0;
}

/*
 * A task frozen inside a syscall shows the syscall's -ERESTART* return in
 * rax; the kernel would rewind it on resume. Do that rewind in the image so
 * that a restored task simply executes the syscall again. Sleeps restart
 * with their full duration (the kernel's remaining time is not visible).
 */
static void normalize_syscall(ThreadCore *th, struct user_regs_struct *r)
{
	long ret = (long)r->rax;

	if ((long)r->orig_rax < 0)
		return;
	th->has_syscall_nr = true;
	th->syscall_nr = (long)r->orig_rax;
	th->has_syscall_ret = true;
	th->syscall_ret = ret;
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
	    ret == -ERESTART_RESTARTBLOCK) {
		r->rax = r->orig_rax;
		r->rip -= 2;
		r->orig_rax = -1;
		th->has_syscall_restart = true;
		th->syscall_restart = true;
	}
}

static UserRegs *regs_to_pb(const struct user_regs_struct *r)
{
	UserRegs *u = PB_NEW(UserRegs, user_regs);

	if (!u)
		return NULL;
	u->r15 = r->r15;
	u->r14 = r->r14;
	u->r13 = r->r13;
	u->r12 = r->r12;
	u->rbp = r->rbp;
	u->rbx = r->rbx;
	u->r11 = r->r11;
	u->r10 = r->r10;
	u->r9 = r->r9;
	u->r8 = r->r8;
	u->rax = r->rax;
	u->rcx = r->rcx;
	u->rdx = r->rdx;
	u->rsi = r->rsi;
	u->rdi = r->rdi;
	u->orig_rax = r->orig_rax;
	u->rip = r->rip;
	u->cs = r->cs;
	u->eflags = r->eflags;
	u->rsp = r->rsp;
	u->ss = r->ss;
	u->fs_base = r->fs_base;
	u->gs_base = r->gs_base;
	u->ds = r->ds;
	u->es = r->es;
	u->fs = r->fs;
	u->gs = r->gs;
	return u;
}

int dump_task__thread(pid_t tid, struct ptrace_task *pt, ThreadCore **out)
{
	struct user_regs_struct r;
	struct ptrace_core_rseq rseq;
	ThreadCore *th = PB_NEW(ThreadCore, thread_core);
	char *comm = NULL;
	void *xs = NULL;
	size_t xlen = 0;
	int err;

	if (!th)
		return -ENOMEM;
	*out = th;
	th->tid = tid;
	/* /proc/TID/comm: a thread's own name (any tid of the process works there). */
	err = procfs__read(tid, "comm", &comm, NULL);
	if (err)
		return err;
	comm[strcspn(comm, "\n")] = '\0';
	th->comm = comm;
	err = ptrace__get_regs(pt, &r);
	if (err)
		return err;
	normalize_syscall(th, &r);
	th->regs = regs_to_pb(&r);
	if (!th->regs)
		return -ENOMEM;
	err = ptrace__get_xstate(pt, &xs, &xlen);
	if (err)
		return err;
	th->xstate.data = xs;
	th->xstate.len = xlen;
	err = ptrace__get_rseq(pt, &rseq);
	if (err)
		return err;
	th->rseq = PB_NEW(RseqEntry, rseq_entry);
	if (!th->rseq)
		return -ENOMEM;
	th->rseq->pointer = rseq.rseq_abi_pointer;
	th->rseq->size = rseq.rseq_abi_size;
	th->rseq->signature = rseq.signature;
	return 0;
}

static int fill_mm(struct dump_task *t, MmCore **out)
{
	MmCore *mm = PB_NEW(MmCore, mm_core);
	char path[64], exe[4096];
	struct stat st;
	char *auxv = NULL;
	struct ptrace_call c[2];
	size_t len = 0, i;
	int err;

	if (!mm)
		return -ENOMEM;
	*out = mm;
	mm->start_code = t->stat.startcode;
	mm->end_code = t->stat.endcode;
	mm->start_data = t->stat.start_data;
	mm->end_data = t->stat.end_data;
	mm->start_brk = t->stat.start_brk;
	mm->start_stack = t->stat.startstack;
	mm->arg_start = t->stat.arg_start;
	mm->arg_end = t->stat.arg_end;
	mm->env_start = t->stat.env_start;
	mm->env_end = t->stat.env_end;
	err = procfs__readlink(t->pid, "exe", exe, sizeof(exe));
	if (err)
		exe[0] = '\0';
	mm->exe_path = dump_ctx__strdup(exe);
	if (!mm->exe_path)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/exe", t->pid);
	if (!stat(path, &st)) {
		mm->has_exe_dev = mm->has_exe_ino = true;
		mm->exe_dev = st.st_dev;
		mm->exe_ino = st.st_ino;
	}
	err = procfs__read(t->pid, "auxv", &auxv, &len);
	if (err)
		return err;
	mm->n_auxv = len / sizeof(uint64_t);
	mm->auxv = (uint64_t *)auxv;
	/* brk(0) and the dumpable flag in one batch (ptrace__syscalls()). */
	memset(c, 0, sizeof(c));
	c[0].nr = SYS_brk;
	c[1].nr = SYS_prctl;
	c[1].args[0] = PR_GET_DUMPABLE;
	err = ptrace__syscalls(t->pt, c, 2);
	for (i = 0; !err && i < 2; i++)
		if (c[i].ret < 0 && c[i].ret > -4096)
			err = (int)c[i].ret;
	if (err)
		return err;
	mm->brk = c[0].ret;
	mm->dumpable = c[1].ret;
	return 0;
}

/* "unlimited" or a decimal of /proc/PID/limits. Return: 0 or -EINVAL. */
static int parse_limit(const char *s, uint64_t *v)
{
	char *end;

	if (!strcmp(s, "unlimited")) {
		*v = RLIM64_INFINITY;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -EINVAL : 0;
}

/*
 * The limits as /proc/PID/limits prints them (readable by anyone, the
 * kernel's values in RLIMIT_* order: "unlimited" or a decimal, in fixed
 * columns after a 25-character name). Return: 0, or -EINVAL when the file
 * is not as expected (the caller asks the task instead).
 */
static int limits_from_proc(pid_t pid, uint64_t cur[RLIMIT_NLIMITS], uint64_t max[RLIMIT_NLIMITS])
{
	char *text = NULL, *line, soft[32], hard[32];
	int err, res;

	err = procfs__read(pid, "limits", &text, NULL);
	if (err)
		return err;
	line = strchr(text, '\n'); /* past the header */
	for (res = 0; !err && res < RLIMIT_NLIMITS; res++) {
		if (!line || strlen(++line) < 26 || sscanf(line + 26, "%31s %31s", soft, hard) != 2)
			err = -EINVAL;
		else if (parse_limit(soft, &cur[res]) || parse_limit(hard, &max[res]))
			err = -EINVAL;
		else
			line = strchr(line, '\n');
	}
	free(text);
	return err;
}

static int fill_rlimits(struct dump_task *t, TaskCore *core)
{
	struct rlimit64 {
		uint64_t cur, max;
	} lim[RLIMIT_NLIMITS];
	struct ptrace_call calls[RLIMIT_NLIMITS];
	uint64_t cur[RLIMIT_NLIMITS], max[RLIMIT_NLIMITS];
	unsigned long scratch;
	int err, res;

	core->rlimits = calloc(RLIMIT_NLIMITS, sizeof(*core->rlimits));
	if (!core->rlimits)
		return -ENOMEM;
	/*
	 * From /proc: no call in the task (16 calls were 32 ptrace stops).
	 * Only a file not as expected makes the task tell itself, in one
	 * batch of remote calls (prlimit64() on another user's task would
	 * need CAP_SYS_RESOURCE).
	 */
	if (!limits_from_proc(t->pid, cur, max)) {
		for (res = 0; res < RLIMIT_NLIMITS; res++) {
			lim[res].cur = cur[res];
			lim[res].max = max[res];
		}
		goto fill;
	}
	err = ptrace__scratch(t->pt, 4096, &scratch);
	if (err)
		return err;
	/* One batch of remote calls (ptrace__syscalls()), one slot each. */
	memset(calls, 0, sizeof(calls));
	for (res = 0; res < RLIMIT_NLIMITS; res++) {
		calls[res].nr = SYS_prlimit64;
		calls[res].args[1] = res;
		calls[res].args[3] = (long)(scratch + res * sizeof(lim[0]));
	}
	err = ptrace__syscalls(t->pt, calls, RLIMIT_NLIMITS);
	for (res = 0; !err && res < RLIMIT_NLIMITS; res++)
		if (calls[res].ret < 0 && calls[res].ret > -4096)
			err = (int)calls[res].ret;
	if (!err)
		err = ptrace__read_mem(t->pt, scratch, lim, sizeof(lim));
	if (err)
		return err;
fill:
	for (res = 0; res < RLIMIT_NLIMITS; res++) {
		core->rlimits[res] = PB_NEW(RlimitEntry, rlimit_entry);
		if (!core->rlimits[res])
			return -ENOMEM;
		core->n_rlimits++;
		core->rlimits[res]->resource = res;
		core->rlimits[res]->cur = lim[res].cur;
		core->rlimits[res]->max = lim[res].max;
	}
	return 0;
}

/*
 * Restore makes sessions with setsid() in their leader and groups with
 * setpgid() to a task of the tree; what is outside is inherited from
 * pidtrace, as the root's are. A group whose leader exited (zdtm
 * zombie01: no process has its pid) is made again by a helper with that
 * pid (restore_pgrp.c); one led by a live process outside the tree, or a
 * session that is not the parent's, could not be made again: refused
 * while the tree still runs.
 */
static int check_groups(struct dump_ctx *ctx, struct dump_task *t)
{
	struct dump_task *root = dump_ctx__find_task(ctx, ctx->root), *parent;

	if (!root || t == root)
		return 0;
	if (t->stat.pgrp != root->stat.pgrp && !dump_ctx__find_task(ctx, t->stat.pgrp) &&
	    procfs__exists(t->stat.pgrp)) {
		pr_err("pid %d: its process group %d is led by pid %d, outside the dumped tree: not supported",
		       t->pid, t->stat.pgrp, t->stat.pgrp);
		return -EOPNOTSUPP;
	}
	parent = dump_ctx__find_task(ctx, t->stat.ppid);
	if (t->stat.session != t->pid && parent && parent->stat.session != t->stat.session) {
		pr_err("pid %d: session %d is not its parent's: not supported", t->pid,
		       t->stat.session);
		return -EOPNOTSUPP;
	}
	return 0;
}

static bool same_table(pid_t a, pid_t b)
{
	return !syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);
}

int dump_task__fd_table(struct dump_ctx *ctx, struct dump_task *t, FilesImage *fi)
{
	struct dump_task *parent;
	size_t i;

	for (i = 0; i < ctx->ntasks && &ctx->tasks[i] != t; i++) {
		if (ctx->tasks[i].zombie || !same_table(ctx->tasks[i].pid, t->pid))
			continue;
		parent = dump_ctx__find_task(ctx, t->stat.ppid);
		if (!parent || parent->zombie || !same_table(parent->pid, t->pid)) {
			pr_err("pid %d shares its fd table with pid %d, not with its parent %d (the task that cloned it with CLONE_FILES exited or unshared it): not supported",
			       t->pid, ctx->tasks[i].pid, t->stat.ppid);
			return -EOPNOTSUPP;
		}
		fi->has_fd_table_of = true;
		fi->fd_table_of = ctx->tasks[i].pid;
		return 0;
	}
	return 0;
}

int dump_task__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore **out)
{
	TaskCore *core = PB_NEW(TaskCore, task_core);
	char *status = NULL;
	bool said = false;
	size_t i;
	int err;

	if (!core)
		return -ENOMEM;
	core->comm = dump_ctx__strdup(t->stat.comm);
	if (!core->comm) {
		free(core);
		return -ENOMEM;
	}
	err = check_groups(ctx, t);
	if (err) {
		task_core__free_unpacked(core, NULL);
		return err;
	}
	core->pid = t->pid;
	core->state = t->zombie ? TASK_STATE__TASK_ZOMBIE : TASK_STATE__TASK_ALIVE;
	core->has_nice = true;
	core->nice = t->stat.nice;
	err = procfs__read(t->pid, "status", &status, NULL);
	if (!err)
		err = fill_ids(t, status, &core->ids);
	if (!err)
		err = dump_task__creds(t->pid, t->pid, status, &core->creds);
	if (err)
		goto out;
	if (t->zombie) {
		core->has_exit_status = true;
		core->exit_status = t->stat.exit_code;
		err = dump_cgroup__task(ctx, t, core);
		goto out;
	}
	err = dump_task__thread(t->pid, t->pt, &core->thread);
	if (!err)
		err = dump_seccomp__thread(t->pt, t->pid, t->pid, core->thread);
	if (!err)
		dump_stopped__core(t, core);
	if (!err)
		err = fill_mm(t, &core->mm);
	if (!err)
		err = fill_rlimits(t, core);
	if (!err)
		err = dump_ctty__core(ctx, t, core);
	/* Every thread's own state, the main thread's included (dump_threads.c). */
	if (!err) {
		err = dump_threads__core(ctx, t, core);
		said = err != 0; /* by dump_threads.c, in its own words */
	}
	if (!err)
		err = dump_taskstate__thread(t->pid, t->pid, core->thread);
	for (i = 0; !err && i < core->n_threads; i++)
		err = dump_taskstate__thread(t->pid, core->threads[i]->tid, core->threads[i]);
	if (!err)
		err = dump_taskstate__task(t, core);
	/* After the threads: those in cgroups of their own are noted in theirs. */
	if (!err)
		err = dump_cgroup__task(ctx, t, core);
out:
	free(status);
	err = dump_ctx__gone_err(t, err);
	if (err) {
		/* -EOPNOTSUPP: refused, and said so. */
		if (err != -ESRCH && err != -EOPNOTSUPP && !said)
			pr_err("pid %d: cannot read its state: %s", t->pid, strerror(-err));
		task_core__free_unpacked(core, NULL);
		return err;
	}
	(void)ctx;
	*out = core;
	return 0;
}
