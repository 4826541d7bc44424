// SPDX-License-Identifier: GPL-2.0
/*
 * kind_pty.c - pseudo-terminals: the master (/dev/ptmx) and its slave
 * (/dev/pts/N), the pair's termios, window size, packet mode, lock and
 * exclusive mode, and the session whose controlling terminal it is.
 *
 * Dump reads each end on a copy (pidfd_getfd) with get-only ioctls. A
 * pair with unread data it can see (TIOCINQ on the master: what the slave
 * wrote; on a slave of the tree: what the master wrote) is refused: data
 * written back through the master would be echoed and edited again by the
 * line discipline. A slave whose master is outside the tree (the shell's
 * terminal) is kept as before: reopened by its path, state left alone.
 *
 * Restore makes the pair again with the same index, so that /dev/pts/N
 * (and ptsname()) is the same: devpts gives the lowest free index, so
 * pidtrace opens /dev/ptmx, keeping each master, until it is given N; a
 * lower index it is given was free and is closed again; a higher one means
 * N is taken: the restore fails on it. The slave is opened through the
 * master (TIOCGPTPEER: /dev/pts/N, the pair unlocked until every end is open), termios and window size set
 * through the master, then packet mode, the lock. Once every fd of the
 * tree is in place, the session leader takes the terminal as its
 * controlling one (TIOCSCTTY injected in it) and gives the foreground to
 * the process group that had it (TIOCSPGRP).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <asm/termbits.h>

#include <json-c/json.h>

#include "dump_ctx.h"
#include "image_check.h"
#include "kind_pty.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_files.h"
#include "restore_verify.h"

#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define DEVTTY_MINOR 0
/* devpts' own ceiling (kernel.pty.max cannot go higher). */
#define PTY_INDEX_MAX (1U << 20)
/* The kernel's O_LARGEFILE (x86; glibc's is 0 on 64-bit): fdinfo flags have it. */
#define KERNEL_O_LARGEFILE 0100000
/* Tries 50 ms apart for an index still held (open_index). */
#define PTY_BUSY_TRIES 40

int kind_pty__index(dev_t rdev)
{
	unsigned int maj = major(rdev);

	if (maj < KIND_PTY_SLAVE_MAJOR_FIRST || maj > KIND_PTY_SLAVE_MAJOR_LAST)
		return -1;
	return (int)((maj - KIND_PTY_SLAVE_MAJOR_FIRST) * 256 + minor(rdev));
}

static bool is_ptmx(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == PTMX_MAJOR &&
	       minor(st->st_rdev) == PTMX_MINOR;
}

static bool is_devtty(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == PTMX_MAJOR &&
	       minor(st->st_rdev) == DEVTTY_MINOR;
}

static bool claims(const struct fd_live *l)
{
	return is_ptmx(l->st) || is_devtty(l->st) ||
	       (S_ISCHR(l->st->st_mode) && kind_pty__index(l->st->st_rdev) >= 0);
}

/* ---- dump ---- */

/* The index of master fd @fd of @pid from its fdinfo, or -1. */
static int master_index(pid_t pid, int fd)
{
	char name[64], *info = NULL;
	uint64_t index;
	int r = -1;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (!procfs__read(pid, name, &info, NULL) &&
	    !procfs__field_u64(info, "tty-index:", 10, &index))
		r = (int)index;
	free(info);
	return r;
}

bool kind_pty__master_in_tree(struct dump_ctx *ctx, int index)
{
	char dir[64], path[384], link[64];
	struct dirent *d;
	struct stat st;
	bool found = false;
	size_t i;
	DIR *dp;
	ssize_t n;

	for (i = 0; !found && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", ctx->tasks[i].pid);
		dp = opendir(dir);
		if (!dp)
			continue;
		while (!found && (d = readdir(dp))) {
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0 || stat(path, &st) || !is_ptmx(&st))
				continue;
			found = master_index(ctx->tasks[i].pid, atoi(d->d_name)) == index;
		}
		closedir(dp);
	}
	return found;
}

/* Session, tty_nr and tpgid of /proc/@pid/stat. */
static int stat_tty(pid_t pid, pid_t *sid, int *tty_nr, pid_t *tpgid)
{
	char *buf = NULL, *p;
	int ppid, pgrp, err;
	char state;

	err = procfs__read(pid, "stat", &buf, NULL);
	if (err)
		return err;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d %d %d %d %d", &state, &ppid, &pgrp, sid, tty_nr, tpgid) != 6)
		err = -EINVAL;
	free(buf);
	return err;
}

/* The session led in the tree whose controlling terminal is /dev/pts/@index. */
static void find_ctty(struct dump_ctx *ctx, int index, PtyEntry *p)
{
	pid_t sid, tpgid;
	int tty_nr;
	size_t i;

	for (i = 0; i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie ||
		    stat_tty(ctx->tasks[i].pid, &sid, &tty_nr, &tpgid) || sid != ctx->tasks[i].pid ||
		    !tty_nr || kind_pty__index(tty_nr) != index)
			continue;
		p->has_ctty_sid = true;
		p->ctty_sid = sid;
		if (tpgid > 0) {
			p->has_fg_pgrp = true;
			p->fg_pgrp = tpgid;
		}
		return;
	}
}

static int refuse(const struct fd_live *l, const char *what, int index)
{
	pr_err("pid %d fd %d: %s of /dev/pts/%d %s is not supported", l->pid, l->fd,
	       is_ptmx(l->st)	 ? "pseudo-terminal master" :
	       is_devtty(l->st) ? "/dev/tty, pseudo-terminal slave" : "pseudo-terminal slave",
	       index, what);
	return -EOPNOTSUPP;
}

/* The pair's state, read on @c, a copy of the fd. */
static int read_state(const struct fd_live *l, int c, bool master, int index, PtyEntry *p)
{
	struct termios2 tio;
	struct winsize ws;
	char what[96];
	int v = 0;

	if (ioctl(c, TCGETS2, &tio) || ioctl(c, TIOCGWINSZ, &ws))
		return -errno;
	p->has_iflag = p->has_oflag = p->has_cflag = p->has_lflag = p->has_line = true;
	p->iflag = tio.c_iflag;
	p->oflag = tio.c_oflag;
	p->cflag = tio.c_cflag;
	p->lflag = tio.c_lflag;
	p->line = tio.c_line;
	p->has_cc = true;
	p->cc.len = sizeof(tio.c_cc);
	p->cc.data = malloc(sizeof(tio.c_cc));
	if (!p->cc.data)
		return -ENOMEM;
	memcpy(p->cc.data, tio.c_cc, sizeof(tio.c_cc));
	p->has_ispeed = p->has_ospeed = true;
	p->ispeed = tio.c_ispeed;
	p->ospeed = tio.c_ospeed;
	p->has_ws_row = p->has_ws_col = p->has_ws_xpixel = p->has_ws_ypixel = true;
	p->ws_row = ws.ws_row;
	p->ws_col = ws.ws_col;
	p->ws_xpixel = ws.ws_xpixel;
	p->ws_ypixel = ws.ws_ypixel;
	if (!ioctl(c, TIOCGEXCL, &v)) {
		p->has_exclusive = true;
		p->exclusive = v;
	}
	if (tio.c_line != N_TTY)
		return refuse(l, "with line discipline other than N_TTY", index);
	if (ioctl(c, TIOCINQ, &v))
		return -errno;
	if (v > 0) {
		snprintf(what, sizeof(what), "with %d bytes written by the %s not read", v,
			 master ? "slave" : "master");
		return refuse(l, what, index);
	}
	if (!master)
		return 0;
	if (ioctl(c, TIOCGPKT, &v))
		return -errno;
	p->has_packet = true;
	p->packet = v;
	if (ioctl(c, TIOCGPTLCK, &v))
		return -errno;
	p->has_locked = true;
	p->locked = v;
	return 0;
}

/* The slave of master copy @c is reachable as /dev/pts/@index here: its node in @peer. */
static int check_devpts(const struct fd_live *l, int c, int index, struct stat *peer)
{
	char path[64];
	struct stat here;
	int s;

	s = ioctl(c, TIOCGPTPEER, O_PATH | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return -errno;
	snprintf(path, sizeof(path), "/dev/pts/%d", index);
	if (fstat(s, peer) || stat(path, &here) || peer->st_dev != here.st_dev ||
	    peer->st_rdev != here.st_rdev) {
		close(s);
		return refuse(l, "of a devpts instance other than /dev/pts", index);
	}
	close(s);
	return 0;
}

/* A copy of fd @l->fd of @l->pid in pidtrace (pidfd_getfd). */
static int copy_fd(pid_t pid, int fd)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), c, err;

	if (pidfd < 0)
		return -errno;
	c = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = c < 0 ? -errno : 0;
	close(pidfd);
	return err ? err : c;
}

/*
 * /dev/tty: the pts it stands for (TIOCGDEV) must be the holder's
 * controlling terminal still, which restore opens again in the task.
 */
static int devtty_index(const struct fd_live *l, int c, int *index)
{
	unsigned int dev;
	pid_t sid, tpgid;
	int tty_nr, err;

	if (ioctl(c, TIOCGDEV, &dev))
		return -errno;
	*index = kind_pty__index(dev);
	err = stat_tty(l->pid, &sid, &tty_nr, &tpgid);
	if (err)
		return err;
	if (*index >= 0 && kind_pty__index(tty_nr) != *index) {
		pr_err("pid %d fd %d: /dev/tty standing for /dev/pts/%d, not its controlling terminal any more, is not supported",
		       l->pid, l->fd, *index);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	bool master = is_ptmx(l->st), devtty = is_devtty(l->st);
	int c = -1, index = -1, err;
	struct stat node = *l->st;
	char path[64];
	PtyEntry *p;

	e->path = dump_ctx__strdup(l->link);
	e->pty = p = PB_NEW(PtyEntry, pty_entry);
	if (!e->path || !p)
		return -ENOMEM;
	e->has_rdev = true;
	e->rdev = l->st->st_rdev;
	p->master = master;
	if (devtty) {
		c = copy_fd(l->pid, l->fd);
		err = c < 0 ? c : devtty_index(l, c, &index);
		if (err) {
			if (c >= 0)
				close(c);
			return err;
		}
	} else {
		index = master ? master_index(l->pid, l->fd) : kind_pty__index(l->st->st_rdev);
		if (index < 0)
			return -EINVAL;
	}
	if (!master && (index < 0 || !kind_pty__master_in_tree(ctx, index))) {
		/* A terminal of someone else's (pidtrace's): reopened by its path, as it is. */
		if (c >= 0)
			close(c);
		p->index = index < 0 ? 0 : index;
		p->has_external = true;
		p->external = true;
		return 0;
	}
	p->index = index;
	if (c < 0)
		c = copy_fd(l->pid, l->fd);
	err = c < 0 ? c : 0;
	if (!err && devtty) {
		p->has_devtty = true;
		p->devtty = true;
		snprintf(path, sizeof(path), "/dev/pts/%d", index);
		if (stat(path, &node))
			err = -errno;
	}
	if (!err && master)
		err = check_devpts(l, c, index, &node);
	if (!err)
		err = read_state(l, c, master, index, p);
	if (c >= 0)
		close(c);
	if (err)
		return err;
	p->has_slave_uid = p->has_slave_gid = p->has_slave_mode = true;
	p->slave_uid = node.st_uid;
	p->slave_gid = node.st_gid;
	p->slave_mode = node.st_mode & 07777;
	find_ctty(ctx, index, p);
	return 0;
}

/* ---- the image ---- */

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const PtyEntry *p = e->pty;

	if (!p)
		return bad(img, n, "pty fd %u has no pty record", e->fd);
	if (p->index >= PTY_INDEX_MAX)
		return bad(img, n, "pty fd %u has index %u (above %u)", e->fd, p->index,
			   PTY_INDEX_MAX);
	if (p->external && p->master)
		return bad(img, n, "pty fd %u is a master outside the tree", e->fd);
	if (p->devtty && (p->master || p->external))
		return bad(img, n, "pty fd %u is /dev/tty and a %s", e->fd,
			   p->master ? "master" : "terminal outside the tree");
	if (p->external && !e->path)
		return bad(img, n, "pty fd %u names no slave path", e->fd);
	if (!p->external && (!p->has_iflag || !p->has_lflag || !p->has_cc || !p->has_ws_row))
		return bad(img, n, "pty fd %u has no termios or window size", e->fd);
	if (p->has_cc && p->cc.len != sizeof(((struct termios2 *)0)->c_cc))
		return bad(img, n, "pty fd %u has %zu control characters (not %zu)", e->fd,
			   p->cc.len, sizeof(((struct termios2 *)0)->c_cc));
	if (p->has_line && p->line != N_TTY)
		return bad(img, n, "pty fd %u has line discipline %u (restore sets N_TTY only)",
			   e->fd, p->line);
	if (p->ws_row > 0xffff || p->ws_col > 0xffff || p->ws_xpixel > 0xffff ||
	    p->ws_ypixel > 0xffff)
		return bad(img, n, "pty fd %u has a window size above 65535", e->fd);
	if (p->has_ctty_sid && (p->external || !p->ctty_sid))
		return bad(img, n, "pty fd %u is the controlling terminal of session %u it cannot be",
			   e->fd, p->ctty_sid);
	return 0;
}

/* ---- restore ---- */

/* The masters pidtrace made, by index, until the engine takes them. */
struct made {
	uint32_t index;
	int fd;		/* pidtrace's; -1 once handed to the engine */
	int keep;	/* a second descriptor of the same master, for the end */
	bool locked;
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
	tio.c_iflag = p->iflag;
	tio.c_oflag = p->oflag;
	tio.c_cflag = p->cflag;
	tio.c_lflag = p->lflag;
	tio.c_line = N_TTY;
	memcpy(tio.c_cc, p->cc.data, sizeof(tio.c_cc));
	tio.c_ispeed = p->ispeed;
	tio.c_ospeed = p->ospeed;
	ws.ws_row = p->ws_row;
	ws.ws_col = p->ws_col;
	ws.ws_xpixel = p->ws_xpixel;
	ws.ws_ypixel = p->ws_ypixel;
	snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
	err = 0;
	if (ioctl(fd, TIOCSPTLCK, &unlock) || ioctl(fd, TCSETS2, &tio) ||
	    ioctl(fd, TIOCSWINSZ, &ws) ||
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
				  (e->flags & (O_ACCMODE | KERNEL_O_LARGEFILE)) | O_NOCTTY, 0, 0, 0);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, (int)fd, "pid %d fd %u: open /dev/tty in it: %s",
				     pid, e->fd, strerror((int)-fd));
	c = copy_fd(t->opid, (int)fd);
	restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
	if (c < 0)
		return restore_ctx__fail(ctx, pid, c, "pid %d fd %u: /dev/tty: pidfd_getfd: %s", pid,
				     e->fd, strerror(-c));
	fcntl(c, F_SETFD, FD_CLOEXEC);
	return c;
}

static int open_pty(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const PtyEntry *p = e->pty;
	struct made *m = NULL;
	char path[64];
	int fd, err;

	if (!p)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: pty without its state",
				     pid, e->fd);
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
			   (e->flags & (O_ACCMODE | KERNEL_O_LARGEFILE)) | O_NOCTTY);
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
static int ctty_pts(struct restore_ctx *ctx, struct rtask *t, int *pts)
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
static int restore_task(struct restore_ctx *ctx, struct rtask *t)
{
	const FdEntry *e;
	const PtyEntry *p;
	pid_t sid, tpgid;
	char path[64];
	unsigned long addr;
	int tfd, pgrp, tty_nr, err;
	long fd, r = 0;

	if (t->zombie || !t->core || !t->core->ids ||
	    !(e = ctty_of(ctx, t->core->ids->sid, t, &tfd)))
		return 0;
	p = e->pty;
	snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
	err = stat_tty(t->opid, &sid, &tty_nr, &tpgid);
	if (!err && kind_pty__index(tty_nr) != (int)p->index)
		err = -ENOTTY;
	if (err)
		return restore_ctx__fail(ctx, t->pid, err,
				     "pid %d: its controlling terminal is not %s: %s", t->pid, path,
				     strerror(-err));
	if (!leader(t) || !p->has_fg_pgrp)
		return 0;
	fd = tfd;
	if (fd < 0) {
		r = restore_ctx__put(t, 0, path, strlen(path) + 1, &addr);
		fd = r ? r : restore_ctx__sys(t, SYS_openat, AT_FDCWD, addr, O_RDWR | O_NOCTTY, 0, 0, 0);
		if (fd < 0)
			return restore_ctx__fail(ctx, t->pid, (int)fd, "pid %d: open %s: %s", t->pid,
					     path, strerror((int)-fd));
	}
	pgrp = (int)p->fg_pgrp;
	r = restore_ctx__put(t, 64, &pgrp, sizeof(pgrp), &addr);
	if (!r)
		r = restore_ctx__sys(t, SYS_ioctl, fd, TIOCSPGRP, addr, 0, 0, 0);
	if (tfd < 0)
		restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
	if (r < 0)
		return restore_ctx__fail(ctx, t->pid, (int)r,
				     "pid %d: foreground process group %u of %s: %s", t->pid,
				     p->fg_pgrp, path, strerror((int)-r));
	return 0;
}

/* Every end open: the pairs that were locked are locked again. */
static int restore_tree(struct restore_ctx *ctx)
{
	int lock = 1;
	size_t i;

	for (i = 0; i < nmade; i++)
		if (made[i].locked && made[i].keep >= 0 && ioctl(made[i].keep, TIOCSPTLCK, &lock))
			return restore_ctx__fail(ctx, 0, -errno, "pseudo-terminal /dev/pts/%u: lock: %s",
					     made[i].index, strerror(errno));
	return 0;
}

static void restore_end(struct restore_ctx *ctx, bool failed)
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

/* ---- verification ---- */

static int vnum(struct verify *v, const FdEntry *e, const char *what, enum verify_fmt fmt,
		uint64_t img, uint64_t now)
{
	char w[96];

	snprintf(w, sizeof(w), "fd %u: pty /dev/pts/%u %s", e->fd, e->pty->index, what);
	v->n->sockopts++;
	return restore_verify__num(v, w, fmt, img, now);
}

static int verify_state(struct verify *v, const FdEntry *e, int c)
{
	const PtyEntry *p = e->pty;
	struct termios2 tio;
	struct winsize ws;
	unsigned int index;
	char path[64];
	struct stat st;
	int err = 0, x;

	if (ioctl(c, TCGETS2, &tio) || ioctl(c, TIOCGWINSZ, &ws))
		return restore_verify__cannot(v, "pty termios", -errno);
	if (p->master && !ioctl(c, TIOCGPTN, &index))
		err = vnum(v, e, "index", VF_DEC, p->index, index);
	if (p->devtty && !ioctl(c, TIOCGDEV, &index))
		err = vnum(v, e, "as /dev/tty (TIOCGDEV's pts index)", VF_SDEC, p->index,
			   (uint64_t)(int64_t)kind_pty__index(index));
	if (!err)
		err = vnum(v, e, "c_iflag", VF_OCT, p->iflag, tio.c_iflag);
	if (!err)
		err = vnum(v, e, "c_oflag", VF_OCT, p->oflag, tio.c_oflag);
	if (!err)
		err = vnum(v, e, "c_cflag", VF_OCT, p->cflag, tio.c_cflag);
	if (!err)
		err = vnum(v, e, "c_lflag", VF_OCT, p->lflag, tio.c_lflag);
	for (x = 0; !err && (size_t)x < p->cc.len && x < (int)sizeof(tio.c_cc); x++)
		if (p->cc.data[x] != tio.c_cc[x])
			err = vnum(v, e, "control character", VF_HEX, p->cc.data[x], tio.c_cc[x]);
	if (!err)
		err = vnum(v, e, "rows", VF_DEC, p->ws_row, ws.ws_row);
	if (!err)
		err = vnum(v, e, "columns", VF_DEC, p->ws_col, ws.ws_col);
	if (!err && p->has_exclusive && !ioctl(c, TIOCGEXCL, &x))
		err = vnum(v, e, "exclusive mode", VF_DEC, p->exclusive, !!x);
	if (!err && p->has_packet && !ioctl(c, TIOCGPKT, &x))
		err = vnum(v, e, "packet mode", VF_DEC, p->packet, !!x);
	if (!err && p->has_locked && !ioctl(c, TIOCGPTLCK, &x))
		err = vnum(v, e, "lock", VF_DEC, p->locked, !!x);
	if (err || !p->has_slave_uid)
		return err;
	snprintf(path, sizeof(path), "/dev/pts/%u", p->index);
	if (stat(path, &st))
		return restore_verify__cannot(v, path, -errno);
	err = vnum(v, e, "owner", VF_DEC, p->slave_uid, st.st_uid);
	if (!err)
		err = vnum(v, e, "group", VF_DEC, p->slave_gid, st.st_gid);
	if (!err && p->has_slave_mode)
		err = vnum(v, e, "mode", VF_OCT, p->slave_mode, st.st_mode & 07777);
	return err;
}

/* The holder's session has the terminal it had (a holder in that session only). */
static int verify_ctty(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const PtyEntry *p = e->pty;
	pid_t sid, tpgid;
	int tty_nr, err;

	if (!p->has_ctty_sid || !v->t->core || !v->t->core->ids ||
	    v->t->core->ids->sid != p->ctty_sid)
		return 0;
	err = stat_tty(l->pid, &sid, &tty_nr, &tpgid);
	if (err)
		return restore_verify__cannot(v, "stat", err);
	err = vnum(v, e, "as controlling terminal (tty_nr's pts index)", VF_SDEC, p->index,
		   (uint64_t)(int64_t)kind_pty__index(tty_nr));
	/* The foreground group as pidtrace sees it: comparable without --pidns. */
	if (!err && p->has_fg_pgrp && !v->ctx->pidns)
		err = vnum(v, e, "foreground process group", VF_DEC, p->fg_pgrp, tpgid);
	return err;
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	int pidfd, c, err;

	if (!e->pty)
		return 0;
	if (e->pty->external)
		return restore_verify__identity(v, e, l);
	if (e->pty->devtty) {
		err = restore_verify__identity(v, e, l);
		if (err)
			return err;
	} else if (!e->pty->master) {
		err = vnum(v, e, "slave index", VF_SDEC, e->pty->index,
			   (uint64_t)(int64_t)kind_pty__index(l->st->st_rdev));
		if (err)
			return err;
	}
	pidfd = syscall(SYS_pidfd_open, l->pid, 0);
	c = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, l->fd, 0);
	if (c < 0) {
		err = -errno;
		if (pidfd >= 0)
			close(pidfd);
		return restore_verify__cannot(v, "a copy of the pty", err);
	}
	close(pidfd);
	err = verify_state(v, e, c);
	close(c);
	return err ? err : verify_ctty(v, e, l);
}

/* ---- show ---- */

static bool describe(const struct show_image *s, const FdEntry *e, char *buf, size_t len)
{
	const PtyEntry *p = e->pty;
	char ctty[64] = "";

	if (!p)
		return false;
	if (p->external) {
		snprintf(buf, len, "%s (a terminal outside the tree: reopened by path)",
			 e->path ? e->path : "?");
		return true;
	}
	if (p->has_ctty_sid)
		snprintf(ctty, sizeof(ctty), ", ctty of session %u (foreground %u)", p->ctty_sid,
			 p->fg_pgrp);
	snprintf(buf, len, "%s/dev/pts/%u pty %s, %ux%u, %s%s%s%s%s", p->devtty ? "/dev/tty: " : "",
		 p->index, p->master ? "master" : "slave", p->ws_col, p->ws_row,
		 (p->lflag & ICANON) ? "canonical" : "raw", (p->lflag & ECHO) ? ", echo" : "",
		 p->packet ? ", packet" : "", p->locked ? ", locked" : "", ctty);
	return true;
}

static void json(const struct show_image *s, const FdEntry *e, struct json_object *o)
{
	const PtyEntry *p = e->pty;
	struct json_object *k;

	if (!p)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "master", json_object_new_boolean(p->master));
	kinds_show__add(k, "index", json_object_new_int64(p->index));
	kinds_show__add(k, "external", json_object_new_boolean(p->external));
	kinds_show__add(k, "devtty", json_object_new_boolean(p->devtty));
	if (!p->external) {
		kinds_show__add(k, "c_iflag", kinds_show__hex(p->iflag));
		kinds_show__add(k, "c_oflag", kinds_show__hex(p->oflag));
		kinds_show__add(k, "c_cflag", kinds_show__hex(p->cflag));
		kinds_show__add(k, "c_lflag", kinds_show__hex(p->lflag));
		kinds_show__add(k, "rows", json_object_new_int64(p->ws_row));
		kinds_show__add(k, "columns", json_object_new_int64(p->ws_col));
		kinds_show__add(k, "packet", json_object_new_boolean(p->packet));
		kinds_show__add(k, "locked", json_object_new_boolean(p->locked));
		kinds_show__add(k, "exclusive", json_object_new_boolean(p->exclusive));
	}
	if (p->has_ctty_sid) {
		kinds_show__add(k, "ctty_session", json_object_new_int64(p->ctty_sid));
		kinds_show__add(k, "foreground_pgrp", json_object_new_int64(p->fg_pgrp));
	}
	kinds_show__add(o, "pty", k);
}

const struct fd_kind kind_pty = {
	.type = FD_TYPE__FD_PTY,
	.name = "pty",
	.noun = "pseudo-terminal",
	.test = "pty",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_pty,
	.ctty_pts = ctty_pts,
	.restore_task = restore_task,
	.restore_tree = restore_tree,
	.restore_end = restore_end,
	.verify = verify,
	.describe = describe,
	.json = json,
};
