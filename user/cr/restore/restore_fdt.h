/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_fdt.h - fd tables shared by several processes (CLONE_FILES):
 * the image's links checked, the tasks created sharing them, the sharing
 * verified (restore_fdt.c).
 */
#ifndef PT_RESTORE_FDT_H
#define PT_RESTORE_FDT_H

#include <stdbool.h>

#include "restore_ctx.h"

struct verify;

/*
 * Every task whose files image says it uses another task's fd table
 * (fd_table_of) names a live task of the tree before it with a table of
 * its own, and its parent uses that table too (its parent creates it
 * with CLONE_FILES). Return: 0, or -EINVAL (said).
 */
int restore_fdt__check(struct restore_ctx *ctx);
/* @t uses another task's fd table: no fds of its own to install or check. */
bool restore_fdt__shares(const struct rtask *t);
/* The clone flags that make task @t share its parent's fd table, or 0. */
unsigned long restore_fdt__clone_flags(const struct rtask *t);
/*
 * Verification: @v's task shares its fd table with exactly the live tasks
 * after it that the image says (kcmp KCMP_FILES), and every one of its
 * threads uses the process's table. Return: 0, or -EIO (said).
 */
int restore_fdt__verify(struct verify *v);

#endif
