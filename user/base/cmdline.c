// SPDX-License-Identifier: GPL-2.0
/* cmdline.c - the option parsing every command shares (see cmdline.h). */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "log.h"

void cmdline__begin(void)
{
	opterr = 0;
	optind = 0;
}

int cmdline__bad_option(const char *cmd, int c, char **argv)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	char letter[3] = { '-', (char)optopt, '\0' };
	const char *opt = word;

	/*
	 * getopt says which short option it choked on only through optopt:
	 * argv[optind - 1] is the word it came from only when the letter was
	 * the word's last ("-x", not "-xq"). A long option is always the word
	 * itself: optopt is 0 (unknown), its value (missing argument, or an
	 * argument it does not take: "--json=1").
	 */
	if (optopt > 0 && optopt < 128 &&
	    !(!strncmp(word, "--", 2) && (c == ':' || strchr(word, '='))))
		opt = letter;
	if (c == ':')
		pr_err("option '%s' needs an argument (see pidtrace %s --help)", opt, cmd);
	else if (optopt && opt == word && strchr(word, '='))
		pr_err("option '%.*s' takes no argument (see pidtrace %s --help)",
		       (int)(strchr(word, '=') - word), word, cmd);
	else
		pr_err("unknown option '%s' (see pidtrace %s --help)", opt, cmd);
	return EXIT_USAGE;
}

int cmdline__no_arguments_left(const char *cmd, int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	pr_err("unexpected argument '%s' (see pidtrace %s --help)", argv[optind], cmd);
	return EXIT_USAGE;
}

int cmdline__color(const char *arg, enum color_when *when)
{
	if (!color__parse(arg, when))
		return 0;
	pr_err("--color: '%s' is not auto, always or never", arg);
	return EXIT_USAGE;
}

int cmdline__ulong(const char *arg, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || !isdigit((unsigned char)arg[0]) || *v < lo || *v > hi)
		return -1;
	return 0;
}
