/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_repair.h - the kernel's TCP repair mode (TCP_REPAIR) as dump and
 * restore use it: a socket in repair mode sends nothing (no SYN on
 * connect, no FIN or RST on close), its queues can be read and filled
 * and its sequence numbers set.
 */
#ifndef PT_TCP_REPAIR_H
#define PT_TCP_REPAIR_H

#include <stddef.h>
#include <stdint.h>

/* Repair mode on (1) or off (0) for socket @s. Return: 0 or -errno. */
int tcp_repair__set(int s, int on);

/*
 * tcp_repair__seq() - the sequence number after the last byte of @queue
 * (TCP_RECV_QUEUE, TCP_SEND_QUEUE) of @s, in repair mode.
 * tcp_repair__set_seq() - set it, before connect().
 * Return: 0 or -errno.
 */
int tcp_repair__seq(int s, int queue, uint32_t *seq);
int tcp_repair__set_seq(int s, int queue, uint32_t seq);

/*
 * tcp_repair__peek() - copy @len bytes of @queue of @s (repair mode) into
 * @buf without taking them. Return: 0, -EIO when fewer were there, -errno.
 */
int tcp_repair__peek(int s, int queue, uint8_t *buf, size_t len);

/*
 * tcp_repair__fill() - put @len bytes into @queue of @s (repair mode): the
 * receive queue as if they had arrived, the send queue as if they had been
 * sent and not acknowledged. It starts at byte *@done and sets *@done to
 * how far it got. Return: 0 or -errno (-ENOMEM: the socket's buffer is
 * full; a larger one lets a second call go on).
 */
int tcp_repair__fill(int s, int queue, const uint8_t *buf, size_t len, size_t *done);

#endif
