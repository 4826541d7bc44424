/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netns_make.h - make again, in the calling thread's new net namespace,
 * the links and addresses of a NetnsMade (netns.proto): tun/tap devices
 * (left persistent until the tree's fds attach: kind_tun.c), then every
 * link's MTU, queue length, MAC, group, alias and flags, then the
 * addresses. The routes, rules and sysctls of a namespace restore can
 * make are the kernel's own for those (dump checks so: dump_netmade.c).
 */
#ifndef PT_NETNS_MAKE_H
#define PT_NETNS_MAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "netns.pb-c.h"

/*
 * netns_make__apply() - make @m here, with each tun device's queues
 * attached (its disabled ones detached) on fds held for the tree
 * (netns_make__take), and the persistence dump did not see given up
 * through them. On failure the step and the error are in @err.
 * Return: 0 or -errno.
 */
int netns_make__apply(const NetnsMade *m, char *err, size_t len);
/* A queue of device @dev made by netns_make__apply(), detached or not,
 * now the caller's. Return: the fd, or -ENOENT when none is left. */
int netns_make__take(const char *dev, bool detached);
/* 1 and *@dev when a queue made was not taken, else 0. */
int netns_make__untaken(const char **dev);
/* Close the queues not taken. */
void netns_make__release(void);

/*
 * netns_make__tun() - a new /dev/net/tun fd attached to device @l
 * (TUNSETIFF with its flags; @nonpersist: its persistence given up
 * through it, as dump found the device), detached when @detached.
 * Return: the fd, or -errno (@err says which step).
 */
int netns_make__tun(const NetnsLink *l, bool detached, bool nonpersist, char *err, size_t len);

#endif
