// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_run_args.c - `pidtrace run` command lines (one argument per line of
 * the input) into run__parse_args(), which starts nothing.
 */
#include "commands.h"
#include "fuzz.h"

FUZZ_TARGET(run_args)
{
	char **argv;
	int argc, ret;

	if (fuzz__argv(data, size, "run", &argc, &argv))
		return 0;
	ret = run__parse_args(argc, argv);
	if (ret != 0 && ret != EXIT_USAGE)
		abort();
	free(argv);
	return 0;
}
