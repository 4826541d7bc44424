/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rlimits.h - pidtrace's own RLIMIT_NOFILE: raised to the hard limit at the
 * start of dump and restore, and the number of fds restore may hold.
 */
#ifndef PT_RLIMITS_H
#define PT_RLIMITS_H

#include <stdint.h>

/* Soft RLIMIT_NOFILE := hard. Return: 0 or -errno. */
int rlimits__raise_nofile(void);

/* The most fds pidtrace can hold: its hard limit, at most fs.nr_open. */
uint64_t rlimits__nofile_max(void);

/* "NOFILE" for RLIMIT_NOFILE..., "?" for a resource it does not know. */
const char *rlimits__name(unsigned int res);

#endif
