// SPDX-License-Identifier: GPL-2.0
/*
 * sk_err_iter.bpf.c - a socket's pending error, read without taking it.
 *
 * getsockopt(SO_ERROR) is the only system call that tells sk_err, and it
 * clears it: a dump that asked would hand the program (--leave-running)
 * a socket whose reset it never sees. A TCP socket closed by a reset is
 * in no table inet_diag walks (unhashed), so the way in is the fd: a
 * task_file iterator on pidtrace's own process, for the one fd holding a
 * copy of the socket.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "sk_err_iter.h"

char LICENSE[] SEC("license") = "GPL";

/* The process and fd asked about; the link's task filter limits the walk too. */
__s32 target_tgid = 0;
__s32 target_fd = -1;

SEC("iter/task_file")
int sk_err_scan(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sk_err_iter_rec r = {};
	struct socket *sock;
	struct sock *sk;

	if (!task || !file || task->tgid != target_tgid || (__s32)ctx->fd != target_fd)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	r.version = SK_ERR_ITER_VERSION;
	r.fd = ctx->fd;
	r.ino = BPF_CORE_READ(file, f_inode, i_ino);
	r.err = BPF_CORE_READ(sk, sk_err);
	r.err_soft = BPF_CORE_READ(sk, sk_err_soft);
	r.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	r.shutdown = BPF_CORE_READ(sk, sk_shutdown);
	r.flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}
