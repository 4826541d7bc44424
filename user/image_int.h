/* SPDX-License-Identifier: GPL-2.0 */
/*
 * image_int.h - what image.c (writing) and image_read.c (reading) share:
 * the file header, the table of kinds and the image handle. Not for users
 * of the image module: they include image.h.
 */
#ifndef PT_IMAGE_INT_H
#define PT_IMAGE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image.h"
#include "log.h"

#define HDR_SIZE 24
#define MAGIC_PREFIX "PTRC"

/* On disk, little endian. */
struct file_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;
	uint64_t payload_size;
};
_Static_assert(sizeof(struct file_hdr) == HDR_SIZE, "file header size");

struct kind_info {
	const char *name;
	const char *magic;
	const char *file;	/* file name prefix */
	const ProtobufCMessageDescriptor *desc;
};

extern const struct kind_info image__kinds[IMG_KIND_COUNT];

struct image {
	char *dir;
	char *tmp;		/* writer: the temporary directory */
	bool created_dir;	/* writer: we made @dir, so abandoning removes it */
	bool committed;
	InventoryFile **files;	/* writer: what commit lists */
	size_t nfiles;
	uint64_t bytes;
	Inventory *inv;		/* reader */
};

/* Reading an older image only to replace it must not print its problems. */
extern bool image__quiet;
#define img_err(fmt, ...)                                  \
	do {                                               \
		if (!image__quiet)                         \
			pr_err(fmt, ##__VA_ARGS__);        \
	} while (0)

/* pread() exactly @len bytes at @off; -ENODATA at end of file. */
int image__read_all(int fd, void *buf, size_t len, off_t off);

#endif
