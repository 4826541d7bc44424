// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_filemap FILE - private mappings of a file: some pages written
 * (copy-on-write, so the file keeps its contents), others only read; plus
 * a shared read-only mapping of the same file.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "zdtm.h"

#define PAGES 16

static char expect_byte(size_t off)
{
	return (char)('a' + (off / 4096 + off) % 26);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "zdtm_filemap.data";
	char *priv, *shared, buf[4096];
	size_t i, p;
	int fd;

	zdtm_init();
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		zdtm_fail("open %s", path);
	for (p = 0; p < PAGES; p++) {
		for (i = 0; i < 4096; i++)
			buf[i] = expect_byte(p * 4096 + i);
		if (write(fd, buf, 4096) != 4096)
			zdtm_fail("write");
	}
	priv = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shared = mmap(NULL, PAGES * 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (priv == MAP_FAILED || shared == MAP_FAILED)
		zdtm_fail("mmap");
	close(fd);
	for (p = 0; p < PAGES; p += 2)
		memset(priv + p * 4096, 'W', 4096);
	for (p = 1; p < PAGES; p += 2)
		if (priv[p * 4096] != expect_byte(p * 4096))
			zdtm_fail("read before the dump");
	zdtm_ready();
	zdtm_wait_term();
	for (p = 0; p < PAGES; p++)
		for (i = 0; i < 4096; i++) {
			char want = p % 2 ? expect_byte(p * 4096 + i) : 'W';

			if (priv[p * 4096 + i] != want)
				zdtm_fail("private page %zu byte %zu is %d, not %d", p, i,
					  priv[p * 4096 + i], want);
			if (shared[p * 4096 + i] != expect_byte(p * 4096 + i))
				zdtm_fail("shared page %zu byte %zu changed", p, i);
		}
	unlink(path);
	return zdtm_pass();
}
