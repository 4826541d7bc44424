/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explain.h - turn raw tracer records into explanations.
 *
 * The kernel side reports generations, deaths, OOM choices and lineage
 * separately; explain ties a death to the generation that caused it (the
 * two can be far apart: a blocked signal, a slow exit), symbolizes stacks,
 * resolves cgroups, picks the cause class and writes the sentence a user
 * reads. Output modules get finished struct xrec records only.
 */
#ifndef PT_EXPLAIN_H
#define PT_EXPLAIN_H

#include <stdbool.h>
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

struct explain;

struct explain_opts {
	bool report_signals; /* emit a XREC_SIGNAL record for every generation */
	bool symbolize_user; /* symbolize user stacks (libdwfl) */
	int (*emit)(void *ctx, const struct xrec *r);
	void *ctx;
};

struct explain *explain__new(const struct explain_opts *opts);
void explain__free(struct explain *ex);
/* Feed one raw record from the tracer. Return: 0 or the emit callback's error. */
int explain__feed(struct explain *ex, const void *data, size_t size);
/*
 * Declare that the death of @pid by signal @signo is planned (a restore
 * helper, a rollback): its record gets @cause, expected = true and @why as
 * detail -- only if the generation that killed it is @signo, sent with a
 * kill syscall by thread group @sender, at or after @since_ns (monotonic:
 * the decision). Any other death of @pid keeps the cause its records
 * show, unexpected.
 */
int explain__expect(struct explain *ex, uint32_t pid, uint32_t sender, int signo, uint64_t since_ns,
		    enum cause cause, const char *why);
/*
 * Generations of @signo (0: any) delivered to a thread group whose exit
 * record has not been read yet: kills whose deaths are still to come.
 */
size_t explain__pending(const struct explain *ex, int signo);
/* Emit what is still held back (deaths waiting for a related record): call before the end. */
int explain__flush(struct explain *ex);
/* Add a line to r->unknown: fmt has one %s for @arg. */
void xrec__add_unknown(struct xrec *r, const char *fmt, const char *arg);
/* Write r->detail, the sentence for r's cause (explain_words.c). */
void explain_words__detail(struct xrec *r);
/*
 * What a kill syscall aimed at (explain_words.c): "process" (one pid),
 * "own-group" (kill(0)), "group" (kill(-N)), "all" (kill(-1)); NULL when
 * r is not a kill() with known arguments. @words (may be NULL) gets the
 * phrase: "its own process group 4193 (3 processes)", "every process it
 * may signal"; "" for "process".
 */
const char *explain_words__kill_target(const struct xrec *r, char *words, size_t len);
/* Counters for the summary. */
uint64_t explain__deaths(const struct explain *ex);
uint64_t explain__signals(const struct explain *ex);

#endif
