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
#include <sys/stat.h>
#include <sys/types.h>

#include "image.h"
#include "log.h"

/*
 * The header's fields. Version 2 added the image id; version 1 files (24
 * bytes of fields, no id) are still read, see docs/image.md.
 */
#define HDR_SIZE 40
#define HDR_SIZE_V1 24
#define IMAGE_ID_SIZE 16
#define MAGIC_PREFIX "PTRC"

/* On disk, little endian. */
struct file_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;
	uint64_t payload_size;
	uint8_t image_id[IMAGE_ID_SIZE];	/* version >= 2: the same in every file of an image */
};
_Static_assert(sizeof(struct file_hdr) == HDR_SIZE, "file header size");

/* Bytes of header fields in a file of format @version (the crc32s of a pages file follow them). */
static inline uint32_t image__hdr_fields(uint32_t version)
{
	return version >= 2 ? HDR_SIZE : HDR_SIZE_V1;
}

struct kind_info {
	const char *name;
	const char *magic;
	const char *file;	/* file name prefix */
	const ProtobufCMessageDescriptor *desc;
};

extern const struct kind_info image__kinds[IMG_KIND_COUNT];

/*
 * Every file operation goes through @dirfd (and the writer's @tmpfd) with
 * openat()/renameat()/unlinkat(): what was checked when the directory was
 * opened (owner, mode) is what is used, whatever happens to the path.
 */
struct image {
	char *dir;
	int dirfd;
	char *tmp;		/* writer: name of the temporary directory in @dir */
	int tmpfd;		/* writer: the temporary directory */
	bool created_dir;	/* writer: we made @dir, so abandoning removes it */
	bool committed;
	InventoryFile **files;	/* writer: what commit lists */
	size_t nfiles;
	uint64_t bytes;
	/*
	 * Writer: made at image__create(), written into every file. Reader:
	 * the inventory's, which every other file must carry (@version 1: none).
	 */
	uint8_t id[IMAGE_ID_SIZE];
	uint32_t version;
	Inventory *inv;		/* reader */
	InventoryFile **sorted;	/* reader: inv->files by name */
	size_t nsorted;
};

/* Temporary directories: TMP_PREFIX "PID-STARTTIME-XXXXXX" (the writer's). */
#define TMP_PREFIX ".pidtrace-tmp-"

/* pread() exactly @len bytes at @off; -ENODATA at end of file. */
int image__read_all(int fd, void *buf, size_t len, off_t off);

/*
 * image_read.c: refuse a directory (@fd, printed as @dir) or a file in it
 * that someone other than root (or our own uid) could have written.
 * @what: "" for the directory, else the file name. Printed; -EPERM.
 */
int image__check_owner(const char *dir, const char *what, const struct stat *st);

/* image_check.c: what the reader guarantees beyond framing (image.h). */
int image__check_inventory(struct image *img);
int image__check_msg(struct image *img, enum image_kind kind, uint32_t pid,
		     const ProtobufCMessage *msg);
/* The inventory entry of file @name, or NULL. */
const InventoryFile *image__listed(const struct image *img, const char *name);

/* image_tmp.c: temporary directories of the writer, and stale ones. */
int image__tmp_create(struct image *img);
void image__tmp_remove(struct image *img);
/*
 * Look for temporary directories other dumps left in @img's directory.
 * @clean: remove those whose dump is dead (said in a warning each).
 * Return: 0; -EBUSY when a live dump is writing there (printed when @clean);
 * with @why (may be NULL) describing the first one found ("" if none).
 */
int image__tmp_scan(struct image *img, bool clean, char *why, size_t len);

/* @id as 32 hex digits into @buf (33 bytes). */
void image__id_hex(const uint8_t id[IMAGE_ID_SIZE], char *buf);

/* A new struct image for @dir, nothing opened yet. Return: NULL on ENOMEM. */
struct image *image__alloc(const char *dir);

#endif
