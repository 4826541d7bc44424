/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix_cred.h - the calls that give a unix socket its peer
 * credentials (socketpair(), listen(), connect()), made in the restored
 * task the image names, with the image's effective uid and gid.
 */
#ifndef PT_RESTORE_UNIX_CRED_H
#define PT_RESTORE_UNIX_CRED_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "restore_ctx.h"

/* Whether the image gives @u peer credentials that restore makes (a pid). */
bool restore_unix_cred__known(const UnixSkEntry *u);

/*
 * restore_unix_cred__socketpair() - @sv: a new pair of unix sockets of
 * @type (close-on-exec in pidtrace) whose ends both name @as's peer
 * (restore_unix_cred__known(), else pidtrace makes it). A datagram socket
 * the image gives no peer credentials (pid 0) was connect()ed, not made
 * in a pair: @sv[0] is connected to @sv[1], a socket of an autobound name.
 * Return: 0 or -errno (said).
 */
int restore_unix_cred__socketpair(struct restore_ctx *ctx, const UnixSkEntry *as, int type,
				  int sv[2]);

/*
 * restore_unix_cred__socket() - a new unix socket of @type, close-on-exec:
 * for a datagram socket @as gives peer credentials (one made by
 * socketpair(), connected elsewhere since or bound), one end of a pair
 * made as that peer, its other end closed and itself disconnected.
 * Return: the fd, or -errno (the making's failures said).
 */
int restore_unix_cred__socket(struct restore_ctx *ctx, const UnixSkEntry *as, int type);

/*
 * restore_unix_cred__listen() - listen(@s, @backlog) so that @s, and every
 * client that connects to it next, names @as's peer.
 * Return: 0 or -errno of listen() (not said), or of the call's making (said).
 */
int restore_unix_cred__listen(struct restore_ctx *ctx, const UnixSkEntry *as, int s, int backlog);

/*
 * restore_unix_cred__connect() - connect(@s, @a, @alen) so that the socket
 * accepted for it names @as's peer (the accepted end's in the image).
 * Return: 0 or -errno of connect() (not said), or of the call's making (said).
 */
int restore_unix_cred__connect(struct restore_ctx *ctx, const UnixSkEntry *as, int s,
			       const struct sockaddr_un *a, socklen_t alen);

/*
 * restore_unix_cred__relisten() - every fd of the tree in place: each
 * listener of the tree (one description once) listens again as its own
 * image's peer, which clients connected since may have changed.
 * Return: 0 or -errno (said).
 */
int restore_unix_cred__relisten(struct restore_ctx *ctx);

#endif
