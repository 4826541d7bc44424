/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidmaps.h - where a process has its files mapped, from /proc/PID/maps,
 * read once per process and kept: a process that sends kill after kill
 * costs one read, not one per kill.
 *
 * A view holds a pidfd on the process it was read from: polling it tells,
 * without touching /proc, whether that process still runs. Once it is
 * gone the view is kept (its files still describe the stacks it sent
 * before dying). A view can be stale (an exec, a dlopen since, or a pid
 * reused after its owner died): the caller checks what it finds against
 * what the kernel recorded and calls pidmaps__reload() on a mismatch,
 * which reads a running process's maps at most once a second (a stack
 * with a garbage frame must not cost a read per kill).
 *
 * Bounded: at most max_procs views (PIDMAPS_DEFAULT_MAX: 64, a few KiB
 * each), the least recently used dropped first. Not thread-safe.
 */
#ifndef PT_PIDMAPS_H
#define PT_PIDMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "symcache.h"

#define PIDMAPS_DEFAULT_MAX 64
#define PIDMAPS_RELOAD_NS 1000000000ull

/* One mapping of a view. */
struct pidmaps_map {
	uint64_t start, end; /* addresses [start, end) */
	uint64_t pgoff;	     /* file offset of start */
	uint64_t dev;	     /* as stat() gives st_dev */
	uint64_t ino;
	/*
	 * The file, NULL when the mapping is no plain file that can be opened
	 * by that name: anonymous, [vdso], [heap], a deleted file.
	 */
	const char *path;
	bool anon;  /* no file at all, and not the vDSO: no symbol there */
	size_t idx; /* for pidmaps__file_id() */
};

struct pidmaps_stats {
	uint64_t reads, evictions;
	size_t procs;
};

struct pidmaps;
struct pidmaps_proc;

/* @max_procs: 0 for PIDMAPS_DEFAULT_MAX. NULL on ENOMEM. */
struct pidmaps *pidmaps__new(size_t max_procs);
void pidmaps__free(struct pidmaps *pm);
/*
 * The view of process @pid, cached or read now. *@out is valid until the
 * next pidmaps__get(). Return: 0, -ESRCH when the process is gone (or a
 * zombie) and was never read, another -errno (-EACCES).
 */
int pidmaps__get(struct pidmaps *pm, pid_t pid, struct pidmaps_proc **out);
/* Whether the process a view was read from has exited. */
bool pidmaps__gone(struct pidmaps_proc *p);
/*
 * Read the view again from the process that has the pid now. Return: 0,
 * -EBUSY when its process runs and it was read less than
 * PIDMAPS_RELOAD_NS ago, -ESRCH (nobody has the pid: the old view is
 * kept) or another -errno.
 */
int pidmaps__reload(struct pidmaps *pm, struct pidmaps_proc *p);
/* The mapping that holds @addr. Return: 0, or -ENOENT. */
int pidmaps__find(const struct pidmaps_proc *p, uint64_t addr, struct pidmaps_map *out);
/* The lowest mapping that starts above @addr. Return: 0, or -ENOENT. */
int pidmaps__above(const struct pidmaps_proc *p, uint64_t addr, struct pidmaps_map *out);
/*
 * The identity (device, inode, mtime) of the file of mapping @m, from a
 * stat() of its path (done once per mapping). Return: 0, -ESTALE when the
 * path names another file now (replaced, another mount namespace),
 * -ENOENT when @m has no path, another -errno from stat().
 */
int pidmaps__file_id(struct pidmaps_proc *p, const struct pidmaps_map *m,
		     struct symcache_id *id);
void pidmaps__stats(const struct pidmaps *pm, struct pidmaps_stats *st);

#endif
