// SPDX-License-Identifier: GPL-2.0
/*
 * test_color.c - when colour is used (--color, NO_COLOR, TERM=dumb, a
 * terminal or not) and that classes that mean different things look
 * different.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cause.h"
#include "color.h"
#include "unit.h"

static void parses_when(void)
{
	enum color_when w;

	CHECK(color__parse("auto", &w) == 0 && w == COLOR_AUTO);
	CHECK(color__parse("always", &w) == 0 && w == COLOR_ALWAYS);
	CHECK(color__parse("never", &w) == 0 && w == COLOR_NEVER);
	CHECK(color__parse(NULL, &w) == 0 && w == COLOR_ALWAYS); /* a bare --color */
	CHECK(color__parse("sometimes", &w) < 0);
	CHECK(color__parse("", &w) < 0);
}

static FILE *open_tty(int *master)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name;

	if (m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m)))
		return NULL;
	*master = m;
	return fopen(name, "we");
}

static void auto_only_on_a_terminal(void)
{
	FILE *file = tmpfile(), *tty;
	int m;

	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	tty = open_tty(&m);
	CHECK(file && tty);
	CHECK(!color__enabled(COLOR_AUTO, file));
	CHECK(color__enabled(COLOR_AUTO, tty));
	CHECK(color__enabled(COLOR_ALWAYS, file));
	CHECK(!color__enabled(COLOR_NEVER, tty));
	fclose(file);
	fclose(tty);
	close(m);
}

static void no_color_turns_auto_off(void)
{
	FILE *tty;
	int m;

	tty = open_tty(&m);
	CHECK(tty);
	setenv("TERM", "xterm", 1);
	setenv("NO_COLOR", "1", 1);
	CHECK(!color__enabled(COLOR_AUTO, tty));
	/* An explicit --color=always beats the environment. */
	CHECK(color__enabled(COLOR_ALWAYS, tty));
	/* NO_COLOR set but empty does not count. */
	setenv("NO_COLOR", "", 1);
	CHECK(color__enabled(COLOR_AUTO, tty));
	unsetenv("NO_COLOR");
	setenv("TERM", "dumb", 1);
	CHECK(!color__enabled(COLOR_AUTO, tty));
	setenv("TERM", "xterm", 1);
	fclose(tty);
	close(m);
}

static void families_look_different(void)
{
	const char *user = cause__color(CAUSE_KILL_SYSCALL, false);
	const char *kernel = cause__color(CAUSE_CGROUP_KILL, false);
	const char *expected = cause__color(CAUSE_RESTORE_HELPER, true);
	const char *unexpected = cause__color(CAUSE_RESTORE_HELPER, false);

	CHECK(*user && *kernel && *expected && *unexpected);
	CHECK(strcmp(user, kernel) && strcmp(user, expected) && strcmp(kernel, expected));
	CHECK(strcmp(expected, unexpected));
	CHECK_STR(cause__color(CAUSE_RESTORE_ROLLBACK, false), unexpected);
	CHECK_STR(cause__color(CAUSE_PARENT_DEATH_SIGNAL, false), kernel);
	CHECK_STR(cause__color(CAUSE_KERNEL_OTHER, false), kernel);
	CHECK_STR(color__verdict(true), expected);
	CHECK(strcmp(color__verdict(false), expected));
	CHECK_STR(cause__color(CAUSE_UNKNOWN, false), "");
}

UNIT_MAIN({
	RUN(parses_when);
	RUN(auto_only_on_a_terminal);
	RUN(no_color_turns_auto_off);
	RUN(families_look_different);
})
