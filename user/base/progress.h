/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progress.h - a one-line progress bar on stderr for long byte copies
 * (a dump writing pages, a restore reading them):
 *
 *   dump [##########..........]  1.2 GiB / 2.0 GiB  410 MiB/s  ETA 0:02
 *
 * It shows only where a person is watching and the wait is worth telling
 * about: the caller's @enabled (false with --json), stderr a terminal,
 * and a total of at least PROGRESS_MIN_BYTES. Otherwise every call is a
 * cheap no-op, so callers need no conditions of their own:
 *
 *	struct progress *p = progress__new("dump", total, !env->json);
 *
 *	for (...) {
 *		copy(...);
 *		done += n;
 *		progress__update(p, done);  (redraws at most 10 times a second)
 *	}
 *	progress__done(p);                  (final line, then a newline)
 *	progress__free(p);
 *
 * On an error path, progress__free() without progress__done() erases the
 * bar, so the error message that follows starts on a clean line. Anything
 * else printed to stderr while the bar is up shares its line: print after
 * progress__done() or progress__free().
 *
 * Context: single-threaded; not async-signal-safe.
 */
#ifndef PT_PROGRESS_H
#define PT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Below this a bar would only flicker: 256 MiB. */
#define PROGRESS_MIN_BYTES (256ULL << 20)

struct progress;

/*
 * Return: a progress object, or NULL when out of memory. NULL is a valid
 * argument to every other function (nothing is drawn), so a caller may
 * ignore allocation failure.
 */
struct progress *progress__new(const char *label, uint64_t total_bytes, bool enabled);
/* @bytes_done is the running total, not an increment. */
void progress__update(struct progress *p, uint64_t bytes_done);
/* Draw the final state (when the bar was ever drawn) and end the line. */
void progress__done(struct progress *p);
void progress__free(struct progress *p);

/* For tests: draw to @fd whatever it is, with @min_bytes as the threshold. */
struct progress *progress__new_fd(const char *label, uint64_t total_bytes, int fd, bool force,
				  uint64_t min_bytes);
/* For tests: how many times the bar was drawn. */
unsigned int progress__draws(const struct progress *p);

#endif
