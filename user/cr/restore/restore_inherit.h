/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_inherit.h - what every restored task would get from pidtrace
 * itself and no call can take back, refused before anything is made
 * (restore_inherit.c).
 */
#ifndef PT_RESTORE_INHERIT_H
#define PT_RESTORE_INHERIT_H

#include "restore_ctx.h"

/*
 * pidtrace's own no_new_privs, memory-deny-write-execute, address space
 * randomization off, or a locked securebit, where the image's tasks have
 * not got them. Return: 0, or -EPERM (said in one line).
 */
int restore_inherit__check(struct restore_ctx *ctx);

#endif
