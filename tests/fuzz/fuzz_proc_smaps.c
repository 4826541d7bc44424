// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proc_smaps.c - /proc/PID/smaps text into dump's VMA parser
 * (dump_mem__parse_smaps()), as the smaps of the fuzzer itself.
 *
 * dump looks every file mapping up in /proc/PID/map_files and stops at the
 * first one that is not there. So that parses go on past file mappings,
 * the harness maps its own executable at fixed addresses, privately at
 * SMAPS_FUZZ_PRIV and shared at SMAPS_FUZZ_SHARED (one page each): the
 * seeds name them.
 */
#include <sys/mman.h>

#include "dump_ctx.h"
#include "dump_mem.h"
#include "fuzz.h"

#define SMAPS_FUZZ_PRIV 0x200000000UL
#define SMAPS_FUZZ_SHARED 0x200010000UL

static void smaps_fuzz_map_self(void)
{
	static int done;
	int fd;

	if (done)
		return;
	done = 1;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	mmap((void *)SMAPS_FUZZ_PRIV, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
	mmap((void *)SMAPS_FUZZ_SHARED, 4096, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	close(fd);
}

FUZZ_TARGET(proc_smaps)
{
	struct dump_ctx ctx;
	MmImage *mm;
	char *buf;

	smaps_fuzz_map_self();
	buf = fuzz__strdup(data, size);
	mm = PB_NEW(MmImage, mm_image);
	if (buf && mm) {
		memset(&ctx, 0, sizeof(ctx));
		dump_mem__parse_smaps(&ctx, getpid(), buf, mm);
		free(ctx.shmem);
	}
	if (mm)
		mm_image__free_unpacked(mm, NULL);
	free(buf);
	return 0;
}
