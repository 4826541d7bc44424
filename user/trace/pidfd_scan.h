/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidfd_scan.h - what the pidfds of a process point at.
 *
 * The kernel tells the pid of a pidfd's target only while the target lives
 * or is a zombie (/proc/PID/fdinfo "Pid:"); once the target is reaped it
 * says -1, and PIDFD_GET_INFO gives the wait status but pid 0. A BPF
 * task_file iterator (bpf/pidfd_iter.bpf.c) follows each pidfd to its
 * struct pid and reads the pid numbers at every namespace level, which the
 * struct pid keeps for as long as a pidfd holds it.
 *
 * The iterator is loaded once, on the first scan, and kept until
 * pidfd_scan__cleanup(). Nothing is mounted or pinned. Not thread-safe:
 * one thread scans at a time.
 */
#ifndef PT_PIDFD_SCAN_H
#define PT_PIDFD_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Pid namespace levels recorded per target; deeper targets are an error. */
#define PIDFD_SCAN_MAX_LEVELS 8

enum pidfd_target_state {
	PIDFD_TARGET_ALIVE = 1,	 /* has tasks and is not a zombie */
	PIDFD_TARGET_ZOMBIE = 2, /* has tasks, all exited, not yet reaped */
	PIDFD_TARGET_REAPED = 3, /* no task left: only the struct pid remains */
};

struct pidfd_target {
	int fd;		  /* the fd number in the holder */
	pid_t holder_tid; /* the thread the iterator saw holding it */
	uint64_t ino;	  /* pidfs inode: one per process per boot, shared by
			   * every pidfd to the same process */
	uint32_t f_flags; /* file->f_flags (O_NONBLOCK, O_EXCL, O_CLOEXEC...) */
	bool thread;	  /* PIDFD_THREAD (O_EXCL in f_flags) */
	enum pidfd_target_state state;
	/*
	 * Pid numbers of the target, outermost (initial) namespace first, as
	 * in the NSpid: line of /proc/PID/status; nspid[levels - 1] is the pid
	 * in the namespace the target was born in. ns_ino[i] is the inode of
	 * the pid namespace of level i (what /proc/PID/ns/pid links to).
	 */
	unsigned int levels;
	pid_t nspid[PIDFD_SCAN_MAX_LEVELS];
	uint64_t ns_ino[PIDFD_SCAN_MAX_LEVELS];
	/*
	 * The raw wait status (as waitpid() reports it: 0x300 for exit(3), 15
	 * for SIGTERM). Reaped targets: from PIDFD_GET_INFO with
	 * PIDFD_INFO_EXIT (false on kernels before 6.15). Zombies: what a
	 * waiter would get now, read by the iterator from the zombie task
	 * (pidfs records the status only at reap). Live targets: false.
	 */
	bool has_exit;
	int32_t exit_status;
};

struct pidfd_list {
	size_t n;		 /* number of pidfds found */
	struct pidfd_target t[]; /* sorted by fd */
};

/**
 * pidfd_scan__task() - find every pidfd held by a process.
 * @pid: the process (thread-group id) whose fd tables to scan; every thread
 *	 with its own fd table is scanned.
 * @out: on success a list (possibly empty) to free with pidfd_scan__free().
 *
 * Context: the holder may run or be stopped (ptrace); it is not touched
 * except that its pidfds are duplicated with pidfd_getfd(2) to ask the
 * kernel for the exit status. Needs root (CAP_BPF, CAP_PERFMON, ptrace).
 * Return: 0, -ESRCH if @pid does not exist, -EPERM/-EOPNOTSUPP/-ENOENT...
 * when the iterator cannot load (libbpf's reason shows with -v; the caller
 * reports the failure), -EOVERFLOW if a target is nested deeper than
 * PIDFD_SCAN_MAX_LEVELS pid namespaces (pr_err says which fd), other -errno.
 */
int pidfd_scan__task(pid_t pid, struct pidfd_list **out);

/* The entry for @fd, or NULL. */
const struct pidfd_target *pidfd_scan__find(const struct pidfd_list *l, int fd);

void pidfd_scan__free(struct pidfd_list *l);

/**
 * pidfd_scan__is_pidfd() - cheap check for callers that walk /proc/PID/fd.
 * Return: 1 if fd @fd of process @pid is a pidfd ("Pid:" in its fdinfo),
 * 0 if it is another kind of file, -errno (-ENOENT: no such fd).
 */
int pidfd_scan__is_pidfd(pid_t pid, int fd);

/**
 * pidfd_scan__exit_status() - the wait status of a pidfd's reaped target.
 * @pidfd: a pidfd of ours (for example one restore just created).
 * @status: the raw wait status, as waitpid() reports it.
 *
 * Uses ioctl(PIDFD_GET_INFO) with PIDFD_INFO_EXIT (Linux 6.15+). The kernel
 * records the status when the target is reaped, so zombies and live targets
 * give -ENODATA.
 * Return: 0, -ENODATA (not reaped yet), -ENOTTY (kernel too old), -errno.
 */
int pidfd_scan__exit_status(int pidfd, int32_t *status);

/* "alive", "zombie", "reaped" (stable: used in JSON output and images). */
const char *pidfd_scan__state_str(enum pidfd_target_state s);

/* Unload the cached iterator. Safe to call when nothing was loaded. */
void pidfd_scan__cleanup(void);

#endif
