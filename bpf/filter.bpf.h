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

#endif
