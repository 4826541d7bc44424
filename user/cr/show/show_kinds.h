/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show_kinds.h - how `pidtrace show` prints the objects of issue 8: the fd
 * kinds (unix sockets, eventfd, signalfd, timerfd, epoll, memfd, deleted
 * files), memfd objects, guard pages and timers (itimers, POSIX timers),
 * plain (show.c) and JSON (show_json.c; fields in docs/image.md).
 */
#ifndef PT_SHOW_KINDS_H
#define PT_SHOW_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "core.pb-c.h"
#include "files.pb-c.h"
#include "mm.pb-c.h"
#include "pagemap.pb-c.h"

/* "unix", "eventfd", "signalfd", "timerfd", "memfd", "deleted", "epoll"; "?" otherwise. */
const char *show_kinds__fd_type(FdType t);
/* The OBJECT column of an fd of those kinds. Return: false for other kinds. */
bool show_kinds__describe(const FdEntry *e, char *buf, size_t len);
/* Plain: the detail lines under an fd (an epoll's targets), none for most. */
void show_kinds__print_fd(const FdEntry *e);
/* Plain: a detail line under a VMA with guard pages; a memfd object; the timers. */
void show_kinds__print_vma(const VmaEntry *v);
void show_kinds__print_shmem(const ShmemObject *o, unsigned long pages);
void show_kinds__print_timers(const TaskCore *c);

/* JSON: the fields these objects add to an fd, a VMA, a shmem object, a task. */
void show_kinds__fd_json(const FdEntry *e, struct json_object *o);
/* A deleted file's times and data ranges (fd or mapping), into @k. */
void show_kinds__deleted_json(const DeletedFileEntry *d, struct json_object *k);
void show_kinds__vma_json(const VmaEntry *v, struct json_object *o);
void show_kinds__shmem_json(const ShmemObject *so, struct json_object *o);
void show_kinds__timers_json(const TaskCore *c, struct json_object *o);

#endif
