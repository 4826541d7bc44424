// SPDX-License-Identifier: GPL-2.0
/*
 * buildid.c - build id -> registered file (see buildid.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>

#include "buildid.h"

#define BUILD_ID_LEN 20

struct bid_file {
	uint8_t id[BUILD_ID_LEN];
	char *path;
};

struct buildid_cache {
	struct bid_file *v;
	size_t n, cap;
};

struct buildid_cache *buildid__new(void)
{
	elf_version(EV_CURRENT);
	return calloc(1, sizeof(struct buildid_cache));
}

void buildid__free(struct buildid_cache *bc)
{
	size_t i;

	if (!bc)
		return;
	for (i = 0; i < bc->n; i++)
		free(bc->v[i].path);
	free(bc->v);
	free(bc);
}

static struct bid_file *find(const struct buildid_cache *bc, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < bc->n; i++)
		if (!memcmp(bc->v[i].id, id, BUILD_ID_LEN))
			return &bc->v[i];
	return NULL;
}

int buildid__read_fd(int fd, uint8_t id[BUILD_ID_LEN])
{
	const void *p;
	ssize_t len;
	int err = 0;
	Elf *elf;

	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -ENOEXEC;
	len = dwelf_elf_gnu_build_id(elf, &p);
	if (len <= 0)
		err = -ENODATA;
	else {
		memset(id, 0, BUILD_ID_LEN);
		memcpy(id, p, len < BUILD_ID_LEN ? len : BUILD_ID_LEN);
	}
	elf_end(elf);
	return err;
}

static int read_build_id(const char *path, uint8_t id[BUILD_ID_LEN])
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = buildid__read_fd(fd, id);
	close(fd);
	return err;
}

int buildid__add_file(struct buildid_cache *bc, const char *given)
{
	char path[PATH_MAX];
	uint8_t id[BUILD_ID_LEN];
	struct bid_file *f;
	int err;

	/* Keep a real path: /proc/PID/exe vanishes with the process. */
	if (!realpath(given, path))
		return -errno;
	err = read_build_id(path, id);
	if (err)
		return err;
	if (find(bc, id))
		return 0;
	if (bc->n == bc->cap) {
		size_t cap = bc->cap ? bc->cap * 2 : 32;
		struct bid_file *v = realloc(bc->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		bc->v = v;
		bc->cap = cap;
	}
	f = &bc->v[bc->n];
	memset(f, 0, sizeof(*f));
	memcpy(f->id, id, BUILD_ID_LEN);
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	bc->n++;
	return 0;
}

int buildid__add_maps(struct buildid_cache *bc, pid_t pid)
{
	char maps[64], line[PATH_MAX + 128], last[PATH_MAX] = "";
	int added = 0;
	FILE *f;

	if (pid)
		snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	else
		snprintf(maps, sizeof(maps), "/proc/self/maps");
	f = fopen(maps, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');
		size_t n;

		if (!path)
			continue;
		n = strcspn(path, "\n");
		path[n] = '\0';
		if (!strcmp(path, last))
			continue;
		snprintf(last, sizeof(last), "%s", path);
		if (!buildid__add_file(bc, path))
			added++;
	}
	fclose(f);
	return added;
}

const char *buildid__path(const struct buildid_cache *bc, const uint8_t id[20])
{
	const struct bid_file *f = find(bc, id);

	return f ? f->path : NULL;
}
