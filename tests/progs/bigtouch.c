// SPDX-License-Identifier: GPL-2.0
/*
 * bigtouch MIB - touches MIB MiB of anonymous memory, prints "ready", then
 * waits (30 s at most): a target big enough for a progress bar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atoi(argv[1]) : 300) << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);

	if (p == MAP_FAILED)
		return 99;
	memset(p, 0x5a, len);
	printf("ready\n");
	fflush(stdout);
	alarm(30);
	pause();
	return 0;
}
