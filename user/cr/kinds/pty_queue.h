/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pty_queue.h - the bytes a pseudo-terminal pair holds unread, taken at
 * dump and put back exactly (pty_queue.c).
 */
#ifndef PT_PTY_QUEUE_H
#define PT_PTY_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <asm/termbits.h>

/* The most a line discipline holds (N_TTY_BUF_SIZE) and a pty's buffers beyond it. */
#define PTY_QUEUE_IN_MAX 4096
#define PTY_QUEUE_OUT_MAX 65536

struct pty_queue {
	uint8_t *in;		/* the slave's input (master wrote): complete lines, then the partial one */
	size_t nin;
	uint32_t *lines;	/* canonical: each complete line's length as read() returned it (0: end of file) */
	size_t nlines;
	uint8_t *out;		/* the master's input (slave wrote) */
	size_t nout;
	int inq;		/* TIOCINQ of the slave it makes (canonical: the complete lines' bytes) */
};

/*
 * Read what slave @s (pidtrace's own, O_NONBLOCK) has queued, with the
 * pair's termios @t: canonical, line by line, then the partial line (the
 * slave made non-canonical for it). Consumes it: pty_queue__put() puts it
 * back. Return: 0, -EOPNOTSUPP (EXTPROC with data: nothing read), -errno.
 */
int pty_queue__take_in(int s, const struct termios2 *t, struct pty_queue *q);
/* Read what master @m has queued (not in packet mode). Return: 0 or -errno. */
int pty_queue__take_out(int m, struct pty_queue *q);
/*
 * Put @q back into the pair of master @m and slave @s, whose termios is
 * @t at the end: the input written through the master with the line
 * discipline's editing, signals and output processing off and the
 * boundaries of its lines made by the same characters, its echo (to the
 * master, read back and compared) telling when all of it was taken; the
 * output written through the slave with OPOST off. Return: 0, -EPROTO (the
 * echo was not the bytes written), -ETIMEDOUT, -errno.
 */
int pty_queue__put(int m, int s, const struct termios2 *t, const struct pty_queue *q);
void pty_queue__free(struct pty_queue *q);
/*
 * poll() on tty @fd: with nothing to read it waits for the workqueue to
 * hand on what was written to it (n_tty_poll), so TIOCINQ is up to date.
 */
void pty_queue__flush(int fd);

/* pty_queue_img.c: the queues and the image. */
#include "files.pb-c.h"

struct dump_ctx;
struct fd_live;
struct image;
struct verify;

/*
 * Dump, master copy @c of @l, /dev/pts/@index (@slave: its node): the
 * queues taken into @p and put back at once. -EOPNOTSUPP after one line
 * for what cannot be put back exactly; -errno.
 */
int pty_queue__dump(struct dump_ctx *ctx, const struct fd_live *l, int c, int index,
		    const struct stat *slave, PtyEntry *p);
/* Restore: @p's queues into the pair of master @m with termios @t. 0, or -errno with @why said. */
int pty_queue__restore(int m, const PtyEntry *p, const struct termios2 *t, char *why, size_t len);
int pty_queue__check(struct image *img, const char *n, const FdEntry *e);
/* Verify, master copy @c: the queued bytes on both sides. */
int pty_queue__verify(struct verify *v, const FdEntry *e, int c);

#endif
