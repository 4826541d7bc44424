// SPDX-License-Identifier: GPL-2.0
/*
 * restore_unix_ghost.c - unix socket names whose socket file the
 * original had lost (removed, maybe with its directory).
 *
 * The name is bound at its path, so that the kernel keeps it, and the new
 * socket file is moved out of the way at once, to a name of its own
 * beside it ("PATH.pidtrace-PID-N"): several sockets may have lost files
 * of the same name, and a socket of the tree may hold that name's file
 * now. pidtrace connects the tree's sockets through the moved file; once
 * every socket is made, the moved files go, and the directories made for
 * them (missing ones, made 0700) too. A socket file of this restore found
 * at the path, or a file that is not a socket (a FIFO made there since),
 * is moved aside for the bind and put back.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "restore_unix_ghost.h"

struct gfile {
	uint64_t sk_ino;	/* the image's socket */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];	/* where its file is now */
	dev_t dev;
	ino_t ino;
};

struct unix_ghosts {
	struct gfile *files;
	size_t nfiles;
	char (*dirs)[sizeof(((struct sockaddr_un *)0)->sun_path)];	/* made here, in order */
	size_t ndirs;
	unsigned int seq;
};

static struct unix_ghosts *state(struct unix_ghosts **g)
{
	if (!*g)
		*g = calloc(1, sizeof(**g));
	return *g;
}

/* Make the missing directories above @path, remembering them. */
static int make_dirs(struct unix_ghosts *g, const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char (*d)[sizeof(dir)];
	struct stat st;
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (lstat(dir, &st)) {
			if (errno != ENOENT || mkdir(dir, 0700))
				return -errno;
			d = realloc(g->dirs, (g->ndirs + 1) * sizeof(*d));
			if (!d) {
				rmdir(dir);
				return -ENOMEM;
			}
			g->dirs = d;
			snprintf(g->dirs[g->ndirs++], sizeof(dir), "%s", dir);
		} else if (!S_ISDIR(st.st_mode)) {
			return -ENOTDIR;
		}
		*p = '/';
	}
	return 0;
}

static bool same_file(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	return !lstat(path, &st) && S_ISSOCK(st.st_mode) && st.st_dev == dev && st.st_ino == ino;
}

int restore_unix_ghost__prepare(struct unix_ghosts **gp, const char *path,
				bool (*mine)(void *arg, const struct stat *st), void *arg,
				char *aside, size_t len)
{
	struct unix_ghosts *g = state(gp);
	struct stat st;
	int err;

	aside[0] = '\0';
	if (!g)
		return -ENOMEM;
	err = make_dirs(g, path);
	if (err)
		return err;
	/*
	 * A socket file this restore made for a live socket, or what is not a
	 * socket file (a FIFO made at the path since): out of the way for the
	 * bind, put back at once (restore_unix_ghost__park()).
	 */
	if (!lstat(path, &st) && (!S_ISSOCK(st.st_mode) || mine(arg, &st))) {
		if ((size_t)snprintf(aside, len, "%s.pidtrace-aside-%d", path, (int)getpid()) >= len)
			return -ENAMETOOLONG;
		if (rename(path, aside)) {
			aside[0] = '\0';
			return -errno;
		}
	}
	return 0;
}

int restore_unix_ghost__park(struct unix_ghosts **gp, uint64_t sk_ino, const char *bound,
			     const char *aside, struct sockaddr_un *a)
{
	struct unix_ghosts *g = state(gp);
	char temp[sizeof(a->sun_path)], path[sizeof(a->sun_path) + 1];
	struct gfile *f;
	struct stat st;
	int err = 0;

	/* @bound may be @a's own sun_path, which changes below. */
	snprintf(path, sizeof(path), "%s", bound);
	if (!g)
		return -ENOMEM;
	if ((size_t)snprintf(temp, sizeof(temp), "%s.pidtrace-%d-%u", path, (int)getpid(),
			     ++g->seq) >= sizeof(temp))
		err = -ENAMETOOLONG;
	if (!err && (lstat(path, &st) || rename(path, temp)))
		err = -errno;
	if (err) {
		unlink(path);
	} else {
		f = realloc(g->files, (g->nfiles + 1) * sizeof(*f));
		if (!f) {
			unlink(temp);
			err = -ENOMEM;
		} else {
			g->files = f;
			f = &f[g->nfiles++];
			f->sk_ino = sk_ino;
			snprintf(f->path, sizeof(f->path), "%s", temp);
			f->dev = st.st_dev;
			f->ino = st.st_ino;
			memset(a->sun_path, 0, sizeof(a->sun_path));
			memcpy(a->sun_path, temp, strlen(temp));
		}
	}
	/* The live socket's file back at its name. */
	if (aside[0] && rename(aside, path) && !err)
		err = -errno;
	return err;
}

bool restore_unix_ghost__where(struct unix_ghosts *g, uint64_t sk_ino, struct sockaddr_un *a,
			       socklen_t *alen)
{
	size_t i;

	for (i = 0; g && i < g->nfiles; i++) {
		if (g->files[i].sk_ino != sk_ino)
			continue;
		memset(a, 0, sizeof(*a));
		a->sun_family = AF_UNIX;
		memcpy(a->sun_path, g->files[i].path, strlen(g->files[i].path));
		*alen = sizeof(*a);
		return true;
	}
	return false;
}

void restore_unix_ghost__settle(struct unix_ghosts **gp)
{
	struct unix_ghosts *g = *gp;
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nfiles; i++)
		if (same_file(g->files[i].path, g->files[i].dev, g->files[i].ino) &&
		    unlink(g->files[i].path))
			pr_warn("cannot remove socket file %s: %s", g->files[i].path,
				strerror(errno));
	/* Deepest first; one something else was put in stays. */
	for (i = g->ndirs; i > 0; i--)
		rmdir(g->dirs[i - 1]);
	free(g->files);
	free(g->dirs);
	free(g);
	*gp = NULL;
}
