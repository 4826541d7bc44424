// SPDX-License-Identifier: GPL-2.0
/*
 * buildid.c - (build id, file offset) -> function, file:line (see buildid.h).
 *
 * Each file gets an offline libdwfl session with the module at its link
 * addresses; a file offset becomes an address through the PT_LOAD segment
 * that holds it.
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
#include <elfutils/libdwfl.h>

#include "buildid.h"

#define BUILD_ID_LEN 20

struct bid_file {
	uint8_t id[BUILD_ID_LEN];
	char *path;
	Dwfl *dwfl; /* opened on first use */
	Dwfl_Module *mod;
};

struct buildid_cache {
	struct bid_file *v;
	size_t n, cap;
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
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
	for (i = 0; i < bc->n; i++) {
		free(bc->v[i].path);
		if (bc->v[i].dwfl)
			dwfl_end(bc->v[i].dwfl);
	}
	free(bc->v);
	free(bc);
}

static struct bid_file *find(struct buildid_cache *bc, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < bc->n; i++)
		if (!memcmp(bc->v[i].id, id, BUILD_ID_LEN))
			return &bc->v[i];
	return NULL;
}

static int read_build_id(const char *path, uint8_t id[BUILD_ID_LEN])
{
	const void *p;
	ssize_t len;
	int fd, err = 0;
	Elf *elf;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		return -ENOEXEC;
	}
	len = dwelf_elf_gnu_build_id(elf, &p);
	if (len <= 0)
		err = -ENODATA;
	else {
		memset(id, 0, BUILD_ID_LEN);
		memcpy(id, p, len < BUILD_ID_LEN ? len : BUILD_ID_LEN);
	}
	elf_end(elf);
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

static int open_module(struct bid_file *f)
{
	f->dwfl = dwfl_begin(&offline_callbacks);
	if (!f->dwfl)
		return -ENOMEM;
	f->mod = dwfl_report_offline(f->dwfl, f->path, f->path, -1);
	dwfl_report_end(f->dwfl, NULL, NULL);
	return f->mod ? 0 : -ENOEXEC;
}

/* The link-time address of file offset @off, through its PT_LOAD segment. */
static int offset_to_vaddr(Dwfl_Module *mod, uint64_t off, uint64_t *addr)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t i, n;

	if (!elf || elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (off >= ph.p_offset && off < ph.p_offset + ph.p_filesz) {
			*addr = ph.p_vaddr + (off - ph.p_offset) + bias;
			return 0;
		}
	}
	return -ERANGE;
}

int buildid__resolve(struct buildid_cache *bc, const uint8_t id[20], uint64_t offset,
		     struct usym_loc *out)
{
	struct bid_file *f = find(bc, id);
	GElf_Off symoff = 0;
	const char *name, *src;
	Dwfl_Line *line;
	uint64_t addr;
	int err, lineno = 0;

	if (!f)
		return -ENOENT;
	if (!f->dwfl && (err = open_module(f)))
		return err;
	if (!f->mod)
		return -ENOEXEC;
	err = offset_to_vaddr(f->mod, offset, &addr);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	out->from_snapshot = true;
	snprintf(out->module, sizeof(out->module), "%s", f->path);
	name = dwfl_module_addrinfo(f->mod, addr, &symoff, &(GElf_Sym){ 0 }, NULL, NULL, NULL);
	if (name) {
		snprintf(out->func, sizeof(out->func), "%s", name);
		out->offset = symoff;
	}
	line = dwfl_module_getsrc(f->mod, addr);
	src = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (src && lineno > 0) {
		snprintf(out->file, sizeof(out->file), "%s", src);
		out->line = lineno;
	}
	return 0;
}
