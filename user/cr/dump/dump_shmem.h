/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_shmem.h - shared memory objects of the tree, saved once each:
 * MAP_SHARED|MAP_ANONYMOUS memory and memfds (mapped or only open), with a
 * memfd's name, seals, size and mode. dump_shmem__write() writes them at
 * the end of the dump.
 */
#ifndef PT_DUMP_SHMEM_H
#define PT_DUMP_SHMEM_H

#include <sys/stat.h>
#include <sys/types.h>

#include "dump_ctx.h"
#include "dump_mem.h"
#include "pagemap.pb-c.h"

/*
 * Track the object @v maps (v->shmid set). @memfd: it is a memfd, whose
 * attributes are read through @pid's map_files link of @v.
 */
int dump_shmem__track_vma(struct dump_ctx *ctx, pid_t pid, const VmaEntry *v, bool memfd);

/* Track the memfd open as fd @fd of @pid (@link: "/memfd:NAME (deleted)"). */
int dump_shmem__track_fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
			 const struct stat *st);

/* Every object tracked, its pages and the shmem image, once for the tree. */
int dump_shmem__write(struct dump_ctx *ctx);

#endif
