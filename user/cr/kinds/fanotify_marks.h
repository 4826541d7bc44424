/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_FANOTIFY_MARKS_H
#define PT_FANOTIFY_MARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "files.pb-c.h"

struct restore_ctx;

/* fanotify_mark_entry.kind */
enum { FANOTIFY_MARK_INODE = 1, FANOTIFY_MARK_MOUNT = 2, FANOTIFY_MARK_FS = 3 };

/* What a mark is on: "inode", "mount", "file system". */
const char *fanotify_marks__on(uint32_t kind);

/*
 * fanotify_marks__dump() - the group fd @fd of @pid is, from its fdinfo
 * @info, into e->fanotify. Return: 0, -EOPNOTSUPP after saying why in one
 * line (a class with permission events, unread events unless
 * @drop_events, a mark on an object no path reaches), or another -errno.
 */
int fanotify_marks__dump(pid_t pid, int fd, const char *info, FdEntry *e, bool drop_events);

/*
 * fanotify_marks__open() - a new group with @e's flags and marks.
 * Return: pidtrace's fd on it, or -errno after restore_ctx__fail().
 */
int fanotify_marks__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/* The "fanotify " lines of fdinfo @info, sorted (free with fanotify_marks__free_lines()). */
int fanotify_marks__lines(const char *info, char ***lines, size_t *n);
void fanotify_marks__free_lines(char **lines, size_t n);

#endif
