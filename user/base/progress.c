// SPDX-License-Identifier: GPL-2.0
/* progress.c - a one-line progress bar on stderr (see progress.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "progress.h"
#include "units.h"

/* A redraw costs a write(2) and a terminal repaint: 10 a second is smooth enough. */
#define REDRAW_INTERVAL_S 0.1

struct progress {
	char label[32];
	uint64_t total, done;
	int fd;
	bool active;   /* drawing at all */
	bool finished; /* progress__done() ended the line */
	double start, last_draw;
	size_t last_len; /* to blank out the previous line: no escapes, works on any tty */
	unsigned int draws;
};

static double now_s(void)
{
	return clock__mono_ns() / 1e9;
}

static void human_duration(double s, char *buf, size_t len)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

static int term_columns(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a broken terminal must not break the dump */
		buf += n;
		len -= n;
	}
}

static void draw(struct progress *p, double now, bool final)
{
	char line[512], tail[128], done_s[24], total_s[24], rate_s[32], eta[24];
	double elapsed = now - p->start, frac, rate;
	int cols = term_columns(p->fd), bar, filled, n, i;
	size_t len;

	frac = p->total ? (double)p->done / p->total : 1;
	if (frac > 1)
		frac = 1;
	rate = elapsed > 0 ? p->done / elapsed : 0;
	units__bytes(p->done, done_s, sizeof(done_s));
	units__bytes(p->total, total_s, sizeof(total_s));
	units__bytes((uint64_t)rate, rate_s, sizeof(rate_s));
	if (final)
		human_duration(elapsed, eta, sizeof(eta));
	else if (rate > 0 && p->done < p->total)
		human_duration((p->total - p->done) / rate, eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "-:--");
	snprintf(tail, sizeof(tail), "  %s / %s  %s/s  %s %s", done_s, total_s, rate_s,
		 final ? "in" : "ETA", eta);

	/* The bar takes what is left of the line, but never the last column. */
	bar = cols - 1 - (int)strlen(p->label) - 3 - (int)strlen(tail);
	if (bar > 40)
		bar = 40;
	n = snprintf(line, sizeof(line), "\r%s", p->label);
	if (bar >= 10) {
		filled = (int)(frac * bar);
		line[n++] = ' ';
		line[n++] = '[';
		for (i = 0; i < bar; i++)
			line[n++] = i < filled ? '#' : '.';
		line[n++] = ']';
		line[n] = '\0';
	} else {
		n += snprintf(line + n, sizeof(line) - n, " %3d%%", (int)(frac * 100));
	}
	n += snprintf(line + n, sizeof(line) - n, "%s", tail);
	len = n - 1; /* without the \r */
	/* Blank what is left of a longer previous line (a shrinking ETA). */
	while (len < p->last_len && n < (int)sizeof(line) - 2) {
		line[n++] = ' ';
		len++;
	}
	p->last_len = n - 1;
	if (final)
		line[n++] = '\n';
	write_all(p->fd, line, n);
	p->draws++;
	p->last_draw = now;
}

struct progress *progress__new_fd(const char *label, uint64_t total_bytes, int fd, bool force,
				  uint64_t min_bytes)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	snprintf(p->label, sizeof(p->label), "%s", label ? label : "");
	p->total = total_bytes;
	p->fd = fd;
	p->active = (force || isatty(fd) == 1) && total_bytes >= min_bytes;
	p->start = now_s();
	/* The first draw waits a redraw interval: a quick job shows nothing. */
	p->last_draw = p->start;
	return p;
}

struct progress *progress__new(const char *label, uint64_t total_bytes, bool enabled)
{
	struct progress *p =
		progress__new_fd(label, total_bytes, STDERR_FILENO, false, PROGRESS_MIN_BYTES);

	if (p && !enabled)
		p->active = false;
	return p;
}

void progress__update(struct progress *p, uint64_t bytes_done)
{
	double now;

	if (!p || !p->active || p->finished)
		return;
	p->done = bytes_done;
	now = now_s();
	if (now - p->last_draw < REDRAW_INTERVAL_S)
		return;
	draw(p, now, false);
}

void progress__done(struct progress *p)
{
	if (!p || !p->active || p->finished)
		return;
	if (p->draws)
		draw(p, now_s(), true);
	p->finished = true;
}

unsigned int progress__draws(const struct progress *p)
{
	return p ? p->draws : 0;
}

void progress__free(struct progress *p)
{
	char blank[512];
	size_t n;

	if (!p)
		return;
	if (p->active && p->draws && !p->finished) {
		n = p->last_len < sizeof(blank) - 2 ? p->last_len : sizeof(blank) - 2;
		blank[0] = '\r';
		memset(blank + 1, ' ', n);
		blank[n + 1] = '\r';
		write_all(p->fd, blank, n + 2);
	}
	free(p);
}
