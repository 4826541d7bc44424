// SPDX-License-Identifier: GPL-2.0
/*
 * pty_queue_img.c - a pseudo-terminal pair's unread bytes (pty_queue.c)
 * and the image: taken and put back at dump, written on the master's
 * record, checked, put back at restore and verified (TIOCINQ on both
 * sides as in the image).
 *
 * The slave's side is taken only when a task of the tree holds the slave
 * (or /dev/tty standing for it) open: pidtrace opens its own description
 * of it then (TIOCGPTPEER), which changes nothing; a slave nobody holds
 * is not opened (its last close would tell the master so). Refused: input
 * in extended processing mode (EXTPROC), output to a master in packet
 * mode (a read there also returns status bytes dump cannot see) or whose
 * slave nobody holds, either with termios bits locked (TIOCSLCKTRMIOS:
 * the termios put back with could not be set), input when a packet-mode
 * status waits for the
 * master's reader (reading the echo back would take it), and whatever is
 * not put back exactly at dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "image_check.h"
#include "kind_pty.h"
#include "kinds.h"
#include "log.h"
#include "pty_queue.h"
#include "restore_verify.h"

static int refuse(const struct fd_live *l, int index, const char *what)
{
	pr_err("pid %d fd %d: pseudo-terminal master of /dev/pts/%d %s is not supported", l->pid,
	       l->fd, index, what);
	return -EOPNOTSUPP;
}

/* The queues of @p as a pty_queue (no copy). */
static void from_entry(const PtyEntry *p, struct pty_queue *q)
{
	memset(q, 0, sizeof(*q));
	q->in = p->has_input ? p->input.data : NULL;
	q->nin = p->has_input ? p->input.len : 0;
	q->lines = p->input_lines;
	q->nlines = p->n_input_lines;
	q->out = p->has_output ? p->output.data : NULL;
	q->nout = p->has_output ? p->output.len : 0;
	q->inq = (int)p->input_inq;
}

/* Both sides hold what @q says (TIOCINQ): 0, or -EIO with @why said. */
static int same(int m, int s, const struct pty_queue *q, char *why, size_t len)
{
	int in = 0, out = 0;

	if ((s >= 0 && ioctl(s, FIONREAD, &in)) || ioctl(m, FIONREAD, &out))
		return -errno;
	if ((s < 0 || in == q->inq) && (size_t)out == q->nout)
		return 0;
	snprintf(why, len, "%d bytes queued for the slave, %d for the master (%d and %zu taken)",
		 in, out, q->inq, q->nout);
	return -EIO;
}

/* Some termios bit or control character of the pair is locked (TIOCGLCKTRMIOS on the master). */
static bool termios_locked(int c)
{
	struct termios lk;
	size_t i;

	if (ioctl(c, TIOCGLCKTRMIOS, &lk))
		return true;
	for (i = 0; i < sizeof(lk.c_cc); i++)
		if (lk.c_cc[i])
			return true;
	return lk.c_iflag || lk.c_oflag || lk.c_cflag || lk.c_lflag;
}

int pty_queue__dump(struct dump_ctx *ctx, const struct fd_live *l, int c, int index,
		    const struct stat *slave, PtyEntry *p)
{
	struct pollfd pf = { .fd = c, .events = POLLPRI };
	struct pty_queue q = { 0 };
	struct termios2 t;
	char what[192];
	int s = -1, v = 0, err = 0;
	bool status, locked;

	if (ioctl(c, TCGETS2, &t))
		return -errno;
	/* A packet-mode status the master has not read (POLLPRI): reads would take it. */
	status = p->packet && poll(&pf, 1, 0) == 1 && (pf.revents & POLLPRI);
	/* Termios bits locked (TIOCSLCKTRMIOS): a TCSETS would not change them. */
	locked = termios_locked(c);
	if (kind_pty__slave_in_tree(ctx, index, slave)) {
		s = ioctl(c, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (s < 0)
			return -errno;
		if (!status && !locked) {
			err = pty_queue__take_in(s, &t, &q);
		} else if (pty_queue__flush(s), ioctl(s, FIONREAD, &q.inq)) {
			err = -errno;
		} else if (q.inq > 0) {
			snprintf(what, sizeof(what), "with %d bytes written by the master not read, %s",
				 q.inq, status ? "and a packet-mode status the master has not read" :
						 "its termios locked (TIOCSLCKTRMIOS)");
			err = refuse(l, index, what);
		}
		if (err == -EOPNOTSUPP && !status && !locked) {
			snprintf(what, sizeof(what),
				 "with %d bytes written by the master not read, in extended processing mode (EXTPROC)",
				 q.inq);
			err = refuse(l, index, what);
		}
	}
	/* After the slave's input was taken: its echo is the master's too. */
	pty_queue__flush(c);
	if (!err && ioctl(c, FIONREAD, &v))
		err = -errno;
	if (!err && v > 0 && (p->packet || s < 0 || locked)) {
		snprintf(what, sizeof(what), "with %d bytes written by the slave not read, %s", v,
			 p->packet ? "in packet mode" :
			 locked	   ? "its termios locked (TIOCSLCKTRMIOS)" :
				     "its slave open in no task of the tree");
		err = refuse(l, index, what);
	} else if (!err && s >= 0 && !p->packet) {
		err = pty_queue__take_out(c, &q);
	}
	if (s >= 0 && (q.nin || q.nlines || q.nout)) {
		/* Back at once, even after an error: the tree may run on. */
		int e = pty_queue__put(c, s, &t, &q);

		if (!e)
			e = same(c, s, &q, what, sizeof(what));
		else
			snprintf(what, sizeof(what), "%s", strerror(-e));
		if (e && !err) {
			pr_err("pid %d fd %d: pseudo-terminal master of /dev/pts/%d: its unread bytes, taken, were not put back exactly: %s",
			       l->pid, l->fd, index, what);
			err = -EIO;
		}
	}
	if (s >= 0)
		close(s);
	if (err) {
		pty_queue__free(&q);
		return err;
	}
	if (s >= 0) {
		p->has_input_inq = true;
		p->input_inq = (uint32_t)q.inq;
	}
	p->has_input = q.nin > 0;
	p->input.data = q.in;
	p->input.len = q.nin;
	p->n_input_lines = q.nlines;
	p->input_lines = q.lines;
	p->has_output = q.nout > 0;
	p->output.data = q.out;
	p->output.len = q.nout;
	return 0;
}

int pty_queue__restore(int m, const PtyEntry *p, const struct termios2 *t, char *why, size_t len)
{
	struct pty_queue q;
	int s, err;

	if (!p->has_input && !p->n_input_lines && !p->has_output)
		return 0;
	from_entry(p, &q);
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s < 0) {
		err = -errno;
		snprintf(why, len, "open the slave: %s", strerror(-err));
		return err;
	}
	err = pty_queue__put(m, s, t, &q);
	if (err)
		snprintf(why, len, "%s", strerror(-err));
	else if (p->has_input_inq)
		err = same(m, s, &q, why, len);
	close(s);
	return err;
}

int pty_queue__check(struct image *img, const char *n, const FdEntry *e)
{
	const PtyEntry *p = e->pty;
	uint64_t sum = 0;
	size_t i;

	if (!p->has_input && !p->n_input_lines && !p->has_output && !p->has_input_inq)
		return 0;
	if (!p->master || p->external || p->orphan)
		return bad(img, n, "pty fd %u has unread bytes and is not a master of the tree", e->fd);
	for (i = 0; i < p->n_input_lines; i++)
		sum += p->input_lines[i];
	if ((p->has_input && p->input.len > PTY_QUEUE_IN_MAX) ||
	    (p->has_output && p->output.len > PTY_QUEUE_OUT_MAX) ||
	    p->n_input_lines > PTY_QUEUE_IN_MAX || p->input_inq > PTY_QUEUE_IN_MAX)
		return bad(img, n, "pty fd %u has more unread bytes than a pty holds", e->fd);
	if (sum > (p->has_input ? p->input.len : 0))
		return bad(img, n, "pty fd %u has lines longer than its input", e->fd);
	if (p->n_input_lines && !(p->lflag & ICANON))
		return bad(img, n, "pty fd %u has input lines in non-canonical mode", e->fd);
	return 0;
}

int pty_queue__verify(struct verify *v, const FdEntry *e, int c)
{
	const PtyEntry *p = e->pty;
	int in = 0, out = 0, s, err;
	char w[96];

	if (ioctl(c, FIONREAD, &out))
		return restore_verify__cannot(v, "pty TIOCINQ", -errno);
	snprintf(w, sizeof(w), "fd %u: pty /dev/pts/%u bytes the master has to read", e->fd,
		 p->index);
	v->n->sockopts++;
	err = restore_verify__num(v, w, VF_DEC, p->has_output ? p->output.len : 0, (uint64_t)out);
	if (err || !p->has_input_inq)
		return err;
	s = ioctl(c, TIOCGPTPEER, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s < 0 || ioctl(s, FIONREAD, &in)) {
		err = -errno;
		if (s >= 0)
			close(s);
		return restore_verify__cannot(v, "pty slave TIOCINQ", err);
	}
	close(s);
	snprintf(w, sizeof(w), "fd %u: pty /dev/pts/%u bytes the slave has to read (TIOCINQ)",
		 e->fd, p->index);
	v->n->sockopts++;
	return restore_verify__num(v, w, VF_DEC, p->input_inq, (uint64_t)in);
}
