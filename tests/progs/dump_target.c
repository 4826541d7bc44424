// SPDX-License-Identifier: GPL-2.0
/*
 * dump_target - a process that sets up the state `pidtrace dump` must see,
 * writes what it knows about itself to REPORT as key=value lines (the file
 * appears atomically, complete), then counts forever.
 *
 *   dump_target REPORT WORKDIR [tree] [pidfds] [socket] [thread]
 *                          [bigmem=MB]
 *
 * Always: anonymous memory with 3 written pages and a read-only-touched
 * one, a written private file mapping, shared anonymous memory, a
 * PROT_NONE region, a page written then made unreadable, a file open at
 * position 123 and its dup, a pipe holding "hello pipe", a directory fd,
 * /dev/zero O_CLOEXEC, a SIGUSR1 handler, SIGPIPE ignored, SIGUSR2 and
 * SIGTERM blocked and pending, an alternate signal stack, pdeath SIGHUP,
 * RLIMIT_NOFILE 200/400, umask 027, cwd WORKDIR.
 * tree: a child that counts too, and a zombie child (exit 3, not reaped).
 * pidfds: pidfds to its parent (outside the dumped tree), to itself (plain
 * and PIDFD_THREAD), a live child, a zombie
 * child, twice to one reaped child, to a reaped child that exited with 3 and
 * to one killed by SIGTERM.
 * socket: a packet socket in a BPF-steered fanout group (which dump must refuse).
 * thread: a second thread (which dump must refuse).
 * bigmem=MB: MB MiB of written anonymous memory (a dump that takes a while).
 *
 * COUNTER (REPORT.counter) gets the loop count every ~50 ms through pwrite,
 * so a test can see the process run without changing its file positions.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

#define PAGE 4096

static FILE *rep;
static volatile unsigned long counter;

static void die(const char *what)
{
	fprintf(stderr, "dump_target: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(rep, "%s=", key);
	va_start(ap, fmt);
	vfprintf(rep, fmt, ap);
	va_end(ap);
	fputc('\n', rep);
}

static void *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
}

static void setup_memory(const char *dir)
{
	char path[4096];
	char *anon, *fp, *shm, *none, *ro, *hidden, c;
	int fd, i;

	/* Between PROT_NONE guards, so that it stays one VMA of its own. */
	anon = map(18 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS) + PAGE;
	if (mmap(anon, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != anon)
		die("mmap fixed");
	anon[0] = 1;
	anon[3 * PAGE] = 2;
	anon[7 * PAGE + 100] = 3;
	c = *(volatile char *)(anon + 5 * PAGE); /* the zero page: not stored */
	(void)c;
	kv("anon_start", "%p", anon);
	kv("anon_end", "%p", anon + 16 * PAGE);
	kv("anon_dumped", "3");

	snprintf(path, sizeof(path), "%s/mapped.bin", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4 * PAGE))
		die("mapped.bin");
	fp = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (fp == MAP_FAILED)
		die("mmap file");
	close(fd);
	c = fp[0]; /* read: stays the file's page */
	fp[PAGE + 5] = 'x';
	kv("fpriv_start", "%p", fp);
	kv("fpriv_path", "%s", path);
	kv("fpriv_dumped", "1");

	shm = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	shm[0] = 1;
	shm[2 * PAGE] = 2;
	kv("shm_start", "%p", shm);
	kv("shm_pages", "2");

	none = map(2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	kv("none_start", "%p", none);

	ro = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	memset(ro, 'r', PAGE);
	if (mprotect(ro, PAGE, PROT_READ))
		die("mprotect");
	kv("ro_start", "%p", ro);

	/* Written, then unreadable: only /proc/PID/mem can copy it. */
	hidden = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	for (i = 0; i < PAGE; i++)
		hidden[i] = (char)i;
	if (mprotect(hidden, PAGE, PROT_NONE))
		die("mprotect");
	kv("hidden_start", "%p", hidden);
}

static void setup_files(const char *dir)
{
	char path[4096], buf[123];
	int fd, p[2];

	snprintf(path, sizeof(path), "%s/data.txt", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(buf, 'd', sizeof(buf));
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf))
		die("data.txt");
	kv("fd_file", "%d", fd);
	kv("fd_file_path", "%s", path);
	kv("fd_file_pos", "123");
	kv("fd_dup", "%d", dup(fd));

	if (pipe(p) || write(p[1], "hello pipe", 10) != 10)
		die("pipe");
	kv("fd_pipe_r", "%d", p[0]);
	kv("fd_pipe_w", "%d", p[1]);
	kv("pipe_data_hex", "68656c6c6f2070697065");

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		die("open dir");
	kv("fd_dir", "%d", fd);
	fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/zero");
	kv("fd_zero", "%d", fd);
	umask(027);
	kv("umask", "0027");
	if (chdir(dir))
		die("chdir");
	kv("cwd", "%s", dir);
}

struct ksigaction {
	unsigned long handler, flags, restorer, mask;
};

static void setup_signals(void)
{
	struct sigaction sa;
	struct ksigaction ka;
	struct rlimit rl = { 200, 400 };
	sigset_t set;
	stack_t ss;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGHUP);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	/* What the kernel holds (glibc adds SA_RESTORER and a restorer). */
	if (syscall(SYS_rt_sigaction, SIGUSR1, NULL, &ka, 8))
		die("rt_sigaction");
	kv("usr1_handler", "0x%lx", ka.handler);
	kv("usr1_flags", "0x%lx", ka.flags);
	kv("usr1_mask", "0x%lx", ka.mask);
	kv("usr1_restorer", "0x%lx", ka.restorer);
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kv("blocked", "0x%llx", (1ULL << (SIGUSR2 - 1)) | (1ULL << (SIGTERM - 1)));
	raise(SIGUSR2);		/* tgkill: the thread's queue */
	kill(getpid(), SIGTERM);	/* kill: the process's queue */
	kv("pending_thread", "%d", SIGUSR2);
	kv("pending_process", "%d", SIGTERM);

	ss.ss_sp = malloc(65536);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	if (!ss.ss_sp || sigaltstack(&ss, NULL))
		die("sigaltstack");
	kv("altstack_sp", "%p", ss.ss_sp);
	kv("altstack_size", "65536");
	if (prctl(PR_SET_PDEATHSIG, SIGHUP))
		die("pdeathsig");
	kv("pdeath_sig", "%d", SIGHUP);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	kv("nofile_cur", "200");
	kv("nofile_max", "400");
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void count_forever(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (;;) {
		counter++;
		nanosleep(&ts, NULL);
	}
}

/* A child that blocks until @release is closed, then exits with @code. */
static pid_t held_child(int code, int *release)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(99);
		_exit(code);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

static void wait_zombie(pid_t pid)
{
	siginfo_t si;

	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		die("waitid");
}

static int pidfd(pid_t pid, unsigned int flags)
{
	int fd = syscall(SYS_pidfd_open, pid, flags);

	if (fd < 0)
		die("pidfd_open");
	return fd;
}

static void setup_tree(void)
{
	pid_t child, zombie;
	int rel;

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		count_forever();
	}
	kv("child_pid", "%d", child);
	zombie = held_child(3, &rel);
	close(rel);
	wait_zombie(zombie);
	kv("zombie_pid", "%d", zombie);
	kv("zombie_status", "0x%x", 3 << 8);
}

static void setup_pidfds(void)
{
	pid_t live, zombie, reaped, exit3, term;
	int rel, st, fd1, fd2;

	kv("pidfd_parent", "%d", pidfd(getppid(), 0));
	kv("pidfd_self", "%d", pidfd(getpid(), 0));
	kv("pidfd_self_thread", "%d", pidfd(getpid(), PIDFD_THREAD));

	live = fork();
	if (live < 0)
		die("fork");
	if (live == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		count_forever();
	}
	kv("pidfd_live", "%d", pidfd(live, 0));
	kv("pidfd_live_pid", "%d", live);

	zombie = held_child(5, &rel);
	kv("pidfd_zombie", "%d", pidfd(zombie, 0));
	close(rel);
	wait_zombie(zombie);
	kv("pidfd_zombie_pid", "%d", zombie);

	reaped = held_child(0, &rel);
	fd1 = pidfd(reaped, 0);
	fd2 = pidfd(reaped, 0);
	close(rel);
	if (waitpid(reaped, &st, 0) != reaped)
		die("waitpid");
	kv("pidfd_reaped", "%d", fd1);
	kv("pidfd_reaped2", "%d", fd2);
	kv("pidfd_reaped_pid", "%d", reaped);
	kv("pidfd_reaped_status", "%d", st);

	exit3 = held_child(3, &rel);
	fd1 = pidfd(exit3, 0);
	close(rel);
	if (waitpid(exit3, &st, 0) != exit3)
		die("waitpid");
	kv("pidfd_exit3", "%d", fd1);
	kv("pidfd_exit3_pid", "%d", exit3);
	kv("pidfd_exit3_status", "%d", st);

	term = held_child(0, &rel);
	fd1 = pidfd(term, 0);
	if (kill(term, SIGTERM) || waitpid(term, &st, 0) != term)
		die("kill/waitpid");
	close(rel);
	kv("pidfd_term", "%d", fd1);
	kv("pidfd_term_pid", "%d", term);
	kv("pidfd_term_status", "%d", st);
}

int main(int argc, char **argv)
{
	char tmp[4200], cpath[4200], buf[32];
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i, cfd, n;

	if (argc < 3) {
		fprintf(stderr, "usage: dump_target REPORT WORKDIR [tree] [pidfds] [socket] "
				"[thread] [bigmem=MB]\n");
		return 2;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	snprintf(cpath, sizeof(cpath), "%s.counter", argv[1]);
	rep = fopen(tmp, "w");
	cfd = open(cpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!rep || cfd < 0)
		die("report");
	kv("pid", "%d", getpid());
	kv("ppid", "%d", getppid());
	kv("fd_counter", "%d", cfd);
	setup_memory(argv[2]);
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "tree")) {
			setup_tree();
		} else if (!strcmp(argv[i], "pidfds")) {
			setup_pidfds();
		} else if (!strcmp(argv[i], "socket")) {
			/*
			 * A packet socket in a fanout group steered by a BPF
			 * program (packet sockets are dumped now, this is
			 * refused), of an ethertype nobody sends.
			 */
			struct sock_filter f = { BPF_RET | BPF_K, 0, 0, 0 };
			struct sock_fprog fp = { 1, &f };
			int fo = 4242 | (PACKET_FANOUT_CBPF << 16);

			n = socket(AF_PACKET, SOCK_DGRAM, htons(0x88b5));
			if (n < 0 || setsockopt(n, SOL_PACKET, PACKET_FANOUT, &fo, sizeof(fo)) ||
			    setsockopt(n, SOL_PACKET, PACKET_FANOUT_DATA, &fp, sizeof(fp)))
				die("socket");
			kv("fd_socket", "%d", n);
		} else if (!strcmp(argv[i], "thread")) {
			sigset_t all, old;
			pthread_t th;

			/* Process-wide signals must find the main thread. */
			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			if (pthread_create(&th, NULL, sleeper, NULL))
				die("pthread_create");
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			kv("threads", "2");
		} else if (!strncmp(argv[i], "bigmem=", 7)) {
			size_t len = strtoul(argv[i] + 7, NULL, 10) << 20;
			char *big = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

			madvise(big, len, MADV_POPULATE_WRITE);
			for (size_t off = 0; off < len; off += PAGE)
				big[off] = (char)(off >> 12);
			kv("bigmem_start", "%p", big);
		}
	}
	setup_files(argv[2]);
	setup_signals();
	kv("ready", "1");
	fclose(rep);
	if (rename(tmp, argv[1]))
		die("rename");
	for (;;) {
		counter++;
		if (counter % 5 == 0) {
			n = snprintf(buf, sizeof(buf), "%lu\n", counter);
			if (pwrite(cfd, buf, n, 0) < 0)
				return 1;
		}
		nanosleep(&ts, NULL);
	}
}
