/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kind_pty.h - what the dump's refusals ask of the pseudo-terminal kind.
 */
#ifndef PT_KIND_PTY_H
#define PT_KIND_PTY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct dump_ctx;

/* Majors of the unix98 pty slaves (/dev/pts/N: N = (major - 136) * 256 + minor). */
#define KIND_PTY_SLAVE_MAJOR_FIRST 136
#define KIND_PTY_SLAVE_MAJOR_LAST 143
/* /dev/ptmx; /dev/tty is its major's minor 0. */
#define KIND_PTY_PTMX_MAJOR 5
#define KIND_PTY_PTMX_MINOR 2

/* The pts index of device @rdev (a st_rdev, or a tty_nr of /proc/PID/stat), or -1. */
int kind_pty__index(dev_t rdev);
/* kind_pty_scan.c. The index of master fd @fd of @pid (fdinfo tty-index), or -1. */
int kind_pty__master_index(pid_t pid, int fd);
/*
 * Does a task of the (frozen) tree hold the slave @slave (/dev/pts/@index),
 * or /dev/tty standing for it, open.
 */
bool kind_pty__slave_in_tree(struct dump_ctx *ctx, int index, const struct stat *slave);
/* Does a task of the (frozen) tree hold the master of /dev/pts/@index. */
bool kind_pty__master_in_tree(struct dump_ctx *ctx, int index);
/*
 * The slave of master fd @hfd of @holder (@c: pidtrace's copy of it),
 * /dev/pts/@index, held open or the controlling terminal of a process
 * outside the tree: -EOPNOTSUPP after the one line naming it; 0 when
 * none; -errno.
 */
int kind_pty__outside(struct dump_ctx *ctx, pid_t holder, int hfd, int c, int index);
/* Session, tty_nr and tpgid of /proc/@pid/stat. Return: 0 or -errno. */
int kind_pty__stat_tty(pid_t pid, pid_t *sid, int *tty_nr, pid_t *tpgid);
/*
 * A copy in pidtrace of the master of /dev/pts/@index of the devpts
 * instance @dev (st_dev of the slave), wherever a process holds it (a scan
 * of /proc), or -errno (-ENOENT: none).
 */
int kind_pty__find_master(int index, dev_t dev);
/* The pts index of pidtrace's own controlling terminal, or -1. */
int kind_pty__own_index(void);

/* The kernel's O_LARGEFILE (x86; glibc's is 0 on 64-bit): fdinfo flags have it. */
#define KIND_PTY_O_LARGEFILE 0100000

#endif
