/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_ctty.h - a session's controlling terminal taken by its leader's
 * stub, and the foreground group given back (restore_ctty.c).
 */
#ifndef PT_RESTORE_CTTY_H
#define PT_RESTORE_CTTY_H

#include <stdbool.h>
#include <sys/types.h>

#include "restore_ctx.h"

/* In the stub of a session leader (raw system calls only): open /dev/pts/@n, which it takes. */
long restore_ctty__stub_pts(int n);

/* In the stub of task @idx: open its core's ctty_dev and take it, never by force. */
long restore_ctty__stub_dev(struct restore_ctx *ctx, int idx);

/*
 * restore_ctty__take() - session leader @t (index @idx), just made, whose
 * terminal is a device (core ctty_dev): check the device at its path is
 * the same, free and set as at dump, hold it for the restore, and have
 * the leader take it. Return: 0, or -errno after restore_ctx__fail().
 */
int restore_ctty__take(struct restore_ctx *ctx, struct rtask *t, int idx);

/*
 * restore_ctty__task() - every fd in place, the groups made: a task of a
 * session whose terminal is a device has it, and the leader gives the
 * foreground back to its group. Return: 0, or -errno after
 * restore_ctx__fail().
 */
int restore_ctty__task(struct restore_ctx *ctx, struct rtask *t);

/*
 * The devices held for the restore let go (every restore's end); @failed:
 * the termios restore set on them put back first.
 */
void restore_ctty__end(bool failed);

#endif
