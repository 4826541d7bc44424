/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_verify_threads.h - the threads of a restored process, each
 * against its thread_core in the image (restore_verify_threads.c).
 */
#ifndef PT_RESTORE_VERIFY_THREADS_H
#define PT_RESTORE_VERIFY_THREADS_H

#include "restore_verify.h"

/* Every thread of @v's task: tids, names, masks, scheduling, affinity, seccomp. */
int restore_verify_threads__all(struct verify *v);

#endif
