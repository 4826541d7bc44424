/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_splice.h - a big task's pages into its pages file by vmsplice() in
 * a helper thread of the task and splice() by pidtrace (dump_splice.c),
 * for dump_pages.c.
 */
#ifndef PT_DUMP_SPLICE_H
#define PT_DUMP_SPLICE_H

#include <stdint.h>
#include <sys/types.h>

#include "dump_ctx.h"
#include "image.h"
#include "pagemap.pb-c.h"

struct dump_splice;
struct ptrace_task;

/*
 * Bytes of task @pid's pages after which the rest go by splice (the first
 * go by copy): 64 MiB, or PIDTRACE_SPLICE_MIB (MiB; "off": never,
 * UINT64_MAX); 0 when its resident anonymous memory alone (RssAnon) is
 * that much (docs/PERFORMANCE.md, round six).
 */
uint64_t dump_splice__after(pid_t pid);

/*
 * Start: the helper thread, its pipe, pidtrace's end of it. Return: 0;
 * -errno when the task cannot have one (the caller copies instead; said
 * with -v).
 */
int dump_splice__start(struct dump_ctx *ctx, struct ptrace_task *pt, struct image_pages *out,
		       PagemapImage *pm, struct dump_splice **sp);
/* Queue @nr pages at @addr (spliced as the pipe fills). Return: 0 or -errno (said). */
int dump_splice__add(struct dump_splice *s, uint64_t addr, uint64_t nr);
/*
 * What is queued into the file, the helper gone, the task put back; frees
 * @s (NULL ok). @err: the caller's failure (nothing more is written).
 * Return: 0 or -errno (said).
 */
int dump_splice__end(struct dump_splice *s, int err);

#endif
