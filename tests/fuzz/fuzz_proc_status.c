// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proc_status.c - "Key:\tvalue" text (/proc/PID/status, fdinfo) into
 * procfs__field*() with every key pidtrace looks up, in the ways it looks
 * them up.
 */
#include "fuzz.h"
#include "procfs.h"

static const char *const proc_status_fuzz_lists[] = {
	"Uid:", "Gid:", "Groups:", "NSpid:", "NSpgid:", "NSsid:",
};

static const struct {
	const char *key;
	int base;
} proc_status_fuzz_nums[] = {
	{ "TracerPid:", 10 }, { "Threads:", 10 }, { "Seccomp:", 10 }, { "NoNewPrivs:", 10 },
	{ "CapInh:", 16 },    { "CapPrm:", 16 },  { "CapEff:", 16 },  { "CapBnd:", 16 },
	{ "CapAmb:", 16 },    { "Umask:", 8 },	  { "flags:", 8 },    { "pos:", 10 },
	{ "mnt_id:", 10 },    { "Pid:", 10 },	  { "Tgid:", 10 },    { "", 10 },
	{ "x86_Thread_features:", 16 },
};

FUZZ_TARGET(proc_status)
{
	char *buf = fuzz__strdup(data, size);
	uint32_t vals[64];
	uint64_t v;
	size_t i, n;

	if (!buf)
		return 0;
	for (i = 0; i < sizeof(proc_status_fuzz_lists) / sizeof(proc_status_fuzz_lists[0]); i++) {
		if (!procfs__field_list(buf, proc_status_fuzz_lists[i], vals, 64, &n) && n > 64)
			abort();
		procfs__field_list(buf, proc_status_fuzz_lists[i], vals, 1, &n);
	}
	for (i = 0; i < sizeof(proc_status_fuzz_nums) / sizeof(proc_status_fuzz_nums[0]); i++) {
		procfs__field(buf, proc_status_fuzz_nums[i].key);
		procfs__field_u64(buf, proc_status_fuzz_nums[i].key, proc_status_fuzz_nums[i].base,
				  &v);
	}
	free(buf);
	return 0;
}
