/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pipe_peek.h - the unread bytes of a pipe or FIFO, copied without taking
 * them out (tee(2) into a private pipe of the same size): the owner reads
 * them after the dump as if nothing had happened, and a dump that fails
 * later has lost nothing.
 */
#ifndef PT_PIPE_PEEK_H
#define PT_PIPE_PEEK_H

#include <stddef.h>
#include <stdint.h>

/**
 * pipe_peek__copy() - copy what pipe @path (a /proc/PID/fd/N link) holds.
 * @cap: its F_GETPIPE_SZ; @data, @len: a malloc'ed copy (NULL, 0: empty).
 * The pipe is opened for reading, without blocking and without a peer.
 * Return: 0 or -errno (-ESRCH is the caller's to decide: it is not checked).
 */
int pipe_peek__copy(const char *path, uint32_t *cap, uint8_t **data, size_t *len);

/* The same through @src, a readable fd on the pipe (not closed). */
int pipe_peek__fd(int src, uint32_t *cap, uint8_t **data, size_t *len);

#endif
