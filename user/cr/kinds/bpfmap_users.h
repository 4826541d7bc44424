/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_BPFMAP_USERS_H
#define PT_BPFMAP_USERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A map of the tree: its id, and a task and fd that hold it. */
struct bpfmap_held {
	uint32_t id;
	pid_t pid;
	int fd;
};

/*
 * bpfmap_users__find() - a user of one of the maps @h outside the tree
 * @tree: the tree's pids (their fds are not users).
 * @hit, @who: the map, and what uses it ("is used by BPF program 7 (name)").
 * Return: 1 when one was found, 0 when none, or -errno.
 */
int bpfmap_users__find(const struct bpfmap_held *h, size_t n, const pid_t *tree, size_t ntree,
		       const struct bpfmap_held **hit, char *who, size_t len);

#endif
