/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_pages.h - copying a task's pages into its pages file, in batches,
 * with a reader thread for big dumps (dump_pages.c), for dump_mem.c.
 */
#ifndef PT_DUMP_PAGES_H
#define PT_DUMP_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "dump_ctx.h"
#include "pagemap.pb-c.h"

struct dump_pages;
struct ptrace_task;

/* A copier of @pt's pages into @pm's runs. NULL: out of memory. */
struct dump_pages *dump_pages__new(struct dump_ctx *ctx, struct ptrace_task *pt, PagemapImage *pm);
/* Open pages file @name of @pid in the image. Return: 0 or -errno (said). */
int dump_pages__begin(struct dump_pages *b, const char *name, pid_t pid);
/* Copy @nr pages from @addr (in batches: the copy may happen later). */
int dump_pages__add(struct dump_pages *b, uint64_t addr, uint64_t nr);
/* Copy what is left (of a batch). */
int dump_pages__finish(struct dump_pages *b);
/*
 * The end of the task's pages: after @err (a failure of the caller's,
 * or 0) the file is discarded, else what is left is copied and the file
 * completed. @printed: whether the error returned was already said.
 */
int dump_pages__end(struct dump_pages *b, int err, bool *printed);
void dump_pages__free(struct dump_pages *b);

#endif
