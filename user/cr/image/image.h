/* SPDX-License-Identifier: GPL-2.0 */
/*
 * image.h - the image directory: versioned, checksummed files.
 *
 * Every file starts with a 40-byte header: an 8-byte magic naming the kind
 * of file ("PTRCCORE", ...), the format version, the header size, the
 * payload size and the image id, 128 random bits made at dump and the same
 * in every file of one image: a file of another dump is refused by the
 * reader, even one of the same process. A metadata file is header + protobuf-c payload + crc32
 * (zlib) of both. A pages file has a 4096-byte header (crc32 of the data and
 * of the header inside it) so that its data stays page aligned and restore
 * can map it. The layout is in docs/image.md.
 *
 * Writing goes to DIR/.pidtrace-tmp-PID-START-XXXXXX (0700, files 0600);
 * commit writes inventory.img, which names every file, then renames the
 * files into DIR, inventory last: a directory without inventory.img is not
 * an image. Until commit nothing in DIR changes, and image__free() removes
 * the temporary directory; one left by a killed dump is removed by the next.
 *
 * Reading checks the directory and each file before trusting them: owned by
 * root (or the caller's uid) and writable by no one else, regular files
 * opened relative to the directory without following symbolic links, then
 * the framing, the checksum, and what the decoded message says (bounds,
 * order, overlaps, pages inside their pages file: "What the reader
 * guarantees" in docs/image.md). A caller of image__read() gets a message
 * it can act on without checking those again.
 *
 * Every error is printed once, naming the file ("DIR/mm-42.img: truncated
 * (expected 4096 bytes, got 100)") and returned as -errno.
 */
#ifndef PT_IMAGE_H
#define PT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "inventory.pb-c.h"

/*
 * 3: a child's pages still shared copy-on-write with its parent are stored
 * once, in the parent (vma_entry.cow): a reader of 2 would restore zeros.
 * 4: objects a reader of 3 would skip without a word and restore wrong:
 * namespaces joined rather than pidtrace's (inventory external_ns: it
 * would restore the tree in its own), the network lock (inventory netlock:
 * never lifted), a datagram socket's peer outside the tree (peer_name),
 * an inotify watch through a deleted file's fd (deleted_fd), nsfs fds,
 * a pty's unread bytes (pty_entry input, output: a reader of 3 drops them).
 * 5: a TCP socket closed by a reset (tcp_conn_entry reset_err): a reader
 * of 4 would restore it as closed by FINs, its pending error lost; the
 * controlling terminal device of a session (task_core ctty_dev); a net
 * namespace the tree made itself (inventory netns_made: a reader of 4
 * would make the tree in pidtrace's), tun fds (FD_TUN).
 * 6: firewall and conntrack entries of a net namespace made, the thread
 * and task state tools/procdiff found left as pidtrace's (docs/image.md).
 * 7: an fd's description made by O_TMPFILE (fd_entry.tmpfile): a reader
 * of 6 would restore it without __O_TMPFILE|O_DIRECTORY, not a word said.
 */
#define IMAGE_FORMAT_VERSION 7
#define IMAGE_PAGES_HDR_SIZE 4096

enum image_kind {
	IMG_INVENTORY,	/* inventory.img */
	IMG_CORE,	/* core-PID.img: TaskCore */
	IMG_MM,		/* mm-PID.img: MmImage */
	IMG_PAGEMAP,	/* pagemap-PID.img: PagemapImage */
	IMG_FILES,	/* files-PID.img: FilesImage */
	IMG_PIPES,	/* pipes.img: PipesImage */
	IMG_PIDFDS,	/* pidfds.img: PidfdsImage */
	IMG_SHMEM,	/* shmem.img: ShmemImage */
	IMG_PAGES,	/* pages-PID.img, pages-shmem.img: raw pages */
	IMG_CGROUPS,	/* cgroups.img: CgroupsImage (after PAGES: the fuzz seeds' numbers) */
	IMG_KIND_COUNT,
};

struct image;
struct image_pages;

/* "core", "mm", ... as in inventory_file.kind. */
const char *image__kind_name(enum image_kind kind);

/* The file name of a metadata kind ("core-42.img"; pid 0: "pipes.img"). */
void image__file_name(enum image_kind kind, uint32_t pid, char *buf, size_t len);

/**
 * image__create() - start writing an image into @dir.
 * @dir is created (mode 0700) if it does not exist. Temporary directories
 * that killed dumps left there are removed (a warning each).
 * Return: 0 or -errno, printed: "DIR: cannot write an image here: ...";
 * -EPERM when others than root could write @dir; -EBUSY when a running
 * dump is writing there.
 */
int image__create(const char *dir, struct image **out);

/**
 * image__write() - write one metadata file.
 * @pid: the task it describes, 0 for tree-wide files.
 * @msg: a message of the kind's type.
 * Return: 0 or -errno (ENOSPC and friends are printed naming the file).
 */
int image__write(struct image *img, enum image_kind kind, uint32_t pid,
		 const ProtobufCMessage *msg);

/**
 * image__pages_begin() - start a pages file.
 * @name: its file name ("pages-42.img").
 * @pid: the owner, recorded in the inventory (0 for shared objects).
 */
int image__pages_begin(struct image *img, const char *name, uint32_t pid,
		       struct image_pages **out);
/* Append @len bytes; @offset (may be NULL) gets their offset in the data. */
int image__pages_append(struct image_pages *p, const void *buf, size_t len, uint64_t *offset);
/*
 * Append @len bytes that are in the pipe @pipe_fd (splice(), no copy
 * through pidtrace), checksummed as they land; @offset as above. The pipe
 * must hold them all (a short pipe is an error, never a wait).
 */
int image__pages_splice(struct image_pages *p, int pipe_fd, size_t len, uint64_t *offset);
/* Bytes of data so far: the offset of the next append. */
uint64_t image__pages_size(const struct image_pages *p);
/* Write the header (size and checksums) and close; frees @p. */
int image__pages_finish(struct image_pages *p);
/* Close and free without finishing (the image is being abandoned). NULL ok. */
void image__pages_discard(struct image_pages *p);

/* Bytes written so far (all files). */
uint64_t image__bytes(const struct image *img);

/**
 * image__commit() - write @inv (its files list is filled in here) and move
 * everything into the image directory; an older image there (its inventory
 * and the files it names) is replaced.
 */
int image__commit(struct image *img, Inventory *inv);

/**
 * image__open() - open an image for reading: checks the directory (owner,
 * mode), reads and checks inventory.img (pids unique, file names that fit
 * their kind and pid, a core file for every pid) and that every file it
 * names is a regular file there, safe to read, with the size it says.
 */
int image__open(const char *dir, struct image **out);

const Inventory *image__inventory(const struct image *img);
const char *image__dir(const struct image *img);
/*
 * The image id as 32 hex digits. Return: false for a version 1 image, which
 * has none (@buf says "none (format version 1)").
 */
bool image__id_str(const struct image *img, char *buf, size_t len);

/**
 * image__read() - read, check, decode and validate one metadata file
 * (a pagemap is checked against its task's mm file and pages file too).
 * @out: the decoded message, to free with protobuf_c_message_free_unpacked().
 * Return: 0, -ENOENT if the inventory does not list it (not printed), or
 * -errno for a bad file (printed).
 */
int image__read(struct image *img, enum image_kind kind, uint32_t pid, ProtobufCMessage **out);

/**
 * image__pages_open() - open a pages file and check its header.
 * @fd: an O_RDONLY fd to close; @data_off: where the data starts (page
 * aligned); @size: data bytes. With @verify the data checksum is checked.
 */
int image__pages_open(struct image *img, const char *name, bool verify, int *fd,
		      uint64_t *data_off, uint64_t *size);

/**
 * image__pages_crc() - the crc32 of the data that the header of a pages
 * file records, for a reader that checks the data as it uses it (restore).
 * @fd: as image__pages_open() gave it (the header was checked then).
 * Return: 0 or -errno.
 */
int image__pages_crc(int fd, uint32_t *crc);

/**
 * image__leftovers() - what interrupted dumps left in the image directory.
 * @why: one sentence ("DIR/.pidtrace-tmp-...: left by a dump (pid 42) that
 * was killed..."), "" when nothing.
 * Return: 1 when there is something to say, else 0.
 */
int image__leftovers(struct image *img, char *why, size_t len);

/* Abandon (writer: remove the temporary directory) or close. Accepts NULL. */
void image__free(struct image *img);

#endif
