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
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l/crc.h>
#include <zlib.h>

#include "image_int.h"

static int kind_of_name(const char *name)
{
	int k;

	for (k = 0; k < IMG_KIND_COUNT; k++)
		if (!strcmp(name, image__kinds[k].name))
			return k;
	return -1;
}

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
		pr_err("%s%s%s: owned by uid %u: an image must belong to root", dir, sep, what,
			(unsigned int)st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		pr_err("%s%s%s: writable by other users (mode %04o): an image there could be altered by them",
			dir, sep, what, (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/*
 * A file of another dump, or an image id damaged in place: the checksum
 * tells which (it covers the header), so the error names the right one.
 * Return: true when the file's own checksum holds.
 */
static bool header_sound(int fd, enum image_kind kind, const struct file_hdr *h, uint64_t size)
{
	uint32_t fields = image__hdr_fields(le32toh(h->version));
	uint64_t len = kind == IMG_PAGES ? fields + 4 : size - 4;
	uint8_t *buf;
	uint32_t crc;
	bool ok;

	if (size < fields + 4 || len > (64u << 20))
		return false;
	buf = malloc(len + 4);
	if (!buf)
		return true;	/* cannot tell: say what the id says */
	ok = !image__read_all(fd, buf, len + 4, 0);
	memcpy(&crc, buf + len, 4);
	ok = ok && le32toh(crc) == crc32(0, buf, len);
	free(buf);
	return ok;
}

/*
 * The image id of a file against the inventory's: a file of another dump
 * (two dumps of one process look alike) must not be taken for this one's.
 */
static int check_id(const struct image *img, const char *name, enum image_kind kind, int fd,
		    const struct file_hdr *h, uint64_t size)
{
	char got[2 * IMAGE_ID_SIZE + 1], want[2 * IMAGE_ID_SIZE + 1];
	uint32_t version = le32toh(h->version);

	if (version == img->version && (version < 2 || !memcmp(h->image_id, img->id, IMAGE_ID_SIZE)))
		return 0;
	if (!header_sound(fd, kind, h, size)) {
		pr_err("%s/%s: checksum mismatch%s (the file is damaged)", img->dir, name,
			kind == IMG_PAGES ? " in the header" : "");
		return -EBADMSG;
	}
	if (version < 2 || img->version < 2) {
		pr_err("%s/%s: belongs to another dump (format version %u, inventory has %u)",
			img->dir, name, version, img->version);
		return -ESTALE;
	}
	image__id_hex(h->image_id, got);
	image__id_hex(img->id, want);
	pr_err("%s/%s: belongs to another dump (image id %s, inventory has %s)", img->dir, name,
		got, want);
	return -ESTALE;
}

/*
 * Check the header of an open image file against what the caller expects;
 * @expect_size 0: take the size from the header. The inventory's header
 * gives the image its format version and id, which every other file must
 * carry.
 */
static int check_file(struct image *img, const char *name, enum image_kind kind, int fd,
		      uint64_t expect_size, struct file_hdr *out)
{
	const char *dir = img->dir;
	uint32_t hsize, version, fields;
	uint64_t want, payload;
	size_t n;
	struct file_hdr h;
	const char *other;
	struct stat st;
	int err;

	if (fstat(fd, &st))
		return -errno;
	memset(&h, 0, sizeof(h));
	/* Magic and version first: they say how long the header is. */
	n = (uint64_t)st.st_size < HDR_SIZE_V1 ? (size_t)st.st_size : HDR_SIZE_V1;
	if (n < offsetof(struct file_hdr, hdr_size) || image__read_all(fd, &h, n, 0)) {
		pr_err("%s/%s: truncated (expected at least %u bytes, got %lld)", dir, name,
		       HDR_SIZE, (long long)st.st_size);
		return -EINVAL;
	}
	if (memcmp(h.magic, MAGIC_PREFIX, 4)) {
		pr_err("%s/%s: not a pidtrace image file (bad magic)", dir, name);
		return -EINVAL;
	}
	if (memcmp(h.magic, image__kinds[kind].magic, 8)) {
		other = kind_of_magic(h.magic);
		pr_err("%s/%s: wrong kind of file: %s, expected %s", dir, name,
			other ? other : "unknown", image__kinds[kind].name);
		return -EINVAL;
	}
	version = le32toh(h.version);
	if (version > IMAGE_FORMAT_VERSION) {
		pr_err("%s/%s: format version %u is newer than this pidtrace reads (%u)", dir,
			name, version, IMAGE_FORMAT_VERSION);
		return -EPROTO;
	}
	if (version == 0) {
		pr_err("%s/%s: damaged header (format version 0)", dir, name);
		return -EINVAL;
	}
	fields = image__hdr_fields(version);
	if ((uint64_t)st.st_size < fields || (fields > n && image__read_all(fd, &h, fields, 0))) {
		pr_err("%s/%s: truncated (expected at least %u bytes, got %lld)", dir, name,
		       fields, (long long)st.st_size);
		return -EINVAL;
	}
	hsize = kind == IMG_PAGES ? IMAGE_PAGES_HDR_SIZE : image__hdr_fields(version);
	payload = le64toh(h.payload_size);
	if (le32toh(h.hdr_size) != hsize) {
		pr_err("%s/%s: damaged header (header size %u, expected %u)", dir, name,
			le32toh(h.hdr_size), hsize);
		return -EINVAL;
	}
	if (kind == IMG_INVENTORY) {
		img->version = version;
		memcpy(img->id, h.image_id, IMAGE_ID_SIZE);
	} else {
		err = check_id(img, name, kind, fd, &h, st.st_size);
		if (err)
			return err;
	}
	/* Compared with the real size below; bounded first so the sum cannot wrap. */
	if (payload > (1ULL << 48) || (kind == IMG_PAGES && payload % IMAGE_PAGES_HDR_SIZE)) {
		pr_err("%s/%s: damaged header (impossible data size %llu)", dir, name,
			(unsigned long long)payload);
		return -EINVAL;
	}
	want = hsize + payload + (kind == IMG_PAGES ? 0 : 4);
	/* The file against its own header first: a cut file says "truncated". */
	if ((uint64_t)st.st_size != want) {
		pr_err("%s/%s: %s (expected %llu bytes, got %lld)", dir, name,
		       (uint64_t)st.st_size < want ? "truncated" : "trailing data", (unsigned long long)want,
		       (long long)st.st_size);
		return -EINVAL;
	}
	if (expect_size && expect_size != want) {
		pr_err("%s/%s: damaged header (inventory says %llu bytes, header %llu)", dir, name,
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
		/*
		 * Listed in the inventory but gone: a damaged image, not the
		 * -ENOENT of a file the image does not have (image__read()).
		 */
		if (err == -ENOENT) {
			pr_err("%s/%s: missing", img->dir, name);
			err = -EINVAL;
		} else if (err == -ELOOP) {
			pr_err("%s/%s: a symbolic link: image files are never followed out of the directory",
			       img->dir, name);
		} else {
			pr_err("%s/%s: %s", img->dir, name, strerror(-err));
		}
		return err;
	}
	err = fstat(*fd, &st) ? -errno : 0;
	if (!err && !S_ISREG(st.st_mode)) {
		pr_err("%s/%s: not a regular file", img->dir, name);
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
	uint32_t crc, hsize;
	int fd, err;

	err = open_in(img, name, &fd);
	if (err)
		return err;
	err = check_file(img, name, kind, fd, expect_size, &h);
	if (err)
		goto out;
	plen = le64toh(h.payload_size);
	hsize = le32toh(h.hdr_size);
	buf = malloc(hsize + plen + 4);
	if (!buf) {
		pr_err("%s/%s: %llu bytes: too large to read", dir, name,
			(unsigned long long)plen);
		err = -ENOMEM;
		goto out;
	}
	err = image__read_all(fd, buf, hsize + plen + 4, 0);
	if (err) {
		pr_err("%s/%s: cannot read: %s", dir, name, strerror(-err));
		goto out;
	}
	memcpy(&crc, buf + hsize + plen, 4);
	if (le32toh(crc) != crc32(0, buf, hsize + plen)) {
		pr_err("%s/%s: checksum mismatch (the file is damaged)", dir, name);
		err = -EBADMSG;
		goto out;
	}
	*out = protobuf_c_message_unpack(image__kinds[kind].desc, NULL, plen, buf + hsize);
	if (!*out) {
		pr_err("%s/%s: cannot decode the %s record (damaged or foreign)", dir, name,
		       image__kinds[kind].name);
		err = -EBADMSG;
	}
out:
	free(buf);
	close(fd);
	return err;
}

/*
 * Every listed file: there, a regular file safe to read, of this dump (its
 * image id; before any of them is decoded), of the size the inventory says.
 */
static int check_listed_files(struct image *img)
{
	struct file_hdr h;
	struct stat st;
	size_t i;
	int fd, err;

	for (i = 0; i < img->inv->n_files; i++) {
		const InventoryFile *f = img->inv->files[i];
		int kind = kind_of_name(f->kind);

		err = open_in(img, f->name, &fd);
		if (err)
			return err;
		err = fstat(fd, &st) ? -errno : 0;
		/*
		 * A header this reader understands, of a kind it knows, that
		 * carries another image id: the file of another dump. Anything
		 * else wrong with the header is said when the file is read.
		 */
		if (!err && kind >= 0 && (uint64_t)st.st_size >= HDR_SIZE &&
		    !image__read_all(fd, &h, HDR_SIZE, 0) &&
		    !memcmp(h.magic, image__kinds[kind].magic, 8) &&
		    le32toh(h.version) >= 1 && le32toh(h.version) <= IMAGE_FORMAT_VERSION)
			err = check_id(img, f->name, kind, fd, &h, st.st_size);
		close(fd);
		if (err)
			return err;
		if ((uint64_t)st.st_size != f->size) {
			pr_err("%s/%s: %s (expected %llu bytes, got %lld)", img->dir, f->name,
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
			pr_err("%s: not a directory", img->dir);
		else
			pr_err("%s: %s", img->dir, strerror(-err));
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
		pr_err("%s: no image here (inventory.img is missing%s%s)", dir, *why ? "; " : "",
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

bool image__id_str(const struct image *img, char *buf, size_t len)
{
	char hex[2 * IMAGE_ID_SIZE + 1];

	if (img->version < 2) {
		snprintf(buf, len, "none (format version %u)", img->version);
		return false;
	}
	image__id_hex(img->id, hex);
	snprintf(buf, len, "%s", hex);
	return true;
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
	uint32_t crc, v, fields;
	uint64_t len, off;
	int fd, err;

	if (!f || strcmp(f->kind, "pages")) {
		pr_err("%s/%s: not listed in the inventory as a pages file", img->dir, name);
		return -ENOENT;
	}
	err = open_in(img, name, &fd);
	if (err)
		return err;
	err = check_file(img, name, IMG_PAGES, fd, f->size, (struct file_hdr *)hdr);
	fields = image__hdr_fields(img->version);
	if (!err)
		err = image__read_all(fd, hdr, fields + 8, 0);
	if (err)
		goto fail;
	memcpy(&v, hdr + fields + 4, 4);
	if (le32toh(v) != crc32(0, hdr, fields + 4)) {
		pr_err("%s/%s: checksum mismatch in the header (the file is damaged)", img->dir, name);
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
				pr_err("%s/%s: cannot read: %s", img->dir, name, strerror(-err));
				goto fail;
			}
			crc = crc32_gzip_refl(crc, buf, n);
		}
		memcpy(&v, hdr + fields, 4);
		if (le32toh(v) != crc) {
			pr_err("%s/%s: checksum mismatch (the file is damaged)", img->dir, name);
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
	struct file_hdr h;
	uint32_t v;
	int err;

	/* The data checksum follows the header's fields (docs/image.md). */
	err = image__read_all(fd, &h, HDR_SIZE_V1, 0);
	if (!err)
		err = image__read_all(fd, &v, sizeof(v), image__hdr_fields(le32toh(h.version)));
	if (err)
		return err;
	*crc = le32toh(v);
	return 0;
}
