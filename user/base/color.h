/* SPDX-License-Identifier: GPL-2.0 */
/*
 * color.h - colour in the human output: when to use it (--color, NO_COLOR,
 * a terminal) and which colour says what. JSON output is never coloured.
 *
 * Cause classes get one colour per family, so that a screen of deaths
 * sorts itself at a glance: a task's own kill() in yellow, the kernel's
 * decisions in magenta (the alarming ones, OOM and CPU faults, in red),
 * a restore's planned deaths in green and everything that broke a restore
 * in bold red.
 */
#ifndef PT_COLOR_H
#define PT_COLOR_H

#include <stdbool.h>
#include <stdio.h>

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* SGR sequences; COLOR_RESET ends any of them. */
#define COLOR_RESET    "\033[0m"
#define COLOR_BOLD     "\033[1m"
#define COLOR_RED      "\033[31m"
#define COLOR_BOLD_RED "\033[1;31m"
#define COLOR_GREEN    "\033[32m"
#define COLOR_YELLOW   "\033[33m"
#define COLOR_MAGENTA  "\033[35m"
#define COLOR_CYAN     "\033[36m"

/*
 * Parse the argument of --color: "auto", "always" or "never" (also
 * "yes"/"force" and "no"/"none" as GNU tools accept). NULL (a bare
 * --color) means always.
 * Return: 0, or -EINVAL for anything else.
 */
int color__parse(const char *arg, enum color_when *when);

/*
 * Decide for the stream @f: never with COLOR_NEVER, always with
 * COLOR_ALWAYS (an explicit request beats NO_COLOR, as the NO_COLOR
 * convention says), and with COLOR_AUTO only when @f is a terminal and
 * NO_COLOR is unset or empty, and TERM is not "dumb".
 */
bool color__enabled(enum color_when when, FILE *f);

/* For a verdict or "why" line: green when expected, bold red when not. */
const char *color__verdict(bool expected);

#endif
