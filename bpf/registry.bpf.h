/* SPDX-License-Identifier: GPL-2.0 */
/*
 * registry.bpf.h - the death registry of `pidtrace watch --pin`, kernel
 * side: the first fatal generation per thread group (note_kill), then a
 * note per process death keyed by the pidfs inode of its struct pid
 * (note_death), in an LRU map that user space pins (struct pt_death_note).
 * Included once, by pidtrace.bpf.c, after the helpers it uses.
 */
#ifndef PIDTRACE_REGISTRY_BPF_H
#define PIDTRACE_REGISTRY_BPF_H

/* The death registry, pinned by `watch --pin` (see struct pt_death_note). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, struct pt_death_note);
} deaths SEC(".maps");

/* The last fatal generation per thread group, until it dies (registry only). */
struct kill_note {
	s32 sig;
	s32 si_code;
	u32 pid, tid, uid;
	s32 syscall_nr;
	u32 info_kind;
	u32 hints;
	char comm[PT_COMM_LEN];
	u64 ts_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, u32);
	__type(value, struct kill_note);
} kills SEC(".maps");

/* Registry: the first fatal generation for a thread group, until it dies. */
static __always_inline void note_kill(struct task_struct *cur, struct task_struct *task, int sig,
				      u64 *ctx)
{
	struct kill_note kn = { .sig = sig, .syscall_nr = -1 };
	u32 tid = BPF_CORE_READ(cur, pid);
	u32 vt = BPF_CORE_READ(task, tgid);
	struct cur_syscall sc;
	u64 info_val = 0;

	bpf_probe_read_kernel(&info_val, sizeof(info_val), &ctx[1]);
	if (info_val == 0) {
		kn.info_kind = PT_INFO_NOINFO;
		kn.si_code = SI_USER;
	} else if (info_val == 1) {
		kn.info_kind = PT_INFO_PRIV;
		kn.si_code = SI_KERNEL;
	} else {
		kn.info_kind = PT_INFO_REAL;
		kn.si_code = BPF_CORE_READ((struct kernel_siginfo *)info_val, si_code);
	}
	kn.pid = BPF_CORE_READ(cur, tgid);
	kn.tid = tid;
	kn.uid = BPF_CORE_READ(cur, real_cred, uid.val);
	current_syscall(cur, &sc);
	kn.syscall_nr = sc.nr;
	if (BPF_CORE_READ(cur, flags) & PF_EXITING)
		kn.hints |= PT_HINT_SENDER_EXITING;
	if (BPF_CORE_READ(task, pdeath_signal) == sig)
		kn.hints |= PT_HINT_PDEATH_MATCH;
	BPF_CORE_READ_STR_INTO(&kn.comm, cur, comm);
	kn.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&kills, &vt, &kn, BPF_NOEXIST);
}

/* Registry: remember how the process died, under its pidfs inode. */
static __always_inline void note_death(struct task_struct *task, u32 code, u32 tgid)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct pid *pid = BPF_CORE_READ(leader, thread_pid);
	struct pt_death_note n = {};
	struct kill_note *kn;
	struct upid up = {};
	u64 ino = 0;

	if (bpf_core_field_exists(pid->ino))
		ino = BPF_CORE_READ(pid, ino);
	if (!ino)
		return;
	n.ts_ns = bpf_ktime_get_ns();
	n.pid = tgid;
	n.ppid = BPF_CORE_READ(task, real_parent, tgid);
	n.level = BPF_CORE_READ(pid, level);
	if (n.level < 32)
		bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[n.level]);
	n.ns_pid = up.nr;
	n.exit_code = code;
	n.uid = BPF_CORE_READ(task, real_cred, uid.val);
	BPF_CORE_READ_STR_INTO(&n.comm, leader, comm);
	BPF_CORE_READ_STR_INTO(&n.parent_comm, task, real_parent, comm);
	n.killer_syscall = -1;
	kn = bpf_map_lookup_elem(&kills, &tgid);
	if (kn) {
		n.sig = kn->sig;
		n.si_code = kn->si_code;
		n.killer_pid = kn->pid;
		n.killer_tid = kn->tid;
		n.killer_uid = kn->uid;
		n.killer_syscall = kn->syscall_nr;
		n.info_kind = kn->info_kind;
		n.hints = kn->hints;
		__builtin_memcpy(n.killer_comm, kn->comm, sizeof(n.killer_comm));
		n.kill_ts_ns = kn->ts_ns;
		bpf_map_delete_elem(&kills, &tgid);
	}
	bpf_map_update_elem(&deaths, &ino, &n, BPF_ANY);
}

#endif /* PIDTRACE_REGISTRY_BPF_H */
