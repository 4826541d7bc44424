// SPDX-License-Identifier: GPL-2.0
/* color.c - when and how to colour the human output (see color.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"

#define SGR_RED	     "\033[31m"
#define SGR_BOLD_RED "\033[1;31m"
#define SGR_GREEN    "\033[32m"
#define SGR_YELLOW   "\033[33m"
#define SGR_MAGENTA  "\033[35m"
#define SGR_CYAN     "\033[36m"

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

const char *color__cause(enum cause c, bool expected)
{
	if (expected)
		return SGR_GREEN;
	switch (c) {
	case CAUSE_KILL_SYSCALL:
		return SGR_YELLOW;
	case CAUSE_OOM_KILL:
	case CAUSE_FAULT:
		return SGR_RED;
	case CAUSE_RESTORE_HELPER:
		/* A helper's death that nobody declared: not the plan. */
	case CAUSE_RESTORE_ROLLBACK:
		return SGR_BOLD_RED;
	case CAUSE_TTY:
		return SGR_CYAN;
	case CAUSE_PIDNS_TEARDOWN:
	case CAUSE_GROUP_EXIT:
	case CAUSE_EXEC_DE_THREAD:
	case CAUSE_PARENT_DEATH_SIGNAL:
	case CAUSE_RLIMIT_CPU:
	case CAUSE_CGROUP_KILL:
	case CAUSE_SECCOMP:
	case CAUSE_PTRACE_KILL:
	case CAUSE_KERNEL_OTHER:
		return SGR_MAGENTA;
	default:
		return "";
	}
}

const char *color__verdict(bool expected)
{
	return expected ? SGR_GREEN : SGR_BOLD_RED;
}
