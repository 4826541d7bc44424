// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proc_stat.c - /proc/PID/stat text into procfs__parse_stat(), the one
 * parser of stat files (dump, restore and the symbolizer read it).
 */
#include "fuzz.h"
#include "procfs.h"

FUZZ_TARGET(proc_stat)
{
	struct procfs_stat st;
	char *buf = fuzz__strdup(data, size);

	if (!buf)
		return 0;
	if (!procfs__parse_stat(buf, &st) && strnlen(st.comm, sizeof(st.comm)) == sizeof(st.comm))
		abort(); /* comm must come out NUL-terminated */
	free(buf);
	return 0;
}
