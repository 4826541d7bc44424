// SPDX-License-Identifier: GPL-2.0
/* nskind.c - see nskind.h. */
#include <sched.h>
#include <string.h>

#include "nskind.h"

const struct nskind nskind__all[NSKIND_COUNT] = {
	{ "net", CLONE_NEWNET },
	{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },
};

int nskind__index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NSKIND_COUNT; i++)
		if (strlen(nskind__all[i].kind) == len && !strncmp(nskind__all[i].kind, name, len))
			return (int)i;
	return -1;
}
