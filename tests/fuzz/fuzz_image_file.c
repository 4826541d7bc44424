// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_image_file.c - one fuzzed file of an image, of each kind, through
 * the image reader (image__open(), image__read(), image__pages_open()).
 *
 * Input: one selector byte, then the file.
 *   selector % IMG_KIND_COUNT (low 4 bits first): the kind of file;
 *   bit 7: write the bytes as they are (the framing is fuzzed too);
 *          clear: they are the payload, framed with a correct header and
 *          checksum so that the decoder behind them runs;
 *   bit 6: image__pages_open() verifies the data checksum.
 * A file other than the inventory is written as the one file (of pid 1) of
 * a well-formed inventory that lists it with its true size.
 */
#include "fuzz_image.h"

static int image_file_fuzz_inventory(const char *dir, enum image_kind kind, const char *name,
				     uint64_t size)
{
	InventoryFile f = INVENTORY_FILE__INIT, *files[1] = { &f };
	Inventory inv = INVENTORY__INIT;
	uint32_t pids[1] = { 1 };

	f.name = (char *)name;
	f.kind = (char *)image__kind_name(kind);
	f.has_pid = true;
	f.pid = 1;
	f.size = size;
	inv.format_version = IMAGE_FORMAT_VERSION;
	inv.pidtrace_version = "fuzz";
	inv.root_pid = 1;
	inv.n_pids = 1;
	inv.pids = pids;
	inv.kernel_release = "6.18";
	inv.boot_id = "fuzz";
	inv.page_size = 4096;
	inv.n_files = 1;
	inv.files = files;
	return fuzz_image__write_inventory(dir, &inv);
}

static void image_file_fuzz_read(const char *dir, enum image_kind kind, const char *name,
				 bool verify)
{
	ProtobufCMessage *msg = NULL;
	const Inventory *inv;
	struct image *img;
	uint64_t off, len;
	size_t i;
	int fd;

	if (image__open(dir, &img))
		return;
	inv = image__inventory(img);
	/* A fuzzed inventory: what it lists is looked for. */
	for (i = 0; i < inv->n_files && i < 16; i++) {
		if (!image__read(img, IMG_CORE, inv->files[i]->pid, &msg))
			protobuf_c_message_free_unpacked(msg, NULL);
	}
	if (kind == IMG_PAGES) {
		if (!image__pages_open(img, name, verify, &fd, &off, &len))
			close(fd);
	} else if (kind != IMG_INVENTORY && !image__read(img, kind, 1, &msg)) {
		protobuf_c_message_free_unpacked(msg, NULL);
	}
	image__free(img);
}

FUZZ_TARGET(image_file)
{
	char name[64], path[PATH_MAX + 64];
	uint8_t *file = NULL;
	enum image_kind kind;
	const char *dir;
	size_t flen;
	bool raw;

	if (!size)
		return 0;
	kind = (data[0] & 0x3f) % IMG_KIND_COUNT;
	raw = data[0] & 0x80;
	dir = fuzz_image__dir();
	if (!dir)
		return 0;
	if (kind == IMG_INVENTORY)
		snprintf(name, sizeof(name), "inventory.img");
	else if (kind == IMG_PAGES)
		snprintf(name, sizeof(name), "pages-1.img");
	else
		image__file_name(kind, 1, name, sizeof(name));
	if (raw) {
		flen = size - 1;
	} else {
		if (kind == IMG_PAGES)
			file = fuzz_image__frame_pages(data + 1, size - 1, size - 1, &flen);
		else
			file = fuzz_image__frame(kind, data + 1, size - 1, &flen);
		if (!file)
			return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!fuzz__write_file(path, file ? file : data + 1, flen) &&
	    (kind == IMG_INVENTORY || !image_file_fuzz_inventory(dir, kind, name, flen)))
		image_file_fuzz_read(dir, kind, name, data[0] & 0x40);
	free(file);
	return 0;
}
