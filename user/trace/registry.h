/* SPDX-License-Identifier: GPL-2.0 */
/*
 * registry.h - read the death registry that `pidtrace watch --pin` keeps
 * pinned in bpffs: how a process died (exit status, comm, parent, killer),
 * looked up by the pidfs inode of its struct pid — the identity a pidfd
 * keeps after its target is reaped.
 */
#ifndef PT_REGISTRY_H
#define PT_REGISTRY_H

#include <stdint.h>

#include "pidtrace.h"

/* Where the registry is pinned: $PIDTRACE_REGISTRY, else PT_REGISTRY_PIN_PATH. */
const char *registry__path(void);
/*
 * Open the pinned registry. Return: an fd, -ENOENT when no tracer pinned one,
 * -EPERM when its directory is not root's alone (registry__check_dir()).
 */
int registry__open(void);
/*
 * The directory holding @path must be a directory of root's that no one
 * else can write: whoever can write it can replace or remove the registry.
 * Return: 0, -EPERM, or -errno from lstat().
 */
int registry__check_dir(const char *path);
/* Look @ino up. Return: 0, -ENOENT when the death was not seen, -errno. */
int registry__lookup(int fd, uint64_t ino, struct pt_death_note *out);

#endif
