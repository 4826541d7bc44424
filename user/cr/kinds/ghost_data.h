/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ghost_data.h - the saved contents of a deleted file (deleted_file_entry
 * `data` and `extents`): whether they add up, and writing them back with
 * their holes (ghost_data.c).
 */
#ifndef PT_GHOST_DATA_H
#define PT_GHOST_DATA_H

#include "files.pb-c.h"

/*
 * ghost_data__check() - @d's data ranges are pairs, ascending, apart and
 * within its size, and `data` holds exactly their bytes; without ranges,
 * `data` is the whole file. Return: 0 or -EINVAL.
 */
int ghost_data__check(const DeletedFileEntry *d);

/*
 * ghost_data__write() - write @d's contents into the empty file @fd: each
 * range at its offset, the rest left as holes, cut to its size; then its
 * atime and mtime. Return: 0 or -errno.
 */
int ghost_data__write(int fd, const DeletedFileEntry *d);

/* ghost_data__fill() - ghost_data__write(), then @d's owner and mode. Return: 0 or -errno. */
int ghost_data__fill(int fd, const DeletedFileEntry *d);

#endif
