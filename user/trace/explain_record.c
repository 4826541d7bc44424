// SPDX-License-Identifier: GPL-2.0
/*
 * explain_record.c - the raw records of the BPF side made into an explained
 * record (see explain_record.h): the tasks, the wall time, the cgroup path,
 * and the generation part: sender, syscall and its arguments, stacks in
 * names, a fault's address, and the cause class. explain.c decides which
 * records belong together; this is what each one says.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cause.h"
#include "explain_record.h"
#include "names.h"
#include "symbolize.h"
#include "unwind_fault.h"

void explain_record__task(struct xtask *x, const struct pt_task *t)
{
	memset(x, 0, sizeof(*x));
	x->pid = t->pid;
	x->tid = t->tid;
	x->ppid = t->ppid;
	x->uid = t->uid;
	x->ns_pid = t->ns_pid;
	x->pidns = t->pidns_ino;
	x->pid_ino = t->pid_ino;
	x->cgroup_id = t->cgroup_id;
	memcpy(x->comm, t->comm, sizeof(x->comm));
	x->comm[sizeof(x->comm) - 1] = '\0';
	/* The victim's cgroup path comes with the event (see cgpath_join). */
}

void explain_record__wall(struct xrec *r, int64_t wall_off_ns, uint64_t mono)
{
	int64_t w = (int64_t)mono + wall_off_ns;

	r->ts_ns = mono;
	r->wall.tv_sec = w / 1000000000LL;
	r->wall.tv_nsec = w % 1000000000LL;
}

static bool in_syscall(const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && (!strcmp(names[i], "do_syscall_64") ||
				 !strncmp(names[i], "entry_SYSCALL_64", 16) ||
				 !strncmp(names[i], "__x64_sys_", 10)))
			return true;
	return false;
}

void explain_record__generation(struct symbolizer *sym, struct xrec *r,
				const struct pt_signal_event *g, const struct pt_ustack *u,
				const struct pt_exit_event *x, const struct pt_oom_event *oom)
{
	const char *names[PT_KSTACK_DEPTH] = { 0 };
	struct cause_facts f = { .gen = g, .exit = x, .oom = oom };
	bool kernel_made;

	if (g) {
		r->has_gen = true;
		r->signo = g->sig;
		r->si_code = names__si_code(g->sig, g->si_code, r->si_code_buf,
					    sizeof(r->si_code_buf));
		r->result = names__gen_result(g->result);
		if (g->result == 0 && (g->hints & PT_HINT_VICTIM_BLOCKED))
			r->result = "blocked";
		explain_record__task(&r->sender, &g->sender);
		r->has_sender = true;
		/*
		 * No stack, no kernel symbols to load (a first load reads all
		 * of kallsyms); nor for a kill syscall's stack that nobody prints.
		 */
		if (g->kstack_sz > 0 && (symbolize__every_kstack(sym) || !cause__user_kill(g)))
			symbolize__kstack(sym, r, g->kstack, g->kstack_sz, names);
		if (u && u->ustack_sz > 0)
			symbolize__ustack(sym, r, g->sender.pid, u);
		if (u && (u->flags & PT_USTACK_FAULT)) {
			r->has_fault = true;
			r->fault_addr = u->fault_addr;
			unwind_fault__describe(g->sig, g->si_code, u->fault_addr, u->sp,
					       r->fault_what, sizeof(r->fault_what));
		}
	} else if (x && x->kstack_sz > 0) {
		symbolize__kstack(sym, r, x->kstack, x->kstack_sz, names);
	}
	f.kstack = names;
	f.kstack_n = r->nk;
	r->cause = cause__classify(&f);

	kernel_made = g && (g->info_kind != PT_INFO_REAL || g->si_code > 0);
	if (r->cause == CAUSE_KILL_SYSCALL)
		r->sender_kind = SENDER_USER;
	else if (g && (kernel_made || r->cause == CAUSE_CGROUP_KILL ||
		       r->cause == CAUSE_PTRACE_KILL))
		r->sender_kind = SENDER_KERNEL;
	else if (g)
		r->sender_kind = SENDER_USER;
	else
		r->sender_kind = SENDER_KERNEL;
	/*
	 * orig_ax names a syscall only when the sender was in one: the
	 * kernel stack shows the syscall entry then. (In an exception it is
	 * the error code, in an interrupt a negative vector.)
	 */
	if (g && g->syscall_nr >= 0 && (in_syscall(names, r->nk) || r->cause == CAUSE_KILL_SYSCALL)) {
		r->syscall = names__syscall(g->syscall_nr);
		if (r->syscall) {
			memcpy(r->sys_args, g->sys_args, sizeof(r->sys_args));
			r->sys_args_valid = true;
			r->kill_pgrp = g->pgrp;
			r->kill_pgrp_size = g->pgrp_size;
		}
	}
}

void explain_record__cgpath(const struct pt_cgpath *p, char *buf, size_t len)
{
	int n = p->depth < PT_CG_DEPTH ? (int)p->depth : PT_CG_DEPTH;
	size_t off = 0;
	int i;

	buf[0] = '\0';
	if (p->depth > PT_CG_DEPTH)
		off += snprintf(buf, len, "/...");
	for (i = n - 1; i >= 0 && off < len; i--)
		off += snprintf(buf + off, len - off, "/%.*s", PT_CG_NAME_LEN, p->names[i]);
	if (!n)
		snprintf(buf, len, "/");
}
