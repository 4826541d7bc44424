/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_fin.h - TCP connections half or fully closed (FIN_WAIT1, FIN_WAIT2,
 * CLOSE_WAIT, LAST_ACK, CLOSING) through TCP repair. The kernel's repair
 * mode only makes ESTABLISHED connections; a FIN is no data byte and has
 * no place in a queue it refills. So dump saves the queues without the
 * FINs (the sequence numbers still count them) and restore makes the
 * connection ESTABLISHED one sequence number short of each FIN, then
 * replays the FINs in the order they came:
 *  - ours, sent: shutdown(SHUT_WR) in repair mode with the send queue
 *    selected, which queues the FIN as sent (the retransmit timer sends
 *    it again if the peer had not acknowledged it);
 *  - ours, never sent (FIN_WAIT1, LAST_ACK behind unsent bytes): a real
 *    shutdown(SHUT_WR) once repair mode is off and the bytes are written;
 *  - the peer's: a FIN segment from the peer's address, written on a raw
 *    socket, at the sequence number the restored socket expects next;
 *  - the peer's acknowledgment of our FIN (FIN_WAIT2): a bare ACK the same
 *    way.
 * A socket closed after a connection (CLOSE, both FINs acknowledged; its
 * peer still named by SO_PEERNAME) goes the LAST_ACK way, then the ACK
 * of our FIN closes it: it reads its unread bytes and the end of the
 * stream, and cannot write, as the original.
 *
 * A socket closed by a reset (CLOSE, no FIN of the peer's received,
 * tcp_conn_entry reset_err) goes the ESTABLISHED way, then takes a reset
 * from the peer's address at the sequence number it expects: the kernel
 * closes it as it closed the original, and leaves the same error pending
 * (tcp_skerr.h reads it at dump without taking it).
 */
#ifndef PT_TCP_FIN_H
#define PT_TCP_FIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "files.pb-c.h"

/* The kernel's TCP states (include/net/tcp_states.h). */
enum {
	TCP_FIN_ST_ESTABLISHED = 1,
	TCP_FIN_ST_SYN_SENT = 2,
	TCP_FIN_ST_FIN_WAIT1 = 4,
	TCP_FIN_ST_FIN_WAIT2 = 5,
	TCP_FIN_ST_TIME_WAIT = 6,
	TCP_FIN_ST_CLOSE = 7,
	TCP_FIN_ST_CLOSE_WAIT = 8,
	TCP_FIN_ST_LAST_ACK = 9,
	TCP_FIN_ST_CLOSING = 11,
};

/*
 * Whether a connection in @state is one dump saves and restore makes:
 * these and SYN_SENT (connecting: restore sends its SYN again from the
 * same initial sequence number, restore_tcp.c).
 */
bool tcp_fin__state_ok(uint32_t state);
/* @state has our FIN queued (sent or not): FIN_WAIT1, FIN_WAIT2, LAST_ACK, CLOSING, CLOSE. */
bool tcp_fin__ours(uint32_t state);
/* @state has our FIN acknowledged by the peer: FIN_WAIT2, CLOSE. */
bool tcp_fin__ours_acked(uint32_t state);
/* @state has the peer's FIN received: CLOSE_WAIT, LAST_ACK, CLOSING, CLOSE. */
bool tcp_fin__peers(uint32_t state);
/* "established", "fin-wait-1", ... */
const char *tcp_fin__state_name(uint32_t state);

/*
 * Restore: the sequence number after the receive queue and after the send
 * queue without the FINs; how many bytes of the send queue go in as
 * sent in repair mode (the rest is written once repair mode is off).
 */
uint32_t tcp_fin__rcv_nxt(const TcpConnEntry *t);
/* The state the FIN steps make: @t's, but ESTABLISHED for one a reset closed. */
uint32_t tcp_fin__fins_state(const TcpConnEntry *t);
uint32_t tcp_fin__write_seq(const TcpConnEntry *t);
size_t tcp_fin__sent_in_repair(const TcpConnEntry *t);

/* The replay steps, in this order over every connection of the tree. */
enum tcp_fin_step {
	TCP_FIN_OURS_FIRST,	/* our FIN as sent, before the peer's */
	TCP_FIN_PEERS,		/* the peer's FIN */
	TCP_FIN_OURS_SECOND,	/* our FIN as sent, after the peer's (LAST_ACK, CLOSE) */
	TCP_FIN_ACKED,		/* the peer's ACK of our FIN (FIN_WAIT2, CLOSE) */
	TCP_FIN_RESET,		/* the peer's reset (CLOSE by a reset: reset_err) */
	TCP_FIN_STEPS
};

/**
 * tcp_fin__replay() - step @step for connection @t of socket @s (repair
 * mode, connected from @local to @peer, queues and window set).
 * Return: 0 or -errno, @what says which call failed.
 */
int tcp_fin__replay(int s, const TcpConnEntry *t, enum tcp_fin_step step,
		    const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		    const char **what);

/* The mark of the segments sent from a raw socket ("ptrc"). */
#define TCP_FIN_MARK 0x70747263

/**
 * tcp_fin__probe() - at dump, for connection @t of socket @s (repair
 * mode, from @local to @peer) whose restore will replay the peer's FIN
 * or ACK from a raw socket: whether such a segment reaches it, by one
 * far out of the window that changes nothing (a firewall rule of the
 * tree's own may drop what comes from the peer).
 * Return: 0, -EHOSTUNREACH when it did not arrive, other -errno.
 */
int tcp_fin__probe(int s, const TcpConnEntry *t, const struct sockaddr_storage *local,
		   const struct sockaddr_storage *peer);
/* After tcp_fin__probe() failed: why the segment did not arrive, in words (nft's line unescaped: for log.c). */
const char *tcp_fin__probe_why(void);

/**
 * tcp_fin__after_repair() - repair mode is off and the unsent bytes are
 * written: our FIN if it was never sent, and SHUT_RD if the program had
 * shut down reading without the peer's FIN (@shutdown: the image's bits).
 * Return: 0 or -errno, @what said.
 */
int tcp_fin__after_repair(int s, const TcpConnEntry *t, uint32_t shutdown, const char **what);

#endif
