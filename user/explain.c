// SPDX-License-Identifier: GPL-2.0
/*
 * explain.c - tie deaths to the generations that caused them, classify,
 * and say it in words (see explain.h).
 *
 * Generations of fatal signals wait in a table keyed by the victim's thread
 * group until the group dies; a generation that never leads to a death
 * (blocked, handled later...) ages out. The ring buffer keeps reservation
 * order, and a generation always happens before the death it causes, so
 * the generation is in the table by the time the death arrives.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildid.h"
#include "explain.h"
#include "ksyms.h"
#include "log.h"
#include "names.h"
#include "usym.h"

#define PEND_BUCKETS 1024
#define PEND_MAX_PER_GROUP 8
#define PEND_MAX_AGE_NS (120ULL * 1000000000ULL)

struct pend {
	struct pend *next;
	struct pt_signal_event ev;
	bool has_u;
	struct pt_ustack u;
};

struct oom_note {
	struct oom_note *next;
	struct pt_oom_event ev;
};

/* A sibling killed by exit_group(), waiting for the caller's own exit record. */
struct held_exit {
	struct held_exit *next;
	struct pt_exit_event ev;
};

/* The thread that called exit_group() in a thread group. */
struct initiator_note {
	struct initiator_note *next;
	uint32_t tgid, tid;
	char comm[PT_COMM_LEN];
	uint64_t ts_ns;
};

struct expectation {
	struct expectation *next;
	uint32_t pid;
	enum cause cause;
	char why[256];
};

struct explain {
	struct explain_opts opts;
	struct pend *pend[PEND_BUCKETS];
	struct oom_note *ooms;
	struct held_exit *held;
	struct initiator_note *inits;
	struct expectation *expect;
	struct ksyms *ksyms;
	struct usym *usym;
	struct buildid_cache *bids; /* symbolizes senders already gone */
	int64_t wall_off_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t deaths, signals;
	bool ksyms_failed;
};

static int64_t ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct explain *explain__new(const struct explain_opts *opts)
{
	struct explain *ex = calloc(1, sizeof(*ex));

	if (!ex)
		return NULL;
	ex->opts = *opts;
	if (opts->symbolize_user) {
		ex->usym = usym__new();
		ex->bids = buildid__new();
		/* The C library and loader the traced tasks most likely share. */
		if (ex->bids)
			buildid__add_maps(ex->bids, 0);
	}
	ex->wall_off_ns = ts_ns(CLOCK_REALTIME) - ts_ns(CLOCK_MONOTONIC);
	return ex;
}

void explain__free(struct explain *ex)
{
	int i;

	if (!ex)
		return;
	for (i = 0; i < PEND_BUCKETS; i++) {
		while (ex->pend[i]) {
			struct pend *p = ex->pend[i];

			ex->pend[i] = p->next;
			free(p);
		}
	}
	while (ex->ooms) {
		struct oom_note *o = ex->ooms;

		ex->ooms = o->next;
		free(o);
	}
	while (ex->expect) {
		struct expectation *e = ex->expect;

		ex->expect = e->next;
		free(e);
	}
	while (ex->held) {
		struct held_exit *h = ex->held;

		ex->held = h->next;
		free(h);
	}
	while (ex->inits) {
		struct initiator_note *n = ex->inits;

		ex->inits = n->next;
		free(n);
	}
	ksyms__free(ex->ksyms);
	usym__free(ex->usym);
	buildid__free(ex->bids);
	free(ex);
}

uint64_t explain__deaths(const struct explain *ex)
{
	return ex->deaths;
}

uint64_t explain__signals(const struct explain *ex)
{
	return ex->signals;
}

int explain__expect(struct explain *ex, uint32_t pid, enum cause cause, const char *why)
{
	struct expectation *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->pid = pid;
	e->cause = cause;
	snprintf(e->why, sizeof(e->why), "%s", why ? why : "");
	e->next = ex->expect;
	ex->expect = e;
	return 0;
}

static struct expectation *find_expectation(struct explain *ex, uint32_t pid)
{
	struct expectation *e;

	for (e = ex->expect; e; e = e->next)
		if (e->pid == pid)
			return e;
	return NULL;
}

static void add_unknown(struct xrec *r, const char *fmt, const char *arg)
{
	if (r->nunknown == X_MAX_UNKNOWN)
		return;
	snprintf(r->unknown[r->nunknown++], sizeof(r->unknown[0]), fmt, arg);
}

static void fill_xtask(struct explain *ex, struct xtask *x, const struct pt_task *t)
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

static void set_wall(struct explain *ex, struct xrec *r, uint64_t mono)
{
	int64_t w = (int64_t)mono + ex->wall_off_ns;

	r->ts_ns = mono;
	r->wall.tv_sec = w / 1000000000LL;
	r->wall.tv_nsec = w % 1000000000LL;
}

/* ---- pending generations ------------------------------------------------ */

static unsigned int bucket(uint32_t tgid)
{
	return (tgid * 2654435761u) % PEND_BUCKETS;
}

static void pend_expire(struct explain *ex, unsigned int b, uint64_t now)
{
	struct pend **pp = &ex->pend[b];

	while (*pp) {
		struct pend *p = *pp;

		if (now > p->ev.hdr.ts_ns + PEND_MAX_AGE_NS) {
			*pp = p->next;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

static void pend_add(struct explain *ex, const struct pt_signal_event *ev,
		     const struct pt_ustack *u)
{
	unsigned int b = bucket(ev->victim.pid);
	struct pend *p, **tail;
	int n = 0;

	pend_expire(ex, b, ev->hdr.ts_ns);
	for (tail = &ex->pend[b]; *tail; tail = &(*tail)->next)
		if ((*tail)->ev.victim.pid == ev->victim.pid)
			n++;
	if (n >= PEND_MAX_PER_GROUP)
		return;
	p = malloc(sizeof(*p));
	if (!p)
		return;
	p->ev = *ev;
	p->has_u = u != NULL;
	if (u)
		p->u = *u;
	p->next = NULL;
	*tail = p; /* oldest first */
}

/* Take every pending generation for @tgid out of the table, oldest first. */
static struct pend *pend_take(struct explain *ex, uint32_t tgid)
{
	struct pend **pp = &ex->pend[bucket(tgid)], *out = NULL, **otail = &out;

	while (*pp) {
		struct pend *p = *pp;

		if (p->ev.victim.pid == tgid) {
			*pp = p->next;
			p->next = NULL;
			*otail = p;
			otail = &p->next;
		} else {
			pp = &p->next;
		}
	}
	return out;
}

static void pend_free(struct pend *p)
{
	while (p) {
		struct pend *next = p->next;

		free(p);
		p = next;
	}
}

static struct oom_note *oom_take(struct explain *ex, uint32_t tgid)
{
	struct oom_note **pp, *o;

	for (pp = &ex->ooms; *pp; pp = &(*pp)->next) {
		o = *pp;
		if (o->ev.victim.pid == tgid) {
			*pp = o->next;
			return o;
		}
	}
	return NULL;
}

/* ---- building a record --------------------------------------------------- */

/* Frames of the tracer itself sit on top of every stack it takes. */
static bool tracer_frame(const char *name)
{
	return name && (!strncmp(name, "bpf_prog_", 9) || !strncmp(name, "bpf_trace_run", 13) ||
			!strncmp(name, "__traceiter_", 12) || !strncmp(name, "__bpf_trace_", 12));
}

static void symbolize_kstack(struct explain *ex, struct xrec *r, const __u64 *ips, int sz,
			     const char **names)
{
	int i, k, n = sz > 0 ? sz / 8 : 0;

	if (n > PT_KSTACK_DEPTH)
		n = PT_KSTACK_DEPTH;
	if (!ex->ksyms && !ex->ksyms_failed) {
		ex->ksyms = ksyms__load();
		if (!ex->ksyms)
			ex->ksyms_failed = true;
	}
	for (i = 0, k = 0; i < n && ips[i]; i++) {
		const struct ksym *s = ex->ksyms ? ksyms__map_addr(ex->ksyms, ips[i]) : NULL;

		if (k == 0 && (!s || tracer_frame(s->name)) && i < 4)
			continue;
		names[k] = s ? s->name : NULL;
		if (ex->ksyms)
			ksyms__format(ex->ksyms, ips[i], r->kstack[k], sizeof(r->kstack[k]));
		else
			snprintf(r->kstack[k], sizeof(r->kstack[k]), "0x%llx",
				 (unsigned long long)ips[i]);
		k++;
	}
	r->nk = k;
	if (n && ex->ksyms_failed)
		add_unknown(r, "kernel symbols: %s", "/proc/kallsyms could not be read");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The C library and the loader: the frames to skip to find the caller. */
static bool system_library(const char *module)
{
	const char *b = base_name(module);

	return !strncmp(b, "libc.so", 7) || !strncmp(b, "libc-", 5) ||
	       !strncmp(b, "ld-linux", 8) || !strncmp(b, "libpthread", 10);
}

static void note_sender_code(struct xrec *r, const struct usym_loc *loc)
{
	if (r->sender_fn[0] || !loc->func[0] || system_library(loc->module))
		return;
	snprintf(r->sender_fn, sizeof(r->sender_fn), "%s", loc->func);
	if (loc->file[0] && loc->line > 0)
		snprintf(r->sender_src, sizeof(r->sender_src), "%.160s:%d", base_name(loc->file),
			 loc->line);
}

/*
 * The frames of a user stack: the frame-pointer walk, plus the caller of a
 * C library syscall wrapper, which pushes no frame and so is skipped by
 * the walk (kill() called from free_helper() shows as kill <- main). The
 * word at the stack pointer is that caller's return address; it is taken
 * when it lies near the next frame, in the same binary.
 */
struct uframe {
	uint64_t ip;
	int bid;	  /* index of the build-id frame to use, -1 none */
	int64_t bid_adj; /* added to that frame's file offset */
};

static int user_frames(const struct pt_ustack *g, struct uframe *out, int max)
{
	int i, k = 0, n = g->ustack_sz > 0 ? g->ustack_sz / 8 : 0;

	if (n > PT_USTACK_DEPTH)
		n = PT_USTACK_DEPTH;
	for (i = 0; i < n && g->ustack[i] && k < max; i++) {
		out[k++] = (struct uframe){ g->ustack[i], i, 0 };
		if (i == 0 && n > 1 && g->user_sp_word && g->user_sp_word != g->ustack[1] &&
		    g->user_sp_word - g->ustack[1] + (1 << 20) < (2 << 20) && k < max)
			out[k++] = (struct uframe){ g->user_sp_word, 1,
						    (int64_t)(g->user_sp_word - g->ustack[1]) };
	}
	return k;
}

/* A frame of a sender already gone, from its build id and file offset. */
static int resolve_by_build_id(struct explain *ex, const struct pt_ustack *g,
			       const struct uframe *uf, bool ret_addr, struct usym_loc *loc)
{
	const struct pt_bid_frame *f;

	if (!ex->bids || uf->bid < 0 || g->ubid_sz <= 0 ||
	    uf->bid >= g->ubid_sz / (int)sizeof(*f))
		return -ENOENT;
	f = &g->ubid[uf->bid];
	if (f->status != 1)
		return -ENOENT;
	return buildid__resolve(ex->bids, f->build_id, f->offset + uf->bid_adj - (ret_addr ? 1 : 0),
				loc);
}

static void symbolize_ustack(struct explain *ex, struct xrec *r, uint32_t pid,
			     const struct pt_ustack *g)
{
	struct uframe uf[PT_USTACK_DEPTH];
	int i, err, n = user_frames(g, uf, PT_USTACK_DEPTH);
	bool gone = false, missing = false;

	for (i = 0; i < n; i++) {
		struct usym_loc loc;
		/* Frames past the first are return addresses: the call is just before. */
		uint64_t addr = i ? uf[i].ip - 1 : uf[i].ip;

		err = (ex->usym && !gone) ? usym__resolve(ex->usym, pid, addr, &loc) : -ESRCH;
		/* -ENOENT is one address in anonymous or JIT memory; -ESRCH is the end. */
		if (err == -ESRCH && ex->usym)
			gone = true;
		if (err == -ESRCH)
			err = resolve_by_build_id(ex, g, &uf[i], i > 0, &loc);
		if (!err) {
			usym__format(&loc, r->ustack[i], sizeof(r->ustack[i]));
			note_sender_code(r, &loc);
			continue;
		}
		if (gone)
			missing = true;
		snprintf(r->ustack[i], sizeof(r->ustack[i]), "0x%llx", (unsigned long long)uf[i].ip);
	}
	r->nu = i;
	if (missing)
		add_unknown(r, "user stack: %s",
			    "sender exited before symbolization, and some of its files could not "
			    "be found by build id");
}

static void describe_task(char *buf, size_t len, const struct xtask *t)
{
	if (t->pid == t->tid)
		snprintf(buf, len, "pid %u (%s)", t->pid, t->comm);
	else
		snprintf(buf, len, "pid %u tid %u (%s)", t->pid, t->tid, t->comm);
}

/* The signal machinery: frames that say how, not why. */
static bool signal_plumbing(const char *f)
{
	static const char *const fns[] = {
		"__send_signal_locked", "send_signal_locked", "do_send_sig_info", "send_sig_info",
		"send_sig", "group_send_sig_info", "kill_pid_info", "kill_pid_info_type",
		"kill_pid", "__kill_pgrp_info", "kill_pgrp", "force_sig", "force_sig_info",
		"force_sig_info_to_task", "force_sig_fault", "force_sig_fault_to_task",
		"send_sig_fault", "__send_signal", "send_signal", "do_send_specific",
		"complete_signal", "kill_proc_info", NULL,
	};
	int i;

	for (i = 0; fns[i]; i++)
		if (!strcmp(f, fns[i]))
			return true;
	return false;
}

/* Known kernel paths that make a signal on their own account. */
static const char *path_words(const char *fn)
{
	static const struct {
		const char *prefix, *words;
	} paths[] = {
		{ "anon_pipe_write", "a write to a pipe with no reader" },
		{ "pipe_write", "a write to a pipe with no reader" },
		{ "sk_stream_error", "a send on a socket whose peer is gone" },
		{ "unix_stream_sendmsg", "a send on a UNIX socket whose peer is gone" },
		{ "it_real_fn", "an expired alarm/ITIMER_REAL timer" },
		{ "posix_timer_", "an expired POSIX timer" },
		{ "send_sigio", "an O_ASYNC file became ready" },
		{ "bpf_send_signal", "a BPF program called bpf_send_signal" },
		{ "__x64_sys_abort", "abort()" },
		{ "do_coredump", "a core dump" },
		{ "xfsz", "RLIMIT_FSIZE was exceeded" },
		{ "generic_write_check_limits", "a write beyond RLIMIT_FSIZE" },
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strncmp(fn, paths[i].prefix, strlen(paths[i].prefix)))
			return paths[i].words;
	return NULL;
}

static const char *first_cause_frame(const struct xrec *r, char *buf, size_t len)
{
	int i;

	for (i = 0; i < r->nk; i++) {
		size_t n = strcspn(r->kstack[i], "+ ");

		if (n >= len)
			n = len - 1;
		memcpy(buf, r->kstack[i], n);
		buf[n] = '\0';
		if (!signal_plumbing(buf))
			return buf;
	}
	return NULL;
}

static void write_detail(struct xrec *r)
{
	char who[64] = "", victim[64], call[96] = "";
	const char *sig = names__signal(r->signo) ? names__signal(r->signo) : "a signal";

	describe_task(victim, sizeof(victim), &r->victim);
	if (r->has_sender)
		describe_task(who, sizeof(who), &r->sender);
	if (r->syscall && r->sys_args_valid)
		snprintf(call, sizeof(call), "%s(%lld, %s)", r->syscall,
			 (long long)(int)r->sys_args[strcmp(r->syscall, "tgkill") ? 0 : 1],
			 sig);
	else if (r->syscall)
		snprintf(call, sizeof(call), "%s()", r->syscall);

	switch (r->cause) {
	case CAUSE_KILL_SYSCALL:
		snprintf(r->detail, sizeof(r->detail), "%s called %s", r->has_sender ? who : "a task",
			 call[0] ? call : "a kill syscall");
		break;
	case CAUSE_OOM_KILL:
		snprintf(r->detail, sizeof(r->detail),
			 "the OOM killer chose %s in memory cgroup %s (anon-rss %llu kB)", victim,
			 r->oom.memcg[0] ? r->oom.memcg : "?",
			 (unsigned long long)r->oom.anon_rss_kb);
		break;
	case CAUSE_PIDNS_TEARDOWN:
		snprintf(r->detail, sizeof(r->detail),
			 "%s, the init of its pid namespace, exited: the kernel killed the rest",
			 r->has_sender ? who : "the namespace's init");
		break;
	case CAUSE_GROUP_EXIT:
		snprintf(r->detail, sizeof(r->detail), "sibling thread %u (%s) called %s: every thread dies",
			 r->init_tid, r->init_comm, r->init_syscall ? r->init_syscall : "exit_group");
		break;
	case CAUSE_EXEC_DE_THREAD:
		snprintf(r->detail, sizeof(r->detail),
			 "sibling thread %u (%s) called execve(): the other threads are killed",
			 r->init_tid, r->init_comm);
		break;
	case CAUSE_PARENT_DEATH_SIGNAL:
		snprintf(r->detail, sizeof(r->detail),
			 "its parent %s exited and it had PR_SET_PDEATHSIG=%s",
			 r->has_sender ? who : "(unknown)", sig);
		break;
	case CAUSE_RLIMIT_CPU:
		snprintf(r->detail, sizeof(r->detail),
			 "it used up its RLIMIT_CPU (%s limit): the kernel sent %s",
			 r->signo == SIGKILL ? "hard" : "soft", sig);
		break;
	case CAUSE_CGROUP_KILL:
		snprintf(r->detail, sizeof(r->detail), "%s wrote to cgroup.kill of %s",
			 r->has_sender ? who : "a task",
			 r->victim.cgroup[0] ? r->victim.cgroup : "its cgroup");
		break;
	case CAUSE_SECCOMP:
		snprintf(r->detail, sizeof(r->detail),
			 "a seccomp filter killed it (SECCOMP_RET_KILL) on a forbidden syscall");
		break;
	case CAUSE_PTRACE_KILL:
		snprintf(r->detail, sizeof(r->detail), "its tracer %s %s",
			 r->has_sender ? who : "(unknown)",
			 r->sender_kind == SENDER_KERNEL ? "exited with PTRACE_O_EXITKILL" :
							   "called ptrace(PTRACE_KILL)");
		break;
	case CAUSE_FAULT:
		snprintf(r->detail, sizeof(r->detail), "the CPU faulted in %s (%s)", victim,
			 r->si_code ? r->si_code : "?");
		break;
	case CAUSE_TTY:
		snprintf(r->detail, sizeof(r->detail), "its terminal sent %s", sig);
		break;
	case CAUSE_KERNEL_OTHER: {
		char fn[80];
		const char *frame = first_cause_frame(r, fn, sizeof(fn));
		const char *words = frame ? path_words(frame) : NULL;

		if (frame && words)
			snprintf(r->detail, sizeof(r->detail), "the kernel sent %s from %s: %s", sig,
				 frame, words);
		else if (frame)
			snprintf(r->detail, sizeof(r->detail), "the kernel sent %s from %s", sig,
				 frame);
		else
			snprintf(r->detail, sizeof(r->detail),
				 "the kernel sent %s (no kernel stack was taken)", sig);
		break;
	}
	default:
		snprintf(r->detail, sizeof(r->detail), "died by %s; no generation was seen", sig);
		break;
	}
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

/* Fill the generation part of a record and classify it. */
static void apply_generation(struct explain *ex, struct xrec *r, const struct pt_signal_event *g,
			     const struct pt_ustack *u, const struct pt_exit_event *x,
			     const struct pt_oom_event *oom)
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
		fill_xtask(ex, &r->sender, &g->sender);
		r->has_sender = true;
		symbolize_kstack(ex, r, g->kstack, g->kstack_sz, names);
		if (u && u->ustack_sz > 0)
			symbolize_ustack(ex, r, g->sender.pid, u);
	} else if (x) {
		symbolize_kstack(ex, r, x->kstack, x->kstack_sz, names);
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
		}
	}
}

/* Join the leaf-first names the BPF side read into "/a/b/c". */
static void cgpath_join(const struct pt_cgpath *p, char *buf, size_t len)
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

static int emit(struct explain *ex, struct xrec *r)
{
	return ex->opts.emit ? ex->opts.emit(ex->opts.ctx, r) : 0;
}

static int on_signal(struct explain *ex, const struct pt_signal_event *g,
		     const struct pt_ustack *u)
{
	struct xrec *r;
	int err = 0;

	if (g->result == 0)
		pend_add(ex, g, u);
	if (!ex->opts.report_signals)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->kind = XREC_SIGNAL;
	set_wall(ex, r, g->hdr.ts_ns);
	fill_xtask(ex, &r->victim, &g->victim);
	cgpath_join(&g->victim_cgroup, r->victim.cgroup, sizeof(r->victim.cgroup));
	r->delay_us = -1;
	apply_generation(ex, r, g, u, NULL, NULL);
	write_detail(r);
	ex->signals++;
	err = emit(ex, r);
	free(r);
	return err;
}

static int process_exit(struct explain *ex, const struct pt_exit_event *x)
{
	struct pend *gens = NULL, *p, *chosen = NULL;
	struct oom_note *oom = NULL;
	struct expectation *exp;
	int termsig = x->exit_code & 0x7f;
	/* Killed by a sibling's exit_group()/execve(): a thread-level death. */
	bool zap = x->flags & (PT_EXIT_EXEC_ZAP | PT_EXIT_SIBLING_EXIT);
	struct xrec *r;
	int err;

	/* Lineage-mode exits that are no death by signal: nothing to explain. */
	if (!zap && !termsig && !(x->flags & PT_EXIT_SECCOMP_DEAD)) {
		pend_free(pend_take(ex, x->task.pid));
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->kind = XREC_DEATH;
	set_wall(ex, r, x->hdr.ts_ns);
	fill_xtask(ex, &r->victim, &x->task);
	cgpath_join(&x->cgroup, r->victim.cgroup, sizeof(r->victim.cgroup));
	r->has_exit = true;
	r->exit_status = x->exit_code;
	r->signo = zap ? SIGKILL : termsig;
	r->delay_us = -1;
	if (x->initiator_tid) {
		r->has_initiator = true;
		r->init_tid = x->initiator_tid;
		memcpy(r->init_comm, x->initiator_comm, sizeof(r->init_comm));
		r->init_comm[sizeof(r->init_comm) - 1] = '\0';
		r->init_syscall = x->initiator_syscall >= 0 ? names__syscall(x->initiator_syscall) :
							      NULL;
	}

	if (!zap) {
		gens = pend_take(ex, x->task.pid);
		oom = oom_take(ex, x->task.pid);
		/* The first generation of the signal that killed it is the cause. */
		for (p = gens; p; p = p->next)
			if (p->ev.sig == termsig && !chosen)
				chosen = p;
	}
	apply_generation(ex, r, chosen ? &chosen->ev : NULL,
			 chosen && chosen->has_u ? &chosen->u : NULL, x, oom ? &oom->ev : NULL);
	if (chosen)
		r->delay_us = (int64_t)(x->hdr.ts_ns - chosen->ev.hdr.ts_ns) / 1000;
	if (oom) {
		r->has_oom = true;
		cgpath_join(&oom->ev.memcg, r->oom.memcg, sizeof(r->oom.memcg));
		r->oom.total_vm_kb = oom->ev.total_vm_pages * 4;
		r->oom.anon_rss_kb = oom->ev.anon_rss_pages * 4;
		r->oom.file_rss_kb = oom->ev.file_rss_pages * 4;
		r->oom.shmem_rss_kb = oom->ev.shmem_rss_pages * 4;
		r->oom.oom_score_adj = oom->ev.oom_score_adj;
		fill_xtask(ex, &r->oom.trigger, &oom->ev.killer);
	}
	for (p = gens; p; p = p->next) {
		if (p == chosen || r->nalso == X_MAX_ALSO)
			continue;
		r->also[r->nalso].has_sender = true;
		fill_xtask(ex, &r->also[r->nalso].sender, &p->ev.sender);
		r->also[r->nalso].signo = p->ev.sig;
		r->also[r->nalso].result = names__gen_result(p->ev.result);
		{
			struct cause_facts f = { .gen = &p->ev };

			r->also[r->nalso].cause = cause__classify(&f);
		}
		r->nalso++;
	}
	if (!chosen && !zap && r->cause == CAUSE_UNKNOWN)
		add_unknown(r, "sender: %s",
			    "no generation of this signal was seen (sent before tracing started, "
			    "or the record was dropped)");

	exp = find_expectation(ex, x->task.pid);
	if (exp) {
		r->expected = true;
		r->cause = exp->cause;
	}
	write_detail(r);
	if (exp && exp->why[0])
		snprintf(r->detail, sizeof(r->detail), "%s", exp->why);
	ex->deaths++;
	err = emit(ex, r);

	pend_free(gens);
	free(oom);
	free(r);
	return err;
}

/* How long a sibling's death waits for the exit_group() caller's record. */
#define HOLD_MAX_NS (500ULL * 1000000ULL)
#define INIT_MAX_AGE_NS (10ULL * 1000000000ULL)

static const struct initiator_note *find_initiator(struct explain *ex, uint32_t tgid)
{
	struct initiator_note *n;

	for (n = ex->inits; n; n = n->next)
		if (n->tgid == tgid)
			return n;
	return NULL;
}

static void fill_initiator(struct pt_exit_event *x, const struct initiator_note *n)
{
	x->initiator_tid = n->tid;
	memcpy(x->initiator_comm, n->comm, sizeof(x->initiator_comm));
	x->initiator_syscall = 231; /* exit_group */
}

/* Emit held siblings of @tgid (all when tgid is 0, or those older than @before). */
static int release_held(struct explain *ex, uint32_t tgid, uint64_t before)
{
	struct held_exit **pp = &ex->held;
	int err = 0;

	while (*pp) {
		struct held_exit *h = *pp;
		const struct initiator_note *n;

		if ((tgid && h->ev.task.pid != tgid) ||
		    (!tgid && before && h->ev.hdr.ts_ns + HOLD_MAX_NS > before)) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		n = find_initiator(ex, h->ev.task.pid);
		if (n)
			fill_initiator(&h->ev, n);
		if (!err)
			err = process_exit(ex, &h->ev);
		free(h);
	}
	return err;
}

int explain__flush(struct explain *ex)
{
	return release_held(ex, 0, 0);
}

static void expire_initiators(struct explain *ex, uint64_t now)
{
	struct initiator_note **pp = &ex->inits;

	while (*pp) {
		struct initiator_note *n = *pp;

		if (now > n->ts_ns + INIT_MAX_AGE_NS) {
			*pp = n->next;
			free(n);
		} else {
			pp = &n->next;
		}
	}
}

/*
 * Siblings killed by exit_group() may exit before the caller does, and only
 * the caller's own record says who it was: hold their deaths until it
 * comes (or for HOLD_MAX_NS).
 */
static int on_exit_event(struct explain *ex, const struct pt_exit_event *x)
{
	int err;

	if (x->flags & PT_EXIT_INITIATOR) {
		struct initiator_note *n = calloc(1, sizeof(*n));

		if (!n)
			return -ENOMEM;
		n->tgid = x->task.pid;
		n->tid = x->task.tid;
		memcpy(n->comm, x->task.comm, sizeof(n->comm));
		n->comm[sizeof(n->comm) - 1] = '\0';
		n->ts_ns = x->hdr.ts_ns;
		expire_initiators(ex, x->hdr.ts_ns);
		n->next = ex->inits;
		ex->inits = n;
		err = release_held(ex, x->task.pid, 0);
		if (err)
			return err;
	}
	if ((x->flags & PT_EXIT_SIBLING_EXIT) && !x->initiator_tid) {
		const struct initiator_note *n = find_initiator(ex, x->task.pid);
		struct held_exit *h;

		if (n) {
			struct pt_exit_event copy = *x;

			fill_initiator(&copy, n);
			return process_exit(ex, &copy);
		}
		h = malloc(sizeof(*h));
		if (!h)
			return -ENOMEM;
		h->ev = *x;
		h->next = ex->held;
		ex->held = h;
		return 0;
	}
	return process_exit(ex, x);
}

static int on_oom(struct explain *ex, const struct pt_oom_event *o)
{
	struct oom_note *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->ev = *o;
	n->next = ex->ooms;
	ex->ooms = n;
	return 0;
}

/* Register what a traced task runs, so its frames resolve after it is gone. */
static int on_exec(struct explain *ex, const struct pt_exec_event *e)
{
	char exe[64];

	if (!ex->bids)
		return 0;
	snprintf(exe, sizeof(exe), "/proc/%u/exe", e->task.pid);
	if (buildid__add_file(ex->bids, exe) && buildid__add_file(ex->bids, e->filename))
		pr_debug("exec of %s by %u: no build id found", e->filename, e->task.pid);
	buildid__add_maps(ex->bids, e->task.pid);
	return 0;
}

int explain__add_binary(struct explain *ex, const char *path)
{
	return ex->bids ? buildid__add_file(ex->bids, path) : 0;
}

int explain__feed(struct explain *ex, const void *data, size_t size)
{
	const struct pt_hdr *h = data;

	if (ex->held && size >= sizeof(*h)) {
		int err = release_held(ex, 0, h->ts_ns);

		if (err)
			return err;
	}

	switch (h->type) {
	case PT_EV_SIGNAL:
		if (size < sizeof(struct pt_signal_event))
			return 0;
		return on_signal(ex, data,
				 size >= sizeof(struct pt_signal_ustack_event) ?
					 &((const struct pt_signal_ustack_event *)data)->u : NULL);
	case PT_EV_EXIT:
		if (size < sizeof(struct pt_exit_event))
			return 0;
		return on_exit_event(ex, data);
	case PT_EV_OOM:
		if (size < sizeof(struct pt_oom_event))
			return 0;
		return on_oom(ex, data);
	case PT_EV_EXEC:
		if (size < sizeof(struct pt_exec_event))
			return 0;
		return on_exec(ex, data);
	default:
		return 0;
	}
}
