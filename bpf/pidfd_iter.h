/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pidfd_iter.h - the record ABI of the pidfd task_file iterator.
 *
 * bpf/pidfd_iter.bpf.c writes one struct pidfd_iter_rec per pidfd with
 * bpf_seq_write(); user/trace/pidfd_scan.c reads them back from the iterator fd.
 * Fixed-width types and explicit padding keep the layout identical for
 * clang -target bpf and the host compiler; user space asserts the size.
 */
#ifndef PIDFD_ITER_H
#define PIDFD_ITER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PIDFD_ITER_VERSION    1
#define PIDFD_ITER_MAX_LEVELS 8

/* Bits of pidfd_iter_rec.tasks: what the target's struct pid still has. */
enum pidfd_iter_tasks {
	PIDFD_ITER_HAS_PID = 1 << 0,	/* pid->tasks[PIDTYPE_PID] non-empty */
	PIDFD_ITER_HAS_TGID = 1 << 1,	/* pid->tasks[PIDTYPE_TGID] non-empty */
	PIDFD_ITER_TRUNCATED = 1 << 2,	/* level >= PIDFD_ITER_MAX_LEVELS */
	PIDFD_ITER_GROUP_EXIT = 1 << 3, /* signal->flags has SIGNAL_GROUP_EXIT */
};

struct pidfd_iter_rec {
	__u32 version;	  /* PIDFD_ITER_VERSION */
	__s32 fd;	  /* fd number in the holder */
	__s32 holder_tid; /* task the iterator saw (first of its fd table) */
	__u32 f_flags;	  /* file->f_flags; PIDFD_THREAD is O_EXCL */
	__u64 ino;	  /* file->f_inode->i_ino (what fstat() says) */
	__u32 level;	  /* pid->level: numbers[0..level] are valid */
	__u32 tasks;	  /* enum pidfd_iter_tasks */
	/*
	 * The task attached as PIDTYPE_PID (valid with PIDFD_ITER_HAS_PID):
	 * its exit_state (EXIT_ZOMBIE 0x20, EXIT_DEAD 0x10, 0 when running),
	 * the wait status a waiter would get now, and the number of live
	 * threads of its thread group (signal->live).
	 */
	__u32 exit_state;
	__s32 exit_code;
	__s32 live;
	__u32 pad0;
	__s32 nr[PIDFD_ITER_MAX_LEVELS];     /* pid->numbers[i].nr, level 0 first */
	__u64 ns_ino[PIDFD_ITER_MAX_LEVELS]; /* pid->numbers[i].ns->ns.inum */
};

#define PIDFD_ITER_REC_SIZE 144

#endif
