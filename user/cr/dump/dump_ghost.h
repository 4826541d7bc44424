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

/*
 * dump_ghost__claim() - the contents of deleted file (@dev, @ino) are to be
 * saved once in the image, by the first fd (FD_DELETED, dumped before the
 * memory) or mapping that asks: the others refer to it.
 * Return: 1 the caller saves them, 0 already saved, -ENOMEM.
 */
int dump_ghost__claim(struct dump_ctx *ctx, uint64_t dev, uint64_t ino);

/* @d's name (@len bytes of @path), size, mode, owner and times from @st. 0 or -ENOMEM. */
int dump_ghost__describe(DeletedFileEntry *d, const char *path, size_t len, const struct stat *st);

/**
 * dump_ghost__read() - the contents of a deleted file of @pid, @size
 * bytes, through @link (a /proc fd or map_files link), into @d: its data
 * ranges (SEEK_DATA/SEEK_HOLE) as `extents`, their bytes one after the
 * other in `data` (allocated, the caller's even on error); holes are not
 * stored and come back as holes. Return: 0, -ESRCH (@pid is gone), -EIO
 * (the file is shorter than @size), other -errno (nothing printed).
 */
int dump_ghost__read(pid_t pid, const char *link, uint64_t size, DeletedFileEntry *d);

/* Free what the module keeps in @ctx. */
void dump_ghost__free(struct dump_ctx *ctx);

#endif
