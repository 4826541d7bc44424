// SPDX-License-Identifier: GPL-2.0
/*
 * test_progress.c - the progress bar: drawn on a terminal (a real pty),
 * silent on a pipe, with --json, or under the size threshold; at most 10
 * redraws a second; a final line with a newline; erased when abandoned.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "unit.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* A pty pair; the slave is a terminal as far as isatty() is concerned. */
static int open_pty(int *master, int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name;

	if (m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m)))
		return -1;
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return -1;
	*master = m;
	fcntl(m, F_SETFL, O_NONBLOCK);
	return 0;
}

static size_t drain(int fd, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += n;
	buf[off] = '\0';
	return off;
}

/* Feed @p steadily for @secs seconds, from 0 to @total bytes. */
static void feed(struct progress *p, uint64_t total, double secs)
{
	double t0 = now_s(), t;

	while ((t = now_s() - t0) < secs) {
		progress__update(p, (uint64_t)(total * (t / secs)));
		sleep_s(0.001);
	}
	progress__update(p, total);
}

/* Swap fd 2 for @fd for the duration of a case; returns the saved fd. */
static int swap_stderr(int fd)
{
	int saved = dup(2);

	dup2(fd, 2);
	return saved;
}

static void restore_stderr(int saved)
{
	dup2(saved, 2);
	close(saved);
}

static void draws_on_a_terminal(void)
{
	char out[8192];
	struct progress *p;
	int m, s, saved;
	unsigned int draws;

	CHECK(open_pty(&m, &s) == 0);
	saved = swap_stderr(s);
	p = progress__new("dump", GiB, true);
	feed(p, GiB, 0.35);
	progress__done(p);
	draws = progress__draws(p);
	progress__free(p);
	restore_stderr(saved);
	drain(m, out, sizeof(out));
	close(s);
	close(m);
	CHECK(draws >= 2 && draws <= 5);
	CHECK(strstr(out, "\rdump [") != NULL);
	CHECK(strstr(out, "/ 1.0 GiB") != NULL);
	CHECK(strstr(out, "MiB/s") != NULL || strstr(out, "GiB/s") != NULL);
	CHECK(strstr(out, "ETA ") != NULL);
	/* The last line is the full bar, the time taken, and the newline. */
	CHECK(strstr(out, "#]  1.0 GiB / 1.0 GiB") != NULL &&
	      !strstr(out, ".]  1.0 GiB / 1.0 GiB"));
	CHECK(strstr(out, " in 0:00") != NULL);
	CHECK(strchr(out, '\n') != NULL);
}

static void silent_on_a_pipe(void)
{
	struct progress *p;
	int pfd[2], saved;
	char out[256];

	CHECK(pipe(pfd) == 0);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	saved = swap_stderr(pfd[1]);
	p = progress__new("restore", GiB, true);
	feed(p, GiB, 0.25);
	progress__done(p);
	CHECK(progress__draws(p) == 0);
	progress__free(p);
	restore_stderr(saved);
	CHECK(drain(pfd[0], out, sizeof(out)) == 0);
	close(pfd[0]);
	close(pfd[1]);
}

static void silent_with_json(void)
{
	struct progress *p;
	char out[256];
	int m, s, saved;

	CHECK(open_pty(&m, &s) == 0);
	saved = swap_stderr(s);
	p = progress__new("dump", GiB, false); /* what --json passes */
	feed(p, GiB, 0.25);
	progress__done(p);
	CHECK(progress__draws(p) == 0);
	progress__free(p);
	restore_stderr(saved);
	CHECK(drain(m, out, sizeof(out)) == 0);
	close(s);
	close(m);
}

static void silent_under_the_threshold(void)
{
	struct progress *p;
	char out[256];
	int m, s, saved;

	CHECK(open_pty(&m, &s) == 0);
	saved = swap_stderr(s);
	p = progress__new("dump", PROGRESS_MIN_BYTES - 1, true);
	feed(p, PROGRESS_MIN_BYTES - 1, 0.25);
	progress__done(p);
	CHECK(progress__draws(p) == 0);
	progress__free(p);
	p = progress__new("dump", PROGRESS_MIN_BYTES, true);
	feed(p, PROGRESS_MIN_BYTES, 0.25);
	CHECK(progress__draws(p) > 0);
	progress__done(p);
	progress__free(p);
	restore_stderr(saved);
	CHECK(drain(m, out, sizeof(out)) > 0);
	close(s);
	close(m);
}

/* Hammer it for a second: at most 10 redraws, plus the final line. */
static void at_most_ten_redraws_a_second(void)
{
	struct progress *p;
	double t0 = now_s();
	uint64_t i = 0;
	int pfd[2];

	CHECK(pipe(pfd) == 0);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	p = progress__new_fd("dump", GiB, pfd[1], true, 0);
	while (now_s() - t0 < 1.0)
		progress__update(p, ++i % GiB);
	CHECK(progress__draws(p) >= 8 && progress__draws(p) <= 10);
	progress__done(p);
	CHECK(progress__draws(p) <= 11);
	progress__free(p);
	close(pfd[0]);
	close(pfd[1]);
}

/* A quick job (under a redraw interval) shows nothing at all. */
static void quick_job_shows_nothing(void)
{
	struct progress *p;
	char out[256];
	int pfd[2];

	CHECK(pipe(pfd) == 0);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	p = progress__new_fd("dump", GiB, pfd[1], true, 0);
	progress__update(p, GiB / 2);
	progress__update(p, GiB);
	progress__done(p);
	progress__free(p);
	CHECK(drain(pfd[0], out, sizeof(out)) == 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* An error path frees without done: the line is blanked, no newline. */
static void abandoned_bar_is_erased(void)
{
	struct progress *p;
	char out[1024];
	size_t n;
	int pfd[2];

	CHECK(pipe(pfd) == 0);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	p = progress__new_fd("restore", 2 * GiB, pfd[1], true, 0);
	sleep_s(0.12);
	progress__update(p, 300 * MiB);
	CHECK(progress__draws(p) == 1);
	progress__free(p);
	n = drain(pfd[0], out, sizeof(out));
	close(pfd[0]);
	close(pfd[1]);
	CHECK(n > 2);
	CHECK(strstr(out, "\rrestore [") == out);
	CHECK(strstr(out, "300.0 MiB / 2.0 GiB") != NULL);
	CHECK(out[n - 1] == '\r' && out[n - 2] == ' ');
	CHECK(strchr(out, '\n') == NULL);
}

static void null_is_harmless(void)
{
	progress__update(NULL, 1);
	progress__done(NULL);
	progress__free(NULL);
	CHECK(progress__draws(NULL) == 0);
}

UNIT_MAIN({
	RUN(draws_on_a_terminal);
	RUN(silent_on_a_pipe);
	RUN(silent_with_json);
	RUN(silent_under_the_threshold);
	RUN(at_most_ten_redraws_a_second);
	RUN(quick_job_shows_nothing);
	RUN(abandoned_bar_is_erased);
	RUN(null_is_harmless);
})
