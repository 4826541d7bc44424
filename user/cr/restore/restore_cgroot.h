/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_cgroot.h - `restore --cgroup-root [CONTROLLER:]PATH`: the tree's
 * cgroups made and entered below another root (CRIU's option of the same
 * name, our own implementation; restore_cgroot.c says how).
 */
#ifndef PT_RESTORE_CGROOT_H
#define PT_RESTORE_CGROOT_H

#include "restore_ctx.h"

/*
 * restore_cgroot__add() - one --cgroup-root option, @arg as given.
 * Return: 0, or -EINVAL after saying (pr_err) what is wrong with it.
 */
int restore_cgroot__add(struct restore_ctx *ctx, const char *arg);

/*
 * restore_cgroot__apply() - rewrite the image's cgroup paths (every task's
 * and thread's, cgroups.img's directories) for the options given, before
 * restore_cgroup.c makes or enters any of them. Context: check phase, no
 * task yet. Return: 0 or -errno after restore_ctx__fail().
 */
int restore_cgroot__apply(struct restore_ctx *ctx);

void restore_cgroot__free(struct restore_ctx *ctx);

#endif
