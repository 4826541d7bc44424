// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_epoll [MODE] - epoll instances.
 *
 * No MODE: one epoll watching a pipe with data (a lower fd than the
 * epoll), an eventfd (EPOLLET), a socketpair end with data (EPOLLRDHUP),
 * an armed timerfd, a pipe whose EPOLLONESHOT entry already fired, a
 * nested epoll that is ready, an eventfd with EPOLLEXCLUSIVE; each with
 * its own 64-bit data; shared with a forked child. After restore: the
 * interest list in fdinfo is the one before, epoll_wait reports exactly
 * what is ready with the right data, edge-triggered and one-shot entries
 * behave as such, writes and the timer wake it, and the child's
 * epoll_ctl is seen by the parent (one instance).
 *   child     the parent closed its target after adding it; the child
 *             still has it: restorable from the child.
 *   closed    a target closed after it was added (kept open by a dup);
 *   replaced  another file put at a target's number (dup2); both with
 *             two more entries added at fd 900 for two files, then fd 900
 *             closed: restored on the right files (stale_mode below).
 *   inflight  a target whose file only a message in flight holds:
 *             refused at dump; the epoll still works afterwards.
 * These print "READY pid=N fd=EPOLL tfd=TARGET".
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "zdtm.h"

#define D_PIPE 0xa1a1a1a100000001ULL
#define D_EVENT_ET 0xb2b2b2b200000002ULL
#define D_SOCK 0xc3c3c3c300000003ULL
#define D_TIMER 0xd4d4d4d400000004ULL
#define D_ONESHOT 0xe5e5e5e500000005ULL
#define D_NESTED 0xf6f6f6f600000006ULL
#define D_EXCL 0x0707070700000007ULL
#define D_CHILD 0x1818181800000008ULL

#define MAXEV 16

static int ep;

static void add(int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		zdtm_fail("epoll_ctl ADD fd %d", fd);
}

/* What epoll_wait reports now (timeout in ms), as a count; @evs filled. */
static int wait_ev(struct epoll_event *evs, int timeout)
{
	int n;

	do
		n = epoll_wait(ep, evs, MAXEV, timeout);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		zdtm_fail("epoll_wait");
	return n;
}

/* The events reported for @data, 0 if it was not. */
static uint32_t got(const struct epoll_event *evs, int n, uint64_t data)
{
	int i;

	for (i = 0; i < n; i++)
		if (evs[i].data.u64 == data)
			return evs[i].events;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "tfd events data; " of each entry of epoll @fd, sorted (fdinfo is in kernel order). */
static void interest(int fd, char *buf, size_t len)
{
	static char lines[MAXEV][64];
	char path[64], line[256], *sorted[MAXEV];
	unsigned long long data;
	unsigned int ev;
	size_t n = 0, cnt = 0, i;
	FILE *f;
	int t;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		zdtm_fail("fdinfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "tfd: %d events: %x data: %llx", &t, &ev, &data) == 3 && cnt < MAXEV) {
			snprintf(lines[cnt], sizeof(lines[cnt]), "%d %x %llx; ", t, ev, data);
			sorted[cnt] = lines[cnt];
			cnt++;
		}
	fclose(f);
	qsort(sorted, cnt, sizeof(*sorted), cmp_line);
	buf[0] = '\0';
	for (i = 0; i < cnt && n < len; i++)
		n += snprintf(buf + n, len - n, "%s", sorted[i]);
}

static void drain(int fd)
{
	char buf[64];

	if (read(fd, buf, sizeof(buf)) <= 0)
		zdtm_fail("drain fd %d", fd);
}

static void put(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		zdtm_fail("write fd %d", fd);
}

#define D_AT900A 0x2929292900000009ULL
#define D_AT900B 0x3a3a3a3a0000000aULL

/* Send @fd over @sock (SCM_RIGHTS): the file is in flight, in no fd. */
static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'f';
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &mh, 0) != 1)
		zdtm_fail("sendmsg");
}

/*
 * closed, replaced: the entry of pipe p's read end was added at its fd,
 * which was then closed (the file kept by a dup) or given another file
 * (dup2 of pipe q); two more entries were added at fd 900 for p and for
 * pipe r, then fd 900 closed: three entries whose file is not at their
 * number. After restore each wakes for its own file only.
 * inflight: the only other holder of p's read end is a message in flight
 * (SCM_RIGHTS): refused at dump, the epoll still works afterwards.
 */
static int stale_mode(const char *mode)
{
	struct epoll_event evs[MAXEV];
	static char before[4096], after[4096];
	int p[2], q[2], r[2], sp[2], tfd, pd, n;

	ep = epoll_create1(0);
	if (ep < 0 || pipe(p) || pipe(q) || pipe(r) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		zdtm_fail("setup");
	add(p[0], EPOLLIN, D_PIPE);
	tfd = p[0];
	if (!strcmp(mode, "inflight")) {
		send_fd(sp[0], p[0]);
		close(p[0]);
		printf("READY pid=%d fd=%d tfd=%d\n", getpid(), ep, tfd);
		fflush(stdout);
		zdtm_wait_term();
		if (write(p[1], "x", 1) != 1 || wait_ev(evs, 0) != 1 || evs[0].data.u64 != D_PIPE)
			zdtm_fail("the epoll does not work after the refused dump");
		return zdtm_pass();
	}
	/* The file stays open (and watched) through the dup. */
	pd = dup(p[0]);
	if (pd < 0)
		zdtm_fail("dup");
	if (!strcmp(mode, "closed") ? close(p[0]) : dup2(q[0], p[0]) < 0)
		zdtm_fail("close or dup2");
	/* Two entries at fd 900 (p, then r), neither file there now. */
	if (dup2(pd, 900) != 900)
		zdtm_fail("dup2 900");
	add(900, EPOLLIN, D_AT900A);
	if (dup2(r[0], 900) != 900)
		zdtm_fail("dup2 900");
	add(900, EPOLLIN, D_AT900B);
	close(900);
	interest(ep, before, sizeof(before));
	printf("READY pid=%d fd=%d tfd=%d\n", getpid(), ep, tfd);
	fflush(stdout);
	zdtm_wait_term();
	interest(ep, after, sizeof(after));
	if (strcmp(before, after))
		zdtm_fail("interest list: before '%s', after '%s'", before, after);
	if (write(p[1], "x", 1) != 1)
		zdtm_fail("write p");
	n = wait_ev(evs, 0);
	if (n != 2 || !got(evs, n, D_PIPE) || !got(evs, n, D_AT900A))
		zdtm_fail("p written: %d events, not its 2", n);
	drain(pd);
	if (write(r[1], "x", 1) != 1)
		zdtm_fail("write r");
	n = wait_ev(evs, 0);
	if (n != 1 || !got(evs, n, D_AT900B))
		zdtm_fail("r written: %d events, not its 1", n);
	drain(r[0]);
	if (write(q[1], "x", 1) != 1 || wait_ev(evs, 0) != 0)
		zdtm_fail("q, which only took a watched number, wakes the epoll");
	return zdtm_pass();
}

static int child_mode(void)
{
	struct epoll_event evs[MAXEV];
	int p[2], st;
	pid_t pid;

	ep = epoll_create1(0);
	if (ep < 0 || pipe(p) || write(p[1], "x", 1) != 1)
		zdtm_fail("setup");
	add(p[0], EPOLLIN, D_PIPE);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		zdtm_wait_term();
		exit(0);
	}
	/* The child keeps the file, so the entry stays: the parent's fd is gone. */
	close(p[0]);
	zdtm_ready();
	zdtm_wait_term();
	if (wait_ev(evs, 0) != 1 || evs[0].data.u64 != D_PIPE || evs[0].events != EPOLLIN)
		zdtm_fail("the entry the child holds is not reported");
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child (status 0x%x)", st);
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	int pa[2], pb[2], pc[2], sp[2], evt, tim, in2, ev2, ev3, n, st;
	struct epoll_event evs[MAXEV], ev;
	static char before[4096], after[4096];
	struct itimerspec its = { { 0, 0 }, { 3600, 0 } };
	pid_t pid;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_mode();
	if (argc > 1)
		return stale_mode(argv[1]);

	if (pipe(pa) || write(pa[1], "x", 1) != 1)
		zdtm_fail("pipe a");
	ep = epoll_create1(EPOLL_CLOEXEC);
	evt = eventfd(0, EFD_NONBLOCK);
	tim = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	in2 = epoll_create1(0);
	ev2 = eventfd(1, EFD_NONBLOCK);
	ev3 = eventfd(0, EFD_NONBLOCK);
	if (ep < 0 || evt < 0 || tim < 0 || in2 < 0 || ev2 < 0 || ev3 < 0 || pipe(pb) ||
	    pipe(pc) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		zdtm_fail("setup");
	if (timerfd_settime(tim, 0, &its, NULL) || send(sp[1], "hello", 5, 0) != 5 ||
	    write(pb[1], "y", 1) != 1)
		zdtm_fail("setup data");
	add(pa[0], EPOLLIN, D_PIPE);
	add(evt, EPOLLIN | EPOLLET, D_EVENT_ET);
	add(sp[0], EPOLLIN | EPOLLRDHUP, D_SOCK);
	add(tim, EPOLLIN, D_TIMER);
	add(pb[0], EPOLLIN | EPOLLONESHOT, D_ONESHOT);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 0x99 };
	if (epoll_ctl(in2, EPOLL_CTL_ADD, ev2, &ev))
		zdtm_fail("nested add");
	add(in2, EPOLLIN, D_NESTED);
	add(ev3, EPOLLIN | EPOLLEXCLUSIVE, D_EXCL);
	/* Fire the one-shot entry: it keeps its flags only. */
	n = wait_ev(evs, 0);
	if (!got(evs, n, D_ONESHOT))
		zdtm_fail("the one-shot entry did not fire");
	interest(ep, before, sizeof(before));

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		zdtm_wait_term();
		n = wait_ev(evs, 0);
		if (got(evs, n, D_PIPE) != EPOLLIN)
			zdtm_fail("child: the pipe is not reported");
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = D_CHILD };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, pc[0], &ev))
			zdtm_fail("child: epoll_ctl ADD");
		exit(0);
	}
	zdtm_ready();
	zdtm_wait_term();

	interest(ep, after, sizeof(after));
	if (strcmp(before, after))
		zdtm_fail("interest list changed: %s-> %s", before, after);
	if (!(fcntl(ep, F_GETFD) & FD_CLOEXEC))
		zdtm_fail("epoll lost close-on-exec");
	n = wait_ev(evs, 0);
	if (n != 3 || got(evs, n, D_PIPE) != EPOLLIN || got(evs, n, D_SOCK) != EPOLLIN ||
	    got(evs, n, D_NESTED) != EPOLLIN)
		zdtm_fail("ready after restore: %d entries, expected pipe, socket, nested", n);
	put(evt);
	n = wait_ev(evs, 0);
	if (got(evs, n, D_EVENT_ET) != EPOLLIN || got(evs, n, D_ONESHOT))
		zdtm_fail("eventfd write not reported, or the fired one-shot came back");
	n = wait_ev(evs, 0);
	if (got(evs, n, D_EVENT_ET))
		zdtm_fail("edge-triggered entry reported twice");
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLONESHOT, .data.u64 = D_ONESHOT };
	if (epoll_ctl(ep, EPOLL_CTL_MOD, pb[0], &ev))
		zdtm_fail("re-arm the one-shot entry");
	n = wait_ev(evs, 0);
	if (got(evs, n, D_ONESHOT) != EPOLLIN)
		zdtm_fail("re-armed one-shot entry not reported");
	if (got(evs, wait_ev(evs, 0), D_ONESHOT))
		zdtm_fail("one-shot entry reported twice");
	put(ev3);
	if (got(evs, wait_ev(evs, 0), D_EXCL) != EPOLLIN)
		zdtm_fail("exclusive entry not reported");

	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	if (write(pc[1], "z", 1) != 1 || got(evs, wait_ev(evs, 0), D_CHILD) != EPOLLIN)
		zdtm_fail("the child's entry is not in the parent's epoll");

	drain(pa[0]);
	drain(sp[0]);
	drain(ev2);
	drain(evt);
	drain(ev3);
	drain(pb[0]);
	drain(pc[0]);
	n = wait_ev(evs, 0);
	if (n)
		zdtm_fail("%d entries ready with nothing to read (first data 0x%llx events 0x%x)", n,
			  (unsigned long long)evs[0].data.u64, evs[0].events);
	its = (struct itimerspec){ { 0, 0 }, { 0, 1000000 } };
	if (timerfd_settime(tim, 0, &its, NULL))
		zdtm_fail("timerfd_settime");
	n = wait_ev(evs, 10000);
	if (n != 1 || evs[0].data.u64 != D_TIMER || evs[0].events != EPOLLIN)
		zdtm_fail("the timer did not wake the epoll (%d entries)", n);
	return zdtm_pass();
}
