/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xrecs.h - the explained record (struct xrec): what explain.c makes of
 * a death or a signal and every output reads, sender stacks in names
 * included (symbolize.c fills them). And records kept for after the
 * trace: the deaths of
 * `pidtrace run`'s report, of the timelines of run and watch, and of the
 * restore's report (watchdog.c). A plain growing array, read directly
 * (v[0..n-1]); zero-initialised it is empty.
 */
#ifndef PT_XRECS_H
#define PT_XRECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cause.h"
#include "pidtrace.h"

#define X_MAX_UNKNOWN 4
#define X_MAX_ALSO 4

struct xtask {
	uint32_t pid, tid, ppid, uid, ns_pid;
	uint64_t pidns, pid_ino, cgroup_id;
	char comm[PT_COMM_LEN];
	char cgroup[256]; /* "" when unknown */
};

enum xrec_kind { XREC_DEATH, XREC_SIGNAL };
enum sender_kind { SENDER_UNKNOWN, SENDER_USER, SENDER_KERNEL };

struct xrec {
	enum xrec_kind kind;
	uint64_t ts_ns;	      /* monotonic: the death, or the generation */
	struct timespec wall; /* the same instant, wall clock */
	struct xtask victim;

	bool has_gen; /* a generation of the fatal signal was seen */
	int signo;
	const char *si_code; /* NULL when no generation */
	char si_code_buf[16];
	const char *result;
	enum sender_kind sender_kind;
	bool has_sender;
	struct xtask sender;
	const char *syscall; /* NULL when not in a syscall we know */
	uint64_t sys_args[3];
	bool sys_args_valid;
	/* kill(0)/kill(-N): the process group signalled, and its size then
	 * (0 when the signal was not sent to a group). */
	uint32_t kill_pgrp, kill_pgrp_size;

	enum cause cause;
	bool expected; /* the death was planned (a restore helper) */
	char detail[400];

	int nk;
	char kstack[PT_KSTACK_DEPTH][96];
	int nu;
	char ustack[PT_USTACK_DEPTH][192];
	const char *stack_method; /* "dwarf", "fp", "fp-checked"; NULL without a user stack */
	bool stack_truncated;	  /* frames past the last could not be proven */
	/* A fault (SIGSEGV, SIGBUS...): the victim's own stack is ustack. */
	bool has_fault;
	uint64_t fault_addr;  /* si_addr */
	char fault_what[128]; /* what that address was, "" when unknown */
	char fault_at[256];   /* "main() at fault.c:21", the faulting instruction */
	/* The stack went through abort() (1) or a failed assert() (2). */
	int aborted;
	/* The sender's own code that made the call: the first user frame
	 * outside the C library ("" when unknown). */
	char sender_fn[128];
	char sender_src[192]; /* "helper.c:42", "" without debuginfo */

	bool has_exit;
	uint32_t exit_status; /* raw wait status */
	int64_t delay_us;     /* generation to death, -1 if unknown */

	bool has_initiator;
	uint32_t init_tid;
	char init_comm[PT_COMM_LEN];
	const char *init_syscall;

	bool has_oom;
	struct {
		char memcg[256];
		uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
		int oom_score_adj;
		struct xtask trigger;
	} oom;

	int nalso;
	struct {
		bool has_sender;
		struct xtask sender;
		int signo;
		const char *result;
		enum cause cause;
	} also[X_MAX_ALSO];

	int nunknown;
	char unknown[X_MAX_UNKNOWN][160];
};

/* Add a line to r->unknown: fmt has one %s for @arg. */
void xrecs__add_unknown(struct xrec *r, const char *fmt, const char *arg);


struct xrecs {
	struct xrec *v;
	size_t n, cap;
};

int xrecs__push(struct xrecs *a, const struct xrec *r);
void xrecs__free(struct xrecs *a);

#endif
