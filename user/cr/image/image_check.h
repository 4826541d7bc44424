/* SPDX-License-Identifier: GPL-2.0 */
/*
 * image_check.h - what the image checks share: the bounds, the error
 * macro and the helpers of image_check.c (inventory, task state, memory)
 * used by image_check_files.c (fds, pipes, pidfds). Internal to the image
 * module: its users call image__check_msg() (image.h).
 */
#ifndef PT_IMAGE_CHECK_H
#define PT_IMAGE_CHECK_H

#include <errno.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups.pb-c.h"
#include "files.pb-c.h"
#include "image_int.h"
#include "page.h"
#include "pidfds.pb-c.h"

#define PID_LIMIT 4194304U		/* PID_MAX_LIMIT on 64-bit */
#define USER_TOP (1ULL << 56)		/* above any user address, 5-level paging included */
#define VSYSCALL_START 0xffffffffff600000ULL
#define MAX_VMAS (1U << 20)		/* vm.max_map_count is 65530 by default */
#define MAX_FDS (1U << 20)		/* fs.nr_open's ceiling */
#define MAX_SIGINFO (1U << 20)
#define MAX_THREADS (1U << 22)		/* kernel.threads-max's ceiling */
#define MAX_NS_LEVELS 33		/* MAX_PID_NS_LEVEL + the root namespace */
#define MAX_XSTATE (64U * 1024)
#define MIN_XSTATE 576			/* legacy area + XSAVE header */
#define MAX_DELETED_BYTES (64ULL << 20)	/* the data a dump saves of a deleted file */
#define MAX_DELETED_SIZE (1ULL << 44)	/* its size, holes included (ext4's limit) */

/* One error, naming the file. */
#define bad(img, name, fmt, ...)                                              \
	({                                                                    \
		pr_err("%s/%s: " fmt, (img)->dir, (name), ##__VA_ARGS__);    \
		-EINVAL;                                                      \
	})

/* qsort/bsearch comparator of uint32_t. */
int image_check__cmp_u32(const void *a, const void *b);
/*
 * A uint64_t key (at @off in each of the @n messages @arr points to) that
 * appears twice. Return: 0 (none), 1 with @dup set, or -ENOMEM.
 */
int image_check__find_dup(const void *arr, size_t n, size_t stride, size_t off, uint64_t *dup);
/* A value the schema's enum knows (protobuf-c keeps unknown ones as they are). */
bool image_check__known(const ProtobufCEnumDescriptor *d, int value);

/* A deleted file's saved contents, in a mapping (@what "mapping") or an fd. */
int image_check__deleted_file(struct image *img, const char *n, const char *what, uint64_t at,
			      const DeletedFileEntry *d);

int image_check__files(struct image *img, const char *n, const FilesImage *fi);
int image_check__pipes(struct image *img, const char *n, const PipesImage *p);
int image_check__pidfds(struct image *img, const char *n, const PidfdsImage *p);
/* image_check_cgroups.c */
int image_check__cgroups(struct image *img, const char *n, const CgroupsImage *c);

#endif
