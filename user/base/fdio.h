/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdio.h - whole reads and writes on a file descriptor, the short counts
 * and EINTR of read(2)/write(2) taken care of once.
 */
#ifndef PT_FDIO_H
#define PT_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* Write all @len bytes of @buf. Return: 0, -errno, -EIO (no progress). */
int fdio__write_all(int fd, const void *buf, size_t len);

/*
 * Read up to @len bytes at @off into @buf, stopping early only at end of
 * file. Return: the bytes read (< @len: the file is shorter), or -errno.
 */
ssize_t fdio__pread_all(int fd, void *buf, size_t len, off_t off);

/*
 * Unlink @name only while it is still the file open as @fd (not something
 * put there since). Return: 0, or -EIO when it is not or unlink failed.
 */
int fdio__unlink_same(int fd, const char *name);
/*
 * The end of making a nameless file: @fd, made at @name and set up with
 * @err as the outcome so far, unlinked there (fdio__unlink_same()).
 * Return: @fd, or -errno (@err first) with @fd closed.
 */
int fdio__unlink_made(int fd, const char *name, int err);

#endif
