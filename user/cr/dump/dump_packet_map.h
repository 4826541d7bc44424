/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_packet_map.h - a packet socket's ring mapped into a task
 * (dump_packet_map.c).
 */
#ifndef PT_DUMP_PACKET_MAP_H
#define PT_DUMP_PACKET_MAP_H

#include <sys/types.h>

#include "dump_ctx.h"

/*
 * dump_packet_map__vma() - the mapping @v of @pid (addresses, protection,
 * flags set), whose map_files link is @link ("socket:[N]"): a packet
 * socket's whole ring, recorded with the fd of the task that holds the
 * socket. Refused (printed, -EOPNOTSUPP): another socket's mapping, a
 * socket no fd of the task holds, part of a ring, a privately mapped
 * ring page the program wrote.
 * Context: the task is frozen.
 * Return: 0, -EOPNOTSUPP, -ESRCH, other -errno.
 */
int dump_packet_map__vma(struct dump_ctx *ctx, pid_t pid, VmaEntry *v, const char *link);

#endif
