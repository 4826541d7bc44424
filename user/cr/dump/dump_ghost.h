/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_ghost.h - file mappings of deleted files ("PATH (deleted)" in
 * /proc/PID/maps: a shared library or an executable replaced by a package
 * upgrade while the process runs). The file's contents go into the image
 * once per inode, in the same deleted_file_entry an fd of a deleted file
 * uses (files.proto); a file that is also open as such an fd is saved
 * once, in that fd's entry.
 */
#ifndef PT_DUMP_GHOST_H
#define PT_DUMP_GHOST_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dump_ctx.h"

/* The most of one deleted file a dump saves (the FD_DELETED limit too). */
#define DUMP_GHOST_MAX_BYTES (64ULL << 20)

/**
 * dump_ghost__vma() - describe the mapping @v of @pid, whose file
 * (map_files link @link, "PATH (deleted)"; @st: its stat) is deleted:
 * v->ghost, with the contents when no mapping or fd of the tree saved
 * them yet. @v's start and end are set.
 * Context: the task is stopped (seized).
 * Return: 0, -EOPNOTSUPP (refused, printed naming the mapping and the
 * file: still linked elsewhere, not a regular file, too large), -ESRCH,
 * other -errno (not printed).
 */
int dump_ghost__vma(struct dump_ctx *ctx, pid_t pid, const char *link, const struct stat *st,
		    VmaEntry *v);

/**
 * dump_ghost__save() - deleted file @st (of @pid), open at @link (a /proc
 * fd or map_files link), described in @d: its name (@len bytes of @path),
 * size, mode, owner and times; and its contents, saved once in the image
 * by the first fd (FD_DELETED, dumped before the memory) or mapping that
 * asks, the others referring to it: its data ranges (SEEK_DATA/SEEK_HOLE)
 * as `extents`, their bytes one after the other in `data` (allocated, the
 * caller's even on error); holes are not stored and come back as holes.
 * On a mount read-only by its flag, `ro_mount` (dump_rofs.c).
 * Return: 0, -ENOMEM, -ESRCH (@pid is gone), -EIO (the file is shorter
 * than its size), -EFBIG (more data than saved), -EOPNOTSUPP (on a
 * read-only mount restore cannot write to: printed with @who first),
 * other -errno (nothing printed).
 */
int dump_ghost__save(struct dump_ctx *ctx, DeletedFileEntry *d, const char *who,
		     const char *path, size_t len, const struct stat *st, pid_t pid,
		     const char *link);

/* Free what the module keeps in @ctx. */
void dump_ghost__free(struct dump_ctx *ctx);

#endif
