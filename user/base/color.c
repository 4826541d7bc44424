// SPDX-License-Identifier: GPL-2.0
/* color.c - when and how to colour the human output (see color.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"

int color__parse(const char *arg, enum color_when *when)
{
	if (!arg || !strcmp(arg, "always") || !strcmp(arg, "yes") || !strcmp(arg, "force"))
		*when = COLOR_ALWAYS;
	else if (!strcmp(arg, "auto") || !strcmp(arg, "tty") || !strcmp(arg, "if-tty"))
		*when = COLOR_AUTO;
	else if (!strcmp(arg, "never") || !strcmp(arg, "no") || !strcmp(arg, "none"))
		*when = COLOR_NEVER;
	else
		return -EINVAL;
	return 0;
}

bool color__enabled(enum color_when when, FILE *f)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (when == COLOR_NEVER || !f)
		return false;
	if (when == COLOR_ALWAYS)
		return true;
	if (no_color && no_color[0])
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(f)) == 1;
}

const char *color__verdict(bool expected)
{
	return expected ? COLOR_GREEN : COLOR_BOLD_RED;
}
