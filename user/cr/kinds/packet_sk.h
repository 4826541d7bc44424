/* SPDX-License-Identifier: GPL-2.0 */
/*
 * packet_sk.h - what the kernel tells of a packet socket beyond
 * getsockopt(): packet_diag (sock_diag) for its memberships, rings,
 * fanout, copy threshold and receive queue; and whether a frame of its
 * rings is in the program's hands.
 */
#ifndef PT_PACKET_SK_H
#define PT_PACKET_SK_H

#include <stdbool.h>
#include <stdint.h>

#include "files.pb-c.h"

#define PACKET_SK_MREQS 64	/* memberships kept per socket */

struct packet_sk_mreq {
	uint32_t ifindex, count;
	uint16_t type, alen;
	uint8_t addr[32];
};

struct packet_sk_ring {
	uint32_t block_size, block_nr, frame_size, frame_nr, retire_tmo, sizeof_priv, features;
};

struct packet_sk_diag {
	bool found;
	uint32_t type, num;		/* SOCK_RAW..., the ethertype bound (host order) */
	uint32_t version, reserve, copy_thresh, flags;	/* PACKET_DIAG_INFO (PDI_*) */
	bool has_fanout;
	uint32_t fanout;
	struct packet_sk_mreq mreq[PACKET_SK_MREQS];
	uint32_t n_mreq;
	bool more_mreqs;		/* more than PACKET_SK_MREQS */
	struct packet_sk_ring rx, tx;	/* block_nr 0: none */
	uint32_t rmem;			/* bytes queued to read */
};

/*
 * packet_sk__diag() - describe the packet socket of inode @ino (pidtrace's
 * network namespace) into @d (@d->found false: not listed).
 * Return: 0 or -errno.
 */
int packet_sk__diag(uint64_t ino, struct packet_sk_diag *d);

/*
 * packet_sk__busy_frames() - how many frames of the rings of packet
 * socket @s (version @version, rings @rx and @tx) are not the kernel's:
 * received and not yet released by the program, or queued to send.
 * Read through a mapping of the rings in pidtrace, unmapped after.
 * Return: the count, or -errno.
 */
int packet_sk__busy_frames(int s, uint32_t version, const struct packet_sk_ring *rx,
			   const struct packet_sk_ring *tx);

/* A SOL_PACKET option kept: an int, in a 32-bit field of the entry with its has_ flag. */
struct packet_sk_opt {
	int opt;
	const char *name;	/* "PACKET_AUXDATA" */
	size_t has, val;	/* offsets in PacketSkEntry */
};

/* Every option kept, in the order restore sets them (version and reserve before rings). */
extern const struct packet_sk_opt packet_sk_opts[];
#define PACKET_SK_NOPTS 9

/* "raw", "dgram", "spkt" (SOCK_PACKET). */
const char *packet_sk__type_name(uint32_t type);

/* `pidtrace show`: one line for fd @e (FD_PACKET). Return: false without state. */
bool packet_sk__describe(const FdEntry *e, char *buf, size_t len);

/* `pidtrace show --json`: the "packet" object of fd @e. */
struct json_object;
void packet_sk__json(const FdEntry *e, struct json_object *o);

#endif
