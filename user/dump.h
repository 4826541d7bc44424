/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump.h - what the parts of `pidtrace dump` share: the frozen tree and the
 * objects that belong to the tree rather than to one task (pipes, shared
 * memory, pidfd targets, open file descriptions).
 *
 * dump.c drives the steps; dump_freeze.c freezes the tree; dump_task.c
 * collects a task's identity, credentials, registers and limits;
 * dump_signals.c its signal state; dump_mem.c its VMAs and pages;
 * dump_files.c its fds, pipes and pidfds; dump_fdkinds.c the other kinds
 * of fd (eventfd, signalfd, timerfd, memfds, deleted files), with
 * dump_sockets.c (unix sockets), dump_inet.c (TCP listeners, UDP
 * sockets), dump_epoll.c (epoll interest lists) and dump_inotify.c
 * (inotify watches); dump_fown.c who gets an fd's O_ASYNC signals;
 * dump_ghost.c the contents of deleted files, mapped or open;
 * dump_shmem.c shared memory and memfds; dump_timers.c its timers;
 * dump_threads.c the other threads of a multithreaded process;
 * dump_cgroup.c its cgroups; dump_taskstate.c scheduling and the
 * per-process knobs; dump_refuse.c what restore could not bring back
 * exactly (locks, ptys, namespaces, the fd limit; dump_outside.c objects
 * held outside the tree), refused before the tree is killed. Each step
 * reports its own failure in one line naming the pid (and fd or mapping)
 * and returns -errno; dump.c then lets the tree go.
 */
#ifndef PT_DUMP_H
#define PT_DUMP_H

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

struct dump_fdkinds;
struct dump_fifo;
struct dump_scm;
struct dump_ghost;

struct dump_ctx {
	pid_t root;
	const char *dir;
	bool leave_running;
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
	uint64_t cow_pages;		/* shared with the parent, not stored (dump_mem.c) */
	struct dump_fdkinds *fdk;	/* dump_fdkinds.c: sockets, deleted files */
	struct dump_ghost *ghost;	/* dump_ghost.c: deleted files that are mapped */
	struct dump_fifo *fifo;		/* dump_fifo.c: named FIFOs seen */
	struct dump_scm *scm;		/* dump_scm.c: files in flight, held open */
	struct progress *progress;	/* a bar on a terminal for big dumps, or NULL */
	uint64_t copied;		/* page bytes written so far */
};

/* 0 when @pid belongs to the dumped tree. */
struct dump_task *dump__find_task(struct dump_ctx *ctx, pid_t pid);

/* strdup() of NULL gives "" (protobuf's required strings). */
char *dump__strdup(const char *s);

/*
 * A new message, every field at its default, and string fields NULL rather
 * than protobuf-c's static "" so that protobuf_c_message_free_unpacked()
 * can free any message we built with malloc, however far we got.
 */
void dump__pb_clear_strings(ProtobufCMessage *m);
#define PB_NEW(type, fn)                                            \
	({                                                          \
		type *m_ = malloc(sizeof(type));                    \
		if (m_) {                                           \
			fn##__init(m_);                             \
			dump__pb_clear_strings(&m_->base);          \
		}                                                   \
		m_;                                                 \
	})

/* Run a syscall in the task; a failing remote call is this call's -errno. */
int dump__syscall(struct dump_task *t, long nr, long a0, long a1, long a2, long a3, long *ret);

/* dump_freeze.c: seize the whole tree (ctx->tasks, parents first). */
int dump_freeze__tree(struct dump_ctx *ctx);
/* Say why @t is gone (printed) if it is. Return: true when it was. */
bool dump__report_gone(struct dump_task *t);
/* After an ESRCH while dumping @t: @t died, or something it refers to did. */
void dump__gone_or_vanished(struct dump_task *t);
/* A step's error @err, or -ESRCH when @t died meanwhile (then not printed). */
int dump__gone_err(struct dump_task *t, int err);

/* dump_task.c: everything about one task but signals, memory and files. */
int dump_task__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore **out);
/* One thread's tid, comm, registers (normalized), FPU state and rseq. */
int dump_task__thread(pid_t tid, struct ptrace_task *pt, ThreadCore **out);

/* dump_signals.c: sigactions, mask, queued signals, altstack, pdeath. */
int dump_signals__task(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core);
/* One thread's blocked mask, private queue and sigaltstack (@scratch: 4 KiB in the task). */
int dump_signals__thread(struct ptrace_task *pt, unsigned long scratch, ThreadCore *th);

/*
 * dump_threads.c: the other threads of a process. _seize() holds every
 * thread of @t (its leader already held) and refuses threads restore
 * cannot recreate (printed); _core() fills each thread's state, and the
 * per-thread fields of the leader's; _release() kills (reaping their
 * exits, which the leader's waits for) or detaches them and frees them;
 * _find() is the task one of whose threads is @tid.
 */
int dump_threads__seize(struct dump_ctx *ctx, struct dump_task *t);
int dump_threads__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core);
int dump_threads__release(struct dump_task *t, bool kill);
struct dump_task *dump_threads__find(struct dump_ctx *ctx, pid_t tid);

/* dump_mem.c: VMAs and pages of a live task; shared memory at the end. */
int dump_mem__task(struct dump_ctx *ctx, struct dump_task *t);
/* Not the zero page, a guard page or a file page: stored (dump_cow.c asks too). */
bool dump_mem__page_wanted(uint64_t pme);
int dump_mem__shared(struct dump_ctx *ctx);
/*
 * The text of /proc/@pid/smaps in @buf (split in place) into @mm's VMAs;
 * file mappings are looked up in /proc/@pid/map_files. Return: 0, or
 * -EOPNOTSUPP for a mapping restore cannot do (printed), other -errno.
 */
int dump_mem__parse_smaps(struct dump_ctx *ctx, pid_t pid, char *buf, MmImage *mm);

/* dump_files.c: the fd table of a live task; pipes and pidfds at the end. */
int dump_files__task(struct dump_ctx *ctx, struct dump_task *t);
int dump_files__shared(struct dump_ctx *ctx);
/*
 * The ofd_id of fd @fd of @pid (on dev, ino): the id of an open file
 * description seen before (kcmp), or a new one; (pid, fd) is kept to
 * compare later fds with, so it must stay open until the dump ends.
 */
int dump_files__ofd_id(struct dump_ctx *ctx, pid_t pid, int fd, uint64_t dev, uint64_t ino,
		       uint32_t mode, uint32_t *id);
/* Pipe @ino's buffered bytes into pipes.img once, read through fd @fd of @pid. */
int dump_files__capture_pipe(struct dump_ctx *ctx, pid_t pid, int fd, uint64_t ino);

/* dump.c: free what the context owns (not the tasks' ptrace handles). */
void dump__free_shared(struct dump_ctx *ctx);

#endif
