// SPDX-License-Identifier: GPL-2.0
/*
 * pty_queue.c - the bytes a pseudo-terminal pair holds unread: what the
 * master wrote that the slave has not read (in the slave's line
 * discipline), and what the slave wrote that the master has not read.
 *
 * A tty cannot be read without consuming, so dump reads and at once puts
 * back (the tree is frozen: nobody else reads), and restore puts back the
 * same way. What read() on the slave returns next in canonical mode is
 * the complete lines, each up to its end (a newline, VEOL, VEOL2, or an
 * end-of-file mark that read() drops), and then the partial line, which
 * only a non-canonical read shows. n_tty_set_termios() forgets line
 * boundaries when ICANON changes (every line flag cleared; going
 * canonical with data makes all of it one line), so ICANON is never
 * changed with data in the queue but once, at dump, to read the partial
 * line after every complete line was read.
 *
 * Putting back writes through the master with a termios of its own: no
 * input processing (c_iflag 0), no signals, no output processing, the
 * canonical mode as dumped, every control character off but VLNEXT,
 * VEOF, VREPRINT (three chosen not to be a line end) and the line ends
 * VEOL/VEOL2 dumped; a byte that is special then is written after VLNEXT
 * (stored as it is), a line ended by end of file gets VEOF. Echo is on
 * (ECHOCTL off: each stored byte once, VLNEXT and VEOF not at all) and
 * a last VREPRINT, which stores nothing and echoes itself, a newline and
 * the partial line, tells that the line discipline took everything: the
 * master reads the echo and compares it. Then the termios as dumped,
 * which keeps the line flags (ICANON the same).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "pty_queue.h"

/* A pty's buffers hand data on in a workqueue: how long one may take. */
#define PTY_QUEUE_WAIT_MS 5000

void pty_queue__free(struct pty_queue *q)
{
	free(q->in);
	free(q->lines);
	free(q->out);
	memset(q, 0, sizeof(*q));
}

/* Append @n bytes of @b to (@buf, @len), at most @max in all. */
static int append(uint8_t **buf, size_t *len, const uint8_t *b, size_t n, size_t max)
{
	uint8_t *p;

	if (*len + n > max)
		return -EFBIG;
	p = realloc(*buf, *len + n + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p + *len, b, n);
	*buf = p;
	*len += n;
	return 0;
}

int pty_queue__take_in(int s, const struct termios2 *t, struct pty_queue *q)
{
	struct termios2 r = *t;
	uint8_t buf[PTY_QUEUE_IN_MAX + 1];
	uint32_t *l;
	ssize_t n;
	int err = 0;

	if (t->c_lflag & EXTPROC) {
		pty_queue__flush(s);
		if (ioctl(s, FIONREAD, &q->inq))
			return -errno;
		return q->inq ? -EOPNOTSUPP : 0;
	}
	/* Complete lines, one read() each (0: a line of only an end of file). */
	while ((t->c_lflag & ICANON) && !err) {
		n = read(s, buf, sizeof(buf));
		if (n < 0) {
			err = errno == EAGAIN ? 1 : -errno;
			break;
		}
		if (q->nlines == PTY_QUEUE_IN_MAX)
			return -EFBIG;
		l = realloc(q->lines, (q->nlines + 1) * sizeof(*l));
		if (!l)
			return -ENOMEM;
		q->lines = l;
		l[q->nlines++] = (uint32_t)n;
		/* TIOCINQ in canonical mode: the complete lines' bytes, as read() returns them. */
		q->inq += (int)n;
		err = append(&q->in, &q->nin, buf, (size_t)n, PTY_QUEUE_IN_MAX);
	}
	if (err < 0)
		return err;
	err = 0;
	/* The rest, raw: the partial line (canonical) or all of it. */
	r.c_lflag &= ~ICANON;
	r.c_cc[VMIN] = 0;
	r.c_cc[VTIME] = 0;
	if (ioctl(s, TCSETS2, &r))
		return -errno;
	for (;;) {
		n = read(s, buf, sizeof(buf));
		if (n < 0 && errno != EAGAIN)
			err = -errno;
		if (n <= 0 || err)
			break;
		err = append(&q->in, &q->nin, buf, (size_t)n, PTY_QUEUE_IN_MAX);
		if (err)
			break;
	}
	if (!(t->c_lflag & ICANON))
		q->inq = (int)q->nin;
	/* The termios as it was (no data now: the line state is a new one's). */
	if (ioctl(s, TCSETS2, t) && !err)
		err = -errno;
	return err;
}

void pty_queue__flush(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	poll(&p, 1, 0);
}

/* Wait for @events on @fd: 0, -ETIMEDOUT, -errno. */
static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r = poll(&p, 1, PTY_QUEUE_WAIT_MS);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r ? 0 : -ETIMEDOUT;
}

int pty_queue__take_out(int m, struct pty_queue *q)
{
	uint8_t buf[4096];
	struct pollfd p = { .fd = m, .events = POLLIN };
	ssize_t n;
	int v, err;

	/*
	 * poll() with nothing to read first lets the pty's workqueue hand on
	 * what the slave wrote last: ended when it says nothing is there.
	 */
	while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
		if (ioctl(m, FIONREAD, &v))
			return -errno;
		if (v <= 0)
			break;
		n = read(m, buf, (size_t)v < sizeof(buf) ? (size_t)v : sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		err = append(&q->out, &q->nout, buf, (size_t)n, PTY_QUEUE_OUT_MAX);
		if (err)
			return err;
	}
	return 0;
}

/* Write @n bytes of @b to @fd (blocking or not). */
static int write_all(int fd, const uint8_t *b, size_t n)
{
	ssize_t w;
	int err;

	while (n) {
		w = write(fd, b, n);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (w <= 0) {
			err = wait_fd(fd, POLLOUT);
			if (err)
				return err;
			continue;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Read exactly @n bytes from master @fd into @b (blocking or not). In
 * packet mode each read starts with a status byte: TIOCPKT_DATA (0), else
 * -EPROTO (a status the tree's reader was to see).
 */
static int read_all(int fd, bool packet, uint8_t *b, size_t n)
{
	uint8_t buf[PTY_QUEUE_IN_MAX + 1];
	size_t want;
	ssize_t r;
	int err;

	while (n) {
		err = wait_fd(fd, POLLIN);
		if (err)
			return err;
		want = n + packet < sizeof(buf) ? n + packet : sizeof(buf);
		r = read(fd, buf, want);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (r == 0 || (packet && r > 0 && buf[0] != TIOCPKT_DATA))
			return r ? -EPROTO : -EIO;
		if (r <= packet)
			continue;
		memcpy(b, buf + packet, (size_t)r - packet);
		b += r - packet;
		n -= (size_t)r - packet;
	}
	return 0;
}

/* Three control characters, none of @not (a line end, IXON's): VLNEXT, VEOF, VREPRINT. */
static void pick(const uint8_t not[4], uint8_t out[3])
{
	static const uint8_t cand[] = { 0x16, 0x04, 0x12, 0x01, 0x02, 0x03, 0x05, 0x06 };
	size_t i, k = 0;

	for (i = 0; i < sizeof(cand) && k < 3; i++)
		if (!memchr(not, cand[i], 4))
			out[k++] = cand[i];
}

static int put_in(int m, int s, const struct termios2 *t, const struct pty_queue *q)
{
	bool canon = t->c_lflag & ICANON;
	uint8_t eol = canon ? t->c_cc[VEOL] : 0;
	uint8_t eol2 = canon && (t->c_lflag & IEXTEN) ? t->c_cc[VEOL2] : 0;
	uint8_t start = (t->c_iflag & IXON) ? t->c_cc[VSTART] : 0;
	uint8_t stop = (t->c_iflag & IXON) ? t->c_cc[VSTOP] : 0;
	uint8_t *st = NULL, *echo = NULL, *want = NULL, c3[3];
	size_t nst = 0, necho = 0, done = 0, i, k, part;
	struct termios2 t0 = *t;
	int err, packet = 0;

	const uint8_t not[4] = { eol, eol2, start, stop };

	pick(not, c3);
	for (i = 0; i < q->nlines; i++)
		done += q->lines[i];
	if (done > q->nin || (!canon && q->nlines))
		return -EINVAL;
	part = q->nin - done;
	st = malloc(2 * q->nin + q->nlines + 1);
	want = malloc(q->nin + 2 + part);
	echo = malloc(q->nin + 2 + part);
	if (!st || !want || !echo) {
		err = -ENOMEM;
		goto out;
	}
	/* The stream, and the echo it makes. */
	done = 0;
	for (i = 0; i <= q->nlines; i++) {
		size_t len = i < q->nlines ? q->lines[i] : part, body = len;
		const uint8_t *b = q->in + done;
		bool ended = false;

		if (i < q->nlines && len &&
		    (b[len - 1] == '\n' || (eol && b[len - 1] == eol) || (eol2 && b[len - 1] == eol2))) {
			body = len - 1;
			ended = true;
		}
		for (k = 0; k < body; k++) {
			bool flow = b[k] && (b[k] == start || b[k] == stop);

			if (flow && !canon) {
				err = -EOPNOTSUPP;
				goto out;
			}
			if (canon && (flow || b[k] == '\n' || (eol && b[k] == eol) ||
				      (eol2 && b[k] == eol2) || b[k] == c3[0] || b[k] == c3[1] ||
				      b[k] == c3[2]))
				st[nst++] = c3[0];
			st[nst++] = b[k];
		}
		if (ended)
			st[nst++] = b[len - 1];
		else if (i < q->nlines)
			st[nst++] = c3[1];
		memcpy(want + necho, b, len);
		necho += len;
		done += len;
	}
	if (canon) {
		st[nst++] = c3[2];
		want[necho++] = c3[2];
		want[necho++] = '\n';
		memcpy(want + necho, q->in + done - part, part);
		necho += part;
	}
	/*
	 * IXON and its characters kept: a master in packet mode would be told
	 * of a change (TIOCPKT_NOSTOP/DOSTOP); a byte that is one of them is
	 * written after VLNEXT (canonical), refused in raw mode.
	 */
	t0.c_iflag = t->c_iflag & IXON;
	t0.c_oflag &= ~OPOST;
	t0.c_lflag = ECHO | (canon ? ICANON | IEXTEN : 0);
	memset(t0.c_cc, 0, sizeof(t0.c_cc));
	t0.c_cc[VMIN] = 1;
	t0.c_cc[VSTART] = t->c_cc[VSTART];
	t0.c_cc[VSTOP] = t->c_cc[VSTOP];
	if (canon) {
		t0.c_cc[VEOL] = eol;
		t0.c_cc[VEOL2] = eol2;
		t0.c_cc[VLNEXT] = c3[0];
		t0.c_cc[VEOF] = c3[1];
		t0.c_cc[VREPRINT] = c3[2];
	}
	if (ioctl(s, TCSETS2, &t0)) {
		err = -errno;
		goto out;
	}
	if (ioctl(m, TIOCGPKT, &packet))
		packet = 0;
	err = write_all(m, st, nst);
	if (!err)
		err = read_all(m, packet, echo, necho);
	if (!err && memcmp(echo, want, necho))
		err = -EPROTO;
out:
	free(st);
	free(want);
	free(echo);
	return err;
}

int pty_queue__put(int m, int s, const struct termios2 *t, const struct pty_queue *q)
{
	const struct timespec ms = { 0, 1000 * 1000 };
	struct termios2 t1 = *t;
	int err = 0, v = 0, i;

	if (q->nin || q->nlines)
		err = put_in(m, s, t, q);
	if (ioctl(s, TCSETS2, t) && !err)
		err = -errno;
	if (err || !q->nout)
		return err;
	t1.c_oflag &= ~OPOST;
	if (ioctl(s, TCSETS2, &t1))
		return -errno;
	err = write_all(s, q->out, q->nout);
	if (ioctl(s, TCSETS2, t) && !err)
		err = -errno;
	/* The master's side takes it in its workqueue. */
	for (i = 0; !err && i < PTY_QUEUE_WAIT_MS; i++) {
		if (ioctl(m, FIONREAD, &v))
			return -errno;
		if ((size_t)v >= q->nout)
			return 0;
		nanosleep(&ms, NULL);
	}
	return err ? err : -ETIMEDOUT;
}
