/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show.h - `pidtrace show`: an image decoded and checked, then printed for
 * a human (show.c) or as one JSON document (show_json.c, docs/image.md).
 */
#ifndef PT_SHOW_H
#define PT_SHOW_H

#include <stdint.h>
#include <stdio.h>

#include "cgroups.pb-c.h"
#include "core.pb-c.h"
#include "files.pb-c.h"
#include "image.h"
#include "image_tree.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"
#include "pidfds.pb-c.h"

struct json_object;

/* "anon-private", "file-shared", "vdso"... */
const char *show__vma_kind(VmaKind k);
/* "alive-in-tree", "alive-outside", "zombie", "reaped" */
const char *show__pidfd_state(PidfdState s);
/* "O_RDWR|O_NONBLOCK" */
void show__open_flags(uint32_t flags, char *buf, size_t len);
/* "NOFILE" */
const char *show__rlimit_name(uint32_t res);
/* The pidfd target entry of pidfs inode @ino, or NULL. */
const PidfdTargetEntry *show__pidfd_target(const struct image_tree *s, uint64_t ino);
/* Pages stored for shared memory object @shmid. */
uint64_t show__shmem_pages(const struct image_tree *s, uint64_t shmid);

void show_json__print(const struct image_tree *s, FILE *f);
/* Every register by name; a queued signal (for show_threads.c). */
struct json_object *show_json__regs(const UserRegs *r);
struct json_object *show_json__siginfo(const SiginfoEntry *e);
struct json_object *show_json__sigaltstack(const SigaltstackEntry *s);
/* Credentials: uids, gids, groups, capabilities... (a task's, a thread's own). */
struct json_object *show_json__creds(const TaskCreds *c);
/* A pidfd target: state, pids by namespace, exit, holders. */
struct json_object *show_json__pidfd(const PidfdTargetEntry *p);

#endif
