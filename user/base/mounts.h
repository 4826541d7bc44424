/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mounts.h - make sure the pseudo file system the tracer needs exists.
 * A fresh machine may have no bpffs mounted; pidtrace mounts it itself
 * rather than asking the user to. (tracefs is not needed: pidtrace attaches
 * tp_btf/raw_tp programs, which do not go through it.)
 */
#ifndef PT_MOUNTS_H
#define PT_MOUNTS_H

/* Mount bpffs at /sys/fs/bpf unless one is there. */
int mounts__ensure_bpffs(void);

#endif
