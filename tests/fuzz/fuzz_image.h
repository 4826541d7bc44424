/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_image.h - writing image files for the image harnesses: the framing
 * of docs/image.md (magic, version, sizes, image id, crc32), written here from the
 * document rather than with the writer, and a scratch image directory.
 *
 * Fuzzed payloads are framed with correct checksums (unless a harness asks
 * for the bytes as they are): otherwise almost every input would stop at
 * the checksum, and the decoders and checks behind it would never run.
 */
#ifndef PT_FUZZ_IMAGE_H
#define PT_FUZZ_IMAGE_H

#include <dirent.h>
#include <endian.h>
#include <limits.h>

#include <zlib.h>

#include "fuzz.h"
#include "image.h"

#define FUZZ_IMG_HDR 40

/*
 * The image id of every file the harnesses frame (and of the raw seeds,
 * see mkseeds.sh): one image, so that fuzzed inputs get past the id check.
 */
#define FUZZ_IMAGE_ID "pidtrace-fuzz-id"

static const char *const fuzz_image_magic[IMG_KIND_COUNT] = {
	[IMG_INVENTORY] = "PTRCINVT", [IMG_CORE] = "PTRCCORE",	 [IMG_MM] = "PTRCMMAP",
	[IMG_PAGEMAP] = "PTRCPGMP",   [IMG_FILES] = "PTRCFILE",	 [IMG_PIPES] = "PTRCPIPE",
	[IMG_PIDFDS] = "PTRCPFDS",    [IMG_SHMEM] = "PTRCSHMM", [IMG_PAGES] = "PTRCPAGE",
	[IMG_CGROUPS] = "PTRCCGRP",
};

static inline void fuzz_image__put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static inline void fuzz_image__put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static inline void fuzz_image__hdr(uint8_t *h, enum image_kind kind, uint32_t hsize, uint64_t len)
{
	memcpy(h, fuzz_image_magic[kind], 8);
	fuzz_image__put32(h + 8, IMAGE_FORMAT_VERSION);
	fuzz_image__put32(h + 12, hsize);
	fuzz_image__put64(h + 16, len);
	memcpy(h + 24, FUZZ_IMAGE_ID, 16);
}

/* A metadata file: header, @payload, crc32 of both. Free the result. */
static inline uint8_t *fuzz_image__frame(enum image_kind kind, const void *payload, size_t len,
					 size_t *out_len)
{
	uint8_t *buf = malloc(FUZZ_IMG_HDR + len + 4);

	if (!buf)
		return NULL;
	fuzz_image__hdr(buf, kind, FUZZ_IMG_HDR, len);
	if (len)
		memcpy(buf + FUZZ_IMG_HDR, payload, len);
	fuzz_image__put32(buf + FUZZ_IMG_HDR + len, crc32(0, buf, FUZZ_IMG_HDR + len));
	*out_len = FUZZ_IMG_HDR + len + 4;
	return buf;
}

/* A pages file of @data_len bytes of data that start with @prefix (zeros after). */
static inline uint8_t *fuzz_image__frame_pages(const void *prefix, size_t plen, size_t data_len,
					       size_t *out_len)
{
	uint8_t *buf = calloc(1, IMAGE_PAGES_HDR_SIZE + data_len);

	if (!buf)
		return NULL;
	if (plen > data_len)
		plen = data_len;
	if (plen)
		memcpy(buf + IMAGE_PAGES_HDR_SIZE, prefix, plen);
	fuzz_image__hdr(buf, IMG_PAGES, IMAGE_PAGES_HDR_SIZE, data_len);
	fuzz_image__put32(buf + FUZZ_IMG_HDR, crc32(0, buf + IMAGE_PAGES_HDR_SIZE, data_len));
	fuzz_image__put32(buf + FUZZ_IMG_HDR + 4, crc32(0, buf, FUZZ_IMG_HDR + 4));
	*out_len = IMAGE_PAGES_HDR_SIZE + data_len;
	return buf;
}

/* Pack @inv and write it, framed, as DIR/inventory.img. */
static inline int fuzz_image__write_inventory(const char *dir, const Inventory *inv)
{
	char path[PATH_MAX];
	size_t plen = inventory__get_packed_size(inv), flen;
	uint8_t *payload = malloc(plen ? plen : 1), *file;
	int err = -ENOMEM;

	if (!payload)
		return -ENOMEM;
	inventory__pack(inv, payload);
	file = fuzz_image__frame(IMG_INVENTORY, payload, plen, &flen);
	if (file) {
		snprintf(path, sizeof(path), "%s/inventory.img", dir);
		err = fuzz__write_file(path, file, flen);
	}
	free(file);
	free(payload);
	return err;
}

static char fuzz_image_dir_path[PATH_MAX];

static inline void fuzz_image__clear(void)
{
	char path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d = opendir(fuzz_image_dir_path);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", fuzz_image_dir_path, de->d_name);
		unlink(path);
	}
	closedir(d);
}

static inline void fuzz_image__remove_dir(void)
{
	fuzz_image__clear();
	rmdir(fuzz_image_dir_path);
}

/*
 * An empty scratch directory, the same for every input of the process
 * (under $FUZZ_TMPDIR, default /tmp), removed at exit.
 */
static inline const char *fuzz_image__dir(void)
{
	const char *base = getenv("FUZZ_TMPDIR");

	if (!fuzz_image_dir_path[0]) {
		snprintf(fuzz_image_dir_path, sizeof(fuzz_image_dir_path),
			 "%s/pidtrace-fuzz-img.XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(fuzz_image_dir_path)) {
			fuzz_image_dir_path[0] = '\0';
			return NULL;
		}
		atexit(fuzz_image__remove_dir);
	}
	fuzz_image__clear();
	return fuzz_image_dir_path;
}

#endif
