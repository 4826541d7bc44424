// SPDX-License-Identifier: GPL-2.0
/*
 * test_pidfd_scan - pidfd_scan__task() against tests/progs/pidfd_family,
 * a process that holds pidfds to itself, a live child, a zombie, a child
 * reaped twice over (two pidfds), children reaped after exit(3) and after
 * SIGTERM, and one of its threads. Every field is checked against what the
 * program itself reported. Needs root (BPF iterator, pidfd_getfd).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd_scan.h"
#include "unit.h"

/* What pidfd_family printed, by key. */
static struct {
	char key[32];
	long val;
} kv[32];
static int nkv;
static pid_t family = -1;
static struct pidfd_list *list;
static uint64_t our_pidns;

static long val(const char *key)
{
	int i;

	for (i = 0; i < nkv; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].val;
	printf("FAIL setup: pidfd_family did not print %s\n", key);
	exit(1);
}

static const struct pidfd_target *target(const char *fd_key)
{
	return pidfd_scan__find(list, (int)val(fd_key));
}

/* The target's pid as seen from our pid namespace, or -1. */
static pid_t our_pid(const struct pidfd_target *t)
{
	unsigned int i;

	for (i = 0; i < t->levels; i++)
		if (t->ns_ino[i] == our_pidns)
			return t->nspid[i];
	return -1;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int start_family(void)
{
	const char *progs = getenv("PROGS");
	char path[4096], line[128], *eq;
	int p[2];
	FILE *f;

	if (!progs) {
		printf("FAIL setup: PROGS is not set (run through tests/run.sh)\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/pidfd_family", progs);
	if (pipe(p) < 0)
		return -1;
	family = fork();
	if (family < 0)
		return -1;
	if (family == 0) {
		/* Dies with us even if we are killed by the harness timeout. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		eq = strchr(line, '=');
		if (!eq || nkv == (int)(sizeof(kv) / sizeof(kv[0])))
			continue;
		*eq = '\0';
		if (strlen(line) >= sizeof(kv[nkv].key))
			continue;
		memcpy(kv[nkv].key, line, strlen(line) + 1);
		kv[nkv].val = strtol(eq + 1, NULL, 0);
		if (!strcmp(kv[nkv++].key, "ready"))
			break;
	}
	fclose(f);
	if (!nkv || strcmp(kv[nkv - 1].key, "ready")) {
		printf("FAIL setup: %s did not get ready\n", path);
		return -1;
	}
	return 0;
}

static void stop_family(void)
{
	int status;

	if (family <= 0)
		return;
	kill(family, SIGTERM);
	alarm(10);
	if (waitpid(family, &status, 0) == family && !(WIFEXITED(status) && !WEXITSTATUS(status)))
		printf("FAIL teardown: pidfd_family ended with status 0x%x\n", status);
	alarm(0);
	family = -1;
}

static void finds_eight_pidfds(void)
{
	static const char *const keys[] = {"self_fd",	 "live_fd",  "zombie_fd",  "shared_fd1",
					   "shared_fd2", "exit3_fd", "sigterm_fd", "thread_fd"};
	size_t i;

	CHECK(list->n == 8);
	for (i = 0; i < 8; i++)
		CHECK(target(keys[i]) != NULL);
	for (i = 1; i < list->n; i++)
		CHECK(list->t[i - 1].fd < list->t[i].fd);
}

static void inode_is_the_pidfs_inode(void)
{
	char path[64];
	struct stat st;
	size_t i;

	for (i = 0; i < list->n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", family, list->t[i].fd);
		CHECK(stat(path, &st) == 0);
		CHECK(st.st_ino == list->t[i].ino);
		CHECK(list->t[i].holder_tid == family);
	}
}

static void pid_numbers_in_our_namespace(void)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		CHECK(list->t[i].levels >= 1);
		CHECK(list->t[i].nspid[list->t[i].levels - 1] > 0);
		CHECK(our_pid(&list->t[i]) > 0);
	}
}

static void self_is_alive(void)
{
	const struct pidfd_target *t = target("self_fd");

	CHECK(t->state == PIDFD_TARGET_ALIVE);
	CHECK(our_pid(t) == val("pid"));
	CHECK(!t->thread && !t->has_exit);
}

static void live_child_is_alive(void)
{
	const struct pidfd_target *t = target("live_fd");

	CHECK(t->state == PIDFD_TARGET_ALIVE);
	CHECK_STR(pidfd_scan__state_str(t->state), "alive");
	CHECK(our_pid(t) == val("live_pid"));
	CHECK(!t->has_exit);
}

static void zombie_child_is_zombie_with_status(void)
{
	const struct pidfd_target *t = target("zombie_fd");

	CHECK(t->state == PIDFD_TARGET_ZOMBIE);
	CHECK_STR(pidfd_scan__state_str(t->state), "zombie");
	CHECK(our_pid(t) == val("zombie_pid"));
	CHECK(t->has_exit);
	CHECK(t->exit_status == val("zombie_status"));
	CHECK(t->exit_status == 0x500);
}

static void two_pidfds_to_one_reaped_child_share_inode(void)
{
	const struct pidfd_target *a = target("shared_fd1"), *b = target("shared_fd2");

	CHECK(a->state == PIDFD_TARGET_REAPED && b->state == PIDFD_TARGET_REAPED);
	CHECK_STR(pidfd_scan__state_str(a->state), "reaped");
	CHECK(a->ino == b->ino);
	CHECK(our_pid(a) == val("shared_pid") && our_pid(b) == val("shared_pid"));
	CHECK(a->has_exit && b->has_exit);
	CHECK(a->exit_status == val("shared_status") && b->exit_status == SIGKILL);
}

static void distinct_targets_have_distinct_inodes(void)
{
	size_t i, j;

	for (i = 0; i < list->n; i++)
		for (j = i + 1; j < list->n; j++)
			if (list->t[i].fd != val("shared_fd1") ||
			    list->t[j].fd != val("shared_fd2"))
				CHECK(list->t[i].ino != list->t[j].ino);
}

static void reaped_exit3_has_pid_and_status_0x300(void)
{
	const struct pidfd_target *t = target("exit3_fd");

	CHECK(t->state == PIDFD_TARGET_REAPED);
	CHECK(our_pid(t) == val("exit3_pid"));
	CHECK(t->has_exit);
	CHECK(t->exit_status == val("exit3_status"));
	CHECK(t->exit_status == 0x300);
}

static void reaped_sigterm_has_pid_and_status_15(void)
{
	const struct pidfd_target *t = target("sigterm_fd");

	CHECK(t->state == PIDFD_TARGET_REAPED);
	CHECK(our_pid(t) == val("sigterm_pid"));
	CHECK(t->has_exit);
	CHECK(t->exit_status == val("sigterm_status"));
	CHECK(t->exit_status == SIGTERM);
}

static void thread_pidfd_has_thread_flag(void)
{
	const struct pidfd_target *t = target("thread_fd");
	size_t i;

	CHECK(t->thread);
	CHECK(t->f_flags & O_EXCL);
	CHECK(t->state == PIDFD_TARGET_ALIVE);
	CHECK(our_pid(t) == val("thread_tid"));
	for (i = 0; i < list->n; i++)
		CHECK(list->t[i].fd == t->fd || !list->t[i].thread);
}

static void fdinfo_check_tells_pidfds(void)
{
	CHECK(pidfd_scan__is_pidfd(family, (int)val("self_fd")) == 1);
	CHECK(pidfd_scan__is_pidfd(family, (int)val("exit3_fd")) == 1);
	CHECK(pidfd_scan__is_pidfd(family, 1) == 0); /* the pipe to us */
	CHECK(pidfd_scan__is_pidfd(family, 999) == -ENOENT);
}

static void exit_status_of_own_pidfds(void)
{
	int32_t st = -1;
	int fd, status;
	pid_t c;

	c = fork();
	if (c == 0)
		_exit(42);
	CHECK(c > 0);
	fd = pidfd_open(c, 0);
	/* Reap before any check can return early. */
	CHECK(waitpid(c, &status, 0) == c);
	CHECK(fd >= 0);
	CHECK(pidfd_scan__exit_status(fd, &st) == 0);
	CHECK(st == status && st == 42 << 8);
	close(fd);
	fd = pidfd_open(family, 0);
	CHECK(fd >= 0);
	CHECK(pidfd_scan__exit_status(fd, &st) == -ENODATA);
	close(fd);
}

static void process_without_pidfds_gives_empty_list(void)
{
	struct pidfd_list *l = NULL;
	pid_t c;
	int err;

	c = fork();
	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	CHECK(c > 0);
	err = pidfd_scan__task(c, &l);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	CHECK(err == 0);
	CHECK(l && l->n == 0);
	pidfd_scan__free(l);
}

static void missing_process_is_esrch(void)
{
	struct pidfd_list *l = (void *)1;
	pid_t c;

	c = fork();
	if (c == 0)
		_exit(0);
	CHECK(c > 0);
	waitpid(c, NULL, 0);
	CHECK(pidfd_scan__task(c, &l) == -ESRCH);
	CHECK(l == NULL);
	CHECK(pidfd_scan__task(0, &l) == -ESRCH);
	CHECK(pidfd_scan__task(-1, &l) == -ESRCH);
}

/*
 * A target born in a child pid namespace: the struct pid has a number at
 * both levels, and the reaped target keeps them.
 */
static void nested_pidns_target_has_every_level(void)
{
	struct pidfd_list *l = NULL;
	uint64_t child_ns = 0;
	pid_t c, holder;
	int p[2], fd, err, status;
	char path[64];
	struct stat st;

	CHECK(pipe(p) == 0);
	c = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
	if (c == 0) {
		char b;

		/* pid 1 of its namespace: wait for the go, then exit(7). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[1]);
		if (read(p[0], &b, 1) < 0)
			_exit(1);
		_exit(7);
	}
	close(p[0]);
	CHECK(c > 0);
	fd = pidfd_open(c, 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", c);
	if (stat(path, &st) == 0)
		child_ns = st.st_ino;
	close(p[1]);
	CHECK(waitpid(c, &status, 0) == c);
	CHECK(fd >= 0 && child_ns && child_ns != our_pidns);
	holder = fork();
	if (holder == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	close(fd);
	CHECK(holder > 0);
	err = pidfd_scan__task(holder, &l);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	CHECK(err == 0 && l);
	CHECK(l->n == 1);
	CHECK(l->t[0].fd == fd);
	CHECK(l->t[0].state == PIDFD_TARGET_REAPED);
	CHECK(l->t[0].levels == 2);
	CHECK(l->t[0].nspid[0] == c && l->t[0].nspid[1] == 1);
	CHECK(l->t[0].ns_ino[0] == our_pidns && l->t[0].ns_ino[1] == child_ns);
	CHECK(l->t[0].has_exit && l->t[0].exit_status == 7 << 8);
	pidfd_scan__free(l);
}

/* Written by the holder's thread: where its private pidfd is. */
struct unshared_report {
	pid_t tid, target;
	int fd, status;
};

static int report_fd = -1;

static void *unshared_thread(void *arg)
{
	struct unshared_report r = {};
	pid_t g;

	/* A thread with its own fd table: the pidfd is in no other table. */
	if (unshare(CLONE_FILES) < 0)
		_exit(1);
	g = fork();
	if (g == 0)
		_exit(9);
	r.fd = pidfd_open(g, 0);
	waitpid(g, &r.status, 0);
	r.tid = gettid();
	r.target = g;
	if (write(report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

static void pidfd_in_a_thread_private_fd_table(void)
{
	struct unshared_report r = {};
	struct pidfd_list *l = NULL;
	pid_t holder;
	int p[2], err;
	ssize_t n;

	CHECK(pipe(p) == 0);
	holder = fork();
	if (holder == 0) {
		pthread_t th;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		report_fd = p[1];
		if (pthread_create(&th, NULL, unshared_thread, NULL))
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	n = read(p[0], &r, sizeof(r));
	close(p[0]);
	err = n == sizeof(r) ? pidfd_scan__task(holder, &l) : -EIO;
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	CHECK(err == 0 && l);
	CHECK(l->n == 1);
	CHECK(l->t[0].fd == r.fd);
	CHECK(l->t[0].holder_tid == r.tid && r.tid != holder);
	CHECK(l->t[0].state == PIDFD_TARGET_REAPED);
	CHECK(our_pid(&l->t[0]) == r.target);
	CHECK(l->t[0].has_exit && l->t[0].exit_status == r.status && r.status == 9 << 8);
	pidfd_scan__free(l);
}

static void measure_cost(void)
{
	struct pidfd_list *l = NULL;
	double t0, t1, t2;
	int i, runs = 50;

	pidfd_scan__cleanup();
	t0 = now_us();
	CHECK(pidfd_scan__task(family, &l) == 0);
	t1 = now_us();
	pidfd_scan__free(l);
	for (i = 0; i < runs; i++) {
		CHECK(pidfd_scan__task(family, &l) == 0);
		CHECK(l->n == 8);
		pidfd_scan__free(l);
	}
	t2 = now_us();
	printf("# cost: first scan (load + scan) %.0f us, then %.0f us per scan of 8 pidfds "
	       "(mean of %d)\n",
	       t1 - t0, (t2 - t1) / runs, runs);
}

int main(void)
{
	struct stat st;
	int failures = 0, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("needs root (BPF task_file iterator, pidfd_getfd)\n");
		return 77;
	}
	if (stat("/proc/self/ns/pid", &st) < 0) {
		printf("FAIL setup: /proc/self/ns/pid: %s\n", strerror(errno));
		return 1;
	}
	our_pidns = st.st_ino;
	if (start_family() < 0) {
		stop_family();
		return 1;
	}
	err = pidfd_scan__task(family, &list);
	if (err) {
		printf("FAIL pidfd_scan__task: %s\n", strerror(-err));
		stop_family();
		return 1;
	}
	{
		int unit__failures = 0;

		RUN(finds_eight_pidfds);
		RUN(inode_is_the_pidfs_inode);
		RUN(pid_numbers_in_our_namespace);
		RUN(self_is_alive);
		RUN(live_child_is_alive);
		RUN(zombie_child_is_zombie_with_status);
		RUN(two_pidfds_to_one_reaped_child_share_inode);
		RUN(distinct_targets_have_distinct_inodes);
		RUN(reaped_exit3_has_pid_and_status_0x300);
		RUN(reaped_sigterm_has_pid_and_status_15);
		RUN(thread_pidfd_has_thread_flag);
		RUN(fdinfo_check_tells_pidfds);
		RUN(exit_status_of_own_pidfds);
		RUN(process_without_pidfds_gives_empty_list);
		RUN(missing_process_is_esrch);
		RUN(nested_pidns_target_has_every_level);
		RUN(pidfd_in_a_thread_private_fd_table);
		RUN(measure_cost);
		failures = unit__failures;
	}
	pidfd_scan__free(list);
	pidfd_scan__cleanup();
	stop_family();
	return failures ? 1 : 0;
}
