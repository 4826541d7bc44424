// SPDX-License-Identifier: GPL-2.0
/*
 * restore_reuseport.c - SO_REUSEPORT set for a bind and cleared after
 * every socket is bound (restore_reuseport.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "restore_reuseport.h"

static int *later;
static size_t nlater;

bool restore_reuseport__needed(const struct restore_ctx *ctx, const FdEntry *e)
{
	const InetSkEntry *k = e->inet_sk, *o;
	size_t i, j;

	if (!k || k->reuseport || k->protocol != IPPROTO_TCP || k->tcp || !k->src_port)
		return false;
	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *f = ctx->tasks[i].files;

		for (j = 0; f && j < f->n_fds; j++) {
			o = f->fds[j]->inet_sk;
			if (f->fds[j]->type != FD_TYPE__FD_INET || !o || f->fds[j]->ofd_id == e->ofd_id)
				continue;
			if (o->protocol == IPPROTO_TCP && !o->tcp && o->reuseport &&
			    o->src_port == k->src_port)
				return true;
		}
	}
	return false;
}

int restore_reuseport__defer(int s)
{
	int *arr, c;

	arr = realloc(later, (nlater + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	later = arr;
	c = fcntl(s, F_DUPFD_CLOEXEC, 3);
	if (c < 0)
		return -errno;
	later[nlater++] = c;
	return 0;
}

int restore_reuseport__finish(void)
{
	size_t i;
	int off = 0, err = 0;

	for (i = 0; i < nlater && !err; i++)
		if (setsockopt(later[i], SOL_SOCKET, SO_REUSEPORT, &off, sizeof(off)))
			err = -errno;
	restore_reuseport__drop();
	return err;
}

void restore_reuseport__drop(void)
{
	size_t i;

	for (i = 0; i < nlater; i++)
		close(later[i]);
	free(later);
	later = NULL;
	nlater = 0;
}
