// SPDX-License-Identifier: GPL-2.0
/*
 * pty_restore.c - pseudo-terminal pairs made again (kind_pty.c's restore).
 *
 * Each pair is made once, by whichever comes first: the session leader
 * whose terminal it is, as the tree is made (ctty_pts: the leader then
 * opens the slave, its children inherit it), or the first of its ends
 * restore opens. devpts gives the lowest free index, so /dev/ptmx is
 * opened, keeping each master, until it gives the one of the image; a
 * lower one is closed again, a higher one means the index is taken (a
 * pty just closed frees its index a moment later: tried for 2 s). The
 * slave's termios, window size, owner and mode are set then, the pair
 * unlocked until every end is open; the slave is opened through the master
 * (TIOCGPTPEER, with the flags it had), /dev/tty by the task that held it.
 * Once every fd is in place the session leader gives the foreground back
 * (TIOCSPGRP, injected) and every task of the session is checked to have
 * the terminal; then the bytes a pair held unread are put back
 * (pty_queue.c) and the pairs that were locked are locked again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <asm/termbits.h>

#include "kind_pty.h"
#include "kinds.h"
#include "pty_queue.h"
#include "pty_restore.h"
#include "restore_ctx.h"
#include "restore_files.h"
#include "restore_pgrp.h"

/* Tries 50 ms apart for an index still held (open_index). */
#define PTY_BUSY_TRIES 40

/* The masters pidtrace made, by index, until the engine takes them. */
struct made {
	uint32_t index;
	int fd;		/* pidtrace's; -1 once handed to the engine */
	int keep;	/* a second descriptor of the same master, for the end */
	bool locked;
	bool orphan;	/* its master closed once every end is open: hung up */
};
static struct made *made;
static size_t nmade;

static struct made *find_made(uint32_t index)
{
	size_t i;

	for (i = 0; i < nmade; i++)
		if (made[i].index == index)
			return &made[i];
	return NULL;
}

/* Open /dev/ptmx until devpts gives @index (see the top), once. */
static int open_index_once(uint32_t index, int *got)
{
	int *tries = NULL, fd = -1, n = 0, cap = 0, i, err = 0;
	unsigned int now;

	for (;;) {
		fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			break;
		}
		if (ioctl(fd, TIOCGPTN, &now)) {
			err = -errno;
			break;
		}
		*got = (int)now;
		if (now == index)
			break;
		if (now > index) {
			err = -EBUSY;
			break;
		}
		if (n == cap) {
			int *t = realloc(tries, (cap = cap ? cap * 2 : 16) * sizeof(*tries));

			if (!t) {
				err = -ENOMEM;
				break;
			}
			tries = t;
		}
		tries[n++] = fd;
		fd = -1;
	}
	for (i = 0; i < n; i++)
		close(tries[i]);
	free(tries);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/*
 * The kernel frees a closed pty's index after its release work has run:
 * the dumped tree's pair may still hold it for a moment after its death.
 */
static int open_index(uint32_t index, int *got)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	int fd, i;

	for (i = 0;; i++) {
		fd = open_index_once(index, got);
		if (fd != -EBUSY || i == PTY_BUSY_TRIES)
			return fd;
		nanosleep(&pause, NULL);
	}
}

/* The termios of @p. */
static void entry_termios(const PtyEntry *p, struct termios2 *tio)
{
	memset(tio, 0, sizeof(*tio));
	tio->c_iflag = p->iflag;
	tio->c_oflag = p->oflag;
	tio->c_cflag = p->cflag;
	tio->c_lflag = p->lflag;
	tio->c_line = N_TTY;
	if (p->cc.data && p->cc.len == sizeof(tio->c_cc))
		memcpy(tio->c_cc, p->cc.data, sizeof(tio->c_cc));
	tio->c_ispeed = p->ispeed;
	tio->c_ospeed = p->ospeed;
}

/* The pair of @e's index, made with its state when it is not yet. */
static int make_pair(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, struct made **out)
{
	const PtyEntry *p = e->pty;
	struct termios2 tio = { 0 };
	struct winsize ws = { 0 };
	struct made *m = find_made(p->index), *grown;
	int fd, got = -1, unlock = 0, err;
	char path[64];

	if (m) {
		*out = m;
		return 0;
	}
	fd = open_index(p->index, &got);
	if (fd == -EBUSY)
		return restore_ctx__fail(ctx, pid, fd,
				     "pid %d fd %u: pseudo-terminal /dev/pts/%u is in use (devpts gave %d, for 2 s): not made again",
				     pid, e->fd, p->index, got);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, fd, "pid %d fd %u: open /dev/ptmx: %s", pid, e->fd,
				     strerror(-fd));
	entry_termios(p, &tio);
	ws.ws_row = p->ws_row;
	ws.ws_col = p->ws_col;
	ws.ws_xpixel = p->ws_xpixel;
	ws.ws_ypixel = p->ws_ypixel;
	snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
	err = 0;
	if (ioctl(fd, TIOCSPTLCK, &unlock) ||
	    (!p->orphan && (ioctl(fd, TCSETS2, &tio) || ioctl(fd, TIOCSWINSZ, &ws))) ||
	    (p->has_slave_uid && chown(path, p->slave_uid, p->slave_gid)) ||
	    (p->has_slave_mode && chmod(path, p->slave_mode & 07777)))
		err = -errno;
	grown = err ? NULL : realloc(made, (nmade + 1) * sizeof(*made));
	if (!err && !grown)
		err = -ENOMEM;
	if (err) {
		close(fd);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: pseudo-terminal /dev/pts/%u: %s",
				     pid, e->fd, p->index, strerror(-err));
	}
	made = grown;
	m = &made[nmade++];
	m->index = p->index;
	m->fd = fd;
	m->keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	m->locked = false;
	m->orphan = p->orphan;
	if (m->keep < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: pseudo-terminal /dev/pts/%u: dup: %s",
				     pid, e->fd, p->index, strerror(errno));
	*out = m;
	return 0;
}

static int set_flags(int fd, const FdEntry *e)
{
	int on = 1;

	if ((e->flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK))
		return -errno;
	if (e->pty->exclusive && ioctl(fd, TIOCEXCL))
		return -errno;
	if (e->pty->master && e->pty->packet && ioctl(fd, TIOCPKT, &on))
		return -errno;
	return 0;
}

/*
 * /dev/tty opened by the task that held it, whose controlling terminal
 * the pair is since it was made (ctty_pts), then taken into pidtrace
 * (pidfd_getfd) like every other description.
 */
static int open_devtty(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct rtask *t = restore_ctx__find(ctx, pid);
	unsigned long addr;
	long fd, r;
	int c;

	if (!t)
		return restore_ctx__fail(ctx, pid, -ESRCH, "pid %d fd %u: /dev/tty: no such task",
				     pid, e->fd);
	r = restore_ctx__put(t, 0, "/dev/tty", sizeof("/dev/tty"), &addr);
	fd = r ? r :
		 restore_ctx__sys(t, SYS_openat, AT_FDCWD, addr,
				  (e->flags & (O_ACCMODE | KIND_PTY_O_LARGEFILE)) | O_NOCTTY, 0, 0, 0);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, (int)fd, "pid %d fd %u: open /dev/tty in it: %s",
				     pid, e->fd, strerror((int)-fd));
	c = kinds__copy_fd(t->opid, (int)fd);
	restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
	if (c < 0)
		return restore_ctx__fail(ctx, pid, c, "pid %d fd %u: /dev/tty: pidfd_getfd: %s", pid,
				     e->fd, strerror(-c));
	fcntl(c, F_SETFD, FD_CLOEXEC);
	return c;
}

/*
 * An outside terminal's slave without O_LARGEFILE (opened by openpty()
 * through its master, as sshd, script and terminal emulators do, and
 * inherited): open() would add the flag, so it is opened the same way,
 * through a copy of the master its holder has. -1: none found, or not the
 * same device (the caller opens the path).
 */
static int open_peer(const FdEntry *e)
{
	struct stat st;
	int m, fd;

	if (!e->has_dev)
		return -1;
	m = kind_pty__find_master((int)e->pty->index, e->dev);
	if (m < 0)
		return -1;
	fd = ioctl(m, TIOCGPTPEER, (e->flags & (O_ACCMODE | O_NONBLOCK | O_APPEND)) | O_NOCTTY);
	close(m);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || (e->has_rdev && st.st_rdev != e->rdev) || st.st_dev != e->dev) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int pty_restore__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const PtyEntry *p = e->pty;
	struct made *m = NULL;
	char path[64];
	int fd, err;

	if (!p)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: pty without its state",
				     pid, e->fd);
	/*
	 * A job's terminal: whatever /dev/pts/N is now, it must be the one
	 * restore runs on (reopened by path, another terminal could have
	 * the number, and the same inode).
	 */
	if (p->shell && kind_pty__own_index() != (int)p->index)
		return restore_ctx__fail(ctx, pid, -ENOTTY,
				     "pid %d fd %u: /dev/pts/%u, the terminal it was dumped from, is not pidtrace's terminal: restore from that terminal",
				     pid, e->fd, p->index);
	if (p->external && !p->devtty && !(e->flags & KIND_PTY_O_LARGEFILE)) {
		fd = open_peer(e);
		if (fd >= 0)
			return fd;
	}
	if (p->external)
		return restore_files__open_path(ctx, pid, e);
	err = make_pair(ctx, pid, e, &m);
	if (err)
		return err;
	if (p->devtty) {
		fd = open_devtty(ctx, pid, e);
		if (fd < 0)
			return fd;
	} else if (p->master) {
		/* A pty has one master description (dup'ed fds share it). */
		fd = m->fd;
		m->fd = -1;
		if (fd < 0)
			return restore_ctx__fail(ctx, pid, -EEXIST,
					     "pid %d fd %u: a second master of /dev/pts/%u", pid,
					     e->fd, p->index);
		m->locked = p->locked;
	} else {
		/* Through the master, as openpty() does: the flags as given
		 * (open() would add O_LARGEFILE, which such a slave lacks). */
		snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
		fd = ioctl(m->keep, TIOCGPTPEER,
			   (e->flags & (O_ACCMODE | KIND_PTY_O_LARGEFILE | O_APPEND)) | O_NOCTTY);
		/* Not O_CLOEXEC there: it would stay in the file's flags. */
		if (fd >= 0)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (fd < 0)
			return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: open %s: %s", pid,
					     e->fd, path, strerror(errno));
	}
	err = set_flags(fd, e);
	if (err) {
		close(fd);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: pseudo-terminal /dev/pts/%u: %s",
				     pid, e->fd, p->index, strerror(-err));
	}
	return fd;
}

/* The pty entry that says session @sid's controlling terminal, and @t's fd on it (-1: none). */
static const FdEntry *ctty_of(struct restore_ctx *ctx, uint32_t sid, struct rtask *t, int *tfd)
{
	const FdEntry *found = NULL;
	size_t i, k;

	*tfd = -1;
	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const FdEntry *e = fi->fds[k];

			if (e->type != FD_TYPE__FD_PTY || !e->pty || !e->pty->has_ctty_sid ||
			    e->pty->ctty_sid != sid)
				continue;
			found = e;
			if (&ctx->tasks[i] == t && !e->pty->master)
				*tfd = e->fd;
		}
	}
	return found;
}

static bool leader(const struct rtask *t)
{
	return !t->zombie && t->core && t->core->ids && t->core->ids->sid == (uint32_t)t->pid;
}

/* Session leader @t, just made: the pair it takes as its terminal (kinds.h). */
int pty_restore__ctty_pts(struct restore_ctx *ctx, struct rtask *t, int *pts)
{
	const FdEntry *e;
	struct made *m;
	int tfd, err;

	*pts = -1;
	if (!leader(t) || !(e = ctty_of(ctx, t->pid, NULL, &tfd)))
		return 0;
	err = make_pair(ctx, t->pid, e, &m);
	if (!err)
		*pts = (int)e->pty->index;
	return err;
}

/*
 * Every fd in place, the groups made: the session leader gives the
 * foreground to the group that had it (TIOCSPGRP, injected: only a task
 * of the session may), and every task of a session with a terminal made
 * again has it (inherited from the leader, which took it when made).
 */
int pty_restore__task(struct restore_ctx *ctx, struct rtask *t)
{
	const FdEntry *e;
	const PtyEntry *p;
	pid_t sid, tpgid;
	char path[64];
	int tfd, tty_nr, err;

	if (t->zombie || !t->core || !t->core->ids ||
	    !(e = ctty_of(ctx, t->core->ids->sid, t, &tfd)))
		return 0;
	p = e->pty;
	snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
	err = kind_pty__stat_tty(t->opid, &sid, &tty_nr, &tpgid);
	if (!err && kind_pty__index(tty_nr) != (int)p->index)
		err = -ENOTTY;
	if (err)
		return restore_ctx__fail(ctx, t->pid, err,
				     "pid %d: its controlling terminal is not %s: %s", t->pid, path,
				     strerror(-err));
	if (!leader(t) || !p->has_fg_pgrp)
		return 0;
	return restore_pgrp__set_fg(ctx, t, path, tfd, (pid_t)p->fg_pgrp);
}

/* The master record of /dev/pts/@index in the image with unread bytes, or NULL. */
static const PtyEntry *queued_of(struct restore_ctx *ctx, uint32_t index)
{
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const PtyEntry *p = fi->fds[k]->pty;

			if (fi->fds[k]->type == FD_TYPE__FD_PTY && p && p->master && !p->external &&
			    p->index == index && (p->has_input || p->n_input_lines || p->has_output))
				return p;
		}
	}
	return NULL;
}

/*
 * Every end open: the bytes the pairs held unread put back (pty_queue.c),
 * the pairs that were locked locked again, and those whose master had
 * been closed lose it (the slaves hang up, as they were).
 */
int pty_restore__tree(struct restore_ctx *ctx)
{
	const PtyEntry *p;
	struct termios2 tio;
	char why[160];
	int lock = 1, err;
	size_t i;

	for (i = 0; i < nmade; i++) {
		if (made[i].orphan || made[i].keep < 0 || !(p = queued_of(ctx, made[i].index)))
			continue;
		entry_termios(p, &tio);
		err = pty_queue__restore(made[i].keep, p, &tio, why, sizeof(why));
		if (err)
			return restore_ctx__fail(ctx, 0, err,
					     "pseudo-terminal /dev/pts/%u: its unread bytes not put back exactly: %s",
					     made[i].index, why);
	}

	for (i = 0; i < nmade; i++) {
		if (!made[i].orphan)
			continue;
		if (made[i].fd >= 0)
			close(made[i].fd);
		close(made[i].keep);
		made[i].fd = made[i].keep = -1;
	}
	for (i = 0; i < nmade; i++)
		if (made[i].locked && made[i].keep >= 0 && ioctl(made[i].keep, TIOCSPTLCK, &lock))
			return restore_ctx__fail(ctx, 0, -errno, "pseudo-terminal /dev/pts/%u: lock: %s",
					     made[i].index, strerror(errno));
	return 0;
}

void pty_restore__end(struct restore_ctx *ctx, bool failed)
{
	size_t i;

	(void)ctx;
	(void)failed;
	for (i = 0; i < nmade; i++) {
		if (made[i].fd >= 0)
			close(made[i].fd);
		if (made[i].keep >= 0)
			close(made[i].keep);
	}
	free(made);
	made = NULL;
	nmade = 0;
}
