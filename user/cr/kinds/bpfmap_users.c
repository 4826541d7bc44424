// SPDX-License-Identifier: GPL-2.0
/*
 * bpfmap_users.c - who else uses a BPF map of the dumped tree. Restore
 * makes a new map with the same entries; whoever else had the old one
 * keeps it, and from then on the two diverge without anyone being told:
 * a BPF program that reads or writes it (the usual case: a loader that
 * still runs, or a program attached and left in the kernel), a map of
 * maps holding it, a file pinning it in a bpf filesystem, a process
 * outside the tree with an fd on it. Dump refuses such a map, naming the
 * user, before it touches the tree.
 *
 * The machine's programs and maps are enumerated by id (BPF_*_GET_NEXT_ID),
 * the bpf filesystems of pidtrace's mount namespace walked (the tree is
 * in it: dump refuses another), and every process's fds read; only when
 * the tree has a map.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "bpfmap_users.h"
#include "escape.h"
#include "procfs.h"

#define MAX_PROG_MAPS 4096	/* more than a program can use (MAX_USED_MAPS is 64) */
#define MAX_PIN_DEPTH 16

static const struct bpfmap_held *find(const struct bpfmap_held *h, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h[i].id == id)
			return &h[i];
	return NULL;
}

/* Programs: the ids of the maps each one uses. */
static int scan_progs(const struct bpfmap_held *h, size_t n, const struct bpfmap_held **hit,
		      char *who, size_t len)
{
	struct bpf_prog_info info;
	uint32_t id = 0, ilen, i, *ids = NULL, nids;
	const struct bpfmap_held *x;
	int fd, err = 0;

	ids = calloc(MAX_PROG_MAPS, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	while (!err && !bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue; /* unloaded meanwhile */
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = MAX_PROG_MAPS;
		info.map_ids = (uint64_t)(uintptr_t)ids;
		ilen = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
			close(fd);
			continue;
		}
		close(fd);
		nids = info.nr_map_ids < MAX_PROG_MAPS ? info.nr_map_ids : MAX_PROG_MAPS;
		for (i = 0; i < nids; i++) {
			x = find(h, n, ids[i]);
			if (!x)
				continue;
			snprintf(who, len, "is used by BPF program %u (%s)", id,
				 escape__str(info.name[0] ? info.name : "no name"));
			*hit = x;
			err = 1;
			break;
		}
	}
	free(ids);
	return err;
}

/* Maps of maps: their values are the ids of the maps they hold. */
static int scan_outer_maps(const struct bpfmap_held *h, size_t n,
			   const struct bpfmap_held **hit, char *who, size_t len)
{
	struct bpf_map_info info;
	uint32_t id = 0, ilen, key[64], inner;
	const struct bpfmap_held *x;
	int fd, err = 0, first;

	while (!err && !bpf_map_get_next_id(id, &id)) {
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		ilen = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &ilen) ||
		    (info.type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
		     info.type != BPF_MAP_TYPE_HASH_OF_MAPS) ||
		    info.key_size > sizeof(key)) {
			close(fd);
			continue;
		}
		for (first = 1; !bpf_map_get_next_key(fd, first ? NULL : key, key); first = 0) {
			if (bpf_map_lookup_elem(fd, key, &inner) || !(x = find(h, n, inner)))
				continue;
			snprintf(who, len, "is held by map of maps %u", id);
			*hit = x;
			err = 1;
			break;
		}
		close(fd);
	}
	return err;
}

/* The map id of a bpf object file descriptor, 0 for another object. */
static uint32_t map_id_of(int fd)
{
	struct bpf_map_info info;
	char path[64], link[64];
	uint32_t ilen = sizeof(info);
	ssize_t l;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	l = readlink(path, link, sizeof(link) - 1);
	if (l <= 0)
		return 0;
	link[l] = '\0';
	if (strcmp(link, "anon_inode:bpf-map"))
		return 0;
	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &ilen) ? 0 : info.id;
}

static int walk_pins(const char *dir, int depth, const struct bpfmap_held *h, size_t n,
		     const struct bpfmap_held **hit, char *who, size_t len)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	int err = 0, fd;
	DIR *d;

	if (depth > MAX_PIN_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			err = walk_pins(path, depth + 1, h, n, hit, who, len);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		*hit = find(h, n, map_id_of(fd));
		close(fd);
		if (*hit) {
			snprintf(who, len, "is pinned at %s", escape__str(path));
			err = 1;
		}
	}
	closedir(d);
	return err;
}

/* Every bpf filesystem mounted (mountinfo: "... - bpf ..."). */
static int scan_pins(const struct bpfmap_held *h, size_t n, const struct bpfmap_held **hit,
		     char *who, size_t len)
{
	char line[4096], mnt[4096], *sep;
	int err = 0;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "bpf ", 4))
			continue;
		/* The fifth field: the mount point (spaces come as \040: none here). */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		err = walk_pins(mnt, 0, h, n, hit, who, len);
	}
	fclose(f);
	return err;
}

static bool in_tree(const pid_t *tree, size_t ntree, pid_t pid)
{
	size_t i;

	for (i = 0; i < ntree; i++)
		if (tree[i] == pid)
			return true;
	return false;
}

/* Processes outside the tree: their fds on maps, by fdinfo map_id. */
static int scan_procs(const struct bpfmap_held *h, size_t n, const pid_t *tree, size_t ntree,
		      const struct bpfmap_held **hit, char *who, size_t len)
{
	char path[64], link[64], *info = NULL;
	struct procfs_stat pst;
	struct dirent *pe, *de;
	pid_t self = getpid(), pid;
	uint64_t id;
	size_t ilen;
	DIR *proc, *d;
	ssize_t l;
	int err = 0;

	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (!err && (pe = readdir(proc))) {
		pid = atoi(pe->d_name);
		if (pid <= 0 || pid == self || in_tree(tree, ntree, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		d = opendir(path);
		if (!d)
			continue;
		while (!err && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			l = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
			if (l <= 0)
				continue;
			link[l] = '\0';
			if (strcmp(link, "anon_inode:bpf-map"))
				continue;
			snprintf(path, sizeof(path), "fdinfo/%d", atoi(de->d_name));
			if (procfs__read(pid, path, &info, &ilen))
				continue;
			if (!procfs__field_u64(info, "map_id:", 10, &id) &&
			    (*hit = find(h, n, (uint32_t)id))) {
				if (procfs__stat(pid, &pst))
					snprintf(pst.comm, sizeof(pst.comm), "?");
				snprintf(who, len, "is also held by pid %d (%s) fd %s, outside the dumped tree",
					 pid, escape__str(pst.comm), de->d_name);
				err = 1;
			}
			free(info);
			info = NULL;
		}
		closedir(d);
	}
	closedir(proc);
	return err;
}

int bpfmap_users__find(const struct bpfmap_held *h, size_t n, const pid_t *tree, size_t ntree,
		       const struct bpfmap_held **hit, char *who, size_t len)
{
	int err;

	*hit = NULL;
	if (!n)
		return 0;
	err = scan_progs(h, n, hit, who, len);
	if (!err)
		err = scan_outer_maps(h, n, hit, who, len);
	if (!err)
		err = scan_pins(h, n, hit, who, len);
	if (!err)
		err = scan_procs(h, n, tree, ntree, hit, who, len);
	return err;
}
