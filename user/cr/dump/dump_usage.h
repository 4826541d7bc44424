/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_DUMP_USAGE_H
#define PT_DUMP_USAGE_H

#include <stdio.h>

/* dump_usage__print() - print `pidtrace dump --help` to @f. */
void dump_usage__print(FILE *f);

#endif
