/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmdline.h - what every command's option parsing shares: one error line
 * (never getopt's own message followed by a screen of usage) for an
 * unknown option, a missing argument and a stray argument, and --color.
 *
 * Each command parses with opterr = 0 and an optstring that starts with
 * ':' (after '+' where parsing stops at the first non-option), so that a
 * missing argument comes back as ':' and an unknown option as '?'.
 */
#ifndef PT_CMDLINE_H
#define PT_CMDLINE_H

/* The exit status of a usage error, in every command (commands.h). */
#define EXIT_USAGE 2

#include "color.h"

/*
 * Start a getopt_long() loop over a fresh argv: optind 0 also forgets
 * where a previous parse stopped inside an argv (tests and fuzzers parse
 * many times in one process).
 */
void cmdline__begin(void);

/*
 * Say what is wrong with the option getopt_long() just returned as @c
 * (':' or '?'), naming @cmd's help.
 * Return: EXIT_USAGE.
 */
int cmdline__bad_option(const char *cmd, int c, char **argv);

/* Return: 0 when argv has nothing left after the options, else EXIT_USAGE after saying so. */
int cmdline__no_arguments_left(const char *cmd, int argc, char **argv);

/* The argument of --color into @when. Return: 0, or EXIT_USAGE after saying why. */
int cmdline__color(const char *arg, enum color_when *when);

/*
 * @arg as a decimal number from @lo to @hi into @v: digits only (strtoul()
 * would take "-4" as a huge number, and " 4" or "+4"), no overflow.
 * Return: 0, or -1 (nothing said: the caller names the option).
 */
int cmdline__ulong(const char *arg, unsigned long lo, unsigned long hi, unsigned long *v);

#endif
