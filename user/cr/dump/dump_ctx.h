/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_ctx.h - the context every part of `pidtrace dump` shares: the frozen
 * tree and the objects that belong to the tree rather than to one task
 * (pipes, shared memory, pidfd targets, open file descriptions), and the
 * few helpers every part uses. It sits below the parts: a part includes
 * this and the headers of the parts it calls, never dump.c's.
 *
 * dump.c drives the steps; dump_freeze.c freezes the tree; dump_task.c
 * collects a task's identity, credentials, registers and limits;
 * dump_signals.c its signal state; dump_mem.c its VMAs and pages;
 * dump_files.c its fd table, each fd described by its kind (kinds.h:
 * kind_*.c, with dump_sockets.c for unix sockets, dump_inet.c and
 * dump_tcp.c for inet ones, dump_epoll.c, dump_inotify.c, dump_fifo.c,
 * dump_scm.c for files in flight); dump_fown.c who gets an fd's O_ASYNC
 * signals;
 * dump_ghost.c the contents of deleted files, mapped or open;
 * dump_shmem.c shared memory and memfds; dump_timers.c its timers;
 * dump_threads.c the other threads of a multithreaded process;
 * dump_cgroup.c its cgroups; dump_taskstate.c scheduling and the
 * per-process knobs; dump_locks.c the file locks (leases and pending
 * lock requests refused); dump_refuse.c what restore could not bring back
 * exactly (ptys, namespaces, the fd limit; dump_outside.c objects
 * held outside the tree), refused before the tree is killed. Each step
 * reports its own failure in one line naming the pid (and fd or mapping)
 * and returns -errno; dump.c then lets the tree go.
 */
#ifndef PT_DUMP_CTX_H
#define PT_DUMP_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "core.pb-c.h"
#include "files.pb-c.h"
#include "image.h"
#include "mm.pb-c.h"
#include "pidfds.pb-c.h"
#include "procfs.h"

struct ptrace_task;
struct dump_threads;

struct dump_task {
	pid_t pid;
	bool zombie;
	struct ptrace_task *pt;		/* NULL for zombies */
	struct dump_threads *threads;	/* the other threads, held (dump_threads.c) */
	struct procfs_stat stat;	/* as read at freeze time */
	pid_t parent_tid;		/* the thread of its parent that forked it (0: root) */
	size_t nvmas;
	uint64_t pages;			/* pages stored */
	struct dump_cow_run *cow;	/* pages still its parent's frames (dump_cow.c) */
	size_t ncow;
	/* A session leader whose terminal is a device, not a pty (dump_ctty.c):
	 * recorded in its core, or why not. */
	bool ctty_dev;
	char ctty_why[160];
};

/* One open file description seen in the tree (for kcmp comparisons). */
struct dump_ofd {
	pid_t pid;
	int fd;
	uint64_t dev, ino;
	uint32_t mode;			/* st_mode: pipes and sockets are looked for outside */
	uint32_t id;
};

/* A shared anonymous memory object and one mapping to read it through. */
struct dump_shmem {
	uint64_t shmid;
	uint64_t size;
	pid_t pid;
	uint64_t start, end;		/* the mapping (map_files name) */
	int fd;				/* or, when >= 0, an fd of @pid (a memfd) */
	bool memfd;			/* a memfd: the fields below are set */
	uint32_t seals, mode;
	uint64_t file_size;
	char name[256];			/* memfd name, without "memfd:" */
};

struct dump_sockets;
struct dump_epoll;
struct pidfd_list;
struct dump_fifo;
struct dump_scm;
struct dump_locks;
struct dump_ghost;

struct dump_ctx {
	pid_t root;
	const char *dir;
	bool leave_running;
	bool drop_events;		/* --drop-unread-events */
	struct image *img;

	struct dump_task *tasks;	/* parents before children */
	size_t ntasks;

	struct dump_ofd *ofds;
	size_t nofds;
	uint32_t next_ofd_id;
	int max_fd;			/* the highest fd number in the tree, and its task */
	pid_t max_fd_pid;

	PipeEntry **pipes;
	size_t npipes;

	struct dump_shmem *shmem;
	size_t nshmem;

	PidfdTargetEntry **pidfds;
	size_t npidfds;
	uint64_t self_pidns;		/* our pid namespace, to read pidfd targets */
	int registry_fd;		/* pinned death registry, -1: none (yet) */
	bool registry_tried;

	uint64_t nvmas, pages, pages_bytes;
	uint64_t cow_pages;		/* shared with the parent, not stored (dump_cow.c) */
	struct dump_sockets *sockets;	/* dump_sockets.c: every socket seen */
	struct dump_epoll *epoll;	/* dump_epoll.c: interest lists to check */
	struct pidfd_list *task_pidfds;	/* the task being dumped: its pidfds' targets */
	struct dump_ghost *ghost;	/* dump_ghost.c: deleted files that are mapped */
	struct dump_fifo *fifo;		/* dump_fifo.c: named FIFOs seen */
	struct dump_scm *scm;		/* dump_scm.c: files in flight, held open */
	char *unix_cred_refusal;	/* dump_unix_cred.c: the first, said after the peers' */
	struct dump_cgroup *cg;		/* dump_cgroup.c: the cgroups the tree owns */
	struct dump_locks *locks;	/* dump_locks.c: locked descriptions */
	struct dump_bpfmap *bpfmap;	/* kind_bpfmap.c: the tree's BPF maps */
	struct progress *progress;	/* a bar on a terminal for big dumps, or NULL */
	uint64_t copied;		/* page bytes written so far */
	/* dump_splice.c: tasks whose pages went by vmsplice, those that fell back, bytes */
	uint64_t splice_tasks, splice_fallbacks, spliced_bytes;
};

/* 0 when @pid belongs to the dumped tree. */
struct dump_task *dump_ctx__find_task(struct dump_ctx *ctx, pid_t pid);

/* strdup() of NULL gives "" (protobuf's required strings). */
char *dump_ctx__strdup(const char *s);

/*
 * A new message, every field at its default, and string fields NULL rather
 * than protobuf-c's static "" so that protobuf_c_message_free_unpacked()
 * can free any message we built with malloc, however far we got.
 */
void dump_ctx__pb_clear_strings(ProtobufCMessage *m);
#define PB_NEW(type, fn)                                            \
	({                                                          \
		type *m_ = malloc(sizeof(type));                    \
		if (m_) {                                           \
			fn##__init(m_);                             \
			dump_ctx__pb_clear_strings(&m_->base);          \
		}                                                   \
		m_;                                                 \
	})

/* Run a syscall in the task; a failing remote call is this call's -errno. */
int dump_ctx__syscall(struct dump_task *t, long nr, long a0, long a1, long a2, long a3, long *ret);

/* Say why @t is gone (printed) if it is. Return: true when it was. */
bool dump_ctx__report_gone(struct dump_task *t);
/* After an ESRCH while dumping @t: @t died, or something it refers to did. */
void dump_ctx__gone_or_vanished(struct dump_task *t);
/* A step's error @err, or -ESRCH when @t died meanwhile (then not printed). */
int dump_ctx__gone_err(struct dump_task *t, int err);

#endif
