// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_watch_args.c - `pidtrace watch` command lines (one argument per
 * line of the input) into watch__parse_args(), which starts nothing.
 */
#include "commands.h"
#include "fuzz.h"

FUZZ_TARGET(watch_args)
{
	char **argv;
	int argc, ret;

	if (fuzz__argv(data, size, "watch", &argc, &argv))
		return 0;
	ret = watch__parse_args(argc, argv);
	if (ret != 0 && ret != EXIT_USAGE)
		abort();
	free(argv);
	return 0;
}
