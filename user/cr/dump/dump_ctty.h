/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_ctty.h - a session leader's controlling terminal that is a device
 * other than a pseudo-terminal (dump_ctty.c).
 */
#ifndef PT_DUMP_CTTY_H
#define PT_DUMP_CTTY_H

#include "core.pb-c.h"
#include "dump_ctx.h"

/*
 * dump_ctty__core() - when @t leads its session and its terminal is such
 * a device: core->ctty_dev (path, number, foreground group, termios,
 * window size) and t->ctty_dev; or, when restore could not take it again
 * exactly, the reason in t->ctty_why (refused once every fd is read,
 * dump_refuse.c). Return: 0, -ESRCH, -ENOMEM.
 */
int dump_ctty__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core);

#endif
