// SPDX-License-Identifier: GPL-2.0
/*
 * image_read.c - reading the image directory: every file checked (magic,
 * kind, version, size against the inventory and the header, checksum)
 * before it is decoded; each failure is one error naming the file.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "image_int.h"

static const char *kind_of_magic(const char *magic)
{
	int k;

	for (k = 0; k < IMG_KIND_COUNT; k++)
		if (!memcmp(magic, image__kinds[k].magic, 8))
			return image__kinds[k].name;
	return NULL;
}

/*
 * Check the header of an open image file against what the caller expects;
 * @expect_size 0: take the size from the header.
 */
static int check_file(const char *dir, const char *name, enum image_kind kind, int fd,
		      uint64_t expect_size, struct file_hdr *out)
{
	uint32_t hsize = kind == IMG_PAGES ? IMAGE_PAGES_HDR_SIZE : HDR_SIZE;
	uint64_t want, payload;
	struct file_hdr h;
	const char *other;
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if ((uint64_t)st.st_size < HDR_SIZE || image__read_all(fd, &h, HDR_SIZE, 0)) {
		img_err("%s/%s: truncated (expected at least %u bytes, got %lld)", dir, name,
		       HDR_SIZE, (long long)st.st_size);
		return -EINVAL;
	}
	if (memcmp(h.magic, MAGIC_PREFIX, 4)) {
		img_err("%s/%s: not a pidtrace image file (bad magic)", dir, name);
		return -EINVAL;
	}
	if (memcmp(h.magic, image__kinds[kind].magic, 8)) {
		other = kind_of_magic(h.magic);
		img_err("%s/%s: wrong kind of file: %s, expected %s", dir, name,
			other ? other : "unknown", image__kinds[kind].name);
		return -EINVAL;
	}
	if (le32toh(h.version) > IMAGE_FORMAT_VERSION) {
		img_err("%s/%s: format version %u is newer than this pidtrace reads (%u)", dir,
			name, le32toh(h.version), IMAGE_FORMAT_VERSION);
		return -EPROTO;
	}
	if (le32toh(h.version) == 0) {
		img_err("%s/%s: damaged header (format version 0)", dir, name);
		return -EINVAL;
	}
	payload = le64toh(h.payload_size);
	if (le32toh(h.hdr_size) != hsize || payload > (1ULL << 48)) {
		img_err("%s/%s: damaged header", dir, name);
		return -EINVAL;
	}
	want = hsize + payload + (kind == IMG_PAGES ? 0 : 4);
	if (expect_size && expect_size != want) {
		img_err("%s/%s: damaged header (inventory says %llu bytes, header %llu)", dir, name,
		       (unsigned long long)expect_size, (unsigned long long)want);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size != want) {
		img_err("%s/%s: %s (expected %llu bytes, got %lld)", dir, name,
		       (uint64_t)st.st_size < want ? "truncated" : "trailing data", (unsigned long long)want,
		       (long long)st.st_size);
		return -EINVAL;
	}
	*out = h;
	return 0;
}

static int open_in(const char *dir, const char *name, int *fd)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			img_err("%s/%s: missing", dir, name);
		else
			img_err("%s/%s: %s", dir, name, strerror(-err));
		return err;
	}
	return 0;
}

static int read_msg_file(const char *dir, const char *name, enum image_kind kind,
			 uint64_t expect_size, ProtobufCMessage **out)
{
	struct file_hdr h;
	uint8_t *buf = NULL;
	uint64_t plen;
	uint32_t crc;
	int fd, err;

	err = open_in(dir, name, &fd);
	if (err)
		return err;
	err = check_file(dir, name, kind, fd, expect_size, &h);
	if (err)
		goto out;
	plen = le64toh(h.payload_size);
	buf = malloc(HDR_SIZE + plen + 4);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	err = image__read_all(fd, buf, HDR_SIZE + plen + 4, 0);
	if (err) {
		img_err("%s/%s: cannot read: %s", dir, name, strerror(-err));
		goto out;
	}
	memcpy(&crc, buf + HDR_SIZE + plen, 4);
	if (le32toh(crc) != crc32(0, buf, HDR_SIZE + plen)) {
		img_err("%s/%s: checksum mismatch (the file is damaged)", dir, name);
		err = -EBADMSG;
		goto out;
	}
	*out = protobuf_c_message_unpack(image__kinds[kind].desc, NULL, plen, buf + HDR_SIZE);
	if (!*out) {
		img_err("%s/%s: cannot decode the %s record (damaged or foreign)", dir, name,
		       image__kinds[kind].name);
		err = -EBADMSG;
	}
out:
	free(buf);
	close(fd);
	return err;
}

static int check_listed_files(struct image *img)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < img->inv->n_files; i++) {
		const InventoryFile *f = img->inv->files[i];

		if (strchr(f->name, '/') || f->name[0] == '.') {
			img_err("%s/inventory.img: bad file name '%s'", img->dir, f->name);
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "%s/%s", img->dir, f->name);
		if (stat(path, &st)) {
			img_err("%s: %s", path, errno == ENOENT ? "missing" : strerror(errno));
			return -ENOENT;
		}
		if ((uint64_t)st.st_size != f->size) {
			img_err("%s: %s (expected %llu bytes, got %lld)", path,
			       (uint64_t)st.st_size < f->size ? "truncated" : "trailing data",
			       (unsigned long long)f->size, (long long)st.st_size);
			return -EINVAL;
		}
	}
	return 0;
}

int image__open(const char *dir, struct image **out)
{
	ProtobufCMessage *msg = NULL;
	char path[PATH_MAX];
	struct image *img;
	struct stat st;
	int err;

	if (stat(dir, &st)) {
		err = -errno;
		img_err("%s: %s", dir, strerror(-err));
		return err;
	}
	if (!S_ISDIR(st.st_mode)) {
		img_err("%s: not a directory", dir);
		return -ENOTDIR;
	}
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	img->dir = strdup(dir);
	if (!img->dir) {
		free(img);
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "%s/inventory.img", dir);
	if (access(path, F_OK) && errno == ENOENT) {
		img_err("%s: no image here (inventory.img is missing)", dir);
		image__free(img);
		return -ENOENT;
	}
	err = read_msg_file(dir, "inventory.img", IMG_INVENTORY, 0, &msg);
	if (err) {
		image__free(img);
		return err;
	}
	img->inv = (Inventory *)msg;
	err = check_listed_files(img);
	if (err) {
		image__free(img);
		return err;
	}
	*out = img;
	return 0;
}

const Inventory *image__inventory(const struct image *img)
{
	return img->inv;
}

const char *image__dir(const struct image *img)
{
	return img->dir;
}

static const InventoryFile *listed(const struct image *img, const char *name)
{
	size_t i;

	for (i = 0; i < img->inv->n_files; i++)
		if (!strcmp(img->inv->files[i]->name, name))
			return img->inv->files[i];
	return NULL;
}

int image__read(struct image *img, enum image_kind kind, uint32_t pid, ProtobufCMessage **out)
{
	const InventoryFile *f;
	char name[64];

	if (kind == IMG_PAGES || kind >= IMG_KIND_COUNT)
		return -EINVAL;
	image__file_name(kind, pid, name, sizeof(name));
	f = listed(img, name);
	if (!f)
		return -ENOENT;
	return read_msg_file(img->dir, name, kind, f->size, out);
}

int image__pages_open(struct image *img, const char *name, bool verify, int *fdp,
		      uint64_t *data_off, uint64_t *size)
{
	const InventoryFile *f = listed(img, name);
	uint8_t hdr[HDR_SIZE + 8], *buf = NULL;
	uint32_t crc, v;
	uint64_t len, off;
	int fd, err;

	if (!f) {
		img_err("%s/%s: not listed in the inventory", img->dir, name);
		return -ENOENT;
	}
	err = open_in(img->dir, name, &fd);
	if (err)
		return err;
	err = check_file(img->dir, name, IMG_PAGES, fd, f->size, (struct file_hdr *)hdr);
	if (!err)
		err = image__read_all(fd, hdr, sizeof(hdr), 0);
	if (err)
		goto fail;
	memcpy(&v, hdr + HDR_SIZE + 4, 4);
	if (le32toh(v) != crc32(0, hdr, HDR_SIZE + 4)) {
		img_err("%s/%s: checksum mismatch in the header (the file is damaged)", img->dir, name);
		err = -EBADMSG;
		goto fail;
	}
	len = le64toh(((struct file_hdr *)hdr)->payload_size);
	if (verify) {
		const size_t chunk = 1 << 20;

		buf = malloc(chunk);
		if (!buf) {
			err = -ENOMEM;
			goto fail;
		}
		crc = crc32(0, NULL, 0);
		for (off = 0; off < len; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk;

			err = image__read_all(fd, buf, n, IMAGE_PAGES_HDR_SIZE + off);
			if (err)
				goto fail;
			crc = crc32(crc, buf, n);
		}
		memcpy(&v, hdr + HDR_SIZE, 4);
		if (le32toh(v) != crc) {
			img_err("%s/%s: checksum mismatch (the file is damaged)", img->dir, name);
			err = -EBADMSG;
			goto fail;
		}
		free(buf);
	}
	*fdp = fd;
	*data_off = IMAGE_PAGES_HDR_SIZE;
	*size = len;
	return 0;
fail:
	free(buf);
	close(fd);
	return err;
}
