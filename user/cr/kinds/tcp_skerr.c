// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_skerr.c - a socket's pending error without taking it (tcp_skerr.h).
 * The iterator is loaded on first use and kept until exit (its load reads
 * the kernel's BTF: tens of milliseconds, once per run).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "sk_err_iter.h"
#include "sk_err_iter.skel.h"
#include "tcp_skerr.h"
#include "testfault.h"

_Static_assert(sizeof(struct sk_err_iter_rec) == SK_ERR_ITER_REC_SIZE, "sk_err_iter_rec ABI");

#define SOCK_DONE_BIT 1	/* enum sock_flags (include/net/sock.h) */

static struct sk_err_iter_bpf *skel;

static void unload(void)
{
	sk_err_iter_bpf__destroy(skel);
	skel = NULL;
}

static int load(void)
{
	if (skel)
		return 0;
	skel = sk_err_iter_bpf__open_and_load();
	if (!skel) {
		int err = errno ? -errno : -EINVAL;

		pr_debug("socket error iterator: load failed: %s", strerror(-err));
		return err;
	}
	atexit(unload);
	return 0;
}

/* One pass of the iterator over this process's fd @s: its record in @r. */
static int run(int s, struct sk_err_iter_rec *r)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info linfo = {};
	struct bpf_link *link;
	ssize_t n;
	int fd, err;

	skel->bss->target_tgid = getpid();
	skel->data->target_fd = s;
	linfo.task.pid = getpid();
	opts.link_info = &linfo;
	opts.link_info_len = sizeof(linfo);
	link = bpf_program__attach_iter(skel->progs.sk_err_scan, &opts);
	if (!link)
		return errno ? -errno : -EINVAL;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	do
		n = read(fd, r, sizeof(*r));
	while (n < 0 && errno == EINTR);
	err = n < 0 ? -errno : n == sizeof(*r) && r->version == SK_ERR_ITER_VERSION ? 0 : -ENOENT;
	close(fd);
out:
	bpf_link__destroy(link);
	return err;
}

int tcp_skerr__read(int s, struct tcp_skerr *out)
{
	struct sk_err_iter_rec r;
	struct stat st;
	/* Test: a kernel without the iterator (dump refuses, verify fails). */
	int err = testfault__point("tcp-skerr-read");

	if (!err)
		err = load();
	if (err)
		return err;
	if (fstat(s, &st))
		return -errno;
	memset(&r, 0, sizeof(r));
	err = run(s, &r);
	if (err)
		return err;
	/* The fd still the socket it was when fstat() looked. */
	if (r.fd != s || r.ino != (uint64_t)st.st_ino)
		return -ENOENT;
	out->err = r.err;
	out->err_soft = r.err_soft;
	out->state = r.state;
	out->shutdown = r.shutdown;
	out->done = (r.flags >> SOCK_DONE_BIT) & 1;
	return 0;
}
