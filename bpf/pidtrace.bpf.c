// SPDX-License-Identifier: GPL-2.0
/*
 * pidtrace.bpf.c - the kernel side of the tracer.
 *
 * Signals are attributed where they are generated (signal_generate): for
 * SIGKILL the kernel keeps no siginfo, so at delivery the sender is lost.
 * Deaths are seen at sched_process_exit, where the SIGKILLs that never went
 * through signal_generate (exit_group and execve zapping sibling threads,
 * seccomp strict mode) are recognised from the signal_struct state.
 *
 * Only tracepoints are used (tp_btf, and raw_tp for run's lineage): this
 * kernel has no kprobes and refuses fentry. Everything that can be filtered
 * is filtered here, so SIGCHLD from every fork never reaches user space.
 * Built twice: as is (watch, run) and without the lineage programs for the
 * restore (watchdog.bpf.c defines PT_WATCHDOG).
 *
 * The rest is in headers included once, in this order: record.bpf.h (ring
 * buffer, reserve/submit, the task and cgroup parts of a record),
 * filter.bpf.h (pid tree, cgroup, comm), registry.bpf.h (watch --pin) and
 * lineage.bpf.h (run's own programs).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "pidtrace.h"

char LICENSE[] SEC("license") = "GPL";

#define PF_EXITING 0x00000004
#define SIGNAL_GROUP_EXIT 0x00000004
#define SECCOMP_MODE_DEAD 3
#define PT_EXITKILL (0x00100000 << 3) /* PTRACE_O_EXITKILL << PT_OPT_FLAG_SHIFT */
#define SIGKILL 9
#define SIGCHLD 17
#define SI_USER 0
#define SI_KERNEL 0x80

/* x86-64 syscall numbers the tracer records. */
#define NR_write 1
#define NR_clone 56
#define NR_execve 59
#define NR_exit 60
#define NR_wait4 61
#define NR_kill 62
#define NR_ptrace 101
#define NR_rt_sigqueueinfo 129
#define NR_tkill 200
#define NR_exit_group 231
#define NR_tgkill 234
#define NR_waitid 247
#define NR_rt_tgsigqueueinfo 297
#define NR_execveat 322
#define NR_pidfd_send_signal 424
#define NR_pidfd_open 434
#define NR_clone3 435
#define CLONE_PIDFD 0x00001000

const volatile struct pt_filter_cfg cfg = {
	.sig_mask = 1ULL << (SIGKILL - 1),
	.deaths_only = 1,
	.cgroup_ssid = -1,
};

/* The ring buffer and the record helpers, then the filters: both read cfg. */
#include "record.bpf.h"
#include "filter.bpf.h"

/*
 * The syscall the current task is in, and its first arguments, read from
 * its saved user registers: no syscall tracepoint is needed for that.
 * Classic syscall tracepoints cost a hash update on every kill() and take
 * 30-130 ms each to detach (measured in docs/PERFORMANCE.md).
 * orig_ax is a syscall number only inside a syscall: in an exception it is
 * the error code, in an interrupt a negative vector. User space trusts it
 * when the kernel stack shows the syscall entry, or the siginfo says a
 * user sent the signal.
 */
struct cur_syscall {
	s32 nr;
	u64 args[3];
};

static __always_inline void current_syscall(struct task_struct *cur, struct cur_syscall *sc)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(cur);

	sc->nr = -1;
	sc->args[0] = sc->args[1] = sc->args[2] = 0;
	if (!regs)
		return;
	sc->nr = (s32)BPF_CORE_READ(regs, orig_ax);
	sc->args[0] = BPF_CORE_READ(regs, di);
	sc->args[1] = BPF_CORE_READ(regs, si);
	sc->args[2] = BPF_CORE_READ(regs, dx);
}

/* Who started a thread group's exit_group() (key: tgid). */
struct group_initiator {
	u32 tid;
	s32 nr;
	char comm[PT_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, struct group_initiator);
} initiators SEC(".maps");

/*
 * Make the verifier forget the exact value of *v (a copy through a helper is
 * opaque to it). Branching again and again on flags the program set one
 * by one splits the verifier's states into every combination of them;
 * after this, it treats them as one. Costs one helper call (~20 ns).
 */
static __always_inline void opaque_u32(u32 *v)
{
	bpf_probe_read_kernel(v, sizeof(*v), v);
}

static __always_inline unsigned long handler_of(struct task_struct *task, int sig)
{
	struct sighand_struct *sh = BPF_CORE_READ(task, sighand);
	unsigned long h = 0;
	u64 off;

	if (!sh || sig < 1 || sig > PT_MAX_SIG)
		return 0;
	off = bpf_core_field_offset(struct sighand_struct, action) +
	      (u64)(sig - 1) * bpf_core_type_size(struct k_sigaction) +
	      bpf_core_field_offset(struct k_sigaction, sa.sa_handler);
	bpf_probe_read_kernel(&h, sizeof(h), (void *)sh + off);
	return h;
}

/*
 * Signals whose default action terminates the process: everything but
 * SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGWINCH.
 */
static __always_inline bool fatal_by_default(int sig)
{
	const u64 not_fatal = (1ULL << (17 - 1)) | (1ULL << (18 - 1)) | (1ULL << (19 - 1)) |
			      (1ULL << (20 - 1)) | (1ULL << (21 - 1)) | (1ULL << (22 - 1)) |
			      (1ULL << (23 - 1)) | (1ULL << (28 - 1));

	return !(not_fatal & (1ULL << (sig - 1)));
}

#include "registry.bpf.h"
#ifndef PT_WATCHDOG
#include "ustack.bpf.h"
#endif

/* Signals a fault raises in the faulting task (their siginfo has si_addr). */
static __always_inline bool is_fault_sig(int sig)
{
	return sig == 4 /* SIGILL */ || sig == 5 /* SIGTRAP */ || sig == 7 /* SIGBUS */ ||
	       sig == 8 /* SIGFPE */ || sig == 11 /* SIGSEGV */;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(on_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct pt_signal_event *e;
	unsigned long handler;
	struct cur_syscall sc;
	bool want_ustack, user_ctx, is_fault = false;
	u32 hints = 0, size;
	u64 blocked = 0, info_val = 0, fault_addr = 0;
	bool kernel_made;

	if (sig < 1 || sig > PT_MAX_SIG)
		return 0;
	handler = handler_of(task, sig);
	/* The registry notes every fatal generation, whatever the display filters. */
	if (cfg.registry && result == 0 &&
	    (sig == SIGKILL || (fatal_by_default(sig) && handler == 0)))
		note_kill(cur, task, sig, ctx);
	if (!(cfg.sig_mask & (1ULL << (sig - 1))))
		goto filtered;
	if (cfg.deaths_only && sig != SIGKILL && (!fatal_by_default(sig) || handler != 0))
		goto filtered;
	if (!passes_filters(task))
		goto filtered;

	/* A SIGKILL to a group already dying changes nothing: not precious. */
	if ((sig != SIGKILL || result != 0) && shed(false))
		return 0;
	/*
	 * Two record sizes: user stacks are big and only taken on request.
	 * When the ring is half full they are left out (and counted as shed):
	 * the kill itself is kept.
	 */
	want_ustack = cfg.ustacks && !shed(false);
	/*
	 * The siginfo decides whose user stack means something: a user's
	 * kill has its sender's; a fault (SIGSEGV...) the faulting task's own,
	 * which is current; other kernel-made signals none.
	 */
	bpf_probe_read_kernel(&info_val, sizeof(info_val), &ctx[1]);
	kernel_made = info_val <= 1 || BPF_CORE_READ(info, si_code) > 0;
	if (kernel_made && info_val > 1 && is_fault_sig(sig) &&
	    BPF_CORE_READ(cur, pid) == BPF_CORE_READ(task, pid)) {
		is_fault = true;
		fault_addr = (u64)BPF_CORE_READ(info, _sifields._sigfault._addr);
	}
	user_ctx = !kernel_made || is_fault;
	size = sizeof(*e);
	if (want_ustack)
		size = sizeof(struct pt_signal_ustack_event);
#ifndef PT_WATCHDOG
	if (want_ustack && user_ctx && cfg.stack_bytes)
		size = sizeof(struct pt_signal_dwarf_event) + cfg.stack_bytes;
#else
	(void)fault_addr;
#endif
	/*
	 * The stack copy is 7 times a record without it: it is taken only
	 * while the ring is less than a quarter full, so that in a storm the
	 * copies stop well before lineage is shed (at half full). The kill
	 * still has its frame-pointer walk (stack_method says which).
	 */
	if (size > sizeof(struct pt_signal_ustack_event)) {
		u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
		u64 ring = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);

		if (queued * 4 >= ring || queued + 2 * size > ring)
			size = sizeof(struct pt_signal_ustack_event);
	}
	e = reserve(size, PT_EV_SIGNAL);
	if (!e)
		return 0;
	fill_task(&e->victim, task);
	fill_task_cgpath(&e->victim_cgroup, task);
	fill_task(&e->sender, cur);
	e->sig = sig;
	e->result = result;
	e->group = group;
	e->info_pid = 0;
	e->info_uid = 0;
	/*
	 * The verifier types @info as a valid pointer and would prune a
	 * comparison with 0 or 1 as dead code; SEND_SIG_NOINFO (0) and
	 * SEND_SIG_PRIV (1) are exactly those values. Read the raw argument
	 * as a plain number instead.
	 */
	if (info_val == 0) {
		e->info_kind = PT_INFO_NOINFO;
		e->si_code = SI_USER;
	} else if (info_val == 1) {
		e->info_kind = PT_INFO_PRIV;
		e->si_code = SI_KERNEL;
	} else {
		e->info_kind = PT_INFO_REAL;
		e->si_code = BPF_CORE_READ(info, si_code);
		if (e->si_code <= 0) {
			e->info_pid = BPF_CORE_READ(info, _sifields._kill._pid);
			e->info_uid = BPF_CORE_READ(info, _sifields._kill._uid);
		}
	}

	if (BPF_CORE_READ(cur, flags) & PF_EXITING)
		hints |= PT_HINT_SENDER_EXITING;
	if (BPF_CORE_READ(task, pdeath_signal) == sig)
		hints |= PT_HINT_PDEATH_MATCH;
	if (BPF_CORE_READ(cur, tgid) == BPF_CORE_READ(task, tgid))
		hints |= PT_HINT_SELF;
	bpf_probe_read_kernel(&blocked, sizeof(blocked), &task->blocked.sig[0]);
	if (blocked & (1ULL << (sig - 1)))
		hints |= PT_HINT_VICTIM_BLOCKED;
	if (handler == 1)
		hints |= PT_HINT_HANDLER_IGN;
	else if (handler > 1)
		hints |= PT_HINT_HANDLER_SET;
	if (BPF_CORE_READ(task, ptrace) & PT_EXITKILL)
		hints |= PT_HINT_EXITKILL;
	if ((BPF_CORE_READ(task, signal, flags) & SIGNAL_GROUP_EXIT) ||
	    BPF_CORE_READ(task, signal, group_exec_task))
		hints |= PT_HINT_GROUP_EXITING;
	{
		struct pid *vp = BPF_CORE_READ(task, thread_pid);
		unsigned int lvl = BPF_CORE_READ(vp, level);
		struct upid up = {};

		if (lvl < 32)
			bpf_probe_read_kernel(&up, sizeof(up), &vp->numbers[lvl]);
		if (up.ns && BPF_CORE_READ(up.ns, child_reaper, tgid) == BPF_CORE_READ(cur, tgid))
			hints |= PT_HINT_SENDER_IS_REAPER;
	}

	current_syscall(cur, &sc);
	e->syscall_nr = sc.nr;
	e->orig_ax = sc.nr;
	e->sys_args[0] = sc.args[0];
	e->sys_args[1] = sc.args[1];
	e->sys_args[2] = sc.args[2];
	if (sc.nr >= 0)
		hints |= PT_HINT_IN_SYSCALL;
	e->hints = hints;

	/*
	 * The kernel stack tells a kernel-made kill apart (OOM, cgroup.kill,
	 * rlimit...) and shows the path of a user kill: always take it. It
	 * costs ~3 us, paid only by signals that passed the filters.
	 */
	e->kstack_sz = bpf_get_stack(ctx, e->kstack, sizeof(e->kstack), 0);
	e->pad = 0;
	kill_pgrp_of(task, sc.nr, sc.args[0], &e->pgrp, &e->pgrp_size);
	/*
	 * User stacks twice: as addresses, for a sender still alive, and as
	 * build id + file offset, for a sender gone by the time user space
	 * reads the record (a killer often exits right after its kill).
	 */
	if (want_ustack) {
		struct pt_ustack *u = &((struct pt_signal_ustack_event *)e)->u;
		struct pt_regs *uregs = (struct pt_regs *)bpf_task_pt_regs(cur);
		u64 sp = uregs ? BPF_CORE_READ(uregs, sp) : 0;

		u->user_sp_word = 0;
		u->method = PT_USTACK_FP;
		u->flags = is_fault ? PT_USTACK_FAULT : 0;
		u->fault_addr = fault_addr;
		u->sp = sp;
#ifndef PT_WATCHDOG
		if (size > sizeof(struct pt_signal_ustack_event))
			fill_dwarf(&((struct pt_signal_dwarf_event *)e)->d, cur, is_fault, fault_addr,
				   cfg.stack_bytes);
#endif
		if (!user_ctx) {
			u->ustack_sz = -1;
			u->ubid_sz = -1;
		} else {
			u->ustack_sz = bpf_get_stack(ctx, u->ustack, sizeof(u->ustack),
						     BPF_F_USER_STACK);
			u->ubid_sz = bpf_get_stack(ctx, u->ubid, sizeof(u->ubid),
						   BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
			if (sp && !is_fault)
				bpf_probe_read_user(&u->user_sp_word, sizeof(u64), (void *)sp);
		}
	}
	submit(e);
	return 0;

filtered:
	stat_inc(PT_STAT_FILTERED);
	return 0;
}

/*
 * The bulk of an exit record, from the task alone, once everything else is
 * decided and the maps are cleaned up: nothing the program computed before
 * is live here (flags is read back from the record), so the verifier walks
 * this code once rather than once per combination of flags and map
 * lookups. Verifying on_process_exit took 47k instructions (~27 ms of
 * every tracer start) before, ~2.3k now.
 */
static __always_inline void fill_exit(u64 *ctx, struct pt_exit_event *e, struct task_struct *task)
{
	u32 flags = *(volatile u32 *)&e->flags;

	fill_task(&e->task, task);
	fill_task_cgpath(&e->cgroup, task);
	e->nr_threads = BPF_CORE_READ(task, signal, nr_threads);
	e->start_ns = BPF_CORE_READ(task, start_time);
	e->parent_chld_handler = handler_of(BPF_CORE_READ(task, real_parent), SIGCHLD);
	e->parent_chld_blocked =
		!!(BPF_CORE_READ(task, real_parent, blocked.sig[0]) & (1ULL << (SIGCHLD - 1)));
	/* A strict-mode seccomp kill or a zap has no generation: the stack
	 * at exit is the only trace of the path. */
	if ((flags & (PT_EXIT_SECCOMP_DEAD | PT_EXIT_EXEC_ZAP)) || cfg.kstacks)
		e->kstack_sz = bpf_get_stack(ctx, e->kstack, sizeof(e->kstack), 0);
	else
		e->kstack_sz = -1;
	submit(e);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *task, bool group_dead)
{
	u32 code = BPF_CORE_READ(task, exit_code);
	u32 tgid = BPF_CORE_READ(task, tgid);
	u32 tid = BPF_CORE_READ(task, pid);
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	struct task_struct *exec_task = BPF_CORE_READ(sig, group_exec_task);
	u32 sflags = BPF_CORE_READ(sig, flags);
	u32 gcode = BPF_CORE_READ(sig, group_exit_code);
	struct group_initiator *gi = bpf_map_lookup_elem(&initiators, &tgid);
	struct pt_exit_event *e;
	struct cur_syscall sc;
	bool waited = false;
	u32 flags = 0;
	bool report;

	if (cfg.registry && group_dead)
		note_death(task, code, tgid);

	if (group_dead)
		flags |= PT_EXIT_GROUP_DEAD;
	if (sflags & SIGNAL_GROUP_EXIT)
		flags |= PT_EXIT_GROUP_EXIT;
	if (exec_task && exec_task != task)
		flags |= PT_EXIT_EXEC_ZAP;
	if (BPF_CORE_READ(task, seccomp.mode) == SECCOMP_MODE_DEAD)
		flags |= PT_EXIT_SECCOMP_DEAD;
	if (BPF_CORE_READ(sig, oom_mm))
		flags |= PT_EXIT_OOM_VICTIM;
	if (is_tracked(tgid))
		flags |= PT_EXIT_TRACKED;
	opaque_u32(&flags);
	/*
	 * exit_group(code): the kernel stores nowhere which thread called it.
	 * The caller is the thread exiting from inside that syscall; every
	 * other thread took the zap SIGKILL. The caller's exit may come
	 * before or after its siblings': the map serves the ones after it,
	 * user space fills in the ones before it from the caller's record.
	 */
	if ((flags & PT_EXIT_GROUP_EXIT) && (gcode & 0x7f) == 0 && !(flags & PT_EXIT_EXEC_ZAP)) {
		current_syscall(task, &sc);
		if (sc.nr == NR_exit_group) {
			struct group_initiator ngi = { .tid = tid, .nr = NR_exit_group };

			flags |= PT_EXIT_INITIATOR;
			/* A placeholder: siblings died first and wait for us. */
			waited = gi && gi->tid == 0;
			BPF_CORE_READ_STR_INTO(&ngi.comm, task, comm);
			bpf_map_update_elem(&initiators, &tgid, &ngi, BPF_ANY);
			gi = bpf_map_lookup_elem(&initiators, &tgid);
		} else if (sc.nr != NR_exit) {
			/*
			 * Not its own exit(2): the last thread leaving by
			 * exit(2) marks its group as exiting itself
			 * (synchronize_group_exit), and is no zapped sibling.
			 */
			struct group_initiator ph = {};

			flags |= PT_EXIT_SIBLING_EXIT;
			if (!gi)
				bpf_map_update_elem(&initiators, &tgid, &ph, BPF_NOEXIST);
		}
	}

	/*
	 * Report: a thread group that died by a signal (once, from its last
	 * thread); a thread killed by a sibling's exit_group() or execve();
	 * and in lineage mode every exit of a tracked task.
	 */
	report = (flags & (PT_EXIT_EXEC_ZAP | PT_EXIT_SIBLING_EXIT)) ||
		 (group_dead && (code & 0x7f) != 0);
	/* The caller of exit_group, for siblings that exited before it. */
	if ((flags & PT_EXIT_INITIATOR) &&
	    (waited || !group_dead || BPF_CORE_READ(sig, nr_threads) > 1))
		report = true;
	if (flags & PT_EXIT_SECCOMP_DEAD)
		report = true;
	if (cfg.lineage && (flags & PT_EXIT_TRACKED))
		report = true;
	e = NULL;
	if (report && passes_filters(task))
		e = reserve(sizeof(*e), PT_EV_EXIT);
	if (e) {
		e->exit_code = code;
		e->group_exit_code = gcode;
		e->flags = flags;
		e->initiator_tid = 0;
		e->initiator_syscall = -1;
		__builtin_memset(e->initiator_comm, 0, sizeof(e->initiator_comm));
		if (flags & PT_EXIT_EXEC_ZAP) {
			e->initiator_tid = BPF_CORE_READ(exec_task, pid);
			BPF_CORE_READ_STR_INTO(&e->initiator_comm, exec_task, comm);
			e->initiator_syscall = NR_execve;
		} else if (gi && gi->tid) {
			e->initiator_tid = gi->tid;
			__builtin_memcpy(e->initiator_comm, gi->comm, sizeof(e->initiator_comm));
			e->initiator_syscall = gi->nr;
		}
	}
	/* gi is not used past this point: its entry can go (after a death). */
	if (group_dead) {
		bpf_map_delete_elem(&initiators, &tgid);
		if ((flags & PT_EXIT_TRACKED) && !cfg.lineage)
			bpf_map_delete_elem(&tracked, &tgid);
	}
	if (e)
		fill_exit(ctx, e, task);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_process_fork, struct task_struct *parent, struct task_struct *child)
{
	u32 ptgid = BPF_CORE_READ(parent, tgid);
	u32 ctgid = BPF_CORE_READ(child, tgid);
#ifndef PT_WATCHDOG
	struct pt_fork_event *e;
	struct cur_syscall sc;
#endif
	u8 one = 1;

	if (!cfg.follow_children || !is_tracked(ptgid))
		return 0;
	if (ctgid != ptgid)
		bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY);
#ifndef PT_WATCHDOG /* a record per fork: lineage only */
	if (!cfg.lineage)
		return 0;
	e = reserve(sizeof(*e), PT_EV_FORK);
	if (!e)
		return 0;
	fill_task(&e->parent, bpf_get_current_task_btf());
	fill_task(&e->child, child);
	current_syscall(bpf_get_current_task_btf(), &sc);
	e->syscall_nr = sc.nr;
	e->clone_flags_lo = 0;
	if (sc.nr == NR_clone) {
		e->clone_flags_lo = sc.args[0];
	} else if (sc.nr == NR_clone3) {
		/* clone3(struct clone_args *): the flags are its first u64. */
		u64 flags = 0;

		bpf_probe_read_user(&flags, sizeof(flags), (void *)sc.args[0]);
		e->clone_flags_lo = flags;
	}
	submit(e);
#endif
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(on_mark_victim, struct task_struct *task, uid_t uid)
{
	int memcg_ssid = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct css_set *cs = BPF_CORE_READ(task, cgroups);
	struct cgroup_subsys_state *css = NULL;
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct pt_oom_event *e;
	s64 cnt;

	if (!passes_filters(task))
		return 0;
	e = reserve(sizeof(*e), PT_EV_OOM);
	if (!e)
		return 0;
	fill_task(&e->victim, task);
	fill_task(&e->killer, bpf_get_current_task_btf());
	if (memcg_ssid >= 0 && memcg_ssid < 16)
		bpf_probe_read_kernel(&css, sizeof(css), &cs->subsys[memcg_ssid & 15]);
	e->memcg_id = css ? BPF_CORE_READ(css, cgroup, kn, id) : 0;
	fill_cgpath(&e->memcg, css ? BPF_CORE_READ(css, cgroup, kn) : NULL);
	e->pad = 0;
	e->total_vm_pages = BPF_CORE_READ(mm, total_vm);
	/* rss_stat counters are per-CPU; the shared count is close enough. */
	cnt = BPF_CORE_READ(mm, rss_stat[1].count); /* MM_ANONPAGES */
	e->anon_rss_pages = cnt > 0 ? cnt : 0;
	cnt = BPF_CORE_READ(mm, rss_stat[0].count); /* MM_FILEPAGES */
	e->file_rss_pages = cnt > 0 ? cnt : 0;
	cnt = BPF_CORE_READ(mm, rss_stat[3].count); /* MM_SHMEMPAGES */
	e->shmem_rss_pages = cnt > 0 ? cnt : 0;
	e->oom_score_adj = BPF_CORE_READ(task, signal, oom_score_adj);
	submit(e);
	return 0;
}

/*
 * Never attached: user space runs it (BPF_PROG_TEST_RUN with a u64 sequence
 * number as its context) to put a marker into the ring buffer. The
 * consumer reads records in the order they were reserved and stops at one
 * still being written, so once it has read the marker it has read every
 * record reserved before it, on any CPU (tracer__sync()). Not shed under
 * pressure; returns 1 when the ring is full: user space drains it and
 * tries again.
 */
SEC("syscall")
int mark(u64 *seq)
{
	struct pt_mark_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 1;
	e->hdr.type = PT_EV_MARK;
	e->hdr.size = sizeof(*e);
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->seq = *seq;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* `pidtrace run` only: what its report's lineage is made of. */
#ifndef PT_WATCHDOG
#include "lineage.bpf.h"
#endif
