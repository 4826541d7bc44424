// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proc_maps.c - /proc/PID/maps text into the symbolizer's snapshot
 * (usym__snapshot_maps()). Nothing is resolved: that would open whatever
 * files the input names.
 */
#include "fuzz.h"
#include "usym.h"

FUZZ_TARGET(proc_maps)
{
	struct usym *u;
	FILE *f;

	if (!size)
		return 0;
	u = usym__new();
	f = fmemopen((void *)data, size, "r");
	if (u && f) {
		usym__snapshot_maps(u, 4242, 1, f);
		/* A second snapshot replaces the first. */
		rewind(f);
		usym__snapshot_maps(u, 4242, 2, f);
		usym__forget(u, 4242);
	}
	if (f)
		fclose(f);
	usym__free(u);
	return 0;
}
