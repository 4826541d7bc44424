/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mounts.h - make sure the pseudo file systems the tracer needs exist.
 * A fresh machine has neither tracefs nor bpffs mounted; pidtrace mounts
 * them itself rather than asking the user to.
 */
#ifndef PT_MOUNTS_H
#define PT_MOUNTS_H

/* Mount tracefs at /sys/kernel/tracing unless it (or debugfs' tracing) is there. */
int mounts__ensure_tracefs(void);
/* Mount bpffs at /sys/fs/bpf unless one is there. */
int mounts__ensure_bpffs(void);

#endif
