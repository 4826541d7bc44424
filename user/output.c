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

/* Close the file output__open() opened (never stdout); accepts a closed @o. */
void output__close(struct output *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
}

const char *output__signame(int sig, char *buf, size_t len)
{
	return names__signame(sig, buf, len);
}

int output__record(struct output *o, const struct xrec *r)
{
	int err = o->mode == OUTPUT_JSON ? output_json__record(o, r) : output_plain__record(o, r);

	fflush(o->f);
	return err;
}

int output__summary(struct output *o, const struct output_summary *s)
{
	int err = o->mode == OUTPUT_JSON ? output_json__summary(o, s) : output_plain__summary(o, s);

	fflush(o->f);
	return err;
}

int output__run_death(struct output *o, const struct run_death *d)
{
	int err = o->mode == OUTPUT_JSON ? output_json__run_death(o, d) :
					   output_plain__run_death(o, d);

	fflush(o->f);
	return err;
}
