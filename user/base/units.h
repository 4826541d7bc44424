/* SPDX-License-Identifier: GPL-2.0 */
/*
 * units.h - sizes as people read them, the same in every command.
 */
#ifndef PT_UNITS_H
#define PT_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "512 B", "4.0 KiB", "1.5 MiB", "3.2 GiB": IEC units, one decimal. */
void units__bytes(uint64_t b, char *buf, size_t len);

#endif
