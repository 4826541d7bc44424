/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usym_dwfl.h - the libdwfl side of usym.c: a Dwfl made from a running
 * process's /proc/PID/maps, or from files recorded where they were mapped
 * (a snapshot), and where an address is in one. usym.c decides which view
 * to use and how long to keep it; this module only makes and reads them.
 */
#ifndef PT_USYM_DWFL_H
#define PT_USYM_DWFL_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "usym.h"

/* Where a file was mapped when the snapshot was taken. */
struct usym_mod {
	uint64_t base; /* address of the mapping of file offset 0 */
	uint64_t ino;  /* to notice a file replaced since */
	char *path;
};

int usym_dwfl__live(pid_t pid, Dwfl **out);
int usym_dwfl__files(pid_t pid, const struct usym_mod *mods, size_t nr_mods, Dwfl **out);
int usym_dwfl__lookup(Dwfl *d, uint64_t addr, struct usym_loc *out);
void usym_dwfl__inlines(Dwfl_Module *mod, uint64_t addr, struct usym_loc *out);

#endif
