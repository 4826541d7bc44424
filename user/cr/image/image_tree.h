/* SPDX-License-Identifier: GPL-2.0 */
/*
 * image_tree.h - every file of an image that describes the tree, read and
 * checked in one place for `pidtrace show` and `pidtrace restore` alike:
 * each task's core, memory map, page map and fd table (a zombie has only
 * its core), then the tree's pipes, pidfd targets, shared memory and
 * cgroups. The page data itself stays in its files (image__pages_open()).
 */
#ifndef PT_IMAGE_TREE_H
#define PT_IMAGE_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "cgroups.pb-c.h"
#include "core.pb-c.h"
#include "files.pb-c.h"
#include "image.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"
#include "pidfds.pb-c.h"

struct image_task {
	uint32_t pid;
	TaskCore *core;
	MmImage *mm;		/* NULL for zombies */
	PagemapImage *pagemap;	/* NULL for zombies */
	FilesImage *files;	/* NULL for zombies */
};

struct image_tree {
	struct image *img;
	const Inventory *inv;
	struct image_task *tasks;	/* in inventory order */
	size_t ntasks;
	PipesImage *pipes;		/* each NULL when the image has none */
	PidfdsImage *pidfds;
	ShmemImage *shmem;
	CgroupsImage *cgroups;
};

/*
 * Read every file of the tree from @img into @t (@img stays the caller's).
 * A file the inventory must list and does not is damage: said, -EINVAL;
 * what the reader refuses it says (docs/errors.md). On failure @t holds
 * what was read so far: image_tree__free() it all the same.
 */
int image_tree__load(struct image *img, struct image_tree *t);
/* Free what image_tree__load() read (not the image). */
void image_tree__free(struct image_tree *t);

#endif
