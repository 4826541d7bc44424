/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_threads.h - the other threads of a multithreaded process (dump_threads.c).
 */
#ifndef PT_DUMP_THREADS_H
#define PT_DUMP_THREADS_H

#include "dump_ctx.h"

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

#endif
