// SPDX-License-Identifier: GPL-2.0
/*
 * aio_iter.bpf.c - the AIO contexts (io_setup) of a process, from its ring
 * mappings.
 *
 * A task_vma iterator: user space attaches it to one process and reads one
 * struct aio_iter_rec per ring mapping. The point is what no system call
 * or /proc file says: the nr_events io_setup() was asked for (the ring is
 * bigger), and whether requests are in flight. Every request slot of a
 * context is free (reqs_available, split between a global count and one
 * per CPU), taken by a request in flight, or taken by a completion not
 * yet given back (completed_events): in flight = nr_events - 1 - free -
 * completed_events.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "aio_iter.h"

char LICENSE[] SEC("license") = "GPL";

/* The aio pseudo file system's magic (include/uapi/linux/magic.h). */
#define AIO_RING_MAGIC 0xa10a10a1
#define AIO_ITER_MAX_CPUS 512

/* Defence in depth, as in pidfd_iter.bpf.c: 0 means any. */
__s32 target_tgid = 0;
/* The possible CPUs (libbpf_num_possible_cpus()), set by user space. */
__u32 nr_cpus = 0;

/*
 * A per-CPU variable of CPU n lives at its address plus that CPU's offset
 * (per_cpu_ptr()). The context's counters have no per-CPU type in BTF for
 * bpf_per_cpu_ptr(), and this kernel's kallsyms has no data symbols for a
 * typed ksym: the offsets are found through the scheduler instead. Every
 * task's sched_entity points (through its cfs_rq) to the run queue of its
 * CPU, a per-CPU variable (runqueues); the per-CPU variable this_cpu_off,
 * which holds that CPU's offset, is at a fixed distance from it in every
 * CPU's area: the distance between their places in the .data..percpu
 * section, which user space reads from the kernel's BTF (rq_to_off).
 * cpu_offsets runs over every task first and fills cpu_off.
 */
__s64 rq_to_off = 0;
__u64 cpu_off[AIO_ITER_MAX_CPUS];
__u8 cpu_seen[AIO_ITER_MAX_CPUS];

SEC("iter/task")
int cpu_offsets(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	unsigned long off = 0;
	struct rq *rq;
	__u32 cpu;

	if (!task || !rq_to_off)
		return 0;
	cpu = BPF_CORE_READ(task, thread_info.cpu);
	rq = BPF_CORE_READ(task, se.cfs_rq, rq);
	if (!rq || cpu >= AIO_ITER_MAX_CPUS)
		return 0;
	if (bpf_probe_read_kernel(&off, sizeof(off), (const char *)rq + rq_to_off))
		return 0;
	cpu_off[cpu] = off;
	cpu_seen[cpu] = 1;
	return 0;
}

/* 6.6 renamed address_space.private_data to i_private_data. */
struct address_space___old {
	void *private_data;
};

static __always_inline struct kioctx *ring_ctx(struct file *file)
{
	struct address_space *m = BPF_CORE_READ(file, f_mapping);

	if (bpf_core_field_exists(m->i_private_data))
		return BPF_CORE_READ(m, i_private_data);
	return BPF_CORE_READ((struct address_space___old *)m, private_data);
}

SEC("iter/task_vma")
int aio_scan(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct vm_area_struct *vma = ctx->vma;
	struct aio_iter_rec r = {};
	struct kioctx_cpu *pc;
	struct kioctx *kc;
	struct file *file;
	__u32 i;

	if (!task || !vma)
		return 0;
	if (target_tgid && task->tgid != target_tgid)
		return 0;
	file = vma->vm_file;
	if (!file || BPF_CORE_READ(file, f_inode, i_sb, s_magic) != AIO_RING_MAGIC)
		return 0;
	kc = ring_ctx(file);
	if (!kc)
		return 0;
	r.version = AIO_ITER_VERSION;
	r.vm_start = vma->vm_start;
	r.vm_end = vma->vm_end;
	r.user_id = BPF_CORE_READ(kc, user_id);
	r.max_reqs = BPF_CORE_READ(kc, max_reqs);
	r.nr_events = BPF_CORE_READ(kc, nr_events);
	r.tail = BPF_CORE_READ(kc, tail);
	r.completed_events = BPF_CORE_READ(kc, completed_events);
	r.dead = BPF_CORE_READ(kc, dead.counter);
	r.avail = BPF_CORE_READ(kc, reqs_available.counter);
	pc = BPF_CORE_READ(kc, cpu);
	for (i = 0; i < AIO_ITER_MAX_CPUS && i < nr_cpus; i++) {
		__u32 n = 0;

		/* A CPU no task showed: its counter cannot be read, no record. */
		if (!cpu_seen[i] ||
		    bpf_probe_read_kernel(&n, sizeof(n), (const char *)pc + cpu_off[i]))
			return 0;
		r.avail += n;
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}
