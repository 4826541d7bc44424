// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_repair.c - TCP repair mode mechanics (tcp_repair.h). In repair mode
 * recv(MSG_PEEK) reads the queue TCP_REPAIR_QUEUE selects and send()
 * appends to it without anything going on the wire; TCP_QUEUE_SEQ is the
 * sequence number after that queue's last byte.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tcp_repair.h"

/* A receive queue is refilled in pieces the socket's memory accepts. */
#define FILL_CHUNK (64 * 1024)

static int set_int(int s, int opt, int v)
{
	return setsockopt(s, IPPROTO_TCP, opt, &v, sizeof(v)) ? -errno : 0;
}

int tcp_repair__set(int s, int on)
{
	return set_int(s, TCP_REPAIR, on ? TCP_REPAIR_ON : TCP_REPAIR_OFF);
}

int tcp_repair__seq(int s, int queue, uint32_t *seq)
{
	socklen_t l = sizeof(*seq);
	int err = set_int(s, TCP_REPAIR_QUEUE, queue);

	if (err)
		return err;
	return getsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, seq, &l) ? -errno : 0;
}

int tcp_repair__set_seq(int s, int queue, uint32_t seq)
{
	int err = set_int(s, TCP_REPAIR_QUEUE, queue);

	if (err)
		return err;
	return setsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, sizeof(seq)) ? -errno : 0;
}

int tcp_repair__peek(int s, int queue, uint8_t *buf, size_t len)
{
	ssize_t n;
	int err;

	if (!len)
		return 0;
	err = set_int(s, TCP_REPAIR_QUEUE, queue);
	if (err)
		return err;
	/* One call: a peek always starts at the queue's head. */
	n = recv(s, buf, len, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int tcp_repair__fill(int s, int queue, const uint8_t *buf, size_t len, size_t *done)
{
	size_t off = *done, chunk = FILL_CHUNK;
	ssize_t n;
	int err;

	err = set_int(s, TCP_REPAIR_QUEUE, queue);
	if (err)
		return err;
	while (off < len) {
		n = send(s, buf + off, len - off < chunk ? len - off : chunk, MSG_DONTWAIT);
		if (n > 0) {
			off += n;
			*done = off;
			continue;
		}
		if (n == 0)
			return -EIO;
		/* Receive memory is charged per piece: smaller ones may fit. */
		if ((errno == ENOMEM || errno == EAGAIN) && chunk > 1024) {
			chunk /= 2;
			continue;
		}
		return -errno;
	}
	return 0;
}
