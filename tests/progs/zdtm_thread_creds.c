// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_thread_creds - threads of one process, each with its own
 * credentials (raw syscalls: glibc's wrappers would change every thread):
 *   ids     uids 3001/3002/3003 fs 3001, gids 2001/2002/2003 fs 2001,
 *           groups 1001 1002; so no capability left;
 *   caps    still uid 0, but only CAP_KILL and CAP_NET_BIND_SERVICE
 *           (effective, permitted), CAP_KILL inheritable and ambient,
 *           CAP_SYS_BOOT out of its bounding set, no_new_privs;
 *   root    untouched: root with every capability;
 *   same    lowered to exactly the main thread's credentials;
 *   pers    the same, but another personality (ADDR_NO_RANDOMIZE);
 * and the main thread, last, drops root for uid 4002 and gid 4001 with no
 * groups: after a restore the process's credentials are the lowest.
 * After SIGTERM each thread checks its own: getresuid, getresgid,
 * getgroups, capget, the ambient and bounding sets, no_new_privs, personality (raw
 * syscalls in the thread), and its Uid:/Gid: lines in
 * /proc/self/task/TID/status.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include "zdtm.h"

#define NTHREADS 5

struct want {
	const char *name;
	uint32_t uid[4], gid[4];
	uint32_t groups[2];
	int ngroups;
	uint64_t eff, prm, inh, amb;
	uint64_t bnd;	  /* the bounding set it must have */
	int bset_dropped; /* a capability it drops from it, or -1 */
	int nnp;
	unsigned long pers;
};

struct thread {
	struct want w;
	pthread_t pth;
	pid_t tid;
	volatile int ready, check, done;
	char err[256];
};

static struct thread th[NTHREADS];
static struct want main_want;

#define CAP(c) (1ULL << (c))

static int capset_raw(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	d[0].permitted = (uint32_t)prm;
	d[1].permitted = (uint32_t)(prm >> 32);
	d[0].inheritable = (uint32_t)inh;
	d[1].inheritable = (uint32_t)(inh >> 32);
	return syscall(SYS_capset, &hdr, d);
}

/* Lower the calling thread, and only it, to @w. */
static int lower(const struct want *w)
{
	int c;

	if (w->bset_dropped >= 0 && prctl(PR_CAPBSET_DROP, w->bset_dropped, 0, 0, 0))
		return -1;
	if (w->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	if (w->pers && syscall(SYS_personality, w->pers) < 0)
		return -1;
	if (syscall(SYS_setgroups, w->ngroups, w->groups))
		return -1;
	if (syscall(SYS_setresgid, w->gid[0], w->gid[1], w->gid[2]))
		return -1;
	syscall(SYS_setfsgid, w->gid[3]);
	if (w->uid[0] || w->uid[1] || w->uid[2]) {
		if (syscall(SYS_setresuid, w->uid[0], w->uid[1], w->uid[2]))
			return -1;
		syscall(SYS_setfsuid, w->uid[3]);
		return 0;
	}
	if (capset_raw(w->eff, w->prm, w->inh))
		return -1;
	for (c = 0; c < 64; c++)
		if ((w->amb & CAP(c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0))
			return -1;
	return 0;
}

static int status_line(pid_t tid, const char *key, uint32_t v[4])
{
	char path[64], line[256];
	size_t n = strlen(key);
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n))
			found = sscanf(line + n, "%u %u %u %u", &v[0], &v[1], &v[2], &v[3]) == 4;
	fclose(f);
	return found ? 0 : -1;
}

/* The calling thread's credentials against @w; "" when they match. */
static void check(const struct want *w, pid_t tid, char *err, size_t len)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint32_t r[4], groups[16];
	uint64_t eff, prm, inh;
	long n;
	int c;

	err[0] = '\0';
	if (syscall(SYS_getresuid, &r[0], &r[1], &r[2]) || r[0] != w->uid[0] ||
	    r[1] != w->uid[1] || r[2] != w->uid[2]) {
		snprintf(err, len, "%s: uids %u/%u/%u", w->name, r[0], r[1], r[2]);
		return;
	}
	if (syscall(SYS_getresgid, &r[0], &r[1], &r[2]) || r[0] != w->gid[0] ||
	    r[1] != w->gid[1] || r[2] != w->gid[2]) {
		snprintf(err, len, "%s: gids %u/%u/%u", w->name, r[0], r[1], r[2]);
		return;
	}
	/* setfsuid returns the previous value; asking for the same changes nothing. */
	n = syscall(SYS_setfsuid, -1);
	if (n != w->uid[3]) {
		snprintf(err, len, "%s: fsuid %ld", w->name, n);
		return;
	}
	n = syscall(SYS_setfsgid, -1);
	if (n != w->gid[3]) {
		snprintf(err, len, "%s: fsgid %ld", w->name, n);
		return;
	}
	n = syscall(SYS_getgroups, 16, groups);
	if (n != w->ngroups || (n > 0 && memcmp(groups, w->groups, n * 4))) {
		snprintf(err, len, "%s: %ld groups (first %u)", w->name, n, n > 0 ? groups[0] : 0);
		return;
	}
	if (syscall(SYS_capget, &hdr, d)) {
		snprintf(err, len, "%s: capget", w->name);
		return;
	}
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	if (eff != w->eff || prm != w->prm || inh != w->inh) {
		snprintf(err, len, "%s: caps eff %llx prm %llx inh %llx", w->name,
			 (unsigned long long)eff, (unsigned long long)prm,
			 (unsigned long long)inh);
		return;
	}
	for (c = 0; c <= 40; c++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) != !!(w->amb & CAP(c))) {
			snprintf(err, len, "%s: ambient capability %d", w->name, c);
			return;
		}
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != !!(w->bnd & CAP(c))) {
			snprintf(err, len, "%s: bounding set capability %d", w->name, c);
			return;
		}
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != w->nnp) {
		snprintf(err, len, "%s: no_new_privs", w->name);
		return;
	}
	n = syscall(SYS_personality, 0xffffffffUL);
	if (n != (long)w->pers) {
		snprintf(err, len, "%s: personality 0x%lx", w->name, n);
		return;
	}
	if (status_line(tid, "Uid:", r) || memcmp(r, w->uid, sizeof(r))) {
		snprintf(err, len, "%s: status Uid: %u %u %u %u", w->name, r[0], r[1], r[2], r[3]);
		return;
	}
	if (status_line(tid, "Gid:", r) || memcmp(r, w->gid, sizeof(r)))
		snprintf(err, len, "%s: status Gid: %u %u %u %u", w->name, r[0], r[1], r[2], r[3]);
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;

	t->tid = syscall(SYS_gettid);
	if (lower(&t->w))
		snprintf(t->err, sizeof(t->err), "%s: cannot set its credentials: %s", t->w.name,
			 strerror(errno));
	t->ready = 1;
	while (!t->check)
		usleep(1000);
	if (!t->err[0])
		check(&t->w, t->tid, t->err, sizeof(t->err));
	t->done = 1;
	for (;;)
		pause();
	return NULL;
}

/* The capabilities we started with (root's, maybe without some). */
static uint64_t start_prm, start_bnd;

static void set_want(struct want *w, const char *name, uint32_t uid, uint32_t gid)
{
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->bnd = start_bnd;
	w->uid[0] = w->uid[1] = w->uid[2] = w->uid[3] = uid;
	w->gid[0] = w->gid[1] = w->gid[2] = w->gid[3] = gid;
	w->bset_dropped = -1;
}

int main(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	sigset_t term;
	int i;

	zdtm_init();
	if (syscall(SYS_capget, &hdr, d))
		zdtm_fail("capget");
	start_prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	for (i = 0; i <= 40; i++)
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1)
			start_bnd |= CAP(i);
	if (!(start_prm & CAP(CAP_KILL)) || !(start_prm & CAP(CAP_NET_BIND_SERVICE)) ||
	    !(start_bnd & CAP(CAP_SYS_BOOT)))
		zdtm_fail("needs root with CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SYS_BOOT");
	/* SIGTERM is for the main thread alone (its sigsuspend unblocks it). */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &term, NULL);

	set_want(&th[0].w, "ids", 0, 0);
	th[0].w.uid[0] = 3001, th[0].w.uid[1] = 3002, th[0].w.uid[2] = 3003, th[0].w.uid[3] = 3001;
	th[0].w.gid[0] = 2001, th[0].w.gid[1] = 2002, th[0].w.gid[2] = 2003, th[0].w.gid[3] = 2001;
	th[0].w.groups[0] = 1001, th[0].w.groups[1] = 1002, th[0].w.ngroups = 2;

	set_want(&th[1].w, "caps", 0, 0);
	th[1].w.eff = th[1].w.prm = CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
	th[1].w.inh = th[1].w.amb = CAP(CAP_KILL);
	th[1].w.bset_dropped = CAP_SYS_BOOT;
	th[1].w.bnd &= ~CAP(CAP_SYS_BOOT);
	th[1].w.nnp = 1;

	set_want(&th[2].w, "root", 0, 0);
	th[2].w.eff = th[2].w.prm = start_prm;
	set_want(&th[3].w, "same", 4002, 4001);
	set_want(&th[4].w, "pers", 4002, 4001);
	th[4].w.pers = 0x0040000; /* ADDR_NO_RANDOMIZE */
	set_want(&main_want, "main", 4002, 4001);

	/* root's thread and the main thread keep no groups of pidtrace's. */
	if (syscall(SYS_setgroups, 0, NULL))
		zdtm_fail("setgroups");
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_create(&th[i].pth, NULL, thread_main, &th[i]))
			zdtm_fail("pthread_create");
		while (!th[i].ready)
			usleep(1000);
		if (th[i].err[0])
			zdtm_fail("%s", th[i].err);
	}
	/* Last, the main thread: lowered the most, it has no privilege left at all. */
	if (lower(&main_want))
		zdtm_fail("main: cannot set its credentials");
	zdtm_ready();
	zdtm_wait_term();

	{
		char err[256];

		check(&main_want, syscall(SYS_gettid), err, sizeof(err));
		if (err[0])
			zdtm_fail("%s", err);
	}
	for (i = 0; i < NTHREADS; i++)
		th[i].check = 1;
	for (i = 0; i < NTHREADS; i++) {
		while (!th[i].done)
			usleep(1000);
		if (th[i].err[0])
			zdtm_fail("%s", th[i].err);
	}
	return zdtm_pass();
}
