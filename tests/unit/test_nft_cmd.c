// SPDX-License-Identifier: GPL-2.0
/*
 * test_nft_cmd.c - the nft command run (nft_cmd.h), in a net namespace of
 * its own: a listing bigger than any buffer (a set of 200 000 elements,
 * over 16 MiB of JSON) is read whole and nft never waits on us (an alarm
 * fails the test rather than hang it); a failing nft's first message is
 * kept, escaped, in one line; nft runs with no signal blocked or ignored
 * whatever ours are.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nft_cmd.h"
#include "unit.h"

#define ELEMS 200000

static void big_listing(void)
{
	static const char *const load[] = { "-f", "-", NULL };
	static const char *const list[] = { "-j", "list", "ruleset", NULL };
	static const char *const terse[] = { "-t", "-j", "list", "ruleset", NULL };
	size_t cap = (size_t)ELEMS * 96 + 256, n = 0;
	char *script = malloc(cap), *out = NULL;
	int i;

	CHECK(script);
	n += snprintf(script + n, cap - n,
		      "table inet big {\n set s { type ipv6_addr . inet_service . ipv6_addr; "
		      "elements = {\n");
	for (i = 0; i < ELEMS; i++)
		n += snprintf(script + n, cap - n,
			      "2001:db8:aaaa:bbbb:cccc:dddd:%x:%x . %d . 2001:db8:1111:2222:3333:4444:%x:%x%s\n",
			      i >> 16, i & 0xffff, i % 60000 + 1, i >> 16, i & 0xffff,
			      i + 1 < ELEMS ? "," : "");
	snprintf(script + n, cap - n, "}; }\n}\n");
	CHECK(nft_cmd__run(load, script, NULL) == 0);
	free(script);
	alarm(120);
	CHECK(nft_cmd__run(list, NULL, &out) == 0);
	alarm(0);
	CHECK(strlen(out) > (16u << 20));
	CHECK(strstr(out, "2001:db8:1111:2222:3333:4444:3:d3f"));
	free(out);
	out = NULL;
	CHECK(nft_cmd__run(terse, NULL, &out) == 0);
	CHECK(strlen(out) < 4096);
	CHECK(strstr(out, "\"name\": \"s\""));
	free(out);
}

static void error_line(void)
{
	static const char *const run[] = { "-f", "-", NULL };

	CHECK(nft_cmd__run(run, "add rule inet nosuch nochain accept\n", NULL) == -EPERM);
	CHECK(strstr(nft_cmd__error(), "Error: "));
	CHECK(!strchr(nft_cmd__error(), '\n'));
	/* The same line unescaped, for a message log.c escapes itself. */
	CHECK(strstr(nft_cmd__error_raw(), "Error: "));
	CHECK(!strchr(nft_cmd__error_raw(), '\n'));
	CHECK(nft_cmd__run(run, "\n", NULL) == 0);
	CHECK_STR(nft_cmd__error(), "");
	CHECK_STR(nft_cmd__error_raw(), "");
}

struct watch {
	const char *fifo;
	unsigned long long blk, ign;
	int seen;
};

/* nft, held in open() of the FIFO: its signal state from /proc, then let go. */
static void *watch_nft(void *arg)
{
	struct watch *w = arg;
	char path[64], line[256];
	int i, fd, nft = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", getpid(), getpid());
	for (i = 0; i < 5000 && !nft; i++) {
		f = fopen(path, "re");
		if (f) {
			if (fscanf(f, "%d", &nft) != 1)
				nft = 0;
			fclose(f);
		}
		if (!nft)
			usleep(1000);
	}
	usleep(100000);	/* past the exec, in open() */
	snprintf(path, sizeof(path), "/proc/%d/status", nft);
	f = nft ? fopen(path, "re") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SigBlk: %llx", &w->blk) == 1 ||
		    sscanf(line, "SigIgn: %llx", &w->ign) == 1)
			w->seen++;
	}
	if (f)
		fclose(f);
	fd = open(w->fifo, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "\n", 1) < 0)
			w->seen = -1;
		close(fd);
	}
	return NULL;
}

/* Ours blocked (SIGTERM) and ignored (SIGPIPE): nft has neither. */
static void signals(void)
{
	char dir[] = "/tmp/test_nft_cmd.XXXXXX", fifo[64];
	const char *run[] = { "-f", fifo, NULL };
	struct watch w = { .fifo = fifo };
	sigset_t block;
	pthread_t t;
	int err;

	CHECK(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/in", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	CHECK(pthread_create(&t, NULL, watch_nft, &w) == 0);
	err = nft_cmd__run(run, NULL, NULL);
	pthread_join(t, NULL);
	pthread_sigmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGPIPE, SIG_DFL);
	unlink(fifo);
	rmdir(dir);
	CHECK(err == 0);
	CHECK(w.seen == 2);
	CHECK(!(w.blk & (1ull << (SIGTERM - 1))));
	CHECK(!(w.ign & (1ull << (SIGPIPE - 1))));
}

int main(void)
{
	int unit__failures = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0 || access("/usr/sbin/nft", X_OK)) {
		printf("needs root and /usr/sbin/nft\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET)) {
		printf("FAIL setup: unshare: %s\n", strerror(errno));
		return 1;
	}
	RUN(error_line);
	RUN(signals);
	RUN(big_listing);
	return unit__failures ? 1 : 0;
}
