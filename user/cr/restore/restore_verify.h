/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_verify.h - the last step of a restore before the tree is let go:
 * every task's observable state compared with the image, the way a test
 * suite compares /proc before a dump and after a restore, but inside every
 * restore. The tasks are still held (ptrace-stopped) and nothing of theirs
 * is changed: the checks read /proc/PID (stat, status, limits, fd, fdinfo,
 * maps, map_files, the threads), take copies of socket fds with pidfd_getfd(),
 * and run one rt_sigaction per signal the image gives an action other than
 * the default (no /proc file shows handlers), its result written below the
 * red zone of the task's stack and those bytes put back (or, where that
 * cannot be written, in a page mapped and unmapped again before the memory
 * map is compared).
 *
 * A difference fails the restore with one line naming the pid, the object
 * and both values ("pid 42: fd 3: offset 0 in the image, 17 after
 * restore"); restore.c then rolls back. What the kernel legitimately
 * changes, or what pidtrace gives new by design (the root's parent, pipe
 * and socket inode numbers, anonymous mappings' offsets...), is left out
 * on purpose: docs/restore.md lists it with the reasons.
 *
 * restore_verify.c drives and checks the task state; restore_verify_sig.c
 * the signal state; restore_verify_fds.c the fd table; restore_verify_mm.c
 * the memory map.
 */
#ifndef PT_RESTORE_VERIFY_H
#define PT_RESTORE_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "kinds.h"
#include "restore_ctx.h"

struct json_object;

/* What was compared, per category (reported by restore --json as "verified"). */
struct restore_verified {
	uint64_t tasks;	     /* live tasks, every one of them checked */
	uint64_t zombies;    /* state and parent */
	uint64_t threads;    /* every thread of every process: tid, name, mask, sched */
	uint64_t ids;	     /* pid, comm, parent, group, session compared */
	uint64_t creds;	     /* tasks and threads whose uids/gids/groups/caps/no_new_privs matched */
	uint64_t sched;	     /* nice, policy, priority values (per thread) */
	uint64_t sigactions; /* signal dispositions (handler, flags, mask) */
	uint64_t sigmasks;   /* blocked and pending sets (per thread, shared) */
	uint64_t limits;     /* rlimits */
	uint64_t fs;	     /* cwd, root, umask */
	uint64_t misc;	     /* oom_score_adj, loginuid, thp_disable, child_subreaper */
	uint64_t fds;	     /* fds: kind, flags, offset, identity */
	uint64_t sockopts;   /* socket options and addresses */
	uint64_t shared;     /* fds found sharing their open file description again (kcmp) */
	uint64_t vmas;	     /* memory map entries */
	uint64_t mm;	     /* mm fields (code, data, brk, stack, args, env), auxv, exe */
	uint64_t injected;   /* syscalls run in the tasks for it (rt_sigaction...) */
};

/* One task being checked. */
struct verify {
	struct restore_ctx *ctx;
	struct rtask *t;
	pid_t pid;  /* as in the image */
	pid_t opid; /* as pidtrace sees it */
	struct restore_verified *n;
	unsigned long scratch; /* in the task, for rt_sigaction, 0 if none */
	bool scratch_mapped;   /* a page mapped for it (else on the task's stack) */
	uint8_t saved[64];     /* the stack's bytes there, put back at the end */
};

enum verify_fmt { VF_DEC, VF_SDEC, VF_HEX, VF_OCT };

/*
 * restore_verify__tree() - compare every task created with the image.
 * Context: every task held, state and registers restored (after finish).
 * Return: 0, or -EIO after restore_ctx__fail() named the first difference,
 * or another -errno when a task could not be read (named too).
 */
int restore_verify__tree(struct restore_ctx *ctx);

/* The counts of the last restore_verify__tree() (all 0 if it did not run). */
const struct restore_verified *restore_verify__counts(void);
/* Those counts for restore --json ("verified"), and as one line of the plain report. */
struct json_object *restore_verify__json(void);
void restore_verify__print(FILE *f, double ms);

/* restore_verify.c, for the other parts */
/*
 * "pid P: WHAT IMG in the image, NOW after restore", numbers shown in @fmt.
 * Return: 0 when equal, else -EIO (the restore's error is set).
 */
int restore_verify__num(struct verify *v, const char *what, enum verify_fmt fmt, uint64_t img,
			uint64_t now);
/* The same for strings (raw: whoever prints the error escapes it). */
int restore_verify__str(struct verify *v, const char *what, const char *img, const char *now);
/* A task file could not be read: the restore fails naming it. */
int restore_verify__cannot(struct verify *v, const char *what, int err);
/* A hexadecimal field of a status file, 0 if absent. */
uint64_t restore_verify__hex(const char *status, const char *key);

/* restore_verify_sig.c */
/* Ignored and caught sets, and every action other than all zeros in full. */
int restore_verify_sig__actions(struct verify *v, const char *status);
/*
 * The signals of queue @q (@n entries) of the image are all in @now, a
 * pending mask of /proc; one more only if a restored timer can have raised it.
 */
int restore_verify_sig__pending(struct verify *v, const char *what, SiginfoEntry *const *q,
				size_t n, uint64_t now);
/*
 * Run syscall @nr in the task with a scratch area's address as argument
 * @argi (a0, 0, a2, a3 for the others) and copy @len (at most 64) bytes of
 * its result. Return: 0, the call's -errno, or -errno reaching the task.
 */
int restore_verify_sig__remote_read(struct verify *v, long nr, long a0, int argi, long a2, long a3,
				    void *out, size_t len);
/* Put the stack's bytes back under the scratch area, or unmap its page. */
int restore_verify_sig__scratch_put(struct verify *v);

/* restore_verify_fds.c */
/* restore_verify_task.c: a live task's own state, then its fds and memory; a zombie. */
int restore_verify_task__alive(struct verify *v);
int restore_verify_task__zombie(struct verify *v);
/*
 * Credentials @c (NULL: nothing to compare) against a task's or thread's
 * @status; @dir: "" or "task/TID/" for its personality file; @label: ""
 * or "thread N: " before what differs.
 */
int restore_verify_task__creds(struct verify *v, const TaskCreds *c, const char *status,
			       const char *dir, const char *label);
int restore_verify_fds__task(struct verify *v);
/* Forget the tree-wide records (open file descriptions, pipes) of the last check. */
void restore_verify_fds__reset(void);

/* restore_verify_mm.c */
int restore_verify_mm__task(struct verify *v);

/*
 * For the kinds' verify (kinds.h). restore_verify__sockopt(): the int
 * option @level/@opt of socket @s against @img ("fd N: @what");
 * restore_verify__identity(): the file of restored fd @l is the image's
 * (device, inode, rdev), but in /proc; restore_verify__pipe(): the pipe
 * @ino the restored end is on is the one every other end of the image's
 * pipe is on, and only theirs.
 */
int restore_verify__sockopt(struct verify *v, const FdEntry *e, int s, int level, int opt,
			    const char *what, int64_t img);
int restore_verify__identity(struct verify *v, const FdEntry *e, const struct fd_live *l);
int restore_verify__pipe(struct verify *v, const FdEntry *e, uint64_t ino);

/* The fields of /proc/PID/stat compared here (proc(5) numbers). */
struct vstat {
	char comm[64];		   /* (2), raw */
	char state;		   /* (3) */
	long ppid;		   /* (4) */
	long nice;		   /* (19) */
	unsigned long rt_priority; /* (40) */
	unsigned long policy;	   /* (41) */
	uint64_t mm[10];	   /* (26) (27) (28) (45)..(51): see mm_fields */
};

/* For the parts of the check: /proc/@opid/@name ("stat", "task/TID/stat") parsed into @s. */
int restore_verify__stat(pid_t opid, const char *name, struct vstat *s);
/* The last (innermost) number of status line @key ("NSpid:", "NStgid:"). */
int restore_verify__ns_last(const char *status, const char *key, uint32_t *out);

#endif
