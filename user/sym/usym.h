/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usym.h - user-space addresses of a process as "func+0x12 (file.c:42)
 * [module]", with elfutils' libdwfl.
 *
 * One Dwfl (the process's modules) is cached per pid. A killer often exits
 * before its event is read: a tracer that calls usym__snapshot() when a
 * process it tracks is created or execs can still symbolize it afterwards,
 * from the files that were mapped, as long as they still exist.
 *
 * Not thread-safe: one thread (the tracer's event loop) owns a usym.
 * Paths are opened as the caller sees them: a process in another mount
 * namespace (a container) resolves only where its files have the same path.
 */
#ifndef PT_USYM_H
#define PT_USYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Inlined functions kept per address. C code rarely nests inlining deeper
 * than three or four; beyond this the innermost are kept, the outer
 * inlined ones left out (inl_cut), and the symbol's own frame keeps its
 * true line.
 */
#define USYM_MAX_INLINE 8

/* An inlined function at an address, and the line of it the address is in. */
struct usym_inline {
	int line;	/* 0 when DWARF does not say */
	char func[128]; /* its name (DW_AT_abstract_origin's DW_AT_name) */
	char file[256];
};

/*
 * Where a user address is. Empty strings and line 0 mean unknown.
 * With DWARF, code inlined at the address makes a chain: inl[0] is the
 * innermost inlined function (the address's own line), inl[k + 1] the one
 * inl[k] was inlined into (at the line of the call), and func/file/line
 * the symbol they were all inlined into, at the line of the call of the
 * outermost (as "addr2line -i" prints them). Without inlining nr_inl is 0
 * and file/line are the address's own line.
 */
struct usym_loc {
	uint64_t addr;
	uint64_t offset;    /* addr - start of func */
	int line;	    /* source line, 0 without DWARF line info */
	bool from_snapshot; /* the process was gone: resolved from a snapshot */
	bool inl_cut;	    /* more than USYM_MAX_INLINE: outer inlined ones left out */
	int nr_inl;
	char func[128];	    /* symbol containing addr */
	char module[256];   /* path of the mapped file holding addr */
	char file[256];	    /* source file: relative to the compilation directory
			     * when inside it, else as DWARF names it */
	struct usym_inline inl[USYM_MAX_INLINE]; /* innermost first */
};

struct usym;

struct usym *usym__new(void);
void usym__free(struct usym *u);
int usym__snapshot(struct usym *u, pid_t pid);
int usym__snapshot_maps(struct usym *u, pid_t pid, uint64_t start_time, FILE *maps);
int usym__resolve(struct usym *u, pid_t pid, uint64_t addr, struct usym_loc *out);
void usym__forget(struct usym *u, pid_t pid);
int usym__format(const struct usym_loc *loc, char *buf, size_t len);
const char *usym__src_name(const char *file);
int usym__format_inline(const struct usym_loc *loc, int k, char *buf, size_t len);

#endif
