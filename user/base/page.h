/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page.h - the page size. pidtrace runs on x86-64 with 4 KiB pages: the
 * image records it (inventory page_size) and the reader refuses another.
 */
#ifndef PT_PAGE_H
#define PT_PAGE_H

#define PAGE 4096UL

#endif
