/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * aio_iter.h - the record ABI of the AIO context iterator.
 *
 * bpf/aio_iter.bpf.c writes one struct aio_iter_rec per AIO ring mapping
 * (io_setup) of a process with bpf_seq_write(); user/cr/dump/dump_aio.c
 * reads them back. Fixed-width types keep the layout identical for clang
 * -target bpf and the host compiler; user space asserts the size.
 */
#ifndef AIO_ITER_H
#define AIO_ITER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define AIO_ITER_VERSION  1
#define AIO_ITER_REC_SIZE 56

struct aio_iter_rec {
	__u32 version;		/* AIO_ITER_VERSION */
	__u32 max_reqs;		/* io_setup()'s nr_events, as asked */
	__u64 vm_start;		/* the ring mapping */
	__u64 vm_end;
	__u64 user_id;		/* the context id (the ring's address) */
	__u32 nr_events;	/* the ring's size in events */
	__u32 tail;		/* where the kernel writes the next event */
	__u32 completed_events;	/* completions whose slots are not yet given back */
	__u32 avail;		/* free request slots: global + every CPU's */
	__u32 dead;		/* io_destroy()ed, going away */
	__u32 pad;
};

#endif
