// SPDX-License-Identifier: GPL-2.0
/*
 * dump_unix_name.c - the name a unix socket is bound to, and whether
 * restore can bind it again exactly.
 *
 * A name is an abstract one (always), or a path whose socket file is
 * still the socket's own (sock_diag tells the file's inode). A listener,
 * an accepted connection and a plain bound socket share that: an accepted
 * connection carries its listener's name and file. A relative path was
 * resolved against the working directory of the task that bound it, which
 * may have changed since: the socket file itself tells (SIOCUNIXFILE opens
 * it), and the directory it is in is recorded for restore (the kernel
 * keeps that path even once the file is removed). A socket file removed
 * since (its directory may be gone too, something else may be at its
 * path now: another socket's file, a FIFO...) is bound again by restore
 * and removed again once every socket of the tree is connected
 * (restore_unix_ghost.c; what is at the path then is moved aside for the
 * bind and put back). A file moved elsewhere, or hidden under a mount
 * made over its directory, is refused, saying which. A bound socket pins
 * the mount its file was bound through (umount(2) of it fails EBUSY):
 * bound again through the covering mount, the file would land in that
 * mount (and hold it busy); bound from a helper in a mount namespace of
 * its own where the covering mount is detached, the file does land in
 * the hidden directory and clients by path behave as before, but the
 * socket pins that namespace's copy of the mount, not the task's: an
 * umount of the task's file system holding the socket file, EBUSY
 * before, would then succeed (zdtm overmount_sock; docs/restore.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SIOCUNIXFILE
#define SIOCUNIXFILE (SIOCPROTOPRIVATE + 0)	/* linux/un.h: an O_PATH fd of the socket file */
#endif

#include "dump_rofs.h"
#include "dump_unix_name.h"

#define UNIX_LISTEN 10	/* TCP_LISTEN, as sock_diag gives the state */

/* The socket file of @d is @path's (its inode as sock_diag gives it). */
static bool own_file(const struct sockdiag_unix *d, const char *path, struct stat *st)
{
	return !lstat(path, st) && S_ISSOCK(st->st_mode) && d->has_vfs &&
	       st->st_ino == d->vfs_ino &&
	       (uint32_t)(major(st->st_dev) << 20 | minor(st->st_dev)) == d->vfs_dev;
}

/*
 * Where the socket file of @s is (SIOCUNIXFILE opens it), into @buf:
 * @deleted when it was removed (the kernel still knows its old path).
 */
static int file_path(int s, char *buf, size_t len, bool *deleted)
{
	static const char gone[] = " (deleted)";
	char link[64];
	ssize_t n;
	int fd;

	fd = ioctl(s, SIOCUNIXFILE, 0);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	*deleted = (size_t)n > sizeof(gone) - 1 && !strcmp(buf + n - (sizeof(gone) - 1), gone);
	if (*deleted)
		buf[n - (sizeof(gone) - 1)] = '\0';
	return 0;
}

/*
 * The directory relative name @name of socket @s was bound in: the
 * socket file's path less @name, into @buf.
 */
static int bound_dir(int s, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name);
	bool deleted;
	ssize_t n;
	int err;

	err = file_path(s, buf, len, &deleted);
	if (err)
		return err;
	n = strlen(buf);
	/* "DIR/NAME": the file was not moved since (nor NAME made of "..").  */
	if (buf[0] != '/' || (size_t)n < nl + 2 || strcmp(buf + n - nl, name) ||
	    buf[n - nl - 1] != '/' || strstr(name, ".."))
		return -ENOENT;
	buf[n - nl - 1 > 0 ? n - nl - 1 : 1] = '\0';
	return 0;
}

static const char *kind(const struct sockdiag_unix *d)
{
	if (d->state == UNIX_LISTEN)
		return "listening unix socket";
	return d->type == SOCK_DGRAM ? "unix datagram socket" : "unix socket";
}

static int set_bytes(ProtobufCBinaryData *b, const void *p, size_t len)
{
	b->data = malloc(len ? len : 1);
	if (!b->data)
		return -ENOMEM;
	memcpy(b->data, p, len);
	b->len = len;
	return 0;
}

int dump_unix_name__record(int s, const struct sockdiag_unix *d, UnixSkEntry *u, char *what,
			   size_t len, uint64_t *replaced)
{
	bool abstract = d->raw_name[0] == '\0';
	size_t off = abstract ? 1 : 0, nlen = d->raw_len - off;
	char cwd[PATH_MAX], full[PATH_MAX + 120];
	const char *path = d->name;
	struct stat st;
	int err;

	if (!abstract && d->name[0] != '/') {
		err = bound_dir(s, d->name, cwd, sizeof(cwd));
		snprintf(full, sizeof(full), "%s/%s", err ? "?" : cwd, d->name);
		if (err) {
			snprintf(what, len, "%s bound to relative path %s whose socket file was moved",
				 kind(d), d->name);
			return -EOPNOTSUPP;
		}
		/* pidtrace reaches it by its full path at restore (connect, refill). */
		if (strlen(full) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			snprintf(what, len, "%s bound to relative path %s in a directory whose path is too long for a socket address",
				 kind(d), d->name);
			return -EOPNOTSUPP;
		}
		path = full;
	}
	if (!abstract && !own_file(d, path, &st)) {
		/*
		 * Removed (its directory may be gone too), or hidden under a
		 * mount: restore binds the name and removes it again.
		 */
		char where[PATH_MAX];
		bool deleted = false;
		int r = lstat(path, &st) ? -errno : 0;

		err = file_path(s, where, sizeof(where), &deleted);
		if (!err && !deleted && strcmp(where, path)) {
			snprintf(what, len, "%s %s whose socket file was moved to %.200s", kind(d),
				 d->name, where);
			return -EOPNOTSUPP;
		}
		/* Still there but not reached: a mount over its directory hides it. */
		if (!err && !deleted) {
			snprintf(what, len, "%s %s whose socket file is hidden under a mount", kind(d),
				 d->name);
			return -EOPNOTSUPP;
		}
		if (r && r != -ENOENT) {
			snprintf(what, len, "%s %s whose socket file cannot be reached (%s)", kind(d),
				 d->name, strerror(-r));
			return -EOPNOTSUPP;
		}
		/* Another socket's file now: one of the tree (dump_sockets.c checks). */
		if (!r && S_ISSOCK(st.st_mode))
			*replaced = (uint64_t)(major(st.st_dev) << 20 | minor(st.st_dev)) << 32 |
				    (uint32_t)st.st_ino;
		u->has_file_gone = u->file_gone = true;
	}
	/* Bound again (and its old file removed) in its directory: not on a read-only mount. */
	if (!abstract) {
		const char *slash = strrchr(path, '/');
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%.*s", !slash || slash == path ? 1 : (int)(slash - path),
			 slash ? path : ".");
		if (dump_rofs__read_only(dir) > 0) {
			snprintf(what, len, "%s %s, whose name restore binds again in %.200s on a read-only mount,",
				 kind(d), d->name, dir);
			return -EOPNOTSUPP;
		}
	}
	/* A path as sun_path holds it: up to its NUL. */
	if (!abstract)
		nlen = strnlen((const char *)d->raw_name, d->raw_len);
	u->has_listening = true;
	u->listening = d->state == UNIX_LISTEN;
	u->has_abstract = true;
	u->abstract = abstract;
	u->has_name = true;
	err = set_bytes(&u->name, d->raw_name + off, nlen);
	if (!err && path == full) {
		u->has_bind_dir = true;
		err = set_bytes(&u->bind_dir, cwd, strlen(cwd));
	}
	if (err)
		return err;
	if (u->listening) {
		u->has_backlog = true;
		u->backlog = d->wqueue;
	}
	if (!abstract && !u->file_gone) {
		u->has_file_mode = u->has_file_uid = u->has_file_gid = true;
		u->file_mode = st.st_mode & 07777;
		u->file_uid = st.st_uid;
		u->file_gid = st.st_gid;
	}
	return 0;
}
