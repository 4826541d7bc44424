// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_threads - a multithreaded process: 8 workers pass a token around a
 * ring under one mutex and condition variable, each counting its turns in
 * its own memory (an mmap'ed page) and on its own stack; a 9th thread spins
 * in assembly, counting with a pattern held in a general register and in
 * xmm15 (a thread interrupted in user mode, not in a syscall). Each worker
 * has its own name, TLS values, blocked mask, sigaltstack; worker 4 a
 * parent-death signal, worker 6 a nice value, worker 5 two signals pending
 * on itself alone (SIGUSR1 by tgkill, a real-time one with a value by
 * rt_tgsigqueueinfo), blocked. The main thread holds a PIDFD_THREAD pidfd
 * to worker 2.
 *
 * After restore (SIGTERM), every worker checks in its own thread: same tid,
 * TLS, pthread_self(), name, mask, altstack, clear_child_tid, robust list,
 * rseq still registered; worker 5 that its signals are still pending on it
 * (and not on the process), then takes them with their siginfo; the ring
 * and the spinner must keep counting. The pidfd must still name worker 2
 * and signal that thread alone. PASS or FAIL: why.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/ioctl.h>

#include "zdtm.h"

#define NWORKERS 8
#define SIG_WORKER 5
#define PIDFD_WORKER 2
#define PDEATH_WORKER 4
#define NICE_WORKER 6
#define NICE_VALUE 5
#define RT_VALUE 4242
#define MAGIC 0x5eed0000cafeULL
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef PR_GET_TID_ADDRESS
#define PR_GET_TID_ADDRESS 40
#endif

struct worker {
	int idx;
	pthread_t th;
	volatile pid_t tid;
	volatile unsigned long *mem;	/* its own page: mem[0] counts its turns */
	pthread_t self;
	unsigned long tid_addr;
	void *robust_head;
	size_t robust_len;
	char *altstack;
	size_t altsize;
	volatile int ready;
	volatile int verified;		/* 1: passed, -1: failed (why) */
	char why[160];
};

static struct worker workers[NWORKERS];
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ring_cond = PTHREAD_COND_INITIALIZER;
static int token;
static volatile unsigned long rounds;
static volatile int verify_req, stop_all;

static __thread int tls_idx = -1;
static __thread unsigned long long tls_magic;

/* The spinner. */
static pthread_t spinner;
static volatile pid_t spin_tid;
static volatile uint64_t spin_count;
static volatile int spin_stop;
static volatile uint64_t spin_bad;

/* What the handlers saw. */
static volatile pid_t usr1_tid, rt_tid, usr2_tid;
static volatile int usr1_code, rt_code, rt_value, usr1_pid;

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	usr1_tid = gettid_();
	usr1_code = si->si_code;
	usr1_pid = si->si_pid;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	rt_tid = gettid_();
	rt_code = si->si_code;
	rt_value = si->si_value.sival_int;
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2_tid = gettid_();
}

static int wfail(struct worker *w, const char *what)
{
	snprintf(w->why, sizeof(w->why), "worker %d (tid %d): %s", w->idx, w->tid, what);
	w->verified = -1;
	return -1;
}

/* Every signal this worker blocks, and the ones it must not. */
static void worker_mask(int idx, sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGRTMIN + idx);
	if (idx != PIDFD_WORKER)
		sigaddset(s, SIGUSR2);
	if (idx == SIG_WORKER)
		sigaddset(s, SIGUSR1);
}

static int rseq_registered(void)
{
	long r;

	if (!__rseq_size)
		return 1; /* glibc did not register rseq: nothing to keep */
	/* glibc registers 32 bytes (the kernel's minimum) and says 20 (the features it uses). */
	r = syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset, 32, 0, RSEQ_SIG);
	if (r < 0 && errno == EINVAL)
		r = syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset,
			    __rseq_size, 0, RSEQ_SIG);
	/* EBUSY: this very area is registered already. */
	return r < 0 && errno == EBUSY;
}

static int verify_self(struct worker *w)
{
	sigset_t cur, want, pend;
	stack_t ss;
	unsigned long addr = 0;
	void *head = NULL;
	size_t len = 0;
	char name[32] = "", expect[32];
	int pdeath = 0, sig;

	if (gettid_() != w->tid)
		return wfail(w, "tid changed");
	if (tls_idx != w->idx || tls_magic != (MAGIC ^ w->idx))
		return wfail(w, "TLS lost (fs base)");
	if (!pthread_equal(pthread_self(), w->self))
		return wfail(w, "pthread_self() changed");
	snprintf(expect, sizeof(expect), "worker-%d", w->idx);
	prctl(PR_GET_NAME, name);
	if (strcmp(name, expect))
		return wfail(w, "name lost");
	if (prctl(PR_GET_TID_ADDRESS, &addr) || addr != w->tid_addr)
		return wfail(w, "clear_child_tid lost");
	if (syscall(SYS_get_robust_list, 0, &head, &len) || head != w->robust_head ||
	    len != w->robust_len)
		return wfail(w, "robust list lost");
	if (!rseq_registered())
		return wfail(w, "rseq not registered");
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	worker_mask(w->idx, &want);
	for (sig = 1; sig < SIGRTMAX; sig++)
		if (sig != SIGKILL && sig != SIGSTOP &&
		    sigismember(&cur, sig) != sigismember(&want, sig))
			return wfail(w, "blocked mask changed");
	if (sigaltstack(NULL, &ss) || ss.ss_sp != w->altstack || ss.ss_size != w->altsize ||
	    (ss.ss_flags & SS_DISABLE))
		return wfail(w, "sigaltstack lost");
	if (w->idx == PDEATH_WORKER && (prctl(PR_GET_PDEATHSIG, &pdeath) || pdeath != SIGWINCH))
		return wfail(w, "parent-death signal lost");
	if (w->idx == NICE_WORKER && getpriority(PRIO_PROCESS, gettid_()) != NICE_VALUE)
		return wfail(w, "nice value lost");
	if (w->idx == SIG_WORKER) {
		sigpending(&pend);
		if (!sigismember(&pend, SIGUSR1) || !sigismember(&pend, SIGRTMIN + SIG_WORKER))
			return wfail(w, "its pending signals are lost");
		pthread_sigmask(SIG_UNBLOCK, &want, NULL);
		pthread_sigmask(SIG_BLOCK, &want, NULL);
		if (usr1_tid != w->tid || usr1_code != SI_TKILL || usr1_pid != getpid())
			return wfail(w, "SIGUSR1 not delivered to it with its siginfo");
		if (rt_tid != w->tid || rt_code != SI_QUEUE || rt_value != RT_VALUE)
			return wfail(w, "the real-time signal not delivered with its value");
	}
	w->verified = 1;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	volatile unsigned long mine = 0;	/* the same count, on its own stack */
	sigset_t mask;
	stack_t ss;
	char name[16];
	int next;

	w->tid = gettid_();
	w->self = pthread_self();
	tls_idx = w->idx;
	tls_magic = MAGIC ^ w->idx;
	snprintf(name, sizeof(name), "worker-%d", w->idx);
	prctl(PR_SET_NAME, name);
	worker_mask(w->idx, &mask);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	w->altsize = 65536 + 4096 * w->idx;
	w->altstack = malloc(w->altsize);
	ss.ss_sp = w->altstack;
	ss.ss_size = w->altsize;
	ss.ss_flags = 0;
	if (!w->altstack || sigaltstack(&ss, NULL))
		zdtm_fail("worker %d: sigaltstack", w->idx);
	w->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->mem == MAP_FAILED)
		zdtm_fail("worker %d: mmap", w->idx);
	prctl(PR_GET_TID_ADDRESS, &w->tid_addr);
	syscall(SYS_get_robust_list, 0, &w->robust_head, &w->robust_len);
	if (w->idx == PDEATH_WORKER && prctl(PR_SET_PDEATHSIG, SIGWINCH))
		zdtm_fail("PR_SET_PDEATHSIG");
	if (w->idx == NICE_WORKER && setpriority(PRIO_PROCESS, gettid_(), NICE_VALUE))
		zdtm_fail("setpriority");
	if (w->idx == SIG_WORKER) {
		siginfo_t si;

		if (syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1))
			zdtm_fail("tgkill");
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGRTMIN + SIG_WORKER;
		si.si_code = SI_QUEUE;
		si.si_pid = getpid();
		si.si_uid = getuid();
		si.si_value.sival_int = RT_VALUE;
		if (syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid_(), SIGRTMIN + SIG_WORKER, &si))
			zdtm_fail("rt_tgsigqueueinfo");
	}
	w->ready = 1;
	for (;;) {
		pthread_mutex_lock(&ring_lock);
		while (token != w->idx && !stop_all)
			pthread_cond_wait(&ring_cond, &ring_lock);
		if (stop_all) {
			pthread_mutex_unlock(&ring_lock);
			break;
		}
		mine++;
		w->mem[0]++;
		if (w->mem[0] != mine) {
			wfail(w, "its count in memory and on its stack differ");
			mine = w->mem[0];
		}
		next = (w->idx + 1) % NWORKERS;
		token = next;
		if (!next)
			rounds++;
		pthread_cond_broadcast(&ring_cond);
		pthread_mutex_unlock(&ring_lock);
		if (w->idx == 0)
			usleep(200); /* a sleeping thread too, and less CPU */
		if (verify_req && !w->verified)
			verify_self(w);
	}
	return NULL;
}

static void *spin_main(void *arg)
{
	uint64_t pattern = 0x0123456789abcdefULL, bad = 0;

	(void)arg;
	spin_tid = gettid_();
	prctl(PR_SET_NAME, "spinner");
	__asm__ volatile("movq %[pat], %%xmm15\n"
			 "1:\n\t"
			 "pause\n\t"
			 "movq %%xmm15, %%rax\n\t"
			 "cmpq %[pat], %%rax\n\t"
			 "jne 2f\n\t"
			 "incq (%[cnt])\n\t"
			 "cmpl $0, (%[stop])\n\t"
			 "je 1b\n\t"
			 "jmp 3f\n"
			 "2:\n\t"
			 "movq $1, %[bad]\n"
			 "3:\n"
			 : [bad] "+r"(bad)
			 : [pat] "r"(pattern), [cnt] "r"(&spin_count), [stop] "r"(&spin_stop)
			 : "rax", "xmm15", "memory", "cc");
	spin_bad = bad;
	return NULL;
}

/* Threads: of /proc/self/status (its tids would be the host's under --pidns). */
static int count_threads(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

struct zpidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare1;
};

#define ZPIDFD_GET_INFO _IOWR(0xFF, 11, struct zpidfd_info)
#define ZPIDFD_INFO_PID 1ULL

/* The thread and process a pidfd names, in our pid namespace. */
static void pidfd_target(int fd, pid_t *tid, pid_t *tgid)
{
	struct zpidfd_info info = { .mask = ZPIDFD_INFO_PID };

	if (ioctl(fd, ZPIDFD_GET_INFO, &info) < 0)
		zdtm_fail("PIDFD_GET_INFO");
	*tid = info.pid;
	*tgid = info.tgid;
}

/* Signal worker 2 through its thread pidfd; the handler says which thread ran. */
static pid_t signal_through(int pidfd)
{
	int i;

	usr2_tid = 0;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGUSR2, NULL, 0))
		zdtm_fail("pidfd_send_signal");
	for (i = 0; i < 2000 && !usr2_tid; i++)
		usleep(1000);
	return usr2_tid;
}

static void wait_progress(const unsigned long *c0, unsigned long r0, uint64_t s0, int verify)
{
	int i, n, done;

	for (n = 0; n < 1000; n++) {
		done = rounds >= r0 + 20 && spin_count > s0 + 1000;
		for (i = 0; i < NWORKERS; i++) {
			done &= workers[i].mem[0] >= c0[i] + 20;
			if (verify)
				done &= workers[i].verified != 0;
		}
		if (done)
			return;
		usleep(10000);
	}
	for (i = 0; i < NWORKERS; i++)
		if (workers[i].mem[0] < c0[i] + 20 || (verify && !workers[i].verified))
			zdtm_fail("worker %d stuck: %lu turns (%lu before)%s", i, workers[i].mem[0],
				  c0[i], verify && !workers[i].verified ? ", never verified" : "");
	zdtm_fail("ring %lu rounds (%lu before), spinner %lu (%lu before)", rounds, r0,
		  (unsigned long)spin_count, (unsigned long)s0);
}

int main(void)
{
	unsigned long c0[NWORKERS];
	struct sigaction sa;
	sigset_t block, old, pend;
	unsigned long r0;
	uint64_t s0;
	pid_t ptid, ptgid;
	int i, pidfd, direct;

	zdtm_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sigaction(SIGRTMIN + SIG_WORKER, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	/* Workers start with SIGTERM blocked: it is the main thread's. */
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < NWORKERS; i++) {
		workers[i].idx = i;
		if (pthread_create(&workers[i].th, NULL, worker_main, &workers[i]))
			zdtm_fail("pthread_create");
	}
	if (pthread_create(&spinner, NULL, spin_main, NULL))
		zdtm_fail("pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (i = 0; i < 5000; i++) {
		int ready = spin_count > 0 && rounds > 20;

		for (int j = 0; j < NWORKERS; j++)
			ready &= workers[j].ready;
		if (ready)
			break;
		usleep(1000);
	}
	if (i == 5000)
		zdtm_fail("threads did not start");
	pidfd = syscall(SYS_pidfd_open, workers[PIDFD_WORKER].tid, PIDFD_THREAD);
	if (pidfd < 0)
		zdtm_fail("pidfd_open(PIDFD_THREAD)");
	/* Does this kernel signal the thread alone through such a pidfd? */
	direct = signal_through(pidfd) == workers[PIDFD_WORKER].tid;
	zdtm_ready();
	/*
	 * Poll rather than sigsuspend(): a task held inside sigsuspend is
	 * resumed by running the call again, so a SIGTERM that comes before
	 * it re-enters the kernel would be handled, then slept through. With
	 * busy threads on two CPUs that window is long enough to be hit.
	 */
	while (!zdtm_stop)
		usleep(5000);

	if (count_threads() != NWORKERS + 2)
		zdtm_fail("%d threads after restore, expected %d", count_threads(), NWORKERS + 2);
	/* Worker 5's signals are its own: the process-wide queue has none. */
	sigpending(&pend);
	if (sigismember(&pend, SIGUSR1) || sigismember(&pend, SIGRTMIN + SIG_WORKER))
		zdtm_fail("worker 5's signals became process-wide");
	pidfd_target(pidfd, &ptid, &ptgid);
	if (!(fcntl(pidfd, F_GETFL) & O_EXCL) || ptid != workers[PIDFD_WORKER].tid ||
	    ptgid != getpid())
		zdtm_fail("PIDFD_THREAD pidfd: flag %s, names tid %d of pid %d, not worker 2 (%d)",
			  fcntl(pidfd, F_GETFL) & O_EXCL ? "kept" : "lost", ptid, ptgid,
			  workers[PIDFD_WORKER].tid);
	if (direct && signal_through(pidfd) != workers[PIDFD_WORKER].tid)
		zdtm_fail("PIDFD_THREAD pidfd: signal ran in tid %d, not worker 2 (%d)", usr2_tid,
			  workers[PIDFD_WORKER].tid);
	for (i = 0; i < NWORKERS; i++)
		c0[i] = workers[i].mem[0];
	r0 = rounds;
	s0 = spin_count;
	verify_req = 1;
	wait_progress(c0, r0, s0, 1);
	for (i = 0; i < NWORKERS; i++)
		if (workers[i].verified < 0)
			zdtm_fail("%s", workers[i].why);
	spin_stop = 1;
	pthread_join(spinner, NULL);
	if (spin_bad)
		zdtm_fail("spinner: xmm15 lost its value");
	pthread_mutex_lock(&ring_lock);
	stop_all = 1;
	pthread_cond_broadcast(&ring_cond);
	pthread_mutex_unlock(&ring_lock);
	for (i = 0; i < NWORKERS; i++)
		pthread_join(workers[i].th, NULL);
	if (!direct)
		printf("note: this kernel does not signal a thread alone through PIDFD_THREAD\n");
	return zdtm_pass();
}
