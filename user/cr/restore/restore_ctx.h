/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_ctx.h - the context every part of `pidtrace restore` shares, and
 * the helpers they all use (restore_ctx.c). It sits below the parts: a part
 * includes this and the headers of the parts it calls, never restore.c's.
 *
 * restore.c drives the phases, the report and the rollback;
 * restore_tree.c creates the tasks (stubs forked from pidtrace with
 * clone3(set_tid), which then fork their own children on command so that
 * parent, session and group links come out right) and seizes them;
 * restore_mem.c replaces a seized stub's memory with the image's;
 * restore_pages.c copies the page data in, checking each pages file's
 * data checksum on the way (page_crc.c computes it on a second thread);
 * restore_files.c opens every fd's description once in pidtrace, by its
 * kind (kinds.h), and hands them to the tasks (pidfd_getfd injected in
 * the task);
 * restore_state.c restores signals, limits, credentials and registers;
 * restore_threads.c recreates the other threads of a process;
 * the kinds' open steps are restore_fdkinds.c (socketpairs, memfds,
 * deleted files) with restore_unix.c (unix sockets bound to a name),
 * restore_inet.c and restore_tcp.c (TCP listeners and connections, UDP
 * sockets), restore_epoll.c (epoll interest lists, once their targets are
 * open), restore_inotify.c (inotify watches), restore_fifo.c and
 * restore_scm.c (files in flight); restore_locks.c has the tasks take
 * their file locks once every fd is in place; restore_ghost.c makes
 * deleted files again, nameless;
 * restore_madvise.c and restore_timers.c restore madvise state and timers.
 * restore_load.c reads and checks the image first, restore_ns.c the
 * namespaces, restore_shmem.c shared memory; restore_report.c says what
 * was done.
 *
 * Every step that fails says so once through restore_ctx__fail() (step, pid
 * and reason) and returns -errno; restore.c then rolls back.
 */
#ifndef PT_RESTORE_CTX_H
#define PT_RESTORE_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "core.pb-c.h"
#include "files.pb-c.h"
#include "image.h"
#include "image_tree.h"
#include "log.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"
#include "pidfds.pb-c.h"

struct progress;
struct ptrace_task;
struct rthreads;
struct restore_fdkinds;
struct restore_cow;
struct restore_fifo;
struct restore_cgroups;
struct restore_cgroot;
struct rpipe;
struct restore_unix;
struct restore_unix_conn;
struct restore_scm;
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
	struct image_tree tree;	/* every file of the tree, read (image_tree.h) */
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
	struct restore_unix_conn *unc;	/* restore_unix_conn.c: sockets made with others */
	struct restore_scm *scm;	/* restore_scm.c: queues sent once every fd is open */
	struct restore_fifo *fifo;	/* restore_fifo.c: named FIFOs made or opened */
	struct restore_rmdir *rmdir;	/* restore_rmdir.c: removed directories made again */
	struct restore_bpfmap *bpfmap;	/* kind_bpfmap.c: BPF maps made */
	struct restore_cgroups *cg;	/* restore_cgroup.c: cgroups made */
	struct restore_cgroot *cgroot;	/* restore_cgroot.c: --cgroup-root */
	struct restore_cow *cow;	/* restore_cow.c: pages shared with a parent (NULL: none) */
	int cgroups_mode;	/* --cgroups (enum restore_cgroup_mode) */
	uint64_t cgroups_made;	/* the tree's cgroups made again (the report) */

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
	char error[512];	/* the first failure: "STEP: what" (restore_ctx__fail()) */
	pid_t error_pid;	/* the task it names, 0 for none */
	struct log_sink sink;	/* pr_err() into @error while the restore runs */
	char **warnings;	/* --json: pr_warn()s, for the report's "warnings" */
	size_t nwarnings;
};

/*
 * Say a failure of the restore about task @pid (0: none): one line, as
 * pr_err() says every failure (docs/errors.md); while the restore runs,
 * pr_err() goes to ctx->sink, so the first failure becomes the restore's
 * error, said once at the end or in the JSON report, with @pid as its
 * "error_pid". Return: @err, or -EIO when @err is not an -errno.
 */
int restore_ctx__fail(struct restore_ctx *ctx, pid_t pid, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * In a stub or helper pidtrace forked: end the way wait status @status
 * says (an exit code, or a signal with every other one blocked and no
 * core dump). Never returns.
 */
void restore_ctx__die_as(int status) __attribute__((noreturn));
/* log_sink's warn: keep @msg for the JSON report (@arg: the context). */
void restore_ctx__warn(void *arg, const char *msg);
/*
 * Between steps: an unexpected death or SIGINT/SIGTERM fails the restore
 * (-ECHILD, -EINTR). @name, if not NULL, is a test fault point
 * (testfault.h): it may fail (-EIO, "test fault at NAME"), kill pidtrace,
 * or wait there while watching the tree (PIDTRACE_TEST_PAUSE).
 */
int restore_ctx__checkpoint(struct restore_ctx *ctx, const char *name);
/*
 * The first unexpected death before @before_ns (the tracer's clock) as
 * the restore's error: who sent what, of which class. Return: false if none.
 */
bool restore_ctx__unexpected_death(struct restore_ctx *ctx, uint64_t before_ns);
struct rtask *restore_ctx__find(struct restore_ctx *ctx, pid_t pid);
/*
 * The first fd entry of the tree (tasks and their fds in image order) of
 * kind @type and inode @ino that @pick(entry, @arg) takes (NULL: any), or
 * NULL; @task, unless NULL, gets the task that holds it.
 */
const FdEntry *restore_ctx__find_fd(const struct restore_ctx *ctx, FdType type, uint64_t ino,
				   bool (*pick)(const FdEntry *e, const void *arg), const void *arg,
				   const struct rtask **task);

/* The description @ofd_id opened by pidtrace (restore_files__open()), or NULL. */
const struct robj *restore_ctx__obj(const struct restore_ctx *ctx, uint32_t ofd_id);
/*
 * Run a syscall in @t. Return: the call's result (>= 0), or -errno of the
 * remote call, or -errno when it could not be run (task gone: -ESRCH).
 */
long restore_ctx__sys(struct rtask *t, long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/*
 * Copy @len bytes to offset @off of @t's data page (RESTORE_DATA_SIZE
 * bytes); @addr gets their address in the task. Return: 0 or -errno.
 */
int restore_ctx__put(struct rtask *t, size_t off, const void *buf, size_t len, unsigned long *addr);
#define RESTORE_DATA_SIZE 4096

#endif
