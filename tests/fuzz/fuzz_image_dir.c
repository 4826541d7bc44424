// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_image_dir.c - a fuzzed image directory through `pidtrace show`
 * (human and JSON), which reads and checks every file of an image and
 * follows what they say of each other (tasks, pagemaps into pages files,
 * pidfds, shared memory).
 *
 * Input: records, each
 *   u8 kind     % IMG_KIND_COUNT (low 6 bits); bit 7: the file's bytes as
 *               they are, else a payload framed with a correct checksum
 *   u32 pid     (LE) the file's pid: core-PID.img, pages-PID.img...;
 *               0 for tree-wide files (pipes.img, pages-shmem.img)
 *   u16 len     (LE) then len bytes
 * A framed pages record is u16 number of pages (at most 256), then the
 * start of the data (zeros after it). Unless a raw inventory record came,
 * the harness writes inventory.img itself: the framed inventory record's
 * fields if one decodes (else the pids of the core records), and the list
 * of the files actually written with their true sizes.
 * tests/fuzz/mkseeds.sh turns real images into such record lists.
 */
#include <getopt.h>

#include "commands.h"
#include "fuzz_image.h"
#include "log.h"

#define IMAGE_DIR_FUZZ_MAX_FILES 64
#define IMAGE_DIR_FUZZ_MAX_PAGES 256

struct image_dir_fuzz {
	InventoryFile files[IMAGE_DIR_FUZZ_MAX_FILES];
	InventoryFile *filep[IMAGE_DIR_FUZZ_MAX_FILES];
	char names[IMAGE_DIR_FUZZ_MAX_FILES][64];
	size_t nfiles;
	uint32_t core_pids[IMAGE_DIR_FUZZ_MAX_FILES];
	size_t ncores;
	bool raw_inventory;
	Inventory *base;
	const char *dir;
	bool json;
};

static uint32_t image_dir_fuzz_le(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Remember a written file for the inventory (a name written twice: once). */
static void image_dir_fuzz_list(struct image_dir_fuzz *z, enum image_kind kind, uint32_t pid,
				const char *name, uint64_t size)
{
	InventoryFile *f = NULL;
	size_t i;

	for (i = 0; i < z->nfiles; i++)
		if (!strcmp(z->names[i], name))
			f = &z->files[i];
	if (!f) {
		if (z->nfiles == IMAGE_DIR_FUZZ_MAX_FILES)
			return;
		i = z->nfiles++;
		f = &z->files[i];
		inventory_file__init(f);
		snprintf(z->names[i], sizeof(z->names[i]), "%s", name);
		f->name = z->names[i];
		z->filep[i] = f;
	}
	f->kind = (char *)image__kind_name(kind);
	f->has_pid = pid != 0;
	f->pid = pid;
	f->size = size;
}

static void image_dir_fuzz_record(struct image_dir_fuzz *z, uint8_t sel, uint32_t pid,
				  const uint8_t *p, size_t len)
{
	enum image_kind kind = (sel & 0x3f) % IMG_KIND_COUNT;
	char name[64], path[PATH_MAX + 64];
	bool raw = sel & 0x80;
	uint8_t *file = NULL;
	size_t flen = len;
	uint32_t npages;

	if (kind == IMG_INVENTORY && !raw) {
		if (!z->base)
			z->base = inventory__unpack(NULL, len, p);
		return;
	}
	if (kind == IMG_INVENTORY)
		snprintf(name, sizeof(name), "inventory.img");
	else if (kind == IMG_PAGES && pid)
		snprintf(name, sizeof(name), "pages-%u.img", pid);
	else if (kind == IMG_PAGES)
		snprintf(name, sizeof(name), "pages-shmem.img");
	else
		image__file_name(kind, pid, name, sizeof(name));
	if (!raw && kind == IMG_PAGES) {
		npages = len >= 2 ? image_dir_fuzz_le(p, 2) : 0;
		if (npages > IMAGE_DIR_FUZZ_MAX_PAGES)
			npages = IMAGE_DIR_FUZZ_MAX_PAGES;
		file = fuzz_image__frame_pages(p + (len >= 2 ? 2 : len), len >= 2 ? len - 2 : 0,
					       (size_t)npages * 4096, &flen);
	} else if (!raw) {
		file = fuzz_image__frame(kind, p, len, &flen);
	}
	if (!raw && !file)
		return;
	snprintf(path, sizeof(path), "%s/%s", z->dir, name);
	if (!fuzz__write_file(path, file ? file : p, flen)) {
		if (kind == IMG_INVENTORY)
			z->raw_inventory = true;
		else
			image_dir_fuzz_list(z, kind, pid, name, flen);
		if (kind == IMG_CORE && z->ncores < IMAGE_DIR_FUZZ_MAX_FILES)
			z->core_pids[z->ncores++] = pid;
	}
	free(file);
}

static int image_dir_fuzz_inventory(struct image_dir_fuzz *z)
{
	Inventory inv = INVENTORY__INIT;

	if (z->base) {
		inv = *z->base;
	} else {
		inv.format_version = IMAGE_FORMAT_VERSION;
		inv.pidtrace_version = "fuzz";
		inv.root_pid = z->ncores ? z->core_pids[0] : 1;
		inv.n_pids = z->ncores;
		inv.pids = z->core_pids;
		inv.kernel_release = "6.18";
		inv.boot_id = "fuzz";
		inv.page_size = 4096;
	}
	inv.n_files = z->nfiles;
	inv.files = z->filep;
	return fuzz_image__write_inventory(z->dir, &inv);
}

static int image_dir_fuzz_show(void *ctx)
{
	struct image_dir_fuzz *z = ctx;
	char *argv[] = { "show", "-D", (char *)z->dir, z->json ? "--json" : NULL, NULL };
	char *reset[] = { "fuzz", NULL };

	/* A full reset of getopt: cmd_show() only sets optind = 1. */
	optind = 0;
	getopt(1, reset, "");
	return cmd_show(z->json ? 4 : 3, argv);
}

FUZZ_TARGET(image_dir)
{
	struct image_dir_fuzz *z = calloc(1, sizeof(*z));
	size_t len;

	if (!z)
		return 0;
	z->dir = fuzz_image__dir();
	if (!z->dir)
		goto out;
	while (size >= 7) {
		len = image_dir_fuzz_le(data + 5, 2);
		if (len > size - 7)
			len = size - 7;
		image_dir_fuzz_record(z, data[0], image_dir_fuzz_le(data + 1, 4), data + 7, len);
		data += 7 + len;
		size -= 7 + len;
	}
	if (!z->raw_inventory && image_dir_fuzz_inventory(z))
		goto out;
	fuzz__quiet(image_dir_fuzz_show, z);
	z->json = true;
	fuzz__quiet(image_dir_fuzz_show, z);
	log__set_json(false);
out:
	if (z->base)
		inventory__free_unpacked(z->base, NULL);
	free(z);
	return 0;
}
