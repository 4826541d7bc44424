// SPDX-License-Identifier: GPL-2.0
/*
 * kind_pty.c - pseudo-terminals: the master (/dev/ptmx) and its slave
 * (/dev/pts/N), the pair's termios, window size, packet mode, lock and
 * exclusive mode, and the session whose controlling terminal it is.
 *
 * Dump reads each end on a copy (pidfd_getfd) with get-only ioctls; the
 * bytes a pair holds unread in either direction are taken and put back at
 * once (pty_queue.c), kept on the master's record. A master whose slave
 * a process outside the tree holds is refused (killing the master would
 * hang it up there). A slave
 * whose master is outside the tree (the shell's terminal), and /dev/tty
 * standing for it, are kept as before: reopened by their path, state left
 * alone. /dev/tty standing for a pair of the tree is that pair's.
 *
 * Restore (pty_restore.c) makes the pair again with the same index, so
 * that /dev/pts/N (and ptsname()) is the same, its state set back; the
 * session leader takes it as its controlling terminal as it is made, and
 * gives the foreground back once the groups exist. Verification compares
 * the state, the index and, for a holder in the session, the controlling
 * terminal and its foreground group.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
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
#include "pty_queue.h"
#include "pty_restore.h"
#include "restore_verify.h"

#define PTMX_MAJOR KIND_PTY_PTMX_MAJOR
#define PTMX_MINOR KIND_PTY_PTMX_MINOR
#define DEVTTY_MINOR 0
/* devpts' own ceiling (kernel.pty.max cannot go higher). */
#define PTY_INDEX_MAX (1U << 20)

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

int kind_pty__own_index(void)
{
	pid_t sid, tpgid;
	int tty_nr;

	if (kind_pty__stat_tty(getpid(), &sid, &tty_nr, &tpgid))
		return -1;
	return kind_pty__index(tty_nr);
}

int kind_pty__stat_tty(pid_t pid, pid_t *sid, int *tty_nr, pid_t *tpgid)
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
		    kind_pty__stat_tty(ctx->tasks[i].pid, &sid, &tty_nr, &tpgid) || sid != ctx->tasks[i].pid ||
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
	/* Unread bytes: the master's record has them (pty_queue_img.c). */
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
	err = kind_pty__stat_tty(l->pid, &sid, &tty_nr, &tpgid);
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
		c = kinds__copy_fd(l->pid, l->fd);
		err = c < 0 ? c : devtty_index(l, c, &index);
		if (err) {
			if (c >= 0)
				close(c);
			return err;
		}
	} else {
		index = master ? kind_pty__master_index(l->pid, l->fd) : kind_pty__index(l->st->st_rdev);
		if (index < 0)
			return -EINVAL;
	}
	snprintf(path, sizeof(path), "/dev/pts/%d (deleted)", index);
	if (!master && !devtty && !strcmp(l->link, path)) {
		/* Hung up: its master closed (dump_refuse.c let only this one by). */
		p->index = index;
		p->has_orphan = true;
		p->orphan = true;
		return 0;
	}
	if (!master && (index < 0 || !kind_pty__master_in_tree(ctx, index))) {
		/* A terminal of someone else's (pidtrace's): reopened by its path, as it is. */
		if (c >= 0)
			close(c);
		p->index = index < 0 ? 0 : index;
		p->has_external = true;
		p->external = true;
		if (index >= 0 && kind_pty__own_index() == index) {
			p->has_shell = true;
			p->shell = true;
		}
		return 0;
	}
	p->index = index;
	if (c < 0)
		c = kinds__copy_fd(l->pid, l->fd);
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
	if (!err && master)
		err = kind_pty__outside(ctx, l->pid, l->fd, c, index);
	if (!err)
		err = read_state(l, c, master, index, p);
	if (!err && master)
		err = pty_queue__dump(ctx, l, c, index, &node, p);
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
	if (p->shell && !p->external)
		return bad(img, n, "pty fd %u is pidtrace's terminal but not outside the tree", e->fd);
	if (p->orphan && (p->master || p->external || p->devtty || p->has_ctty_sid))
		return bad(img, n, "pty fd %u is a hung-up slave and more", e->fd);
	if (!p->external && !p->orphan &&
	    (!p->has_iflag || !p->has_lflag || !p->has_cc || !p->has_ws_row))
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
	return pty_queue__check(img, n, e);
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
	if (!err && p->master)
		err = pty_queue__verify(v, e, c);
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
	err = kind_pty__stat_tty(l->pid, &sid, &tty_nr, &tpgid);
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
	if (e->pty->orphan) {
		v->n->sockopts++;
		return restore_verify__str(v, "pty: hung-up slave", e->path ? e->path : "", l->link);
	}
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

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const PtyEntry *p = e->pty;
	char ctty[128] = "";

	if (!p)
		return false;
	if (p->external) {
		snprintf(buf, len, "%s (%s: reopened by path)", e->path ? e->path : "?",
			 p->shell ? "the terminal pidtrace ran on" : "a terminal outside the tree");
		return true;
	}
	if (p->orphan) {
		snprintf(buf, len, "/dev/pts/%u pty slave, hung up (its master closed)", p->index);
		return true;
	}
	if (p->has_ctty_sid)
		snprintf(ctty, sizeof(ctty), ", ctty of session %u (foreground %u)", p->ctty_sid,
			 p->fg_pgrp);
	if (p->has_input || p->has_output)
		snprintf(ctty + strlen(ctty), sizeof(ctty) - strlen(ctty), ", unread %zu in, %zu out",
			 p->has_input ? p->input.len : 0, p->has_output ? p->output.len : 0);
	snprintf(buf, len, "%s/dev/pts/%u pty %s, %ux%u, %s%s%s%s%s", p->devtty ? "/dev/tty: " : "",
		 p->index, p->master ? "master" : "slave", p->ws_col, p->ws_row,
		 (p->lflag & ICANON) ? "canonical" : "raw", (p->lflag & ECHO) ? ", echo" : "",
		 p->packet ? ", packet" : "", p->locked ? ", locked" : "", ctty);
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
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
	kinds_show__add(k, "orphan", json_object_new_boolean(p->orphan));
	kinds_show__add(k, "shell", json_object_new_boolean(p->shell));
	if (!p->external && !p->orphan) {
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
	if (p->master && !p->external) {
		kinds_show__add(k, "input_bytes", json_object_new_int64(p->has_input ? p->input.len : 0));
		kinds_show__add(k, "input_lines", json_object_new_int64(p->n_input_lines));
		kinds_show__add(k, "output_bytes", json_object_new_int64(p->has_output ? p->output.len : 0));
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
	.open = pty_restore__open,
	.ctty_pts = pty_restore__ctty_pts,
	.restore_task = pty_restore__task,
	.restore_tree = pty_restore__tree,
	.restore_end = pty_restore__end,
	.verify = verify,
	.describe = describe,
	.json = json,
};
