// SPDX-License-Identifier: GPL-2.0
/*
 * image_read.c - reading the image directory: the directory and every file
 * checked (owner and mode, never a symbolic link, magic, kind, version,
 * size against the inventory and the header, checksum) before it is
 * decoded, then what it says checked too (image_check.c); each failure is
 * one error naming the file.
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

#include <isa-l/crc.h>
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
 * pidtrace runs as root and trusts what an image says (addresses, paths,
 * credentials): an image anyone else could have written is refused, be it
 * through the directory (mode or owner) or a file in it.
 */
int image__check_owner(const char *dir, const char *what, const struct stat *st)
{
	const char *sep = *what ? "/" : "";

	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		img_err("%s%s%s: owned by uid %u: an image must belong to root", dir, sep, what,
			(unsigned int)st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		img_err("%s%s%s: writable by other users (mode %04o): an image there could be altered by them",
			dir, sep, what, (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
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
	if (le32toh(h.hdr_size) != hsize) {
		img_err("%s/%s: damaged header (header size %u, expected %u)", dir, name,
			le32toh(h.hdr_size), hsize);
		return -EINVAL;
	}
	/* Compared with the real size below; bounded first so the sum cannot wrap. */
	if (payload > (1ULL << 48) || (kind == IMG_PAGES && payload % IMAGE_PAGES_HDR_SIZE)) {
		img_err("%s/%s: damaged header (impossible data size %llu)", dir, name,
			(unsigned long long)payload);
		return -EINVAL;
	}
	want = hsize + payload + (kind == IMG_PAGES ? 0 : 4);
	/* The file against its own header first: a cut file says "truncated". */
	if ((uint64_t)st.st_size != want) {
		img_err("%s/%s: %s (expected %llu bytes, got %lld)", dir, name,
		       (uint64_t)st.st_size < want ? "truncated" : "trailing data", (unsigned long long)want,
		       (long long)st.st_size);
		return -EINVAL;
	}
	if (expect_size && expect_size != want) {
		img_err("%s/%s: damaged header (inventory says %llu bytes, header %llu)", dir, name,
		       (unsigned long long)expect_size, (unsigned long long)want);
		return -EINVAL;
	}
	*out = h;
	return 0;
}

/* A regular file of the directory itself, opened without following links. */
static int open_in(const struct image *img, const char *name, int *fd)
{
	struct stat st;
	int err;

	*fd = openat(img->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			img_err("%s/%s: missing", img->dir, name);
		else if (err == -ELOOP)
			img_err("%s/%s: a symbolic link: image files are never followed out of the directory",
				img->dir, name);
		else
			img_err("%s/%s: %s", img->dir, name, strerror(-err));
		return err;
	}
	err = fstat(*fd, &st) ? -errno : 0;
	if (!err && !S_ISREG(st.st_mode)) {
		img_err("%s/%s: not a regular file", img->dir, name);
		err = -EINVAL;
	}
	if (!err)
		err = image__check_owner(img->dir, name, &st);
	if (err) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

static int read_msg_file(struct image *img, const char *name, enum image_kind kind,
			 uint64_t expect_size, ProtobufCMessage **out)
{
	const char *dir = img->dir;
	struct file_hdr h;
	uint8_t *buf = NULL;
	uint64_t plen;
	uint32_t crc;
	int fd, err;

	err = open_in(img, name, &fd);
	if (err)
		return err;
	err = check_file(dir, name, kind, fd, expect_size, &h);
	if (err)
		goto out;
	plen = le64toh(h.payload_size);
	buf = malloc(HDR_SIZE + plen + 4);
	if (!buf) {
		img_err("%s/%s: %llu bytes: too large to read", dir, name,
			(unsigned long long)plen);
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
	struct stat st;
	size_t i;
	int err;

	for (i = 0; i < img->inv->n_files; i++) {
		const InventoryFile *f = img->inv->files[i];

		if (fstatat(img->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW)) {
			img_err("%s/%s: %s", img->dir, f->name,
				errno == ENOENT ? "missing" : strerror(errno));
			return -ENOENT;
		}
		if (S_ISLNK(st.st_mode)) {
			img_err("%s/%s: a symbolic link: image files are never followed out of the directory",
				img->dir, f->name);
			return -ELOOP;
		}
		if (!S_ISREG(st.st_mode)) {
			img_err("%s/%s: not a regular file", img->dir, f->name);
			return -EINVAL;
		}
		err = image__check_owner(img->dir, f->name, &st);
		if (err)
			return err;
		if ((uint64_t)st.st_size != f->size) {
			img_err("%s/%s: %s (expected %llu bytes, got %lld)", img->dir, f->name,
			       (uint64_t)st.st_size < f->size ? "truncated" : "trailing data",
			       (unsigned long long)f->size, (long long)st.st_size);
			return -EINVAL;
		}
	}
	return 0;
}

/* DIR itself: a directory only root (or we) can write. */
static int open_dir(struct image *img)
{
	struct stat st;
	int err;

	img->dirfd = open(img->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img->dirfd < 0) {
		err = -errno;
		if (err == -ENOTDIR)
			img_err("%s: not a directory", img->dir);
		else
			img_err("%s: %s", img->dir, strerror(-err));
		return err;
	}
	if (fstat(img->dirfd, &st))
		return -errno;
	return image__check_owner(img->dir, "", &st);
}

int image__open(const char *dir, struct image **out)
{
	ProtobufCMessage *msg = NULL;
	struct image *img;
	char why[512];
	struct stat st;
	int err;

	img = image__alloc(dir);
	if (!img)
		return -ENOMEM;
	err = open_dir(img);
	if (err)
		goto fail;
	if (fstatat(img->dirfd, "inventory.img", &st, AT_SYMLINK_NOFOLLOW) && errno == ENOENT) {
		/* Say so when an interrupted dump is why. */
		image__tmp_scan(img, false, why, sizeof(why));
		img_err("%s: no image here (inventory.img is missing%s%s)", dir, *why ? "; " : "",
			why);
		err = -ENOENT;
		goto fail;
	}
	err = read_msg_file(img, "inventory.img", IMG_INVENTORY, 0, &msg);
	if (err)
		goto fail;
	img->inv = (Inventory *)msg;
	err = image__check_inventory(img);
	if (!err)
		err = check_listed_files(img);
	if (err)
		goto fail;
	*out = img;
	return 0;
fail:
	image__free(img);
	return err;
}

const Inventory *image__inventory(const struct image *img)
{
	return img->inv;
}

const char *image__dir(const struct image *img)
{
	return img->dir;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, (*(InventoryFile *const *)elem)->name);
}

const InventoryFile *image__listed(const struct image *img, const char *name)
{
	InventoryFile **f;

	if (!img->sorted)
		return NULL;
	f = bsearch(name, img->sorted, img->nsorted, sizeof(*img->sorted), cmp_name);
	return f ? *f : NULL;
}

int image__read(struct image *img, enum image_kind kind, uint32_t pid, ProtobufCMessage **out)
{
	const InventoryFile *f;
	char name[64];
	int err;

	if (kind == IMG_PAGES || kind >= IMG_KIND_COUNT)
		return -EINVAL;
	image__file_name(kind, pid, name, sizeof(name));
	f = image__listed(img, name);
	if (!f)
		return -ENOENT;
	err = read_msg_file(img, name, kind, f->size, out);
	if (err)
		return err;
	err = image__check_msg(img, kind, pid, *out);
	if (err) {
		protobuf_c_message_free_unpacked(*out, NULL);
		*out = NULL;
		return err;
	}
	return 0;
}

int image__pages_open(struct image *img, const char *name, bool verify, int *fdp,
		      uint64_t *data_off, uint64_t *size)
{
	const InventoryFile *f = image__listed(img, name);
	uint8_t hdr[HDR_SIZE + 8], *buf = NULL;
	uint32_t crc, v;
	uint64_t len, off;
	int fd, err;

	if (!f || strcmp(f->kind, "pages")) {
		img_err("%s/%s: not listed in the inventory as a pages file", img->dir, name);
		return -ENOENT;
	}
	err = open_in(img, name, &fd);
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
			if (err) {
				img_err("%s/%s: cannot read: %s", img->dir, name, strerror(-err));
				goto fail;
			}
			crc = crc32_gzip_refl(crc, buf, n);
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

int image__pages_crc(int fd, uint32_t *crc)
{
	uint32_t v;
	int err;

	/* The data checksum follows the 24-byte header (docs/image.md). */
	err = image__read_all(fd, &v, sizeof(v), HDR_SIZE);
	if (err)
		return err;
	*crc = le32toh(v);
	return 0;
}
