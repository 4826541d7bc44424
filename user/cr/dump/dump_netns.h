/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_netns.h - `dump --external-ns KIND[:PATH]`: a net, uts or ipc
 * namespace the user says will exist at restore (dump_netns.c).
 */
#ifndef PT_DUMP_NETNS_H
#define PT_DUMP_NETNS_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "inventory.pb-c.h"

/* --external-ns @arg. Return: 0, or -EINVAL after saying why in one line. */
int dump_netns__add(const char *arg);
/* Was namespace kind @kind ("net", "mnt"...) given as external. */
bool dump_netns__external(const char *kind);
/*
 * Task @pid is in namespace @its of external kind @kind: it must be the
 * one the option named (no path: the first task's, the root's). Return:
 * 0, or -EOPNOTSUPP after saying why (a tree split across namespaces).
 */
int dump_netns__check(pid_t pid, const char *kind, const struct stat *its);
/*
 * Once every task is checked: pidtrace's main thread joins the external
 * net namespace, so that what dump reads of the tree's sockets
 * (sock_diag, /proc/net, new sockets for the defaults, the TCP lock) is
 * that namespace's. Return: 0 or -errno (said).
 */
int dump_netns__enter(pid_t root);

/* Join the net namespace of @root (net:[@ino], for the error line). Return: 0 or -errno. */
int dump_netns__join_root(pid_t root, unsigned long ino);
/*
 * After dump_netns__enter(): whether `--network-lock netns` may lock the
 * tree's net namespace (external, and not pidtrace's own). Return: 0, or
 * -EINVAL / -EOPNOTSUPP after saying why in one line.
 */
int dump_netns__lockable(void);
/* The external namespaces into @inv (static storage: nothing to free). */
void dump_netns__inventory(Inventory *inv);

#endif
