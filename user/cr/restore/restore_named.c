// SPDX-License-Identifier: GPL-2.0
/*
 * restore_named.c - the names of deleted files, given back.
 *
 * The kernel shows a file by the name it was opened through (its dentry):
 * "/dir/lib.so (deleted)" in /proc/PID/maps, fd and exe. A file made again
 * nameless (O_TMPFILE) shows "/dir/#INODE (deleted)"; lsof, a program
 * reading its own maps or exe, a "(deleted)" check of an upgraded library
 * see another name. So once the file is filled (still nameless: a kill
 * until then leaves nothing), each name its fds and mappings had is
 * linked (linkat(AT_EMPTY_PATH): never over an existing name, never
 * through a symlink planted there), opened read-only, and unlinked when
 * all are open: the fds and mappings are then opened from those
 * descriptions (/proc/self/fd/N keeps the name). The names live from the
 * first link to the last unlink, a few system calls: a pidtrace killed
 * exactly then leaves them (documented in docs/reliability.md).
 *
 * Every name is linked before any is unlinked: an O_TMPFILE file can be
 * linked while it was never linked (I_LINKABLE) or while it has a link;
 * once the last one is gone it cannot be linked again, as the original
 * could not. A name taken (the file replaced by a new one: the usual case
 * after an upgrade) gets a free one beside it, PATH.pidtrace-PID-N, as
 * files made by name always did.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "restore_named.h"
#include "testfault.h"

#define DELETED " (deleted)"

struct named_fd {
	uint64_t dev, ino;
	char *path;	/* as at dump, without " (deleted)" */
	int fd;
};

struct restore_named {
	struct named_fd *fds;
	size_t n;
};

/* @path without " (deleted)", into @buf. */
static const char *bare(const char *path, char *buf, size_t len)
{
	size_t n = strlen(path);

	if (n > strlen(DELETED) && !strcmp(path + n - strlen(DELETED), DELETED))
		n -= strlen(DELETED);
	snprintf(buf, len, "%.*s", (int)n, path);
	return buf;
}

int restore_named__fd(const struct restore_named *set, uint64_t dev, uint64_t ino,
		      const char *path)
{
	char b[4200];
	size_t i;

	if (!set || !path)
		return -1;
	bare(path, b, sizeof(b));
	for (i = 0; i < set->n; i++)
		if (set->fds[i].dev == dev && set->fds[i].ino == ino && !strcmp(set->fds[i].path, b))
			return set->fds[i].fd;
	return -1;
}

size_t restore_named__fds(const struct restore_named *set, int *out)
{
	size_t i;

	for (i = 0; set && out && i < set->n; i++)
		out[i] = set->fds[i].fd;
	return set ? set->n : 0;
}

void restore_named__free(struct restore_named **set)
{
	size_t i;

	if (!*set)
		return;
	for (i = 0; i < (*set)->n; i++) {
		close((*set)->fds[i].fd);
		free((*set)->fds[i].path);
	}
	free((*set)->fds);
	free(*set);
	*set = NULL;
}

/* The names wanted for one inode, each once. */
struct wanted {
	uint64_t dev, ino;
	const char **paths;	/* with or without " (deleted)" */
	size_t n;
	int err;
};

static void want(struct wanted *w, const char *path)
{
	char a[4200], b[4200];
	const char **arr;
	size_t i;

	if (!path || path[0] != '/' || w->err)
		return;
	for (i = 0; i < w->n; i++)
		if (!strcmp(bare(w->paths[i], a, sizeof(a)), bare(path, b, sizeof(b))))
			return;
	arr = realloc(w->paths, (w->n + 1) * sizeof(*arr));
	if (!arr) {
		w->err = -ENOMEM;
		return;
	}
	w->paths = arr;
	arr[w->n++] = path;
}

/* restore_ctx__find_fd()'s pick: every FD_DELETED fd of the inode, never picked. */
static bool fd_name(const FdEntry *e, const void *arg)
{
	struct wanted *w = (struct wanted *)arg;

	if (e->dev == w->dev && e->deleted && !e->has_relink_handle)
		want(w, e->path ? e->path : e->deleted->path);
	return false;
}

static void collect(const struct restore_ctx *ctx, struct wanted *w)
{
	size_t i, k;

	restore_ctx__find_fd(ctx, FD_TYPE__FD_DELETED, w->ino, fd_name, w, NULL);
	for (i = 0; i < ctx->ntasks; i++) {
		const struct rtask *t = &ctx->tasks[i];
		const MmImage *mm = t->mm;

		for (k = 0; mm && !t->zombie && k < mm->n_vmas; k++)
			if (mm->vmas[k]->ghost && mm->vmas[k]->dev == w->dev &&
			    mm->vmas[k]->ino == w->ino)
				want(w, mm->vmas[k]->ghost->path);
		if (t->core && t->core->mm && t->core->mm->has_exe_ino &&
		    t->core->mm->exe_dev == w->dev && t->core->mm->exe_ino == w->ino)
			want(w, t->core->mm->exe_path);
	}
}

/*
 * Link @fd at @path, else (taken) at a free name beside it, that name in
 * @name. Return: 0, -errno. Without CAP_DAC_READ_SEARCH AT_EMPTY_PATH
 * fails with ENOENT: /proc/self/fd/N then, which links the same inode.
 */
static int link_one(int fd, const char *path, char *name, size_t len)
{
	char self[64];
	int i, r;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	for (i = 0; i < 100; i++) {
		if ((size_t)(i ? snprintf(name, len, "%s.pidtrace-%d-%d", path, (int)getpid(), i) :
				 snprintf(name, len, "%s", path)) >= len)
			return -ENAMETOOLONG;
		r = linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH);
		if (r && errno == ENOENT)
			r = linkat(AT_FDCWD, self, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
		if (!r)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* @name, just linked, opened: read-only, not through a symlink, @fd's inode. */
static int open_linked(int fd, const char *name)
{
	struct stat a, b;
	int ro = open(name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);

	if (ro < 0)
		return -errno;
	if (fstat(fd, &a) || fstat(ro, &b) || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		close(ro);
		return -EXDEV;
	}
	return ro;
}

/* @fd into @set under @path, or closed. */
static int add(struct restore_named **set, uint64_t dev, uint64_t ino, const char *path, int fd)
{
	struct named_fd *arr = NULL;
	char b[4200];

	if (*set || (*set = calloc(1, sizeof(**set))))
		arr = realloc((*set)->fds, ((*set)->n + 1) * sizeof(*arr));
	if (!arr) {
		close(fd);
		return -ENOMEM;
	}
	(*set)->fds = arr;
	arr[(*set)->n] = (struct named_fd){ dev, ino, strdup(bare(path, b, sizeof(b))), fd };
	if (!arr[(*set)->n].path) {
		close(fd);
		return -ENOMEM;
	}
	(*set)->n++;
	return 0;
}

int restore_named__give(const struct restore_ctx *ctx, struct restore_named **set, uint64_t dev,
			uint64_t ino, int fd)
{
	struct wanted w = { .dev = dev, .ino = ino };
	char (*linked)[4200] = NULL, path[4200];
	int *ro = NULL, err = 0, missed = 0;
	size_t i, made = 0;

	collect(ctx, &w);
	if (w.err || !w.n) {
		free(w.paths);
		return w.err ? w.err : 1;
	}
	linked = calloc(w.n, sizeof(*linked));
	ro = calloc(w.n, sizeof(*ro));
	if (!linked || !ro)
		err = -ENOMEM;
	/* Tests: no name can be given (nameless, as before); :kill, still nameless. */
	if (!err && testfault__point("restore-name")) {
		pr_warn("deleted file %s: restored nameless (test fault)", bare(w.paths[0], path, sizeof(path)));
		missed = w.n;
		w.n = 0;
	}
	for (i = 0; !err && i < w.n; i++, made++) {
		ro[i] = -1;
		err = link_one(fd, bare(w.paths[i], path, sizeof(path)), linked[i], sizeof(linked[i]));
		if (err) {
			/* Not its file system (a memfd), no permission: nameless. */
			pr_warn("deleted file %s: restored nameless: cannot link it there: %s", path,
				strerror(-err));
			linked[i][0] = 0;
			err = 0;
			missed++;
			continue;
		}
		ro[i] = open_linked(fd, linked[i]);
		if (ro[i] < 0)
			err = ro[i];
		else if (strcmp(linked[i], path))
			pr_info("deleted file %s: its name is taken: restored as %s (deleted)", path,
				linked[i]);
	}
	testfault__stop("restore-name-linked");
	/* Gone again at once, but only while still this file (nothing put there since). */
	for (i = 0; i < made; i++)
		if (linked[i][0] && fdio__unlink_same(fd, linked[i]) && !err) {
			pr_err("deleted file: cannot unlink %s again", linked[i]);
			err = -EIO;
		}
	for (i = 0; i < made; i++) {
		if (ro[i] < 0)
			continue;
		if (!err)
			err = add(set, dev, ino, w.paths[i], ro[i]);
		else
			close(ro[i]);
	}
	free(linked);
	free(ro);
	free(w.paths);
	return err ? err : missed;
}

int restore_named__any(const struct restore_named *set, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; set && i < set->n; i++)
		if (set->fds[i].dev == dev && set->fds[i].ino == ino)
			return set->fds[i].fd;
	return -1;
}

int restore_named__swap(const struct restore_named *set, uint64_t dev, uint64_t ino, int fd)
{
	int named = restore_named__any(set, dev, ino), ro;
	char self[64];

	close(fd);
	if (named < 0)
		return -ENOENT;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", named);
	ro = open(self, O_RDONLY | O_CLOEXEC);
	return ro < 0 ? -errno : ro;
}

bool restore_named__same(const char *img, const char *live)
{
	const char *slash = strrchr(img, '/'), *ls;
	size_t dir, n = strlen(img), m = strlen(live);

	if (!strcmp(img, live))
		return true;
	if (n < strlen(DELETED) || m < strlen(DELETED) || strcmp(live + m - strlen(DELETED), DELETED))
		return false;
	n -= strlen(DELETED);
	m -= strlen(DELETED);
	/* PATH.pidtrace-PID-N: the name was taken. */
	if (m > n && !strncmp(live, img, n) && !strncmp(live + n, ".pidtrace-", 10))
		return true;
	if (!slash)
		return false;
	dir = slash - img;
	ls = strrchr(live, '/');
	/* DIR/#INODE: could not be linked there. */
	if (ls && (size_t)(ls - live) == dir && !strncmp(live, img, dir) && ls[1] == '#')
		return true;
	/* /memfd:NAME: the directory took no nameless file. */
	return !strncmp(live, "/memfd:", 7) && !strncmp(live + 7, slash + 1, n - dir - 1);
}
