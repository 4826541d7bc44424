// SPDX-License-Identifier: GPL-2.0
/*
 * image.c - writing the image directory: framing, checksums, atomic commit
 * (see image.h and docs/image.md; reading is in image_read.c).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l/crc.h>
#include <zlib.h>

#include "core.pb-c.h"
#include "files.pb-c.h"
#include "cgroups.pb-c.h"
#include "fdio.h"
#include "image_int.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"
#include "pidfds.pb-c.h"
#include "testfault.h"


const struct kind_info image__kinds[IMG_KIND_COUNT] = {
	[IMG_INVENTORY] = { "inventory", "PTRCINVT", "inventory", &inventory__descriptor },
	[IMG_CORE] = { "core", "PTRCCORE", "core", &task_core__descriptor },
	[IMG_MM] = { "mm", "PTRCMMAP", "mm", &mm_image__descriptor },
	[IMG_PAGEMAP] = { "pagemap", "PTRCPGMP", "pagemap", &pagemap_image__descriptor },
	[IMG_FILES] = { "files", "PTRCFILE", "files", &files_image__descriptor },
	[IMG_PIPES] = { "pipes", "PTRCPIPE", "pipes", &pipes_image__descriptor },
	[IMG_PIDFDS] = { "pidfds", "PTRCPFDS", "pidfds", &pidfds_image__descriptor },
	[IMG_SHMEM] = { "shmem", "PTRCSHMM", "shmem", &shmem_image__descriptor },
	[IMG_CGROUPS] = { "cgroups", "PTRCCGRP", "cgroups", &cgroups_image__descriptor },
	[IMG_PAGES] = { "pages", "PTRCPAGE", "pages", NULL },
};

struct image_pages {
	struct image *img;
	char *name;
	uint32_t pid;
	int fd;
	uint64_t size;
	uint32_t crc;
	uint8_t *crc_buf;	/* image__pages_splice(): the pieces read back */
};

const char *image__kind_name(enum image_kind kind)
{
	return kind < IMG_KIND_COUNT ? image__kinds[kind].name : "?";
}

void image__file_name(enum image_kind kind, uint32_t pid, char *buf, size_t len)
{
	if (pid)
		snprintf(buf, len, "%s-%u.img", image__kinds[kind].file, pid);
	else
		snprintf(buf, len, "%s.img", image__kinds[kind].file);
}

static void fill_hdr(const struct image *img, struct file_hdr *h, enum image_kind kind,
		     uint32_t hdr_size, uint64_t payload)
{
	memcpy(h->magic, image__kinds[kind].magic, 8);
	h->version = htole32(IMAGE_FORMAT_VERSION);
	h->hdr_size = htole32(hdr_size);
	h->payload_size = htole64(payload);
	memcpy(h->image_id, img->id, IMAGE_ID_SIZE);
}

void image__id_hex(const uint8_t id[IMAGE_ID_SIZE], char *buf)
{
	int i;

	for (i = 0; i < IMAGE_ID_SIZE; i++)
		snprintf(buf + 2 * i, 3, "%02x", id[i]);
}

int image__read_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

/* ---- writing ---- */

/* DIR for writing: created if missing, refused if others could write it. */
static int open_dir_for_writing(struct image *img)
{
	struct stat st;
	int err;

	if (mkdir(img->dir, 0700) == 0)
		img->created_dir = true;
	else if (errno != EEXIST)
		goto fail;
	img->dirfd = open(img->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img->dirfd < 0)
		goto fail;
	if (fstat(img->dirfd, &st))
		goto fail;
	/* An image written there could be altered before it is read back. */
	return image__check_owner(img->dir, "", &st);
fail:
	err = -errno;
	if (err == -ENOTDIR)
		pr_err("%s: not a directory", img->dir);
	else
		pr_err("%s: cannot write an image here: %s", img->dir, strerror(-err));
	return err;
}

struct image *image__alloc(const char *dir)
{
	struct image *img = calloc(1, sizeof(*img));

	if (!img)
		return NULL;
	img->dirfd = img->tmpfd = -1;
	img->dir = strdup(dir);
	if (!img->dir) {
		free(img);
		return NULL;
	}
	return img;
}

int image__create(const char *dir, struct image **out)
{
	struct image *img;
	int err;

	img = image__alloc(dir);
	if (!img)
		return -ENOMEM;
	/*
	 * The id binds the files of this image together: a file of another
	 * dump (of the same process, even) is refused by the reader.
	 */
	if (getrandom(img->id, sizeof(img->id), 0) != sizeof(img->id)) {
		err = -errno;
		pr_err("%s: cannot make an image id: %s", dir, strerror(-err));
		image__free(img);
		return err;
	}
	img->version = IMAGE_FORMAT_VERSION;
	err = open_dir_for_writing(img);
	/* Clean what killed dumps left; refuse to race a live one. */
	if (!err)
		err = image__tmp_scan(img, true, NULL, 0);
	if (!err)
		err = image__tmp_create(img);
	if (err) {
		image__free(img);
		return err;
	}
	*out = img;
	return 0;
}

static int record_file(struct image *img, const char *name, enum image_kind kind, uint32_t pid,
		       uint64_t size)
{
	InventoryFile **files, *f;

	files = realloc(img->files, (img->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	img->files = files;
	f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	inventory_file__init(f);
	f->name = strdup(name);
	f->kind = strdup(image__kinds[kind].name);
	if (!f->name || !f->kind) {
		inventory_file__free_unpacked(f, NULL);
		return -ENOMEM;
	}
	if (pid) {
		f->has_pid = true;
		f->pid = pid;
	}
	f->size = size;
	img->files[img->nfiles++] = f;
	return 0;
}

static int create_file(struct image *img, const char *name, int *fd)
{
	int err;

	/* Read too: a pages file's spliced data is checksummed from its page cache. */
	*fd = openat(img->tmpfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0) {
		err = -errno;
		pr_err("%s/%s: cannot create: %s", img->dir, name, strerror(-err));
		return err;
	}
	return 0;
}

static int write_msg(struct image *img, enum image_kind kind, const char *name,
		     const ProtobufCMessage *msg, uint64_t *size)
{
	size_t plen = protobuf_c_message_get_packed_size(msg);
	size_t total = HDR_SIZE + plen + 4;
	uint8_t *buf;
	uint32_t crc;
	int fd = -1, err;

	if (msg->descriptor != image__kinds[kind].desc)
		return -EINVAL;
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	fill_hdr(img, (struct file_hdr *)buf, kind, HDR_SIZE, plen);
	protobuf_c_message_pack(msg, buf + HDR_SIZE);
	crc = htole32(crc32(0, buf, HDR_SIZE + plen));
	memcpy(buf + HDR_SIZE + plen, &crc, 4);
	err = create_file(img, name, &fd);
	if (err)
		goto out;
	err = fdio__write_all(fd, buf, total);
	if (!err && close(fd))
		err = -errno;
	else if (err)
		close(fd);
	if (err)
		pr_err("%s/%s: cannot write: %s", img->dir, name, strerror(-err));
	*size = total;
	img->bytes += total;
out:
	free(buf);
	return err;
}

int image__write(struct image *img, enum image_kind kind, uint32_t pid,
		 const ProtobufCMessage *msg)
{
	char name[64];
	uint64_t size;
	int err;

	if (kind == IMG_INVENTORY || kind == IMG_PAGES || kind >= IMG_KIND_COUNT)
		return -EINVAL;
	image__file_name(kind, pid, name, sizeof(name));
	err = write_msg(img, kind, name, msg, &size);
	if (err)
		return err;
	return record_file(img, name, kind, pid, size);
}

int image__pages_begin(struct image *img, const char *name, uint32_t pid,
		       struct image_pages **out)
{
	static const uint8_t zero[IMAGE_PAGES_HDR_SIZE];
	struct image_pages *p;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->img = img;
	p->pid = pid;
	p->fd = -1;
	p->name = strdup(name);
	if (!p->name) {
		free(p);
		return -ENOMEM;
	}
	err = create_file(img, name, &p->fd);
	/* The header is written last, once size and checksum are known. */
	if (!err) {
		err = fdio__write_all(p->fd, zero, sizeof(zero));
		if (err) {
			pr_err("%s/%s: cannot write: %s", img->dir, name, strerror(-err));
			close(p->fd);
		}
	}
	if (err) {
		free(p->name);
		free(p);
		return err;
	}
	img->bytes += sizeof(zero);
	p->crc = crc32(0, NULL, 0);
	*out = p;
	return 0;
}

int image__pages_append(struct image_pages *p, const void *buf, size_t len, uint64_t *offset)
{
	int err;

	if (offset)
		*offset = p->size;
	err = fdio__write_all(p->fd, buf, len);
	if (err) {
		pr_err("%s/%s: cannot write: %s", p->img->dir, p->name, strerror(-err));
		return err;
	}
	/* ISA-L: zlib's crc32 at ~3x its speed, the page data is most of a dump. */
	p->crc = crc32_gzip_refl(p->crc, buf, len);
	p->size += len;
	p->img->bytes += len;
	return 0;
}

/*
 * Each piece of at most SPLICE_CRC_BYTES is checksummed right after it is
 * spliced, read back from the file's pages while they are in the CPU's
 * cache (copypath "splicel2", docs/PERFORMANCE.md round five). pread()
 * into a buffer of 1 MiB costs less than mapping the pages (mmap,
 * MADV_POPULATE_READ, munmap were 14% of a 256 MiB dump; round six).
 */
#define SPLICE_CRC_BYTES (1UL << 20)

int image__pages_splice(struct image_pages *p, int pipe_fd, size_t len, uint64_t *offset)
{
	uint64_t at = IMAGE_PAGES_HDR_SIZE + p->size;
	size_t piece, done, left;
	ssize_t n;
	int err = 0;

	if (offset)
		*offset = p->size;
	for (done = 0; !err && done < len; done += piece) {
		piece = len - done < SPLICE_CRC_BYTES ? len - done : SPLICE_CRC_BYTES;
		for (left = piece; left; left -= n) {
			n = splice(pipe_fd, NULL, p->fd, NULL, left, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n <= 0) {
				err = n ? -errno : -EIO;
				goto fail;
			}
		}
		/* One more copy, but from the cache: cheaper than mapping the pages. */
		if (!p->crc_buf && !(p->crc_buf = malloc(SPLICE_CRC_BYTES))) {
			err = -ENOMEM;
			goto fail;
		}
		n = pread(p->fd, p->crc_buf, piece, at + done);
		if (n != (ssize_t)piece) {
			err = n < 0 ? -errno : -EIO;
			goto fail;
		}
		p->crc = crc32_gzip_refl(p->crc, p->crc_buf, piece);
		p->size += piece;
		p->img->bytes += piece;
	}
	return 0;
fail:
	pr_err("%s/%s: cannot write: %s", p->img->dir, p->name, strerror(-err));
	return err;
}

uint64_t image__pages_size(const struct image_pages *p)
{
	return p->size;
}

int image__pages_finish(struct image_pages *p)
{
	uint8_t hdr[HDR_SIZE + 8];
	uint32_t v;
	int err;

	fill_hdr(p->img, (struct file_hdr *)hdr, IMG_PAGES, IMAGE_PAGES_HDR_SIZE, p->size);
	v = htole32(p->crc);
	memcpy(hdr + HDR_SIZE, &v, 4);
	v = htole32(crc32(0, hdr, HDR_SIZE + 4));
	memcpy(hdr + HDR_SIZE + 4, &v, 4);
	err = pwrite(p->fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) ? 0 : -(errno ?: EIO);
	if (close(p->fd) && !err)
		err = -errno;
	if (err)
		pr_err("%s/%s: cannot write: %s", p->img->dir, p->name, strerror(-err));
	else
		err = record_file(p->img, p->name, IMG_PAGES, p->pid, IMAGE_PAGES_HDR_SIZE + p->size);
	free(p->crc_buf);
	free(p->name);
	free(p);
	return err;
}

void image__pages_discard(struct image_pages *p)
{
	if (!p)
		return;
	close(p->fd);
	free(p->crc_buf);
	free(p->name);
	free(p);
}

uint64_t image__bytes(const struct image *img)
{
	return img->bytes;
}

/* Remove the image an earlier dump left in @dir, inventory first. */
static void remove_old_image(struct image *img)
{
	struct log_sink *quiet;
	Inventory *old = NULL;
	struct image *rd;
	struct stat st;
	size_t i;

	if (fstatat(img->dirfd, "inventory.img", &st, AT_SYMLINK_NOFOLLOW))
		return;
	/* A damaged old image is not our problem: read it quietly. */
	quiet = log__sink(&(struct log_sink){ 0 });
	if (!image__open(img->dir, &rd)) {
		old = rd->inv;
		rd->inv = NULL;
		image__free(rd);
	}
	log__sink(quiet);
	unlinkat(img->dirfd, "inventory.img", 0);
	for (i = 0; old && i < old->n_files; i++) {
		if (strchr(old->files[i]->name, '/') || old->files[i]->name[0] == '.')
			continue;
		unlinkat(img->dirfd, old->files[i]->name, 0);
	}
	if (old)
		inventory__free_unpacked(old, NULL);
}

int image__commit(struct image *img, Inventory *inv)
{
	uint64_t size;
	size_t i;
	int err;

	inv->format_version = IMAGE_FORMAT_VERSION;
	inv->n_files = img->nfiles;
	inv->files = img->files;
	err = write_msg(img, IMG_INVENTORY, "inventory.img", &inv->base, &size);
	/* The files list stays ours: the caller frees @inv without it. */
	inv->n_files = 0;
	inv->files = NULL;
	if (err)
		return err;
	if (testfault__point("commit-write")) {
		pr_err("test fault at commit-write");
		return -EIO;
	}
	/*
	 * From here until inventory.img is in place DIR holds no image: a dump
	 * killed meanwhile leaves none (and its temporary directory, which the
	 * next dump removes), never a mix of two.
	 */
	remove_old_image(img);
	for (i = 0; i <= img->nfiles; i++) {
		const char *name = i < img->nfiles ? img->files[i]->name : "inventory.img";

		if (i == img->nfiles / 2 && testfault__point("commit-rename")) {
			pr_err("test fault at commit-rename");
			err = -EIO;
		}
		if (!err && renameat(img->tmpfd, name, img->dirfd, name)) {
			err = -errno;
			pr_err("%s: cannot move %s into place: %s", img->dir, name, strerror(-err));
		}
		if (err) {
			/* Not an image without its inventory: take back what was moved. */
			while (i-- > 0)
				unlinkat(img->dirfd, img->files[i]->name, 0);
			return err;
		}
	}
	img->committed = true;
	image__tmp_remove(img);
	return 0;
}

void image__free(struct image *img)
{
	size_t i;

	if (!img)
		return;
	if (img->tmp && !img->committed)
		image__tmp_remove(img);
	if (img->tmpfd >= 0)
		close(img->tmpfd);
	if (img->dirfd >= 0)
		close(img->dirfd);
	if (img->created_dir && !img->committed)
		rmdir(img->dir);
	for (i = 0; i < img->nfiles; i++)
		inventory_file__free_unpacked(img->files[i], NULL);
	free(img->files);
	free(img->sorted);
	if (img->inv)
		inventory__free_unpacked(img->inv, NULL);
	free(img->tmp);
	free(img->dir);
	free(img);
}
