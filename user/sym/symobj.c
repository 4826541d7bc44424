// SPDX-License-Identifier: GPL-2.0
/*
 * symobj.c - one offline libdwfl session per object file (see symobj.h).
 *
 * The module is reported at its link-time addresses; a file offset becomes
 * an address through the PT_LOAD segment that holds it, so the same
 * session serves every process that maps the file, wherever it is mapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

#include "buildid.h"
#include "clock.h"
#include "log.h"
#include "symobj.h"
#include "usym_dwfl.h"

/* A path that failed is tried again after this long (it may appear). */
#define SYMOBJ_RETRY_NS 1000000000ull

struct obj {
	struct symcache_id id;
	Dwfl *dwfl; /* NULL: opening failed_path failed with err */
	Dwfl_Module *mod;
	int err;
	char *failed_path;
	uint64_t failed_ns;
	uint64_t last_use;
};

/* What symobj__file_build_id() found for a file. */
struct file_bid {
	struct symcache_id file; /* kind 0: a free slot */
	int err;		 /* 0 or -ENODATA */
	uint8_t build_id[SYMCACHE_BUILD_ID_LEN];
};

struct symobj_cache {
	struct file_bid files[SYMOBJ_FILES];
	struct obj *v;
	size_t n, max;
	uint64_t tick;
	struct symobj_stats st;
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct symobj_cache *symobj__new(size_t max_objects)
{
	struct symobj_cache *oc = calloc(1, sizeof(*oc));

	if (!oc)
		return NULL;
	oc->max = max_objects ? max_objects : SYMOBJ_DEFAULT_MAX;
	oc->v = calloc(oc->max, sizeof(*oc->v));
	if (!oc->v) {
		free(oc);
		return NULL;
	}
	elf_version(EV_CURRENT);
	return oc;
}

static void clear_obj(struct obj *o)
{
	if (o->dwfl)
		dwfl_end(o->dwfl);
	free(o->failed_path);
	memset(o, 0, sizeof(*o));
}

void symobj__free(struct symobj_cache *oc)
{
	size_t i;

	if (!oc)
		return;
	for (i = 0; i < oc->n; i++)
		clear_obj(&oc->v[i]);
	free(oc->v);
	free(oc);
}

void symobj__stats(const struct symobj_cache *oc, struct symobj_stats *st)
{
	*st = oc->st;
	st->objects = oc->n;
}

static struct obj *find(struct symobj_cache *oc, const struct symcache_id *id)
{
	size_t i;

	for (i = 0; i < oc->n; i++)
		if (symcache__id_equal(&oc->v[i].id, id))
			return &oc->v[i];
	return NULL;
}

/* A free slot, or the least recently used object, closed. */
static struct obj *take_slot(struct symobj_cache *oc)
{
	struct obj *victim;
	size_t i;

	if (oc->n < oc->max)
		return &oc->v[oc->n++];
	victim = &oc->v[0];
	for (i = 1; i < oc->n; i++)
		if (oc->v[i].last_use < victim->last_use)
			victim = &oc->v[i];
	clear_obj(victim);
	oc->st.evictions++;
	return victim;
}

/* Is the module libdwfl opened the object @id names? */
static bool same_build_id(Dwfl_Module *mod, const struct symcache_id *id)
{
	const unsigned char *bits;
	GElf_Addr vaddr, bias;
	int len, i;

	if (!dwfl_module_getelf(mod, &bias))
		return false;
	len = dwfl_module_build_id(mod, &bits, &vaddr);
	if (len <= 0 || len > SYMCACHE_BUILD_ID_LEN || memcmp(bits, id->build_id, len))
		return false;
	/* The kernel pads ids shorter than 20 bytes with zeros. */
	for (i = len; i < SYMCACHE_BUILD_ID_LEN; i++)
		if (id->build_id[i])
			return false;
	return true;
}

static bool same_inode(int fd, const struct symcache_id *id)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_dev == id->dev &&
	       (uint64_t)st.st_ino == id->ino &&
	       (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec == id->mtime_ns;
}

/*
 * Open @path as object @id. The descriptor checked is the one libdwfl
 * reads, so a file swapped in between cannot slip through.
 */
static int open_obj(struct obj *o, const struct symcache_id *id, const char *path)
{
	Dwfl_Module *mod;
	Dwfl *d;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (id->kind == SYMCACHE_INODE && !same_inode(fd, id)) {
		close(fd);
		return -ESTALE;
	}
	d = dwfl_begin(&offline_callbacks);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	/* On success libdwfl owns fd and closes it with the session. */
	mod = dwfl_report_offline(d, path, path, fd);
	if (!mod) {
		pr_debug("%s: %s", path, dwfl_errmsg(-1));
		close(fd);
		dwfl_end(d);
		return -ENOEXEC;
	}
	if (dwfl_report_end(d, NULL, NULL)) {
		err = -ENOEXEC;
		goto err;
	}
	if (id->kind == SYMCACHE_BUILD_ID && !same_build_id(mod, id)) {
		err = -ESTALE;
		goto err;
	}
	o->dwfl = d;
	o->mod = mod;
	return 0;
err:
	dwfl_end(d);
	return err;
}

/* The object @id, opened from @path if it is not cached. */
static int get_obj(struct symobj_cache *oc, const struct symcache_id *id, const char *path,
		   struct obj **out)
{
	struct obj *o = find(oc, id);
	int err;

	if (o && o->dwfl)
		goto found;
	if (o && o->failed_path && !strcmp(o->failed_path, path) &&
	    clock__mono_ns() - o->failed_ns < SYMOBJ_RETRY_NS) {
		o->last_use = ++oc->tick;
		return o->err;
	}
	if (o)
		clear_obj(o);
	else
		o = take_slot(oc);
	o->id = *id;
	err = open_obj(o, id, path);
	oc->st.opens++;
	if (err) {
		oc->st.open_failures++;
		o->err = err;
		o->failed_ns = clock__mono_ns();
		/* Without a copy of the path, the next call simply tries again. */
		o->failed_path = strdup(path);
		o->last_use = ++oc->tick;
		return err;
	}
found:
	o->last_use = ++oc->tick;
	*out = o;
	return 0;
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

int symobj__resolve(struct symobj_cache *oc, const struct symcache_id *id, const char *path,
		    uint64_t off, struct usym_loc *out)
{
	const char *name, *src;
	GElf_Off symoff = 0;
	Dwfl_Line *line;
	struct obj *o = NULL;
	uint64_t addr;
	int err, lineno = 0;

	err = get_obj(oc, id, path, &o);
	if (err)
		return err;
	err = offset_to_vaddr(o->mod, off, &addr);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	name = dwfl_module_addrinfo(o->mod, addr, &symoff, &(GElf_Sym){ 0 }, NULL, NULL, NULL);
	if (name) {
		snprintf(out->func, sizeof(out->func), "%s", name);
		out->offset = symoff;
	}
	line = dwfl_module_getsrc(o->mod, addr);
	src = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (src && lineno > 0) {
		snprintf(out->file, sizeof(out->file), "%s", src);
		out->line = lineno;
	}
	usym_dwfl__inlines(o->mod, addr, out);
	return 0;
}

static uint32_t file_slot(const struct symcache_id *file)
{
	uint64_t h = file->ino * 0x9e3779b97f4a7c15ull ^ file->dev ^ (uint64_t)file->mtime_ns;

	return (uint32_t)(h ^ (h >> 32)) % SYMOBJ_FILES;
}

int symobj__file_build_id(struct symobj_cache *oc, const struct symcache_id *file,
			  const char *path, uint8_t build_id[SYMCACHE_BUILD_ID_LEN])
{
	struct file_bid *fb = &oc->files[file_slot(file)];
	int fd, err;

	if (file->kind != SYMCACHE_INODE)
		return -EINVAL;
	if (!symcache__id_equal(&fb->file, file)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (!same_inode(fd, file)) {
			close(fd);
			return -ESTALE;
		}
		err = buildid__read_fd(fd, fb->build_id);
		close(fd);
		/* Not ELF: remembered as "no build id", it will not get one. */
		fb->err = err ? -ENODATA : 0;
		fb->file = *file;
	}
	if (fb->err)
		return fb->err;
	memcpy(build_id, fb->build_id, SYMCACHE_BUILD_ID_LEN);
	return 0;
}
