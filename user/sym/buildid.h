/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buildid.h - where to find a file by its GNU build id: user stack frames
 * come as (build id, file offset) from the BPF side, so that a killer
 * that exits right after its kill can still be named down to function and
 * file:line. Files are found by build id among the files the caller
 * registered (its own mappings, the binaries the traced tree ran).
 */
#ifndef PT_BUILDID_H
#define PT_BUILDID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct buildid_cache;

struct buildid_cache *buildid__new(void);
void buildid__free(struct buildid_cache *bc);
/*
 * The GNU build id of the ELF file open at @fd, zero-padded to 20 bytes.
 * Return: 0, -ENODATA (none), -ENOEXEC (not ELF).
 */
int buildid__read_fd(int fd, uint8_t id[20]);
/* Remember ELF file @path under its GNU build id. Return: 0, -ENODATA (none) or -errno. */
int buildid__add_file(struct buildid_cache *bc, const char *path);
/* Remember every ELF file mapped by @pid (0: pidtrace itself). Return: files added or -errno. */
int buildid__add_maps(struct buildid_cache *bc, pid_t pid);
/*
 * The path of the registered file with build id @id (20 bytes, shorter ids
 * zero-padded), NULL when none has it. symobj.h opens it, and checks that
 * it still has that id.
 */
const char *buildid__path(const struct buildid_cache *bc, const uint8_t id[20]);

#endif
