/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_refuse.h - what restore cannot bring back exactly, refused at dump
 * before the tree is killed (see dump_refuse.c). Each prints its refusal in
 * one line and returns -EOPNOTSUPP, or -ESRCH, or another -errno.
 */
#ifndef PT_DUMP_REFUSE_H
#define PT_DUMP_REFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct dump_ctx;

/* Once the tree is frozen: namespaces. */
int dump_refuse__frozen(struct dump_ctx *ctx);

/* Once every fd is known (a pty master is the better name): controlling terminals. */
int dump_refuse__ttys(struct dump_ctx *ctx);

/* One fd (@info: its fdinfo text): locks and leases, ptys, /dev/tty, paths. */
int dump_refuse__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		    const struct stat *st, const char *info);

/* @which ("cwd", "root") of @pid, @link its target: removed, or in /proc. */
int dump_refuse__dir(pid_t pid, const char *which, const char *link);

/* dump_outside.c, once every fd is known: pipes and sockets held or peered from outside. */
int dump_outside__check(struct dump_ctx *ctx);

/* @s with every byte that is not printable ASCII as \xNN, into @buf. */
/*
 * Can restore make the removed node @link ("PATH (deleted)") again at its
 * path: the name free, the nearest remaining ancestor a directory. Else
 * say so for @who ("pid 812 fd 3") and its @what ("device node").
 * Return: 0 or -EOPNOTSUPP (printed).
 */
int dump_refuse__remakeable(const char *link, const char *who, const char *what);
/* @which "cwd" and @link "/proc/N (deleted)": N, else 0. */
int dump_refuse__dead_proc_dir(const char *link, const char *which);
/* Is @link ("/proc/N/..." on procfs) a file of a process outside the tree. */
bool dump_refuse__proc_outsider(struct dump_ctx *ctx, const char *link, const struct stat *st);
const char *dump_refuse__escape(const char *s, char *buf, size_t len);

/* Once every fd is known: more than restore can hold (rlimits.c). */
int dump_refuse__fd_limit(struct dump_ctx *ctx);

#endif
