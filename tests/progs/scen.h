/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scen.h - shared helpers of the kill scenarios in tests/progs/.
 *
 * A scenario is a tiny program that makes one kind of death happen for real,
 * prints the pids a test needs as "key=value" lines on stdout, checks with
 * waitpid() that the victim died the way it meant, and exits 0 when it did
 * its job, 1 when it did not, 77 when the platform cannot run it.
 *
 * Victims never outlive their scenario by long: each arms an alarm() before
 * it sleeps, so a scenario that goes wrong leaves nothing behind after
 * SCEN_TIMEOUT seconds.
 */
#ifndef SCEN_H
#define SCEN_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCEN_TIMEOUT 30
#define SCEN_SKIP 77
#define SCEN_SYNC_MS 10000

static const char *scen_prog = "scenario";

static inline void __attribute__((format(printf, 1, 2), noreturn)) scen_die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: ", scen_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static inline void __attribute__((format(printf, 1, 2))) scen_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", scen_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The comm a test filters on with 'pidtrace watch -c'. */
static inline void scen_name(const char *comm)
{
	if (prctl(PR_SET_NAME, comm, 0, 0, 0))
		scen_die("prctl(PR_SET_NAME, %s)", comm);
}

/*
 * Some victims die by core-dumping signals: with core_pattern "core" a dump
 * would land in the current directory.
 */
static inline void scen_no_core(void)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl))
		scen_die("setrlimit(RLIMIT_CORE)");
}

static inline pid_t scen_fork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		scen_die("fork");
	return pid;
}

static inline pid_t scen_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/*
 * A one-way channel: the child says "ready" (optionally with a number, e.g.
 * a tid) once it is in the state the scenario needs.
 */
struct scen_sync {
	int fd[2];
};

static inline void scen_sync_init(struct scen_sync *s)
{
	if (pipe2(s->fd, O_CLOEXEC))
		scen_die("pipe");
}

static inline void scen_sync_post(struct scen_sync *s, long val)
{
	if (write(s->fd[1], &val, sizeof(val)) != sizeof(val))
		scen_die("sync write");
}

/*
 * Returns what the other side posted. Both ends stay open (threads share
 * them), so a peer that died is noticed by a timeout instead of EOF.
 */
static inline long scen_sync_wait(struct scen_sync *s)
{
	struct pollfd pfd = { .fd = s->fd[0], .events = POLLIN };
	long val;
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, SCEN_SYNC_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		errno = ETIMEDOUT;
		scen_die("waiting for the other side");
	}
	do
		n = read(s->fd[0], &val, sizeof(val));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(val)) {
		errno = n < 0 ? errno : EPIPE;
		scen_die("sync read");
	}
	return val;
}

static inline void scen_sync_close(struct scen_sync *s)
{
	if (s->fd[0] >= 0)
		close(s->fd[0]);
	if (s->fd[1] >= 0)
		close(s->fd[1]);
	s->fd[0] = s->fd[1] = -1;
}

/* A victim's last state: asleep until killed (or the safety alarm). */
static inline void __attribute__((noreturn)) scen_sleep_forever(void)
{
	alarm(SCEN_TIMEOUT);
	for (;;)
		pause();
}

/*
 * Fork a victim that takes COMM as its name and sleeps; returns its pid once
 * the name is set, so a comm filter sees everything that happens to it.
 */
static inline pid_t scen_spawn_sleeper(const char *comm)
{
	struct scen_sync ready;
	pid_t pid;

	scen_sync_init(&ready);
	pid = scen_fork();
	if (pid == 0) {
		scen_name(comm);
		scen_sync_post(&ready, 0);
		scen_sleep_forever();
	}
	scen_sync_wait(&ready);
	scen_sync_close(&ready);
	return pid;
}

static inline int scen_reap(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, __WALL);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		scen_msg("waitpid(%d): %s", pid, strerror(errno));
		return -1;
	}
	return 0;
}

static inline void scen_describe(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		scen_msg("pid %d was killed by signal %d", pid, WTERMSIG(status));
	else if (WIFEXITED(status))
		scen_msg("pid %d exited with %d", pid, WEXITSTATUS(status));
	else
		scen_msg("pid %d: wait status 0x%x", pid, status);
}

/* 0 when PID died by signal SIG, -1 (with a message) otherwise. */
static inline int scen_expect_signal(pid_t pid, int sig)
{
	int status;

	if (scen_reap(pid, &status))
		return -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == sig)
		return 0;
	scen_describe(pid, status);
	scen_msg("expected pid %d to die by signal %d", pid, sig);
	return -1;
}

/* 0 when PID exited with CODE, -1 (with a message) otherwise. */
static inline int scen_expect_exit(pid_t pid, int code)
{
	int status;

	if (scen_reap(pid, &status))
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == code)
		return 0;
	scen_describe(pid, status);
	scen_msg("expected pid %d to exit with %d", pid, code);
	return -1;
}

static inline void scen_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Write a short string to a (cgroup) file; -errno on failure. */
static inline int scen_write_file(const char *path, const char *val)
{
	ssize_t n, len = (ssize_t)strlen(val);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/*
 * rmdir a cgroup the scenario created. A group stays busy for a moment
 * after its last task was reaped, so retry for up to ~5 s.
 */
static inline int scen_rmdir_cgroup(const char *path)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		scen_sleep_ms(50);
	}
	scen_msg("rmdir %s: %s", path, strerror(errno));
	return -1;
}

#endif /* SCEN_H */
