/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_unix_ghost.h - names of unix sockets whose socket file was
 * removed: bound at their path, the file moved aside for the restore and
 * removed once every socket is made (restore_unix.c calls these).
 */
#ifndef PT_RESTORE_UNIX_GHOST_H
#define PT_RESTORE_UNIX_GHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

struct unix_ghosts;

/*
 * Before binding @path: make the directories missing above it, and move a
 * socket file at @path that @mine says this restore made to @aside (""
 * when none). Return: 0, -errno.
 */
int restore_unix_ghost__prepare(struct unix_ghosts **g, const char *path,
				bool (*mine)(void *arg, const struct stat *st), void *arg,
				char *aside, size_t len);

/*
 * Once socket @sk_ino (the image's) is bound at path @bound: move its file
 * to a name of its own, put into @a, and what prepare moved aside back.
 * Return: 0, -errno (the file made at @bound removed).
 */
int restore_unix_ghost__park(struct unix_ghosts **g, uint64_t sk_ino, const char *bound,
			     const char *aside, struct sockaddr_un *a);

/* Where socket @sk_ino's moved file is (pidtrace connects to it): true, or false if none. */
bool restore_unix_ghost__where(struct unix_ghosts *g, uint64_t sk_ino, struct sockaddr_un *a,
			       socklen_t *alen);

/* Every socket is made: remove the moved files and the directories made. */
void restore_unix_ghost__settle(struct unix_ghosts **g);

#endif
