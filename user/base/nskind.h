/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nskind.h - the namespaces a user may hand pidtrace as given rather than
 * made (dump --external-ns, restore --join-ns): their names as /proc/PID/ns
 * and the options spell them, and their CLONE_NEW* types. Both commands
 * index their per-kind state by this table's order.
 */
#ifndef PT_NSKIND_H
#define PT_NSKIND_H

#include <stddef.h>

struct nskind {
	const char *kind;	/* "net", "uts", "ipc" */
	int type;		/* CLONE_NEWNET... (NS_GET_NSTYPE answers it) */
};

#define NSKIND_COUNT 3
extern const struct nskind nskind__all[NSKIND_COUNT];

/* The index of the kind named by the @len bytes at @name, or -1. */
int nskind__index(const char *name, size_t len);

#endif
