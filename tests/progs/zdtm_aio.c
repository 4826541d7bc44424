// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_aio [MODE] - AIO contexts (io_setup).
 *
 * No MODE: two contexts. The first (io_setup(1)) is empty; in the second
 * (io_setup(20)) the program has gone once round the ring (writes to
 * /dev/null, reaped), then left 3 completions unreaped, whose data it
 * knows. After restore (SIGTERM): both context ids still work; the
 * ring's nr, head and tail are as before; io_getevents reaps exactly the
 * 3 waiting completions with their data and results; a new request
 * completes into the ring.
 * inflight: a poll request (IOCB_CMD_POLL on an empty pipe) is in flight:
 * refused at dump; afterwards a write to the pipe completes it.
 * READY prints "READY pid=N ctx=ADDR".
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/syscall.h>

#include <linux/aio_abi.h>

#include "zdtm.h"

struct ring {
	unsigned id, nr, head, tail, magic, compat, incompat, header_length;
	struct io_event ev[];
};

static long io_setup(unsigned n, aio_context_t *c)
{
	return syscall(SYS_io_setup, n, c);
}

static long submit(aio_context_t c, struct iocb *cb)
{
	return syscall(SYS_io_submit, c, 1, &cb);
}

static long getevents(aio_context_t c, long min, long n, struct io_event *ev)
{
	struct timespec ts = { 5, 0 };

	return syscall(SYS_io_getevents, c, min, n, ev, &ts);
}

static void write_req(struct iocb *cb, int fd, const char *buf, size_t len, uint64_t data)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_lio_opcode = IOCB_CMD_PWRITE;
	cb->aio_fildes = fd;
	cb->aio_buf = (uintptr_t)buf;
	cb->aio_nbytes = len;
	cb->aio_data = data;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	static const char msg[] = "abcdefgh";
	aio_context_t c1 = 0, c2 = 0;
	struct io_event ev[64];
	struct iocb cb;
	struct ring *r;
	unsigned head, tail, nr, i, laps;
	int fd, p[2];
	long n;

	zdtm_init();
	if (io_setup(1, &c1) || io_setup(20, &c2))
		zdtm_fail("io_setup");
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0)
		zdtm_fail("open /dev/null");
	r = (struct ring *)c2;
	if (!strcmp(mode, "inflight")) {
		if (pipe(p))
			zdtm_fail("pipe");
		memset(&cb, 0, sizeof(cb));
		cb.aio_lio_opcode = IOCB_CMD_POLL;
		cb.aio_fildes = p[0];
		cb.aio_buf = POLLIN;
		cb.aio_data = 0x77;
		if (submit(c2, &cb) != 1)
			zdtm_fail("io_submit poll");
		printf("READY pid=%d ctx=%lx\n", getpid(), (unsigned long)c2);
		fflush(stdout);
		zdtm_wait_term();
		if (write(p[1], "x", 1) != 1 || getevents(c2, 1, 1, ev) != 1 || ev[0].data != 0x77)
			zdtm_fail("the poll request did not complete after the refused dump");
		return zdtm_pass();
	}
	/* Once round the ring and a bit, every completion reaped. */
	laps = r->nr + 5;
	for (i = 0; i < laps; i++) {
		write_req(&cb, fd, msg, 1, i);
		if (submit(c2, &cb) != 1 || getevents(c2, 1, 1, ev) != 1)
			zdtm_fail("round %u", i);
	}
	/* Three completions waiting: lengths 2, 3, 4 and their data. */
	for (i = 0; i < 3; i++) {
		write_req(&cb, fd, msg, 2 + i, 0xa10000 + i);
		if (submit(c2, &cb) != 1)
			zdtm_fail("io_submit %u", i);
	}
	head = r->head;
	tail = r->tail;
	nr = r->nr;
	printf("READY pid=%d ctx=%lx\n", getpid(), (unsigned long)c2);
	fflush(stdout);
	zdtm_wait_term();
	if (r->head != head || r->tail != tail || r->nr != nr)
		zdtm_fail("ring head/tail/nr %u/%u/%u, was %u/%u/%u", r->head, r->tail, r->nr, head,
			  tail, nr);
	n = getevents(c2, 3, 64, ev);
	if (n != 3)
		zdtm_fail("%ld completions waiting, not 3", n);
	for (i = 0; i < 3; i++)
		if (ev[i].data != 0xa10000 + i || ev[i].res != 2 + i)
			zdtm_fail("completion %u: data %llx res %lld", i, (unsigned long long)ev[i].data,
				  (long long)ev[i].res);
	if (getevents(c1, 0, 1, ev) != 0)
		zdtm_fail("the empty context has events, or is lost");
	write_req(&cb, fd, msg, 5, 0xbeef);
	if (submit(c1, &cb) != 1 || getevents(c1, 1, 1, ev) != 1 || ev[0].data != 0xbeef ||
	    ev[0].res != 5)
		zdtm_fail("a new request in the first context");
	write_req(&cb, fd, msg, 6, 0xcafe);
	if (submit(c2, &cb) != 1 || getevents(c2, 1, 1, ev) != 1 || ev[0].data != 0xcafe)
		zdtm_fail("a new request in the second context");
	return zdtm_pass();
}
