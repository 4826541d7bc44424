/* SPDX-License-Identifier: GPL-2.0 */
/*
 * packet_map.h - a packet socket's ring mapped into a task, made again at
 * restore (packet_map.c; dump_packet_map.c records it).
 */
#ifndef PT_PACKET_MAP_H
#define PT_PACKET_MAP_H

#include "mm.pb-c.h"

struct restore_ctx;
struct rtask;

/*
 * The memory restore: hold @v's place in @t (nothing mapped there before
 * the socket is restored). Return: the address, or -errno.
 */
long packet_map__hold(struct rtask *t, const VmaEntry *v);

/*
 * The packet kind's restore_task: every ring mapping of @t's image mapped
 * from the restored socket (its fd in @t) at its address, with its
 * protection and flags. Return: 0, or -errno after restore_ctx__fail().
 */
int packet_map__restore_task(struct restore_ctx *ctx, struct rtask *t);

#endif
