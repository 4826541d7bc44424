// SPDX-License-Identifier: GPL-2.0
/* output.c - dispatch an explanation to the formatter of the mode. */
#include <stdio.h>

#include "names.h"
#include "output.h"

const char *output__signame(int sig, char *buf, size_t len)
{
	const char *n = names__signal(sig);

	if (n)
		return n;
	snprintf(buf, len, "signal %d", sig);
	return buf;
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
