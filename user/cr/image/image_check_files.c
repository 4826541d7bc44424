// SPDX-License-Identifier: GPL-2.0
/*
 * image_check_files.c - the checks of what a task's files image, the
 * pipes image and the pidfds image say (see image_check.c for the rest):
 * fds sorted and of known kinds, then what each kind requires of its own
 * (kinds.h: each kind's check); deleted files' saved contents exactly
 * their size (for fds and mappings alike); pipes and pidfs inodes listed
 * once.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ghost_data.h"
#include "image_check.h"
#include "kind_locks.h"
#include "kinds.h"

/*
 * A deleted file's saved contents (a mapping's ghost, an FD_DELETED fd):
 * a name, and exactly its size of data where it says the data is. Restore
 * writes data.len bytes, then cuts the file to size.
 */
int image_check__deleted_file(struct image *img, const char *n, const char *what, uint64_t at,
			      const DeletedFileEntry *d)
{
	if (!d->path || !*d->path)
		return bad(img, n, "%s 0x%llx: a deleted file without its name", what,
			   (unsigned long long)at);
	if (d->size > MAX_DELETED_SIZE || d->data.len > MAX_DELETED_BYTES ||
	    (d->data_here && ghost_data__check(d)) ||
	    (!d->data_here && d->data.len))
		return bad(img, n, "%s 0x%llx: deleted file %.64s of %llu bytes holds %zu bytes%s",
			   what, (unsigned long long)at, d->path, (unsigned long long)d->size,
			   d->data.len, d->data_here ? "" : " it should not");
	return 0;
}

int image_check__files(struct image *img, const char *n, const FilesImage *fi)
{
	const struct fd_kind *k;
	size_t i;
	int err;

	if (fi->n_fds > MAX_FDS || fi->umask > 0777)
		return bad(img, n, "damaged (%zu fds, umask %o)", fi->n_fds, fi->umask);
	/* Another task's table (CLONE_FILES): its fds are in that task's image. */
	if (fi->has_fd_table_of && (fi->fd_table_of <= 0 || fi->n_fds))
		return bad(img, n, "uses the fd table of pid %d and has %zu fds of its own",
			   fi->fd_table_of, fi->n_fds);
	for (i = 0; i < fi->n_fds; i++) {
		const FdEntry *e = fi->fds[i];

		if (e->fd >= MAX_FDS || (i && e->fd <= fi->fds[i - 1]->fd))
			return bad(img, n, "fd %u is out of order or impossible", e->fd);
		if (!kinds__find(e->type))
			return bad(img, n, "fd %u has an unknown type %d", e->fd, e->type);
		if (kind_locks__check(img, n, e))
			return -EINVAL;
	}
	/* Once the fds are known sorted: a kind may look others up (epoll targets). */
	for (i = 0; i < fi->n_fds; i++) {
		k = kinds__find(fi->fds[i]->type);
		err = k->check ? k->check(img, n, fi, fi->fds[i]) : 0;
		if (err)
			return err;
	}
	return 0;
}

int image_check__pipes(struct image *img, const char *n, const PipesImage *p)
{
	uint64_t dup;
	size_t i;
	int r;

	for (i = 0; i < p->n_pipes; i++)
		if (p->pipes[i]->data.len > p->pipes[i]->capacity ||
		    p->pipes[i]->capacity > (1U << 31))
			return bad(img, n, "pipe %llu holds %zu bytes in a %u-byte pipe",
				   (unsigned long long)p->pipes[i]->ino, p->pipes[i]->data.len,
				   p->pipes[i]->capacity);
	r = image_check__find_dup(p->pipes, p->n_pipes, sizeof(*p->pipes), offsetof(PipeEntry, ino), &dup);
	if (r > 0)
		return bad(img, n, "pipe %llu is listed twice", (unsigned long long)dup);
	return r;
}

int image_check__pidfds(struct image *img, const char *n, const PidfdsImage *p)
{
	uint64_t dup;
	size_t i;
	int r;

	for (i = 0; i < p->n_targets; i++) {
		const PidfdTargetEntry *t = p->targets[i];

		if (!image_check__known(&pidfd_state__descriptor, t->state))
			return bad(img, n, "pidfs inode %llu has an unknown state %d",
				   (unsigned long long)t->ino, t->state);
		if (t->n_nspid > MAX_NS_LEVELS || t->n_ns_ino > MAX_NS_LEVELS ||
		    t->n_holders > MAX_FDS)
			return bad(img, n, "pidfs inode %llu is damaged", (unsigned long long)t->ino);
	}
	r = image_check__find_dup(p->targets, p->n_targets, sizeof(*p->targets),
		     offsetof(PidfdTargetEntry, ino), &dup);
	if (r > 0)
		return bad(img, n, "pidfs inode %llu is listed twice", (unsigned long long)dup);
	return r;
}
