/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.bpf.h - how the tracer's programs hand records to user space: the
 * ring buffer and its counters, shedding under pressure, reserve/submit,
 * and the parts every record shares (struct pt_task, struct pt_cgpath of
 * bpf/pidtrace.h). Included by pidtrace.bpf.c after its configuration
 * (cfg), before the filters and the programs that use these helpers.
 */
#ifndef PT_RECORD_BPF_H
#define PT_RECORD_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_STAT_MAX);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

/* Before 6.15 the kernfs parent link was called "parent". */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static __always_inline void fill_cgpath(struct pt_cgpath *p, struct kernfs_node *kn)
{
	p->depth = 0;
	p->pad = 0;
	for (int i = 0; i < PT_CG_DEPTH + 1 && kn; i++) {
		struct kernfs_node *parent = kn_parent(kn);

		if (!parent) /* the hierarchy's root has no name of its own */
			break;
		if (i < PT_CG_DEPTH)
			bpf_probe_read_kernel_str(p->names[i], PT_CG_NAME_LEN,
						  BPF_CORE_READ(kn, name));
		p->depth = i + 1;
		kn = parent;
	}
}

static __always_inline void fill_task_cgpath(struct pt_cgpath *p, struct task_struct *task)
{
	fill_cgpath(p, BPF_CORE_READ(task, cgroups, dfl_cgrp, kn));
}

static __always_inline void stat_inc(u32 idx)
{
	u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

/*
 * Kills and deaths are what pidtrace is for: when the ring buffer is half
 * full, everything else (other signals, lineage) is shed and counted, so a
 * burst of SIGCHLD or forks never pushes a SIGKILL out.
 */
static __always_inline bool shed(bool precious)
{
	u64 avail, size;

	if (precious)
		return false;
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);
	if (avail * 2 < size)
		return false;
	stat_inc(PT_STAT_SHED);
	return true;
}

static __always_inline void *reserve(u32 size, u16 type)
{
	struct pt_hdr *h;

	/* Signal records decide for themselves (only SIGKILL is precious). */
	if (shed(type == PT_EV_EXIT || type == PT_EV_OOM || type == PT_EV_SIGNAL))
		return NULL;
	h = bpf_ringbuf_reserve(&events, size, 0);

	if (!h) {
		stat_inc(PT_STAT_DROPS);
		return NULL;
	}
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = bpf_ktime_get_ns();
	return h;
}

/*
 * A wakeup per record costs the sender ~3.5 us; batching them costs ~0.3
 * us. User space polls with a timeout, so a quiet trickle of records is
 * still read within that timeout.
 */
static __always_inline void submit(void *rec)
{
	u64 flags = 0;

	stat_inc(PT_STAT_EVENTS);
	if (cfg.wakeup_bytes)
		flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg.wakeup_bytes ?
				BPF_RB_FORCE_WAKEUP :
				BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(rec, flags);
}

/*
 * Not inlined: one copy per program means one set of CO-RE relocations to
 * resolve at load. The kernel, which relocates the light skeleton, caches
 * the types it found by name in 31 slots, and here struct pid and struct
 * pid_namespace share one: reading every pid field before the namespace's
 * keeps them from evicting each other more than needed (a miss is a scan
 * of the kernel's 127k types, ~0.3 ms).
 */
static __noinline void fill_task(struct pt_task *t, struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up = {};

	t->pid = BPF_CORE_READ(task, tgid);
	t->tid = BPF_CORE_READ(task, pid);
	t->ppid = BPF_CORE_READ(task, real_parent, tgid);
	t->uid = BPF_CORE_READ(task, real_cred, uid.val);
	t->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	if (level < 32)
		bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level]);
	if (bpf_core_field_exists(pid->ino))
		t->pid_ino = BPF_CORE_READ(pid, ino);
	t->ns_pid = up.nr;
	t->pidns_ino = BPF_CORE_READ(up.ns, ns.inum);
	BPF_CORE_READ_STR_INTO(&t->comm, task, comm);
}

#endif
