/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_vma_name.h - the names programs gave their anonymous memory
 * (restore_vma_name.c).
 */
#ifndef PT_RESTORE_VMA_NAME_H
#define PT_RESTORE_VMA_NAME_H

#include "restore_ctx.h"

/*
 * Every mapping of @t that /proc/PID/maps showed as [anon:NAME] or
 * [anon_shmem:NAME] at dump gets NAME again, once the mappings are in
 * place. Return: 0 or -errno (restore_ctx__fail()ed, e.g. a kernel without
 * CONFIG_ANON_VMA_NAME).
 */
int restore_vma_name__task(struct restore_ctx *ctx, struct rtask *t);

#endif
