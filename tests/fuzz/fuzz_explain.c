// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_explain.c - the decision core: a stream of tracer records
 * (generations, deaths, OOM choices, forks, pidfds, execs, reaps) through
 * explain__feed() and lineage__feed(), every record explain emits through
 * verdict__write(), and cause__classify() with fuzzed kernel stacks.
 *
 * Input: records, each a u8 selector then its fields, little endian, read
 * from a cursor (zeros once the input ends). Selector low 4 bits: the kind;
 * bit 7: feed the record cut to the length in the byte that follows (a
 * record shorter than its type, down to nothing). Times advance by a
 * signed i16 of milliseconds per record (so records can go back in time);
 * pids are 100 + u8 % 16 (so that records meet the same processes).
 *   0 signal: dt, victim, sender, u8 sig, u8 info_kind, i16 si_code,
 *             i16 syscall, u16 hints, u8 result
 *   1 exit:   dt, pid, tid, u16 exit_code, u16 flags, initiator tid,
 *             i16 initiator syscall
 *   2 oom:    dt, victim, killer, u16 pages
 *   3 fork:   dt, parent, child, u32 clone flags
 *   4 pidfd:  dt, opener, target, i8 ret
 *   5 exec:   dt, pid
 *   6 reap:   dt, reaper, target, u16 status
 *   7 expect: pid, u8 cause
 *   8 classify: u8 sig, u8 info_kind, i16 si_code, u16 hints, u16 exit
 *             flags, 4 x u8 kernel stack function (index into a table)
 * Kernel and user stacks are never given to explain: symbolizing them
 * reads /proc/kallsyms and the senders' files, which is neither fast nor
 * the same on every machine; the stack rules are fuzzed through kind 8.
 * tests/fuzz/mkseeds.sh writes the seeds (one per cause class and the
 * orderings test_explain.c checks).
 */
#include "cause.h"
#include "explain.h"
#include "fuzz.h"
#include "lineage.h"
#include "verdict.h"

#define EXPLAIN_FUZZ_MAX_RECORDS 512

struct explain_fuzz {
	const uint8_t *p;
	size_t left;
	uint64_t ts;
	struct lineage *l;
};

static uint32_t explain_fuzz_take(struct explain_fuzz *z, int n)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (z->left) {
			v |= (uint32_t)*z->p << (8 * i);
			z->p++;
			z->left--;
		}
	}
	return v;
}

static uint32_t explain_fuzz_pid(struct explain_fuzz *z)
{
	return 100 + explain_fuzz_take(z, 1) % 16;
}

static uint64_t explain_fuzz_ts(struct explain_fuzz *z)
{
	z->ts += (int64_t)(int16_t)explain_fuzz_take(z, 2) * 1000000LL;
	return z->ts;
}

static struct pt_task explain_fuzz_task(uint32_t pid)
{
	struct pt_task t = { .pid = pid, .tid = pid, .ppid = pid > 100 ? pid - 1 : 1 };

	snprintf(t.comm, sizeof(t.comm), "t%u", pid);
	return t;
}

/* Every record explain emits gets its verdict too. */
static int explain_fuzz_emit(void *ctx, const struct xrec *r)
{
	struct explain_fuzz *z = ctx;
	char buf[1024];

	verdict__write(r, lineage__get(z->l, r->victim.tid), z->l, buf, sizeof(buf));
	if (strnlen(buf, sizeof(buf)) == sizeof(buf) || strnlen(r->detail, sizeof(r->detail)) ==
								  sizeof(r->detail))
		abort(); /* sentences come out NUL-terminated */
	return 0;
}

static const char *const explain_fuzz_fns[] = {
	NULL, "do_syscall_64", "__x64_sys_kill", "oom_kill_process", "zap_pid_ns_processes",
	"cgroup_kill_write", "run_posix_cpu_timers", "ptrace_request", "exit_ptrace",
	"n_tty_receive_signal_char", "__tty_hangup", "__seccomp_filter", "do_exit",
	"get_signal", "force_sig_fault", "",
};

static void explain_fuzz_classify(struct explain_fuzz *z)
{
	struct pt_signal_event g = { .syscall_nr = -1, .orig_ax = -1 };
	struct pt_exit_event x = { .initiator_syscall = -1 };
	const char *names[4];
	struct cause_facts f = { .gen = &g, .exit = &x, .kstack = names, .kstack_n = 4 };
	const char *name;
	int i;

	g.sig = explain_fuzz_take(z, 1);
	g.info_kind = explain_fuzz_take(z, 1) % 3;
	g.si_code = (int16_t)explain_fuzz_take(z, 2);
	g.hints = explain_fuzz_take(z, 2);
	x.flags = explain_fuzz_take(z, 2);
	for (i = 0; i < 4; i++)
		names[i] = explain_fuzz_fns[explain_fuzz_take(z, 1) %
					    (sizeof(explain_fuzz_fns) / sizeof(explain_fuzz_fns[0]))];
	name = cause__name(cause__classify(&f));
	f.exit = NULL;
	if (!name || strcmp(cause__name(cause__classify(&f)), "exec-de-thread") == 0)
		abort(); /* only an exit record says exec-de-thread */
}

/* Build the next record into @buf; return its full size, 0 when none. */
static size_t explain_fuzz_record(struct explain_fuzz *z, struct explain *ex, int kind, void *buf)
{
	switch (kind) {
	case 0: {
		struct pt_signal_event *g = buf;

		g->hdr = (struct pt_hdr){ .type = PT_EV_SIGNAL, .size = sizeof(*g),
					  .ts_ns = explain_fuzz_ts(z) };
		g->victim = explain_fuzz_task(explain_fuzz_pid(z));
		g->sender = explain_fuzz_task(explain_fuzz_pid(z));
		g->sig = explain_fuzz_take(z, 1);
		g->info_kind = explain_fuzz_take(z, 1) % 3;
		g->si_code = (int16_t)explain_fuzz_take(z, 2);
		g->info_pid = g->info_kind == PT_INFO_REAL ? g->sender.pid : 0;
		g->syscall_nr = g->orig_ax = (int16_t)explain_fuzz_take(z, 2);
		g->hints = explain_fuzz_take(z, 2);
		g->result = explain_fuzz_take(z, 1) % 4;
		g->kstack_sz = -1;
		return sizeof(*g);
	}
	case 1: {
		struct pt_exit_event *x = buf;

		x->hdr = (struct pt_hdr){ .type = PT_EV_EXIT, .size = sizeof(*x),
					  .ts_ns = explain_fuzz_ts(z) };
		x->task = explain_fuzz_task(explain_fuzz_pid(z));
		x->task.tid = explain_fuzz_pid(z);
		x->exit_code = x->group_exit_code = explain_fuzz_take(z, 2);
		x->flags = explain_fuzz_take(z, 2);
		x->initiator_tid = explain_fuzz_take(z, 1) % 2 ? explain_fuzz_pid(z) : 0;
		x->initiator_syscall = (int16_t)explain_fuzz_take(z, 2);
		x->kstack_sz = -1;
		return sizeof(*x);
	}
	case 2: {
		struct pt_oom_event *o = buf;

		o->hdr = (struct pt_hdr){ .type = PT_EV_OOM, .size = sizeof(*o),
					  .ts_ns = explain_fuzz_ts(z) };
		o->victim = explain_fuzz_task(explain_fuzz_pid(z));
		o->killer = explain_fuzz_task(explain_fuzz_pid(z));
		o->total_vm_pages = o->anon_rss_pages = explain_fuzz_take(z, 2);
		return sizeof(*o);
	}
	case 3: {
		struct pt_fork_event *e = buf;

		e->hdr = (struct pt_hdr){ .type = PT_EV_FORK, .size = sizeof(*e),
					  .ts_ns = explain_fuzz_ts(z) };
		e->parent = explain_fuzz_task(explain_fuzz_pid(z));
		e->child = explain_fuzz_task(explain_fuzz_pid(z));
		e->syscall_nr = 56;
		e->clone_flags_lo = explain_fuzz_take(z, 4);
		return sizeof(*e);
	}
	case 4: {
		struct pt_pidfd_event *e = buf;

		e->hdr = (struct pt_hdr){ .type = PT_EV_PIDFD, .size = sizeof(*e),
					  .ts_ns = explain_fuzz_ts(z) };
		e->opener = explain_fuzz_task(explain_fuzz_pid(z));
		e->target_pid = explain_fuzz_pid(z);
		e->syscall_nr = 434;
		e->ret = (int8_t)explain_fuzz_take(z, 1);
		return sizeof(*e);
	}
	case 5: {
		struct pt_exec_event *e = buf;

		e->hdr = (struct pt_hdr){ .type = PT_EV_EXEC, .size = sizeof(*e),
					  .ts_ns = explain_fuzz_ts(z) };
		e->task = explain_fuzz_task(explain_fuzz_pid(z));
		e->old_tid = e->task.tid;
		snprintf(e->filename, sizeof(e->filename), "/nonexistent/fuzz-%u", e->task.pid);
		return sizeof(*e);
	}
	case 6: {
		struct pt_reap_event *e = buf;

		e->hdr = (struct pt_hdr){ .type = PT_EV_REAP, .size = sizeof(*e),
					  .ts_ns = explain_fuzz_ts(z) };
		e->reaper = explain_fuzz_task(explain_fuzz_pid(z));
		e->target_pid = explain_fuzz_pid(z);
		e->status = explain_fuzz_take(z, 2);
		e->syscall_nr = 61;
		e->idtype = -1;
		return sizeof(*e);
	}
	case 7: {
		uint32_t pid = explain_fuzz_pid(z);

		uint32_t sender = explain_fuzz_pid(z);
		int signo = explain_fuzz_take(z, 1) % 65;

		explain__expect(ex, pid, sender, signo, explain_fuzz_ts(z),
				explain_fuzz_take(z, 1) % CAUSE__COUNT, "planned");
		return 0;
	}
	case 8:
		explain_fuzz_classify(z);
		return 0;
	default:
		return 0;
	}
}

FUZZ_TARGET(explain)
{
	struct explain_fuzz z = { .p = data, .left = size, .ts = 1000000000ULL };
	struct explain_opts o = { .emit = explain_fuzz_emit, .ctx = &z };
	union {
		struct pt_signal_event g;
		struct pt_exit_event x;
		struct pt_oom_event o;
		struct pt_fork_event f;
		struct pt_pidfd_event p;
		struct pt_exec_event e;
		struct pt_reap_event r;
	} rec;
	struct explain *ex;
	size_t len, cut;
	uint8_t sel, *copy;
	int n = 0;

	z.l = lineage__new();
	o.report_signals = size && (data[0] & 1);
	ex = explain__new(&o);
	if (!ex || !z.l)
		goto out;
	while (z.left && n++ < EXPLAIN_FUZZ_MAX_RECORDS) {
		sel = explain_fuzz_take(&z, 1);
		cut = sel & 0x80 ? explain_fuzz_take(&z, 1) : SIZE_MAX;
		memset(&rec, 0, sizeof(rec));
		len = explain_fuzz_record(&z, ex, sel & 0x0f, &rec);
		if (!len)
			continue;
		if (cut < len)
			len = cut;
		/* A copy of exactly @len bytes: reading past a short record is caught. */
		copy = malloc(len ? len : 1);
		if (!copy)
			break;
		memcpy(copy, &rec, len);
		explain__feed(ex, copy, len);
		/* lineage.c reads the header before checking the size. */
		if (len >= sizeof(struct pt_hdr))
			lineage__feed(z.l, copy, len);
		free(copy);
	}
	explain__flush(ex);
out:
	explain__free(ex);
	lineage__free(z.l);
	return 0;
}
