/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_rofs.h - whether restore can create what it must make again on the
 * mount it was on (dump_rofs.c).
 */
#ifndef PT_DUMP_ROFS_H
#define PT_DUMP_ROFS_H

#include <stdbool.h>
#include <sys/stat.h>

/* dump_rofs__read_only() - 1: @path is on a read-only mount (or file system), 0 not, -errno. */
int dump_rofs__read_only(const char *path);

/*
 * dump_rofs__deleted() - deleted file @path (its fd or map_files link
 * @link, stat @st), of @who: is its mount read-only? Return: 0 no, 1 by
 * its mount flag only and a writable clone of the mount at its directory
 * reaches the same file system (restore_rofs.c makes it there),
 * -EOPNOTSUPP refused with one line, -errno.
 */
int dump_rofs__deleted(const char *link, const char *path, const struct stat *st,
		       const char *who);

#endif
