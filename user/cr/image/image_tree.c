// SPDX-License-Identifier: GPL-2.0
/* image_tree.c - the tree's files of an image, read once (see image_tree.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image_tree.h"
#include "log.h"

static int read_one(struct image *img, enum image_kind kind, uint32_t pid, bool required,
		    void *out)
{
	char name[64];
	int err = image__read(img, kind, pid, (ProtobufCMessage **)out);

	if (err == -ENOENT && required) {
		image__file_name(kind, pid, name, sizeof(name));
		pr_err("%s: the inventory does not list %s", image__dir(img), name);
		return -EINVAL;
	}
	return err == -ENOENT ? 0 : err;
}

int image_tree__load(struct image *img, struct image_tree *t)
{
	struct image_task *k;
	size_t i;
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->img = img;
	t->inv = image__inventory(img);
	t->tasks = calloc(t->inv->n_pids + 1, sizeof(*t->tasks));
	if (!t->tasks)
		return -ENOMEM;
	for (i = 0; !err && i < t->inv->n_pids; i++) {
		k = &t->tasks[t->ntasks++];
		k->pid = t->inv->pids[i];
		err = read_one(img, IMG_CORE, k->pid, true, &k->core);
		if (err || k->core->state == TASK_STATE__TASK_ZOMBIE)
			continue;
		err = read_one(img, IMG_MM, k->pid, true, &k->mm);
		if (!err)
			err = read_one(img, IMG_PAGEMAP, k->pid, true, &k->pagemap);
		if (!err)
			err = read_one(img, IMG_FILES, k->pid, true, &k->files);
	}
	if (!err)
		err = read_one(img, IMG_PIPES, 0, false, &t->pipes);
	if (!err)
		err = read_one(img, IMG_PIDFDS, 0, false, &t->pidfds);
	if (!err)
		err = read_one(img, IMG_SHMEM, 0, false, &t->shmem);
	if (!err)
		err = read_one(img, IMG_CGROUPS, 0, false, &t->cgroups);
	return err;
}

void image_tree__free(struct image_tree *t)
{
	size_t i;

	for (i = 0; i < t->ntasks; i++) {
		if (t->tasks[i].core)
			task_core__free_unpacked(t->tasks[i].core, NULL);
		if (t->tasks[i].mm)
			mm_image__free_unpacked(t->tasks[i].mm, NULL);
		if (t->tasks[i].pagemap)
			pagemap_image__free_unpacked(t->tasks[i].pagemap, NULL);
		if (t->tasks[i].files)
			files_image__free_unpacked(t->tasks[i].files, NULL);
	}
	free(t->tasks);
	if (t->pipes)
		pipes_image__free_unpacked(t->pipes, NULL);
	if (t->pidfds)
		pidfds_image__free_unpacked(t->pidfds, NULL);
	if (t->shmem)
		shmem_image__free_unpacked(t->shmem, NULL);
	if (t->cgroups)
		cgroups_image__free_unpacked(t->cgroups, NULL);
	memset(t, 0, sizeof(*t));
}
