/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksyms_cache.h - the per-boot cache of the core kernel's symbols, for
 * ksyms.c.
 *
 * Reading /proc/kallsyms costs ~40 ms of CPU (the kernel formats ~120k
 * lines) and 35-300 ms of wall time, and every pidtrace process that
 * names a kernel stack paid it. The core kernel's symbols cannot change
 * until the next boot, so the first process keeps their lines in
 * /run/pidtrace/kallsyms-BOOT_ID and the next ones read that (~5 ms).
 * Modules and BPF programs come and go: their lines are not kept, and
 * ksyms.c loads the full table for an address outside the core.
 *
 * Trust: the directory and the file must be the caller's (root's) and
 * writable by nobody else, the file a regular one (not followed through a
 * link); it is used only while its first line is also the first line of
 * /proc/kallsyms, read live (a page of the kernel's work), which keeps
 * hidden addresses hidden (kptr_restrict zeroes that line).
 * PIDTRACE_KSYMS_CACHE_DIR names another directory (tests), "off" none.
 */
#ifndef PT_KSYMS_CACHE_H
#define PT_KSYMS_CACHE_H

#include <stddef.h>

/* The cache's path for this boot. Return: 0, -ENOENT (no cache to use). */
int ksyms_cache__path(char *buf, size_t len);
/*
 * The cached text (malloc'd, NUL after @len bytes) if it can be trusted
 * and belongs to the running kernel; NULL otherwise (said in debug).
 */
char *ksyms_cache__read(const char *path, size_t *len);
/* Keep the core kernel's lines of @text (@len bytes of /proc/kallsyms) in @path. */
void ksyms_cache__store(const char *path, const char *text, size_t len);

#endif
