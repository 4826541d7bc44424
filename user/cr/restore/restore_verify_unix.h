/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_verify_unix.h - a restored unix socket's name and peer,
 * compared with the image (restore_verify_fds.c calls it per socket).
 */
#ifndef PT_RESTORE_VERIFY_UNIX_H
#define PT_RESTORE_VERIFY_UNIX_H

#include "restore_verify.h"

/*
 * restore_verify_unix__names() - socket @s (a copy of fd @e of the task
 * under verification) has @e's name, is connected exactly when @e was,
 * to a peer of the name the image gives it.
 * Return: 0, or -EIO after naming the difference.
 */
int restore_verify_unix__names(struct verify *v, const FdEntry *e, int s);

/*
 * restore_verify_unix__peercred() - socket @s names the peer @e does
 * (SO_PEERCRED: the pid, as the tree sees it, effective uid and gid of
 * whoever made it, restore_unix_cred.c). Nothing when the image has none.
 * Return: 0, or -EIO after naming the difference.
 */
int restore_verify_unix__peercred(struct verify *v, const FdEntry *e, int s);

#endif
