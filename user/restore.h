/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore.h - what the parts of `pidtrace restore` share.
 *
 * restore.c drives the phases, the report and the rollback;
 * restore_tree.c creates the tasks (stubs forked from pidtrace with
 * clone3(set_tid), which then fork their own children on command so that
 * parent, session and group links come out right) and seizes them;
 * restore_mem.c replaces a seized stub's memory with the image's;
 * restore_pages.c copies the page data in, checking each pages file's
 * data checksum on the way (page_crc.c computes it on a second thread);
 * restore_files.c opens every file, pipe and pidfd once in pidtrace and
 * hands them to the tasks (pidfd_getfd injected in the task);
 * restore_state.c restores signals, limits, credentials and registers;
 * restore_threads.c recreates the other threads of a process;
 * restore_fdkinds.c (socketpairs, eventfd, signalfd, timerfd, memfds,
 * deleted files) with restore_unix.c (unix sockets bound to a name),
 * restore_inet.c (TCP listeners, UDP sockets), restore_epoll.c (epoll
 * interest lists, once their targets are open) and restore_inotify.c
 * (inotify watches); restore_ghost.c makes deleted files again, nameless;
 * restore_madvise.c and restore_timers.c restore madvise state and timers.
 * restore_load.c reads and checks the image first, restore_ns.c the
 * namespaces, restore_shmem.c shared memory; restore_report.c says what
 * was done.
 *
 * Every step that fails says so once through restore__fail() (step, pid
 * and reason) and returns -errno; restore.c then rolls back.
 */
#ifndef PT_RESTORE_H
#define PT_RESTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "core.pb-c.h"
#include "files.pb-c.h"
#include "image.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"
#include "pidfds.pb-c.h"

struct progress;
struct ptrace_task;
struct rthreads;
struct restore_fdkinds;
struct restore_fifo;
struct rpipe;
struct restore_unix;
struct restore_ghost;
struct watchdog;

struct rtask {
	pid_t pid;		/* as in the image, and as the task sees itself */
	pid_t opid;		/* as pidtrace sees it (differs with --pidns) */
	bool zombie;
	int parent;		/* index of the parent task, -1 for the root */
	TaskCore *core;
	MmImage *mm;
	PagemapImage *pm;
	FilesImage *files;

	int ctl;		/* pidtrace's end of the stub's control socket */
	int stub_ctl;		/* the stub's end (inherited through the tree) */
	bool created;		/* the task exists (stub or zombie) */
	bool reaped;
	struct ptrace_task *pt;	/* seized */
	bool detached;

	unsigned long hpage;	/* 2 pages in the task: `syscall`, then data */
	bool hpage_mapped;
	unsigned long vdso_sys;	/* a `syscall` in the restored vDSO */
	int src_fd;		/* in the task: pidfd of the fd source, -1 */
	struct rthreads *threads; /* its other threads, once created (restore_threads.c) */
};

/* A file description opened by pidtrace, handed to every task that has it. */
struct robj {
	uint32_t ofd_id;
	int fd;			/* in pidtrace */
	int src_fd;		/* in the fd source (pidtrace, or the --pidns init) */
};

/* A helper standing in for the dead target of pidfds. */
struct rhelper {
	pid_t pid;		/* as pidtrace sees it */
	pid_t inner;		/* --pidns: in the namespace */
	int ctl;		/* a byte written here: die */
	bool reaped;
	uint64_t ino;		/* the pidfs inode it stands for */
	int status;		/* the wait status it must end with */
};

/* A shared anonymous memory object, made by pidtrace before the stubs. */
struct rshm {
	uint64_t shmid;		/* as in vma_entry.shmid */
	int fd;			/* the same number in pidtrace and every stub */
};

struct restore_ctx {
	const char *dir;
	struct image *img;
	const Inventory *inv;
	struct watchdog *wd;

	struct rtask *tasks;	/* parents before children (inventory order) */
	size_t ntasks;
	PipesImage *pipes;
	PidfdsImage *pidfds;
	ShmemImage *shmem;
	struct rshm *shm;
	size_t nshm;

	struct robj *objs;
	size_t nobjs;
	struct rpipe *rpipes;	/* restore_files.c: pipes made, while fds are opened */
	size_t nrpipes;
	struct rhelper *helpers;
	size_t nhelpers;
	struct restore_fdkinds *fdk;	/* restore_fdkinds.c: sockets, memfds... */
	struct restore_ghost *ghost;	/* restore_ghost.c: deleted files that are mapped */
	struct restore_unix *unx;	/* restore_unix.c: socket files bound */
	struct restore_fifo *fifo;	/* restore_fifo.c: named FIFOs made or opened */
	struct restore_cow *cow;	/* restore_cow.c: pages shared with a parent (NULL: none) */

	pid_t self;		/* pidtrace */
	uint64_t self_pidns;	/* its pid namespace inode */
	pid_t src_pid;		/* the fd source as the tasks see it (pidtrace or 1) */
	bool pidns;		/* --pidns: the tree lives in a new pid namespace */
	pid_t init_opid;	/* its init, pid 1 there (0: none) */
	int init_ctl;		/* pidtrace's end of the init's control socket */
	int init_stub_ctl;
	uint64_t vdso_size;	/* our [vvar]..[vdso] block */
	unsigned long vdso_sys_off; /* offset of a `syscall` in it */

	struct progress *progress; /* pages written, on a terminal */

	/* Counters for the report. */
	uint64_t pages, pages_bytes, vmas, fds, pidfds_done, zombies, threads;
	/* restore_cow.c: pages inherited again, written before a fork, copied instead. */
	uint64_t cow_shared, cow_filled, cow_copied;
	const char *step;	/* the step running, for errors */
	char error[512];
	bool error_printed;	/* image.c already said it */
};

/* restore.c */
int restore__fail(struct restore_ctx *ctx, pid_t pid, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Between steps: an unexpected death or SIGINT/SIGTERM fails the restore
 * (-ECHILD, -EINTR). @name, if not NULL, is a test fault point
 * (testfault.h): it may fail (-EIO, "test fault at NAME"), kill pidtrace,
 * or wait there while watching the tree (PIDTRACE_TEST_PAUSE).
 */
int restore__checkpoint(struct restore_ctx *ctx, const char *name);
struct rtask *restore__find(struct restore_ctx *ctx, pid_t pid);

/*
 * Run a syscall in @t. Return: the call's result (>= 0), or -errno of the
 * remote call, or -errno when it could not be run (task gone: -ESRCH).
 */
long restore__sys(struct rtask *t, long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/*
 * Copy @len bytes to offset @off of @t's data page (RESTORE_DATA_SIZE
 * bytes); @addr gets their address in the task. Return: 0 or -errno.
 */
int restore__put(struct rtask *t, size_t off, const void *buf, size_t len, unsigned long *addr);
#define RESTORE_DATA_SIZE 4096

/*
 * The stub protocol (restore_tree.c, restore_ns.c): a command on the
 * stub's control socket (SOCK_SEQPACKET), a reply with a result.
 */
enum stub_op {
	STUB_FORK = 1,	/* arg: task index; reply: its pid */
	STUB_SETSID,
	STUB_SETPGID,	/* arg: pgid, 0 for its own */
	STUB_EXIT,	/* arg: wait status; no reply */
	INIT_HOLD,	/* an fd comes with it (SCM_RIGHTS); reply: its number */
	INIT_RUN,	/* arg: detach; reply: 0, then the root's wait status */
	INIT_HELPER,	/* arg: pidfd target index; reply: the helper's pid */
	INIT_HELPER_DIE, /* arg: helper pid; reply: its wait status, reaped */
	STUB_COW,	/* arg: task index; map its regions to fill (restore_cow.c) */
};

struct stub_cmd {
	int op;
	int arg;
};

struct stub_reply {
	long ret; /* >= 0, or -errno */
};

/* restore_load.c */
int restore_load__image(struct restore_ctx *ctx);
/* pidtrace's vDSO block: its size, where a `syscall` is in it. */
int restore_load__vdso(struct restore_ctx *ctx);
/* Free everything the context holds (tasks are not touched). */
void restore_load__free(struct restore_ctx *ctx);

/* restore_tree.c */
/* In a stub or the init: fork the stub of task @idx. Return: pid or -errno. */
long restore_tree__fork_stub(struct restore_ctx *ctx, size_t idx);
int restore_tree__call(struct restore_ctx *ctx, int ctl, int op, int arg, long *ret);
int restore_tree__check_pids(struct restore_ctx *ctx);
int restore_tree__create(struct restore_ctx *ctx);
int restore_tree__seize(struct restore_ctx *ctx);
/* Kill and reap every task created so far (and helpers). */
void restore_tree__kill_all(struct restore_ctx *ctx);
int restore_tree__detach_all(struct restore_ctx *ctx);

/* restore_ns.c: --pidns */
int restore_ns__start(struct restore_ctx *ctx);
/* The pid pidtrace sees for @pid, a child of the task seen as @parent_opid. */
pid_t restore_ns__outer_pid(pid_t parent_opid, pid_t pid);
/* Give the init a copy of @fd; @num gets its number there. */
int restore_ns__hold(struct restore_ctx *ctx, int fd, int *num);
/* The tree runs: the init reaps; with @detach it outlives pidtrace. */
int restore_ns__run(struct restore_ctx *ctx, bool detach);
/* Without --detach: the root's wait status, once it exited. */
int restore_ns__wait_root(struct restore_ctx *ctx, int *status);
void restore_ns__kill(struct restore_ctx *ctx);

/* restore_shmem.c */
/* Make every shared anonymous object, filled (before any stub exists). */
int restore_shmem__create(struct restore_ctx *ctx);
/* The fd (in pidtrace and every stub) of object @shmid, -1 if none. */
int restore_shmem__fd(const struct restore_ctx *ctx, uint64_t shmid);
void restore_shmem__close(struct restore_ctx *ctx);

/* restore_mem.c */
int restore_mem__task(struct restore_ctx *ctx, struct rtask *t);
/* Final cleanup of the mechanics pages once nothing else needs them. */
int restore_mem__finish(struct restore_ctx *ctx, struct rtask *t);

/* restore_report.c: the report, plain or one JSON object. */
enum restore_phase {
	RPH_CHECK, RPH_CREATE, RPH_SEIZE, RPH_MEMORY, RPH_FILES, RPH_STATE, RPH_FINISH,
	RPH_VERIFY, RPH_DETACH, RPH_COUNT,
};
extern const char *const restore_phase_names[RPH_COUNT];
void restore_report__print(struct restore_ctx *ctx, const double *ms, bool ok, bool json);
/* @start_ms: CLOCK_MONOTONIC start of each phase (0: not run). */
int restore_report__timeline(struct restore_ctx *ctx, const char *path, const double *start_ms,
			     const double *ms);

/* restore_files.c */
int restore_files__open(struct restore_ctx *ctx);
/*
 * During restore_files__open(): a new fd (pidtrace's) on the pipe end @e
 * names, the pipe made and refilled on first use. Return: fd or -errno
 * (restore__fail()ed).
 */
int restore_files__open_pipe(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
int restore_files__task(struct restore_ctx *ctx, struct rtask *t);
void restore_files__close(struct restore_ctx *ctx);
/*
 * Fork a helper standing for the reaped target @e, with its old pid when
 * free; it waits for a byte on @die_fd, then dies as the original did.
 */
pid_t restore_files__fork_helper(const struct restore_ctx *ctx, const PidfdTargetEntry *e,
				 int *die_fd);
/* Let the helpers of dead pidfd targets die as the originals did, reap them. */
int restore_files__helpers_die(struct restore_ctx *ctx);

/* restore_state.c */
int restore_state__task(struct restore_ctx *ctx, struct rtask *t);
int restore_state__finish(struct restore_ctx *ctx, struct rtask *t);
/* The image's registers of a task or thread, as PTRACE_SETREGS takes them. */
void restore_state__regs_from_pb(const UserRegs *u, struct user_regs_struct *r);
/* The image's credentials for @t (each thread of a process sets its own). */
int restore_state__creds(struct restore_ctx *ctx, struct rtask *t);

#endif
