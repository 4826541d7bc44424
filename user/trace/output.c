// SPDX-License-Identifier: GPL-2.0
/* output.c - open where a report goes; dispatch an explanation to the formatter of the mode. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "output.h"

/**
 * output__open() - where a command's report goes, and in which mode
 * @o: filled in (mode, f, color); its other fields are left as they are
 * @path: the file to write (created or truncated), or NULL for stdout
 * @json: JSON rather than text for people
 * @color: the user's --color; only text to a terminal is coloured on auto
 *
 * Return: 0, or -errno after saying why in one line.
 */
int output__open(struct output *o, const char *path, bool json, enum color_when color)
{
	o->mode = json ? OUTPUT_JSON : OUTPUT_PLAIN;
	o->f = stdout;
	o->path = path;
	o->werr = 0;
	o->unwritten = 0;
	if (path) {
		o->f = fopen(path, "we");
		if (!o->f) {
			int err = -errno;

			pr_err("%s: %s", path, strerror(-err));
			return err;
		}
	}
	o->color = !json && color__enabled(color, o->f);
	return 0;
}

int output__close(struct output *o)
{
	int err = 0;

	if (o->f && o->f != stdout && fclose(o->f) && !o->werr) {
		o->werr = errno ? errno : EIO;
		err = -o->werr;
	}
	o->f = NULL;
	return err;
}

bool output__failed(const struct output *o)
{
	return o->werr != 0;
}

int output__say_failure(const struct output *o, const char *what)
{
	/* The output is the JSON stream in --json mode: say it beside it. */
	log__set_json(false);
	pr_err("cannot write %s to %s: %s (%llu record%s not written)", what,
	       o->path ? o->path : "standard output", strerror(o->werr),
	       (unsigned long long)o->unwritten, o->unwritten == 1 ? "" : "s");
	return -o->werr;
}

/*
 * Every record is flushed at once (a tail -f, a journal, a pipe sees it
 * live) and checked: a full disk, /dev/full, a closed pipe is an error,
 * not a silent loss. After the first one nothing more is written, only
 * counted: a stream with holes in it is worse than a stream that stops.
 */
static int finish(struct output *o, int (*fmt)(struct output *, const void *), const void *x)
{
	if (o->werr) {
		o->unwritten++;
		return -o->werr;
	}
	errno = 0;
	fmt(o, x);
	if (fflush(o->f) == 0 && !ferror(o->f))
		return 0;
	o->werr = errno ? errno : EIO;
	o->unwritten++;
	return -o->werr;
}

const char *output__signame(int sig, char *buf, size_t len)
{
	return names__signame(sig, buf, len);
}

/* The formatters, as finish() calls them. */
static int fmt_record(struct output *o, const void *x)
{
	return o->mode == OUTPUT_JSON ? output_json__record(o, x) : output_plain__record(o, x);
}

static int fmt_summary(struct output *o, const void *x)
{
	return o->mode == OUTPUT_JSON ? output_json__summary(o, x) : output_plain__summary(o, x);
}

static int fmt_run_death(struct output *o, const void *x)
{
	return o->mode == OUTPUT_JSON ? output_json__run_death(o, x) :
					output_plain__run_death(o, x);
}

int output__record(struct output *o, const struct xrec *r)
{
	return finish(o, fmt_record, r);
}

int output__summary(struct output *o, const struct output_summary *s)
{
	return finish(o, fmt_summary, s);
}

int output__run_death(struct output *o, const struct run_death *d)
{
	return finish(o, fmt_run_death, d);
}
