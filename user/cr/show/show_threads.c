// SPDX-License-Identifier: GPL-2.0
/*
 * show_threads.c - the threads of a process in `pidtrace show` (see
 * show_threads.h). A thread is shown with what the image keeps of it:
 * name, registers, syscall, rseq, blocked mask, private queue, altstack,
 * parent-death signal, nice, clear_child_tid, robust list and, when they
 * are its own, credentials.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "escape.h"
#include "names.h"
#include "show.h"
#include "show_threads.h"

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)v);
	return escape__json_string(buf);
}

/* A mask by names; a mask of nearly everything as what it leaves out. */
static void print_mask(uint64_t mask)
{
	const uint64_t never = (1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1));
	bool most = __builtin_popcountll(mask) > 32;
	char nb[16];
	int sig, n = 0;

	if (most)
		printf("all but ");
	for (sig = 1; sig <= 64; sig++) {
		bool in = mask & (1ULL << (sig - 1));

		if (most ? (!in && !(never & (1ULL << (sig - 1)))) : in)
			printf("%s%s", n++ ? "," : "", names__signame(sig, nb, sizeof(nb)));
	}
	if (!n)
		printf(most ? "SIGKILL,SIGSTOP" : "-");
}

/* What the kernel does for a thread at its exit: clear_child_tid, robust list. */
static void print_exit_state(const char *indent, const ThreadCore *th)
{
	printf("%sclear_child_tid 0x%lx, robust list 0x%lx (%lu bytes)\n", indent,
	       th->has_clear_child_tid ? th->clear_child_tid : 0,
	       th->has_robust_list ? th->robust_list : 0,
	       th->has_robust_list_len ? th->robust_list_len : 0);
}

static void print_thread(const ThreadCore *th)
{
	const UserRegs *r = th->regs;
	char nb[16];
	size_t i;

	printf("  thread %u (%s): rip 0x%lx rsp 0x%lx fs_base 0x%lx\n", th->tid, escape__str(th->comm), r->rip,
	       r->rsp, r->fs_base);
	printf("    xstate %zu bytes", th->xstate.len);
	if (th->rseq && th->rseq->pointer)
		printf(", rseq 0x%lx", th->rseq->pointer);
	if (th->has_nice)
		printf(", nice %d", th->nice);
	if (th->has_syscall_nr)
		printf(", in syscall %ld (returned %ld%s)", th->syscall_nr, th->syscall_ret,
		       th->syscall_restart ? ": restarts" : "");
	printf("\n");
	print_exit_state("    ", th);
	if (th->creds && th->creds->n_uid >= 4 && th->creds->n_gid >= 4)
		printf("    own creds: uid %u/%u/%u/%u gid %u/%u/%u/%u caps eff 0x%lx\n",
		       th->creds->uid[0], th->creds->uid[1], th->creds->uid[2], th->creds->uid[3],
		       th->creds->gid[0], th->creds->gid[1], th->creds->gid[2], th->creds->gid[3],
		       th->creds->cap_eff);
	printf("    blocked ");
	print_mask(th->blocked);
	if (th->has_pdeath_sig && th->pdeath_sig)
		printf("; pdeath %s", names__signame(th->pdeath_sig, nb, sizeof(nb)));
	if (th->sigaltstack && !(th->sigaltstack->flags & SS_DISABLE))
		printf("; altstack 0x%lx size %lu", th->sigaltstack->sp, th->sigaltstack->size);
	printf("\n");
	for (i = 0; i < th->n_pending; i++) {
		const SiginfoEntry *e = th->pending[i];

		printf("    pending %-10s thread  code %d", names__signame(e->signo, nb, sizeof(nb)), e->code);
		if (e->has_sender_pid)
			printf(", from pid %d uid %u", e->sender_pid, e->sender_uid);
		printf("\n");
	}
}

void show_threads__print(const TaskCore *c)
{
	size_t i;

	if (!c->thread)
		return;
	if (c->thread->has_clear_child_tid || c->thread->has_robust_list)
		print_exit_state("  main thread: ", c->thread);
	if (!c->n_threads)
		return;
	printf("  threads: %zu more\n", c->n_threads);
	for (i = 0; i < c->n_threads; i++)
		print_thread(c->threads[i]);
}

static void add_exit_state(const ThreadCore *th, struct json_object *o)
{
	if (th->has_clear_child_tid)
		add(o, "clear_child_tid", hex(th->clear_child_tid));
	if (th->has_robust_list) {
		add(o, "robust_list", hex(th->robust_list));
		add(o, "robust_list_len", json_object_new_int64(th->robust_list_len));
	}
}

static struct json_object *thread_json(const ThreadCore *th)
{
	struct json_object *o = json_object_new_object(), *sg = json_object_new_object(), *a;
	char nb[16];
	size_t i;
	int sig;

	add(o, "tid", json_object_new_int64(th->tid));
	add(o, "comm", escape__json_string(th->comm));
	if (th->has_nice)
		add(o, "nice", json_object_new_int(th->nice));
	add(o, "regs", show_json__regs(th->regs));
	add(o, "xstate_bytes", json_object_new_int64(th->xstate.len));
	if (th->has_syscall_nr) {
		struct json_object *sc = json_object_new_object();

		add(sc, "nr", json_object_new_int64(th->syscall_nr));
		add(sc, "ret", json_object_new_int64(th->syscall_ret));
		add(sc, "restart", json_object_new_boolean(th->syscall_restart));
		add(o, "syscall", sc);
	}
	if (th->rseq) {
		struct json_object *rs = json_object_new_object();

		add(rs, "pointer", hex(th->rseq->pointer));
		add(rs, "size", json_object_new_int64(th->rseq->size));
		add(rs, "signature", hex(th->rseq->signature));
		add(o, "rseq", rs);
	}
	add_exit_state(th, o);
	if (th->creds)
		add(o, "creds", show_json__creds(th->creds));
	add(sg, "blocked", hex(th->blocked));
	a = json_object_new_array();
	for (sig = 1; sig <= 64; sig++)
		if (th->blocked & (1ULL << (sig - 1)))
			json_object_array_add(a, escape__json_string(names__signame(sig, nb, sizeof(nb))));
	add(sg, "blocked_names", a);
	a = json_object_new_array();
	for (i = 0; i < th->n_pending; i++)
		json_object_array_add(a, show_json__siginfo(th->pending[i]));
	add(sg, "pending", a);
	if (th->sigaltstack)
		add(sg, "sigaltstack", show_json__sigaltstack(th->sigaltstack));
	add(sg, "pdeath_sig", json_object_new_int(th->has_pdeath_sig ? th->pdeath_sig : 0));
	add(o, "signals", sg);
	return o;
}

void show_threads__json(const TaskCore *c, struct json_object *task)
{
	struct json_object *a;
	size_t i;

	if (!c->thread)
		return;
	add_exit_state(c->thread, task);
	a = json_object_new_array();
	for (i = 0; i < c->n_threads; i++)
		json_object_array_add(a, thread_json(c->threads[i]));
	add(task, "threads", a);
}
