// SPDX-License-Identifier: GPL-2.0
/*
 * test_explain.c - the decision core (explain.c, cause.c, pending_gens.c,
 * verdict.c) fed with synthetic tracer records, the structs of
 * bpf/pidtrace.h as the BPF side fills them: every cause class, records out
 * of order, a lost generation, a death with no generation, and the
 * verdict's patterns.
 *
 * Records are built with designated initializers: a field added to a
 * record is zero here. Stack rules need kernel function names: the frames
 * are the real addresses of those functions in /proc/kallsyms (root), as
 * the BPF side would have recorded them, and explain symbolizes them.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "explain.h"
#include "ksyms.h"
#include "lineage.h"
#include "verdict.h"
#include "unit.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define NR_KILL 62
#define NR_PTRACE 101
#define NR_PIDFD_OPEN 434

/* ---- what explain emits ---- */

#define MAX_GOT 16
static struct xrec got[MAX_GOT];
static int ngot;

static int collect(void *ctx, const struct xrec *r)
{
	(void)ctx;
	if (ngot < MAX_GOT)
		got[ngot] = *r;
	ngot++;
	return 0;
}

static struct explain *new_explain(void)
{
	struct explain_opts o = { .emit = collect };

	ngot = 0;
	memset(got, 0, sizeof(got));
	return explain__new(&o);
}

/* ---- records ---- */

static struct pt_task task(uint32_t pid, const char *comm)
{
	struct pt_task t = { .pid = pid, .tid = pid, .ppid = 1, .ns_pid = pid };

	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

/* A generation of @sig to @victim by @sender; delivered (result 0). */
static struct pt_signal_event gen(uint64_t ts, uint32_t victim, uint32_t sender, int sig,
				  uint16_t info_kind, int si_code, int nr, uint32_t hints)
{
	struct pt_signal_event g = {
		.hdr = { .type = PT_EV_SIGNAL, .size = sizeof(g), .ts_ns = ts },
		.victim = task(victim, "victim"),
		.sender = task(sender, "sender"),
		.sig = sig,
		.si_code = si_code,
		.info_pid = info_kind == PT_INFO_REAL ? sender : 0,
		.info_kind = info_kind,
		.hints = hints,
		.syscall_nr = nr,
		.orig_ax = nr,
		.kstack_sz = -1,
	};

	return g;
}

/* The death of @pid by @sig (0: a plain exit), with exit @flags. */
static struct pt_exit_event death(uint64_t ts, uint32_t pid, int sig, uint32_t flags)
{
	struct pt_exit_event x = {
		.hdr = { .type = PT_EV_EXIT, .size = sizeof(x), .ts_ns = ts },
		.task = task(pid, "victim"),
		.exit_code = sig,
		.group_exit_code = sig,
		.flags = flags | PT_EXIT_GROUP_DEAD,
		.initiator_syscall = -1,
		.nr_threads = 1,
		.kstack_sz = -1,
	};

	return x;
}

static int feed_gen(struct explain *ex, struct pt_signal_event g)
{
	return explain__feed(ex, &g, sizeof(g));
}

static int feed_death(struct explain *ex, struct pt_exit_event x)
{
	return explain__feed(ex, &x, sizeof(x));
}

/* ---- kernel stacks from /proc/kallsyms ---- */

static struct ksyms *ks;

/* The address of the first of @fns this kernel has (0: none). */
static uint64_t kaddr(const char *const *fns)
{
	const struct ksym *s;

	if (!ks)
		ks = ksyms__load();
	for (; ks && *fns; fns++) {
		s = ksyms__get_symbol(ks, *fns);
		if (s && s->addr)
			return s->addr;
	}
	return 0;
}

/* Put @fns' function (one frame) as the generation's kernel stack. */
static int with_stack(struct pt_signal_event *g, const char *const *fns)
{
	uint64_t a = kaddr(fns);

	if (!a)
		return -ENOENT;
	g->kstack[0] = a;
	g->kstack_sz = 8;
	return 0;
}

/* ---- every cause class from a generation and its death ---- */

static const char *const oom_fns[] = { "oom_kill_process", "__oom_kill_process", NULL };
static const char *const pidns_fns[] = { "zap_pid_ns_processes", NULL };
static const char *const cgkill_fns[] = { "cgroup_kill_write", "__cgroup_kill", NULL };
static const char *const cputimer_fns[] = { "run_posix_cpu_timers", "handle_posix_cpu_timers",
					    "posix_cpu_timers_work", NULL };
static const char *const tty_fns[] = { "n_tty_receive_signal_char", "__isig", "isig", NULL };
static const char *const seccomp_fns[] = { "__seccomp_filter", NULL };

struct gen_case {
	const char *name;
	struct pt_signal_event g;
	const char *const *stack;
	enum cause want;
	enum sender_kind sender;
};

/* One generation then the death it causes: one record, of the class wanted. */
static void check_gen_case(const struct gen_case *c, uint32_t pid)
{
	struct pt_signal_event g = c->g;
	struct explain *ex = new_explain();
	const struct xrec *r = &got[0];

	CHECK(ex);
	g.victim.pid = g.victim.tid = pid;
	if (c->stack && with_stack(&g, c->stack)) {
		printf("FAIL %s: no %s in /proc/kallsyms\n", c->name, c->stack[0]);
		unit__failed_case = 1;
		explain__free(ex);
		return;
	}
	CHECK(feed_gen(ex, g) == 0);
	CHECK(explain__pending(ex, g.sig) == 1);
	CHECK(feed_death(ex, death(g.hdr.ts_ns + 3 * MS, pid, g.sig, 0)) == 0);
	CHECK(explain__pending(ex, 0) == 0);
	if (ngot != 1 || r->cause != c->want || !r->has_gen || r->sender_kind != c->sender) {
		printf("FAIL %s: %d records, cause %s (want %s), has_gen %d, sender kind %d (want %d)\n",
		       c->name, ngot, ngot ? cause__name(r->cause) : "-", cause__name(c->want),
		       r->has_gen, r->sender_kind, c->sender);
		unit__failed_case = 1;
	}
	CHECK(r->kind == XREC_DEATH && r->victim.pid == pid && r->signo == g.sig);
	CHECK(r->has_sender && r->sender.pid == g.sender.pid);
	CHECK(r->delay_us == 3000);
	CHECK(r->detail[0]);
	CHECK(explain__deaths(ex) == 1);
	explain__free(ex);
}

static void test_classes_from_generation(void)
{
	struct gen_case cases[] = {
		{ "kill-syscall", gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0),
		  NULL, CAUSE_KILL_SYSCALL, SENDER_USER },
		/* SI_USER from a pid, in no syscall pidtrace knows: still someone's kill. */
		{ "kill-no-syscall", gen(1 * SEC, 0, 500, SIGTERM, PT_INFO_REAL, SI_USER, -1, 0),
		  NULL, CAUSE_KILL_SYSCALL, SENDER_USER },
		{ "parent-death-signal",
		  gen(1 * SEC, 0, 500, SIGTERM, PT_INFO_NOINFO, SI_USER, -1,
		      PT_HINT_SENDER_EXITING | PT_HINT_PDEATH_MATCH),
		  NULL, CAUSE_PARENT_DEATH_SIGNAL, SENDER_KERNEL },
		{ "pidns-teardown",
		  gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1,
		      PT_HINT_SENDER_IS_REAPER | PT_HINT_SENDER_EXITING),
		  NULL, CAUSE_PIDNS_TEARDOWN, SENDER_KERNEL },
		{ "pidns-teardown-stack", gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1, 0),
		  pidns_fns, CAUSE_PIDNS_TEARDOWN, SENDER_KERNEL },
		{ "ptrace-kill", gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_NOINFO, SI_USER, NR_PTRACE, 0),
		  NULL, CAUSE_PTRACE_KILL, SENDER_KERNEL },
		{ "ptrace-exitkill",
		  gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1,
		      PT_HINT_EXITKILL | PT_HINT_SENDER_EXITING),
		  NULL, CAUSE_PTRACE_KILL, SENDER_KERNEL },
		{ "fault", gen(1 * SEC, 0, 0, SIGSEGV, PT_INFO_REAL, SEGV_MAPERR, -1, PT_HINT_SELF),
		  NULL, CAUSE_FAULT, SENDER_KERNEL },
		{ "seccomp", gen(1 * SEC, 0, 0, SIGSYS, PT_INFO_REAL, 1 /* SYS_SECCOMP */, -1, 0),
		  NULL, CAUSE_SECCOMP, SENDER_KERNEL },
		{ "seccomp-stack", gen(1 * SEC, 0, 0, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1, 0),
		  seccomp_fns, CAUSE_SECCOMP, SENDER_KERNEL },
		{ "oom-kill-stack", gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1, 0),
		  oom_fns, CAUSE_OOM_KILL, SENDER_KERNEL },
		{ "cgroup-kill", gen(1 * SEC, 0, 500, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1, 0),
		  cgkill_fns, CAUSE_CGROUP_KILL, SENDER_KERNEL },
		{ "rlimit-cpu", gen(1 * SEC, 0, 0, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1, 0),
		  cputimer_fns, CAUSE_RLIMIT_CPU, SENDER_KERNEL },
		{ "tty", gen(1 * SEC, 0, 0, SIGINT, PT_INFO_PRIV, SI_KERNEL, -1, 0), tty_fns,
		  CAUSE_TTY, SENDER_KERNEL },
		{ "kernel-other", gen(1 * SEC, 0, 0, SIGKILL, PT_INFO_PRIV, SI_KERNEL, -1, 0), NULL,
		  CAUSE_KERNEL_OTHER, SENDER_KERNEL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_gen_case(&cases[i], 1000 + i);
}

/* kill(2)'s details come through: the syscall and its arguments. */
static void test_kill_details(void)
{
	struct pt_signal_event g = gen(1 * SEC, 42, 500, SIGTERM, PT_INFO_REAL, SI_USER, NR_KILL, 0);
	struct explain *ex = new_explain();

	g.sys_args[0] = 42;
	g.sys_args[1] = SIGTERM;
	CHECK(feed_gen(ex, g) == 0);
	CHECK(feed_death(ex, death(2 * SEC, 42, SIGTERM, 0)) == 0);
	CHECK(ngot == 1);
	CHECK_STR(got[0].syscall, "kill");
	CHECK(got[0].sys_args_valid && got[0].sys_args[0] == 42 && got[0].sys_args[1] == SIGTERM);
	CHECK_STR(got[0].sender.comm, "sender");
	CHECK(got[0].delay_us == 1000000);
	explain__free(ex);
}

/* ---- classes with no generation: the death record and the OOM record say it ---- */

static void test_classes_without_generation(void)
{
	struct pt_oom_event oom = {
		.hdr = { .type = PT_EV_OOM, .size = sizeof(oom), .ts_ns = 1 * SEC },
		.victim = task(60, "victim"),
		.killer = task(61, "hog"),
		.total_vm_pages = 1000,
		.anon_rss_pages = 500,
		.oom_score_adj = 300,
	};
	struct pt_exit_event x;
	struct explain *ex = new_explain();

	/* The OOM killer's choice, then the death: its SIGKILL's generation was not seen. */
	CHECK(explain__feed(ex, &oom, sizeof(oom)) == 0);
	CHECK(feed_death(ex, death(2 * SEC, 60, SIGKILL, PT_EXIT_OOM_VICTIM)) == 0);
	CHECK(ngot == 1 && got[0].cause == CAUSE_OOM_KILL && got[0].has_oom);
	CHECK(got[0].oom.total_vm_kb == 4000 && got[0].oom.anon_rss_kb == 2000);
	CHECK(got[0].oom.oom_score_adj == 300 && got[0].oom.trigger.pid == 61);
	/* Marked an OOM victim, the OOM record lost. */
	CHECK(feed_death(ex, death(3 * SEC, 62, SIGKILL, PT_EXIT_OOM_VICTIM)) == 0);
	CHECK(ngot == 2 && got[1].cause == CAUSE_OOM_KILL && !got[1].has_oom);
	/* seccomp's SECCOMP_MODE_DEAD. */
	CHECK(feed_death(ex, death(4 * SEC, 63, SIGSYS, PT_EXIT_SECCOMP_DEAD)) == 0);
	CHECK(ngot == 3 && got[2].cause == CAUSE_SECCOMP);
	/* A thread killed by a sibling's execve(). */
	CHECK(feed_death(ex, death(5 * SEC, 64, 0, PT_EXIT_EXEC_ZAP)) == 0);
	CHECK(ngot == 4 && got[3].cause == CAUSE_EXEC_DE_THREAD && got[3].signo == SIGKILL);
	/* A thread killed by a sibling's exit_group(), the caller known. */
	x = death(6 * SEC, 65, 0, PT_EXIT_SIBLING_EXIT);
	x.initiator_tid = 66;
	snprintf(x.initiator_comm, sizeof(x.initiator_comm), "main");
	x.initiator_syscall = 231;
	CHECK(feed_death(ex, x) == 0);
	CHECK(ngot == 5 && got[4].cause == CAUSE_GROUP_EXIT && got[4].has_initiator);
	CHECK(got[4].init_tid == 66 && !strcmp(got[4].init_comm, "main"));
	CHECK_STR(got[4].init_syscall, "exit_group");
	explain__free(ex);
}

/* ---- a death with no generation; a lost generation ---- */

static void test_death_without_generation(void)
{
	struct explain *ex = new_explain();

	CHECK(feed_death(ex, death(1 * SEC, 70, SIGKILL, 0)) == 0);
	CHECK(ngot == 1 && got[0].cause == CAUSE_UNKNOWN && !got[0].has_gen);
	CHECK(!got[0].has_sender && got[0].delay_us == -1);
	CHECK(got[0].nunknown == 1 && strstr(got[0].unknown[0], "no generation of this signal"));
	/* An exit that is no death by a signal: nothing to explain. */
	CHECK(feed_death(ex, death(2 * SEC, 71, 0, 0)) == 0);
	CHECK(ngot == 1);
	explain__free(ex);
}

static void test_lost_generation(void)
{
	struct explain *ex = new_explain();
	struct pt_signal_event g;

	/* Generations for another process say nothing of this death. */
	CHECK(feed_gen(ex, gen(1 * SEC, 80, 500, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(2 * SEC, 81, SIGKILL, 0)) == 0);
	CHECK(ngot == 1 && got[0].cause == CAUSE_UNKNOWN && got[0].nunknown == 1);
	CHECK(explain__pending(ex, SIGKILL) == 1);
	/* A generation of another signal neither: it is listed, not blamed. */
	CHECK(feed_gen(ex, gen(3 * SEC, 82, 501, SIGUSR1, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(4 * SEC, 82, SIGKILL, 0)) == 0);
	CHECK(ngot == 2 && got[1].cause == CAUSE_UNKNOWN && !got[1].has_gen);
	CHECK(got[1].nalso == 1 && got[1].also[0].signo == SIGUSR1 &&
	      got[1].also[0].sender.pid == 501 && got[1].also[0].cause == CAUSE_KILL_SYSCALL);
	/* A generation that was not delivered (ignored) waits for no death. */
	g = gen(5 * SEC, 83, 502, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0);
	g.result = 1;
	CHECK(feed_gen(ex, g) == 0);
	CHECK(explain__pending(ex, SIGKILL) == 1);
	CHECK(feed_death(ex, death(6 * SEC, 83, SIGKILL, 0)) == 0);
	CHECK(ngot == 3 && got[2].cause == CAUSE_UNKNOWN);
	/* The process of the first generation exits normally: it is dropped. */
	CHECK(feed_death(ex, death(7 * SEC, 80, 0, 0)) == 0);
	CHECK(ngot == 3 && explain__pending(ex, 0) == 0);
	explain__free(ex);
}

/* ---- records out of order ---- */

static void test_out_of_order(void)
{
	struct explain *ex = new_explain();
	struct pt_exit_event init, sib;

	/* Several generations: the first of the fatal signal is the cause, the rest are listed. */
	CHECK(feed_gen(ex, gen(1 * SEC, 90, 500, SIGTERM, PT_INFO_REAL, SI_USER, NR_KILL,
			       PT_HINT_VICTIM_BLOCKED)) == 0);
	CHECK(feed_gen(ex, gen(2 * SEC, 90, 501, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_gen(ex, gen(3 * SEC, 90, 502, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(4 * SEC, 90, SIGKILL, 0)) == 0);
	CHECK(ngot == 1 && got[0].cause == CAUSE_KILL_SYSCALL && got[0].sender.pid == 501);
	CHECK(got[0].delay_us == 2000000 && got[0].nalso == 2);
	CHECK(got[0].also[0].sender.pid == 500 || got[0].also[1].sender.pid == 500);

	/* The death before its generation (as read): unknown, the generation left waiting. */
	CHECK(feed_death(ex, death(5 * SEC, 91, SIGKILL, 0)) == 0);
	CHECK(feed_gen(ex, gen(5 * SEC - 1 * MS, 91, 503, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL,
			       0)) == 0);
	CHECK(ngot == 2 && got[1].cause == CAUSE_UNKNOWN);
	CHECK(explain__pending(ex, SIGKILL) == 1);

	/*
	 * A thread killed by its sibling's exit_group() exits before the
	 * caller: held until the caller's own record says who it was.
	 */
	sib = death(6 * SEC, 92, 0, PT_EXIT_SIBLING_EXIT);
	sib.task.tid = 93;
	CHECK(feed_death(ex, sib) == 0);
	CHECK(ngot == 2);
	init = death(6 * SEC + 1 * MS, 92, 0, PT_EXIT_INITIATOR);
	init.task.tid = 92;
	snprintf(init.task.comm, sizeof(init.task.comm), "caller");
	CHECK(feed_death(ex, init) == 0);
	CHECK(ngot == 3 && got[2].cause == CAUSE_GROUP_EXIT && got[2].has_initiator);
	CHECK(got[2].init_tid == 92 && !strcmp(got[2].init_comm, "caller"));

	/* A held sibling whose caller never shows: emitted once it is old, or at flush. */
	sib = death(7 * SEC, 94, 0, PT_EXIT_SIBLING_EXIT);
	CHECK(feed_death(ex, sib) == 0);
	CHECK(feed_gen(ex, gen(7 * SEC + 100 * MS, 95, 0, SIGCHLD, PT_INFO_REAL, 1, -1, 0)) == 0);
	CHECK(ngot == 3);
	CHECK(feed_gen(ex, gen(8 * SEC, 95, 0, SIGCHLD, PT_INFO_REAL, 1, -1, 0)) == 0);
	CHECK(ngot == 4 && got[3].victim.pid == 94 && !got[3].has_initiator);
	sib = death(9 * SEC, 96, 0, PT_EXIT_SIBLING_EXIT);
	CHECK(feed_death(ex, sib) == 0);
	CHECK(ngot == 4);
	CHECK(explain__flush(ex) == 0);
	CHECK(ngot == 5 && got[4].victim.pid == 96 && got[4].cause == CAUSE_GROUP_EXIT);
	explain__free(ex);
}

/* ---- deaths pidtrace planned ---- */

static void test_expected(void)
{
	struct explain *ex = new_explain();
	const uint32_t me = 50; /* pidtrace */

	/* pidtrace decided at 1 s to SIGKILL 100, 101, 103, 104 and 105. */
	CHECK(explain__expect(ex, 100, me, SIGKILL, 1 * SEC, CAUSE_RESTORE_HELPER,
			      "a helper, killed on purpose") == 0);
	CHECK(explain__expect(ex, 101, me, SIGKILL, 1 * SEC, CAUSE_RESTORE_ROLLBACK, "") == 0);
	CHECK(explain__expect(ex, 103, me, SIGKILL, 1 * SEC, CAUSE_RESTORE_ROLLBACK, "") == 0);
	CHECK(explain__expect(ex, 104, me, SIGKILL, 1 * SEC, CAUSE_RESTORE_ROLLBACK, "") == 0);
	CHECK(explain__expect(ex, 105, me, SIGKILL, 1 * SEC, CAUSE_RESTORE_ROLLBACK, "") == 0);
	/* Its own kill, after the decision: expected, with the planned cause. */
	CHECK(feed_gen(ex, gen(2 * SEC, 100, me, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(2 * SEC + MS, 100, SIGKILL, 0)) == 0);
	CHECK(ngot == 1 && got[0].expected && got[0].cause == CAUSE_RESTORE_HELPER);
	CHECK_STR(got[0].detail, "a helper, killed on purpose");
	/* No generation seen: nothing proves it was ours. */
	CHECK(feed_death(ex, death(3 * SEC, 101, SIGKILL, 0)) == 0);
	CHECK(ngot == 2 && !got[1].expected && got[1].cause != CAUSE_RESTORE_ROLLBACK);
	/* Someone else's kill: its cause, unexpected, whoever was planning the same. */
	CHECK(feed_gen(ex, gen(4 * SEC, 103, 77, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(4 * SEC + MS, 103, SIGKILL, 0)) == 0);
	CHECK(ngot == 3 && !got[2].expected && got[2].cause == CAUSE_KILL_SYSCALL);
	CHECK(got[2].has_sender && got[2].sender.pid == 77);
	/* pidtrace's own kill, but sent before it decided: not the planned one. */
	CHECK(feed_gen(ex, gen(SEC / 2, 104, me, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(5 * SEC, 104, SIGKILL, 0)) == 0);
	CHECK(ngot == 4 && !got[3].expected);
	/* Another signal than the planned one. */
	CHECK(feed_gen(ex, gen(6 * SEC, 105, me, SIGTERM, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(6 * SEC + MS, 105, SIGTERM, 0)) == 0);
	CHECK(ngot == 5 && !got[4].expected);
	/* Nobody else's death is expected. */
	CHECK(feed_death(ex, death(7 * SEC, 102, SIGKILL, 0)) == 0);
	CHECK(ngot == 6 && !got[5].expected && got[5].cause == CAUSE_UNKNOWN);
	explain__free(ex);
}

/* ---- signal records, short records ---- */

static void test_signal_records(void)
{
	struct explain_opts o = { .emit = collect, .report_signals = true };
	struct pt_signal_event g = gen(1 * SEC, 110, 500, SIGUSR1, PT_INFO_REAL, SI_USER, NR_KILL, 0);
	struct explain *ex;

	ngot = 0;
	ex = explain__new(&o);
	CHECK(ex);
	CHECK(feed_gen(ex, g) == 0);
	CHECK(ngot == 1 && got[0].kind == XREC_SIGNAL && got[0].cause == CAUSE_KILL_SYSCALL);
	CHECK(explain__signals(ex) == 1 && explain__deaths(ex) == 0);
	/* Records shorter than their type says, or than a header, are ignored. */
	CHECK(explain__feed(ex, &g, sizeof(g) - 1) == 0);
	CHECK(explain__feed(ex, &g, 3) == 0);
	CHECK(explain__feed(ex, &g, 0) == 0);
	CHECK(ngot == 1 && explain__pending(ex, 0) == 1);
	explain__free(ex);
}

/* ---- the verdict: patterns from the explanation and the lineage ---- */

static void test_verdict(void)
{
	struct pt_fork_event fork = {
		.hdr = { .type = PT_EV_FORK, .size = sizeof(fork), .ts_ns = 1 * SEC },
		.parent = task(200, "criu"),
		.child = task(201, "helper"),
		.syscall_nr = 56,
	};
	struct pt_pidfd_event pfd = {
		.hdr = { .type = PT_EV_PIDFD, .size = sizeof(pfd), .ts_ns = 1 * SEC + 10 * MS },
		.opener = task(200, "criu"),
		.target_pid = 201,
		.syscall_nr = NR_PIDFD_OPEN,
		.ret = 5,
	};
	struct lineage *l = lineage__new();
	struct explain *ex = new_explain();
	struct pt_signal_event g;
	char buf[1024];

	CHECK(l && ex);
	CHECK(lineage__feed(l, &fork, sizeof(fork)) == 0);
	CHECK(lineage__feed(l, &pfd, sizeof(pfd)) == 0);
	/* The creator kills its helper 50 ms later: the dead-pidfd helper. */
	g = gen(1 * SEC + 50 * MS, 201, 200, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0);
	g.victim.ppid = 200;
	CHECK(feed_gen(ex, g) == 0);
	CHECK(feed_death(ex, death(1 * SEC + 51 * MS, 201, SIGKILL, 0)) == 0);
	CHECK(ngot == 1);
	CHECK(verdict__write(&got[0], lineage__get(l, 201), l, buf, sizeof(buf)) ==
	      PATTERN_DEAD_PIDFD_HELPER);
	CHECK(strstr(buf, "dead-pidfd helper"));

	/* A child killed by its parent after 3 s: a supervisor's timeout. */
	CHECK(lineage__add_root(l, 300, "worker", 10 * SEC) == 0);
	g = gen(13 * SEC, 300, 299, SIGTERM, PT_INFO_REAL, SI_USER, NR_KILL, 0);
	g.victim.ppid = 299;
	CHECK(feed_gen(ex, g) == 0);
	{
		struct pt_exit_event x = death(13 * SEC + 1 * MS, 300, SIGTERM, 0);

		x.task.ppid = 299;
		CHECK(feed_death(ex, x) == 0);
	}
	CHECK(ngot == 2);
	CHECK(verdict__write(&got[1], lineage__get(l, 300), l, buf, sizeof(buf)) ==
	      PATTERN_SUPERVISOR_TIMEOUT);

	/* The parent's exit fired PR_SET_PDEATHSIG. */
	CHECK(feed_gen(ex, gen(20 * SEC, 400, 399, SIGTERM, PT_INFO_NOINFO, SI_USER, -1,
			       PT_HINT_SENDER_EXITING | PT_HINT_PDEATH_MATCH)) == 0);
	CHECK(feed_death(ex, death(20 * SEC + 1 * MS, 400, SIGTERM, 0)) == 0);
	CHECK(ngot == 3);
	CHECK(verdict__write(&got[2], NULL, l, buf, sizeof(buf)) == PATTERN_PARENT_DEATH);
	CHECK(strstr(buf, "PR_SET_PDEATHSIG=SIGTERM"));

	/* A stranger's kill: no pattern, the explanation. */
	CHECK(feed_gen(ex, gen(30 * SEC, 500, 77, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0)) == 0);
	CHECK(feed_death(ex, death(30 * SEC + 1 * MS, 500, SIGKILL, 0)) == 0);
	CHECK(ngot == 4);
	CHECK(verdict__write(&got[3], NULL, l, buf, sizeof(buf)) == PATTERN_NONE);
	CHECK(strstr(buf, "died by SIGKILL"));
	explain__free(ex);
	lineage__free(l);
}

/* cause.c on its own: exit flags before the generation, names of every class. */
static void test_cause_names(void)
{
	struct pt_exit_event x = death(1, 1, 0, PT_EXIT_EXEC_ZAP);
	struct pt_signal_event g = gen(1, 1, 2, SIGKILL, PT_INFO_REAL, SI_USER, NR_KILL, 0);
	struct cause_facts f = { .gen = &g, .exit = &x };
	int c;

	CHECK(cause__classify(&f) == CAUSE_EXEC_DE_THREAD);
	for (c = 0; c < CAUSE__COUNT; c++)
		CHECK(cause__name(c) && cause__name(c)[0]);
	CHECK_STR(cause__name(CAUSE__COUNT), "unknown");
	CHECK_STR(cause__name(CAUSE_RESTORE_ROLLBACK), "restore-rollback");
}

UNIT_MAIN({
	RUN(test_classes_from_generation);
	RUN(test_kill_details);
	RUN(test_classes_without_generation);
	RUN(test_death_without_generation);
	RUN(test_lost_generation);
	RUN(test_out_of_order);
	RUN(test_expected);
	RUN(test_signal_records);
	RUN(test_verdict);
	RUN(test_cause_names);
	ksyms__free(ks);
})
