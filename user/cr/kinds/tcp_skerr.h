/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_skerr.h - what a socket holds that no system call reads without
 * changing it: its pending error (sk_err, which SO_ERROR clears), its
 * soft error, and whether the peer's FIN came (SOCK_DONE). Read by a BPF
 * task_file iterator (bpf/sk_err_iter.bpf.c) on a copy of the socket's
 * fd in pidtrace's own process.
 *
 * A TCP socket in CLOSE after a connection is so either way: both FINs
 * went (SOCK_DONE) or a reset came (no SOCK_DONE; sk_err ECONNRESET
 * until the program reads it). Dump tells them apart here, restore
 * verification checks the restored socket the same way.
 */
#ifndef PT_TCP_SKERR_H
#define PT_TCP_SKERR_H

#include <stdbool.h>
#include <stdint.h>

struct tcp_skerr {
	int err;		/* sk_err */
	int err_soft;		/* sk_err_soft */
	uint32_t state;		/* sk_state */
	uint32_t shutdown;	/* sk_shutdown */
	bool done;		/* SOCK_DONE: the peer's FIN was received */
};

/**
 * tcp_skerr__read() - the state above of socket @s, an fd of this process.
 * Return: 0; -ENOENT when the iterator did not see it; -errno (the
 * iterator cannot be loaded: no BTF, no CAP_BPF...).
 */
int tcp_skerr__read(int s, struct tcp_skerr *out);

#endif
