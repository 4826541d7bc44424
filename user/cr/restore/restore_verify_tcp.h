/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_verify_tcp.h - a restored TCP connection's state and shutdown
 * bits against the image (restore_verify_fds.c calls it per inet fd).
 */
#ifndef PT_RESTORE_VERIFY_TCP_H
#define PT_RESTORE_VERIFY_TCP_H

#include "files.pb-c.h"

struct verify;

/**
 * restore_verify_tcp__conn() - fd @e (its copy @s) if a TCP connection.
 * Return: 0, or -EIO with the difference named (restore_verify__str/num).
 */
int restore_verify_tcp__conn(struct verify *v, const FdEntry *e, int s);

#endif
