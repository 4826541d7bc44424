// SPDX-License-Identifier: GPL-2.0
/* test_procfs.c - /proc parsing that must not be fooled by odd comms. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfs.h"
#include "unit.h"

/* A comm with spaces and parentheses ends at the last ')'. */
static void test_stat_odd_comm(void)
{
	struct procfs_stat st;
	int p[2];
	pid_t pid;
	char c;

	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NAME, "a) R 1 (b");
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK(read(p[0], &c, 1) == 1);
	CHECK(procfs__stat(pid, &st) == 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK_STR(st.comm, "a) R 1 (b");
	CHECK(st.ppid == getpid());
	CHECK(st.state == 'S' || st.state == 'R');
	CHECK(st.threads == 1);
	CHECK(st.exit_signal == SIGCHLD);
}

static void test_status_fields(void)
{
	uint32_t vals[8];
	uint64_t v = 0;
	char *buf = NULL;
	size_t n = 0;

	CHECK(procfs__read(0, "status", &buf, NULL) == 0);
	CHECK(procfs__field_u64(buf, "Pid:", 10, &v) == 0 && v == (uint64_t)getpid());
	CHECK(procfs__field_list(buf, "Uid:", vals, 8, &n) == 0 && n == 4);
	CHECK(vals[0] == getuid());
	CHECK(procfs__field_u64(buf, "NoSuchKey:", 10, &v) == -ENOENT);
	CHECK(procfs__field_u64(buf, "SigBlk:", 16, &v) == 0);
	free(buf);
}

static void test_gone_is_esrch(void)
{
	struct procfs_stat st;
	char *buf = NULL, link[64];
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	CHECK(pid > 0);
	waitpid(pid, NULL, 0);
	CHECK(procfs__stat(pid, &st) == -ESRCH);
	CHECK(procfs__read(pid, "status", &buf, NULL) == -ESRCH);
	CHECK(procfs__readlink(pid, "exe", link, sizeof(link)) == -ESRCH);
	CHECK(procfs__exists(getpid()) == 1);
}

/* One reader of smaps' VmFlags for dump and restore: whole two-letter words only. */
/*
 * A task in PID 1's autogroup (a runner started without setsid()) reads
 * an empty file: that is no autogroup of its own, not a bad file (a dump
 * in CI failed every task on it).
 */
static void test_autogroup(void)
{
	unsigned long id = 7;
	int nice = 7;
	char *buf = NULL;

	CHECK(procfs__parse_autogroup("", &id, &nice) == -ENODATA);
	CHECK(procfs__parse_autogroup("/autogroup-1234 nice -3\n", &id, &nice) == 0);
	CHECK(id == 1234 && nice == -3);
	CHECK(procfs__parse_autogroup("/autogroup-12 nice 3", &id, &nice) == -EINVAL);
	CHECK(procfs__parse_autogroup("/autogroup-12 nice 3 x\n", &id, &nice) == -EINVAL);
	CHECK(procfs__parse_autogroup("/autogroup-12 nice 20\n", &id, &nice) == -EINVAL);
	CHECK(procfs__parse_autogroup("autogroup not enabled\n", &id, &nice) == -EINVAL);
	/* Ours, whichever autogroup this runs in. */
	CHECK(procfs__read(0, "autogroup", &buf, NULL) == 0);
	CHECK(procfs__autogroup(0, &id, &nice) == (*buf ? 0 : -ENODATA));
	free(buf);
}

/* Field 9, the PF_* flags (PF_RANDOMIZE: restore_inherit.c). */
static void test_stat_flags(void)
{
	static const char line[] =
		"42 (x) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0 0 0 0 0 0 0 0 0 0"
		" 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0";

	struct procfs_stat st;

	CHECK(procfs__parse_stat(line, &st) == 0);
	CHECK(st.flags == 4194560);
	CHECK(st.flags & 0x400000);
}

static void test_vmflags(void)
{
	CHECK(procfs__has_vmflag("rd wr mr mw me ac", "rd"));
	CHECK(procfs__has_vmflag("rd wr mr mw me ac", "ac"));
	CHECK(procfs__has_vmflag("rd wr mr mw me ac", "mw"));
	CHECK(!procfs__has_vmflag("rd wr mr mw me ac", "w"));
	CHECK(!procfs__has_vmflag("rd wr mr mw me ac", "gd"));
	CHECK(!procfs__has_vmflag("rdx wr", "rd"));
	CHECK(!procfs__has_vmflag("xrd wr", "rd"));
	CHECK(!procfs__has_vmflag("", "rd"));
	CHECK(!procfs__has_vmflag(NULL, "rd"));
}

UNIT_MAIN({
	RUN(test_stat_odd_comm);
	RUN(test_status_fields);
	RUN(test_gone_is_esrch);
	RUN(test_vmflags);
	RUN(test_stat_flags);
	RUN(test_autogroup);
})
