/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filter.bpf.h - the user's filters, applied in the kernel so that what
 * they leave out never costs a record: the pid tree (the tracked map,
 * which user space seeds and the fork program extends), the cgroup (v2, or
 * a v1 controller's hierarchy) and the comm of the victim or the sender.
 * Included by pidtrace.bpf.c after its configuration (cfg).
 */
#ifndef PT_FILTER_BPF_H
#define PT_FILTER_BPF_H

/* Thread groups in the pid filter (key: tgid). User space seeds it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u32);
	__type(value, u8);
} tracked SEC(".maps");

static __always_inline bool is_tracked(u32 tgid)
{
	return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

static __always_inline bool comm_equal(const char *a)
{
	for (int i = 0; i < PT_COMM_LEN; i++) {
		if (a[i] != cfg.comm[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static __always_inline bool cgroup_under(struct cgroup *cgrp)
{
	int level = BPF_CORE_READ(cgrp, level);
	u64 off = bpf_core_field_offset(struct cgroup, ancestors);

	for (int i = 0; i < 16; i++) {
		struct cgroup *anc = NULL;

		if (i > level)
			break;
		bpf_probe_read_kernel(&anc, sizeof(anc), (void *)cgrp + off + i * sizeof(anc));
		if (anc && BPF_CORE_READ(anc, kn, id) == cfg.cgroup_id)
			return true;
	}
	return false;
}

static __always_inline bool task_in_cgroup(struct task_struct *task)
{
	struct css_set *cs = BPF_CORE_READ(task, cgroups);
	struct cgroup *cgrp;
	int ssid = cfg.cgroup_ssid;

	if (ssid < 0) {
		cgrp = BPF_CORE_READ(cs, dfl_cgrp);
	} else {
		struct cgroup_subsys_state *css = NULL;

		if (ssid >= 16)
			return false;
		bpf_probe_read_kernel(&css, sizeof(css), &cs->subsys[ssid & 15]);
		cgrp = BPF_CORE_READ(css, cgroup);
	}
	return cgrp && cgroup_under(cgrp);
}

/* Does an event about @victim (sent by current) pass the user's filters? */
static __always_inline bool passes_filters(struct task_struct *victim)
{
	if (cfg.filter_pids && !is_tracked(BPF_CORE_READ(victim, tgid)))
		return false;
	if (cfg.filter_cgroup && !task_in_cgroup(victim))
		return false;
	if (cfg.filter_comm) {
		char comm[PT_COMM_LEN];

		BPF_CORE_READ_STR_INTO(&comm, victim, comm);
		if (!comm_equal(comm)) {
			bpf_get_current_comm(&comm, sizeof(comm));
			if (!comm_equal(comm))
				return false;
		}
	}
	return true;
}

/*
 * kill(0, sig) and kill(-N, sig) signal a whole process group: every member
 * gets its own signal_generate, all inside one kill() under the tasklist
 * lock, so the group cannot change meanwhile. Its size is counted once per
 * kill: the first generation walks the group's list, and the sender's
 * entry here remembers which member the kernel will signal next; a
 * generation for that member reuses the count. (Not a filter, but read
 * by the programs the same way; kept apart from the record ABI.)
 */
struct pgrp_walk_state {
	u64 pgrp;      /* the struct pid walked */
	u64 next_node; /* &next member->pid_links[PIDTYPE_PGID], 0 at the end */
	u32 size;
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, u32); /* the sender's tid */
	__type(value, struct pgrp_walk_state);
} pgrp_walks SEC(".maps");

/*
 * An hlist_node's next pointer, read without a CO-RE relocation: it is the
 * first member in every kernel that has the type. The restore's tracer is
 * relocated by the kernel, which caches the types it looked up in 31 slots
 * by name; struct hlist_node shares its slot with struct pt_regs, and each
 * switch between the two was a scan of every vmlinux type at load (~0.3 ms).
 */
static __always_inline struct hlist_node *hlist_next(struct hlist_node *n)
{
	struct hlist_node *next = NULL;

	bpf_probe_read_kernel(&next, sizeof(next), (void *)n);
	return next;
}

struct pgrp_count_ctx {
	struct hlist_node *n;
	u32 count;
};

static long pgrp_count_step(u64 i, void *data)
{
	struct pgrp_count_ctx *c = data;
	struct hlist_node *n = c->n;

	if (!n)
		return 1;
	c->count++;
	c->n = hlist_next(n);
	return 0;
}

/*
 * The process group @victim is signalled in, when current is in kill(0)
 * or kill(-N) (@nr, @arg0: its syscall and first argument), and its size.
 */
static __always_inline void kill_pgrp_of(struct task_struct *victim, s32 nr, u64 arg0,
					 u32 *pgrp, u32 *size)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct pgrp_count_ctx c = {};
	struct pgrp_walk_state *w, nw = {};
	struct hlist_node *self;
	struct pid *pg;
	int target = (int)arg0;

	*pgrp = 0;
	*size = 0;
	if (nr != NR_kill || target > 0 || target == -1)
		return;
	pg = BPF_CORE_READ(victim, signal, pids[PIDTYPE_PGID]);
	if (!pg)
		return;
	*pgrp = BPF_CORE_READ(pg, numbers[0].nr);
	self = (struct hlist_node *)((void *)victim +
				     bpf_core_field_offset(struct task_struct, pid_links) +
				     PIDTYPE_PGID * sizeof(struct hlist_node));
	w = bpf_map_lookup_elem(&pgrp_walks, &tid);
	if (w && w->pgrp == (u64)pg && w->next_node == (u64)self) {
		*size = w->size;
	} else {
		c.n = BPF_CORE_READ(pg, tasks[PIDTYPE_PGID].first);
		bpf_loop(PT_PGRP_MAX, pgrp_count_step, &c, 0);
		*size = c.count;
	}
	nw.pgrp = (u64)pg;
	nw.size = *size;
	nw.next_node = (u64)hlist_next(self);
	if (nw.next_node)
		bpf_map_update_elem(&pgrp_walks, &tid, &nw, BPF_ANY);
	else if (w)
		bpf_map_delete_elem(&pgrp_walks, &tid);
}

#endif
