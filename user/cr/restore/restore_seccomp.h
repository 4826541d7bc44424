/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_seccomp.h - each thread's seccomp mode and filters, installed
 * by the thread itself, and their check after restore (restore_seccomp.c).
 */
#ifndef PT_RESTORE_SECCOMP_H
#define PT_RESTORE_SECCOMP_H

#include <stdbool.h>

#include "restore_ctx.h"

struct verify;

/*
 * Process @t, its threads created: from here on its threads' syscalls,
 * pidtrace's remote ones included, bypass seccomp until the detach; then
 * every thread's filters and strict mode. Runs before any thread's
 * credentials are lowered (a filter without no_new_privs needs
 * CAP_SYS_ADMIN). Return: 0 or -errno (restore_ctx__fail()ed).
 */
int restore_seccomp__task(struct restore_ctx *ctx, struct rtask *t);

/*
 * After restore: the seccomp mode and filter count of thread @th (the
 * leader's when @leader) in its /proc status @status are the image's,
 * and each filter (PTRACE_SECCOMP_GET_FILTER) is the image's, LOG flag too.
 * Return: 0 or -errno (the difference said).
 */
int restore_seccomp__verify(struct verify *v, const ThreadCore *th, const char *status,
			    bool leader);

#endif
