/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_threads.h - the other threads of a multithreaded process
 * (task_core.threads), recreated inside the restored process with their
 * old tids and given their state.
 *
 * Where each step runs in `pidtrace restore`:
 *   check   _check(): every thread entry is sane, every tid is free;
 *   memory  _create(), once the process's memory is the image's: each
 *           thread is made by a clone3(set_tid, CLONE_THREAD...) injected
 *           into the leader, held before its first instruction;
 *   files   _opid(): a PIDFD_THREAD pidfd to a thread is opened on it;
 *   state   _state(), before the leader's credentials: the leader's
 *           clear_child_tid and robust list, each thread's name, nice,
 *           personality, sigaltstack, robust list, private signal queue
 *           and credentials (each thread has its own);
 *   finish  _finish(), before the leader's: rseq, parent-death signal,
 *           FPU state, registers (fs base), blocked mask;
 *   detach  _detach(); on rollback _kill() (before the leader's kill:
 *           its exit is reported only after theirs).
 * All return 0 or -errno after restore_ctx__fail() said what failed.
 */
#ifndef PT_RESTORE_THREADS_H
#define PT_RESTORE_THREADS_H

#include <sys/types.h>

#include "restore_ctx.h"

int restore_threads__check(struct restore_ctx *ctx);
int restore_threads__create(struct restore_ctx *ctx, struct rtask *t);
int restore_threads__state(struct restore_ctx *ctx, struct rtask *t);
int restore_threads__finish(struct restore_ctx *ctx, struct rtask *t);
int restore_threads__detach(struct restore_ctx *ctx, struct rtask *t);
/* Kill and collect the threads of @t, free them. Accepts tasks without. */
void restore_threads__kill(struct restore_ctx *ctx, struct rtask *t);
/* The threads of @t created so far, besides its leader. */
size_t restore_threads__count(const struct rtask *t);
/* Thread @i (< _count()) of @t as a task of its own, for restore_ctx__sys(); @th: its image. */
struct rtask restore_threads__task(const struct rtask *t, size_t i, const ThreadCore **th);
/* Thread @tid of @t as pidtrace sees it; 0 if it has not been created. */
pid_t restore_threads__opid(const struct rtask *t, pid_t tid);

#endif
