/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sk_err_iter.h - the record ABI of the socket error iterator
 * (bpf/sk_err_iter.bpf.c, read by user/cr/kinds/tcp_skerr.c). Fixed-width
 * types, explicit padding: one layout for clang -target bpf and the host.
 */
#ifndef SK_ERR_ITER_H
#define SK_ERR_ITER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SK_ERR_ITER_VERSION 1

struct sk_err_iter_rec {
	__u32 version;	   /* SK_ERR_ITER_VERSION */
	__s32 fd;	   /* the fd the iterator was asked about */
	__u64 ino;	   /* the socket's inode (what fstat() says) */
	__s32 err;	   /* sk->sk_err: the pending error SO_ERROR would take */
	__s32 err_soft;	   /* sk->sk_err_soft: SO_ERROR's answer when err is 0 */
	__u32 state;	   /* sk->sk_state */
	__u32 shutdown;	   /* sk->sk_shutdown */
	__u64 flags;	   /* sk->sk_flags (enum sock_flags bits: SOCK_DONE 1) */
};

#define SK_ERR_ITER_REC_SIZE 40

#endif
