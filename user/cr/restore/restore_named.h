/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_named.h - a deleted file made again nameless (O_TMPFILE) is
 * given, for an instant, each name its fds and mappings had, so that
 * /proc shows "PATH (deleted)" as before rather than "DIR/#INODE".
 */
#ifndef PT_RESTORE_NAMED_H
#define PT_RESTORE_NAMED_H

#include <stddef.h>
#include <stdint.h>

#include "restore_ctx.h"

/* Descriptions opened through a name: (dev, ino, name) -> read-only fd. */
struct restore_named;

/*
 * restore_named__give() - for file (@dev, @ino) of the image, made again
 * as @fd (nameless by O_TMPFILE without O_EXCL, filled): every name the
 * image's fds and mappings of it had (FD_DELETED fds, ghost mappings, a
 * deleted executable), each linked where it was (linkat neither replaces
 * a name nor follows a symlink there; a taken one: PATH.pidtrace-PID-N
 * beside it), opened read-only (O_NOFOLLOW, checked to be @fd's inode),
 * and, once every name is open, unlinked (only while still this inode).
 * Those descriptions go into @set. A name that cannot be linked (another
 * file system, a memfd, no O_TMPFILE file) is not added: the caller
 * reopens @fd, nameless, and the name is said once (pr_warn).
 * Nothing is named before the file is filled; a pidtrace killed between
 * the first link and the last unlink (a few system calls per name,
 * microseconds) leaves those names.
 * Return: how many names could not be given (0: every one; 1 when the
 * image names none), or -errno (a name left that could not be unlinked:
 * -EIO).
 */
int restore_named__give(const struct restore_ctx *ctx, struct restore_named **set, uint64_t dev,
			uint64_t ino, int fd);

/* The description of (@dev, @ino) opened through @path (" (deleted)" or not), or -1. */
int restore_named__fd(const struct restore_named *set, uint64_t dev, uint64_t ino,
		      const char *path);

/* One description of (@dev, @ino) opened through a name, or -1. */
int restore_named__any(const struct restore_named *set, uint64_t dev, uint64_t ino);

/*
 * restore_named__swap() - after restore_named__give() gave every name:
 * @fd, the nameless description (its "#INODE" dentry, which only
 * pidtrace holds), closed now, before any inotify watch is on the inode;
 * the kernel drops every watch of an inode without links when one of its
 * dentries goes (fsnotify_inoderemove()), which closing it at the end of
 * the restore would do to the tasks' watches. Return: a new read-only
 * description through one of the names, or -errno (@fd closed anyway).
 */
int restore_named__swap(const struct restore_named *set, uint64_t dev, uint64_t ino, int fd);

/* Every fd of @set into @out (NULL: just count them). Return: how many. */
size_t restore_named__fds(const struct restore_named *set, int *out);

/* Close and free them. */
void restore_named__free(struct restore_named **set);

/*
 * @live, a /proc link of a restored deleted file that was @img at dump
 * (both with " (deleted)"): the same, or what restore gives when the
 * name could not be given again (PATH.pidtrace-PID-N, DIR/#INODE,
 * /memfd:NAME; restore said so then). For verification.
 */
bool restore_named__same(const char *img, const char *live);

#endif
