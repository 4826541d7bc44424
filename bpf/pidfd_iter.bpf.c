// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_iter.bpf.c - follow every pidfd of a process to its struct pid.
 *
 * A task_file iterator: user space attaches it to one process (the link's
 * task filter) and reads one struct pidfd_iter_rec per pidfd. The point is
 * the pid numbers of reaped targets, which no system call reports: the
 * struct pid outlives its task for as long as a pidfd holds it, and keeps
 * numbers[] for every namespace level.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "pidfd_iter.h"

char LICENSE[] SEC("license") = "GPL";

/* pidfs superblocks carry this magic (include/uapi/linux/magic.h). */
#define PID_FS_MAGIC	  0x50494446
#define SIGNAL_GROUP_EXIT 0x00000004

/*
 * Defence in depth: the link already limits the walk to one process, this
 * makes a link attached without the filter harmless. 0 means any.
 */
__s32 target_tgid = 0;

/*
 * Checking the superblock magic needs no kernel address (pidfs_file_operations
 * is static, so /proc/kallsyms would be the only way to learn it) and stays
 * true for every file pidfs hands out.
 */
static __always_inline bool is_pidfd(struct file *file)
{
	unsigned long magic = BPF_CORE_READ(file, f_inode, i_sb, s_magic);

	return magic == PID_FS_MAGIC;
}

static __always_inline void read_task_state(struct pid *pid, struct pidfd_iter_rec *r)
{
	struct hlist_node *first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	struct task_struct *task;
	struct signal_struct *sig;
	unsigned int flags;

	if (!first)
		return;
	r->tasks |= PIDFD_ITER_HAS_PID;
	/* container_of(first, struct task_struct, pid_links[PIDTYPE_PID]) */
	task = (void *)first - bpf_core_field_offset(struct task_struct, pid_links);
	r->exit_state = BPF_CORE_READ(task, exit_state);
	r->exit_code = BPF_CORE_READ(task, exit_code);
	sig = BPF_CORE_READ(task, signal);
	r->live = BPF_CORE_READ(sig, live.counter);
	flags = BPF_CORE_READ(sig, flags);
	/* What wait_task_zombie() would report for a group exit. */
	if (flags & SIGNAL_GROUP_EXIT) {
		r->tasks |= PIDFD_ITER_GROUP_EXIT;
		r->exit_code = BPF_CORE_READ(sig, group_exit_code);
	}
}

static __always_inline void read_numbers(struct pid *pid, struct pidfd_iter_rec *r)
{
	unsigned long base = (unsigned long)pid + bpf_core_field_offset(struct pid, numbers);
	unsigned long usz = bpf_core_type_size(struct upid);
	unsigned int i;

	if (r->level >= PIDFD_ITER_MAX_LEVELS)
		r->tasks |= PIDFD_ITER_TRUNCATED;
	for (i = 0; i < PIDFD_ITER_MAX_LEVELS; i++) {
		struct upid *up = (struct upid *)(base + i * usz);
		struct pid_namespace *ns;

		if (i > r->level)
			break;
		r->nr[i] = BPF_CORE_READ(up, nr);
		ns = BPF_CORE_READ(up, ns);
		r->ns_ino[i] = BPF_CORE_READ(ns, ns.inum);
	}
}

SEC("iter/task_file")
int pidfd_scan(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct pidfd_iter_rec r = {};
	struct pid *pid;

	if (!task || !file)
		return 0;
	if (target_tgid && task->tgid != target_tgid)
		return 0;
	if (!is_pidfd(file))
		return 0;

	/* pidfs keeps the struct pid in the inode (pidfd_pid() in fs/pidfs.c). */
	pid = BPF_CORE_READ(file, f_inode, i_private);
	if (!pid)
		return 0;

	r.version = PIDFD_ITER_VERSION;
	r.fd = ctx->fd;
	r.holder_tid = task->pid;
	r.f_flags = BPF_CORE_READ(file, f_flags);
	r.ino = BPF_CORE_READ(file, f_inode, i_ino);
	r.level = BPF_CORE_READ(pid, level);
	if (BPF_CORE_READ(pid, tasks[PIDTYPE_TGID].first))
		r.tasks |= PIDFD_ITER_HAS_TGID;
	read_task_state(pid, &r);
	read_numbers(pid, &r);

	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}
