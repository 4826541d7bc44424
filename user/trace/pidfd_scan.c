// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_scan.c - what the pidfds of a process point at (see pidfd_scan.h).
 *
 * The BPF side (bpf/pidfd_iter.bpf.c) reads, for every pidfd, the struct
 * pid behind it: pidfs inode, pid numbers at every level, and the task still
 * attached to it if any. Only the exit status of a reaped target is not
 * there in a form we want to depend on (pidfs keeps it in a private struct),
 * so that comes from the stable ioctl on a duplicate of the holder's fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "pidfd_iter.h"
#include "pidfd_iter.skel.h"
#include "pidfd_scan.h"

_Static_assert(sizeof(struct pidfd_iter_rec) == PIDFD_ITER_REC_SIZE, "pidfd_iter_rec ABI");
_Static_assert(PIDFD_ITER_MAX_LEVELS == PIDFD_SCAN_MAX_LEVELS, "levels of BPF and API differ");

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/*
 * PIDFD_GET_INFO as of Linux 6.18 (PIDFD_INFO_SIZE_VER1, 72 bytes). The
 * installed uapi header predates it. The ioctl is extensible: the kernel
 * copies min(its size, ours), so an older or newer kernel still works.
 */
struct pt_pidfd_info {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 ruid;
	__u32 rgid;
	__u32 euid;
	__u32 egid;
	__u32 suid;
	__u32 sgid;
	__u32 fsuid;
	__u32 fsgid;
	__s32 exit_code;
	__u32 coredump_mask;
	__u32 spare1;
};
_Static_assert(sizeof(struct pt_pidfd_info) == 72, "pidfd_info is PIDFD_INFO_SIZE_VER1");

#define PT_PIDFS_IOCTL_MAGIC 0xFF
#define PT_PIDFD_GET_INFO    _IOWR(PT_PIDFS_IOCTL_MAGIC, 11, struct pt_pidfd_info)
#define PT_PIDFD_INFO_EXIT   (1ULL << 3)

/* task->exit_state values (include/linux/sched.h) */
#define PT_EXIT_DEAD   0x10
#define PT_EXIT_ZOMBIE 0x20

static struct pidfd_iter_bpf *skel;

static int load_iter(void)
{
	int err;

	if (skel)
		return 0;
	skel = pidfd_iter_bpf__open_and_load();
	if (!skel) {
		err = errno ? -errno : -EINVAL;
		pr_debug("pidfd iterator: load failed: %s", strerror(-err));
		return err;
	}
	return 0;
}

void pidfd_scan__cleanup(void)
{
	pidfd_iter_bpf__destroy(skel);
	skel = NULL;
}

/*
 * Run the iterator on the process behind @pidfd (the link filter takes a
 * pidfd, so a pid reused since the caller looked cannot be scanned by
 * mistake) and return its raw output in @buf/@len.
 */
static int run_iter(int pidfd, pid_t pid, char **buf, size_t *len)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info linfo = {};
	struct bpf_link *link;
	size_t cap = 4096, n = 0;
	char *p = NULL, *np;
	int iter_fd = -1, err;
	ssize_t r;

	linfo.task.pid_fd = pidfd;
	opts.link_info = &linfo;
	opts.link_info_len = sizeof(linfo);
	skel->bss->target_tgid = pid;
	link = bpf_program__attach_iter(skel->progs.pidfd_scan, &opts);
	if (!link) {
		err = errno ? -errno : -EINVAL;
		pr_debug("pidfd iterator: attach to %d: %s", pid, strerror(-err));
		return err;
	}
	iter_fd = bpf_iter_create(bpf_link__fd(link));
	if (iter_fd < 0) {
		err = -errno;
		goto out_link;
	}
	p = malloc(cap);
	if (!p) {
		err = -ENOMEM;
		goto out_fd;
	}
	for (;;) {
		if (cap - n < 1024) {
			np = realloc(p, cap * 2);
			if (!np) {
				err = -ENOMEM;
				goto out_buf;
			}
			p = np;
			cap *= 2;
		}
		r = read(iter_fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out_buf;
		}
		if (r == 0)
			break;
		n += r;
	}
	*buf = p;
	*len = n;
	p = NULL;
	err = 0;
out_buf:
	free(p);
out_fd:
	close(iter_fd);
out_link:
	bpf_link__destroy(link);
	return err;
}

int pidfd_scan__exit_status(int pidfd, int32_t *status)
{
	struct pt_pidfd_info info = {.mask = PT_PIDFD_INFO_EXIT};

	if (ioctl(pidfd, PT_PIDFD_GET_INFO, &info) < 0)
		return errno == ESRCH ? -ENODATA : -errno;
	if (!(info.mask & PT_PIDFD_INFO_EXIT))
		return -ENODATA;
	*status = info.exit_code;
	return 0;
}

/*
 * Ask the kernel for the recorded exit status through a duplicate of the
 * holder's fd: the ioctl needs the file itself, and pidfd_getfd() gets it
 * without the holder's cooperation (it may be stopped under ptrace).
 */
static int exit_status_via_holder(int holder_pidfd, int fd, int32_t *status)
{
	int dup_fd, err;

	dup_fd = pidfd_getfd(holder_pidfd, fd, 0);
	if (dup_fd < 0)
		return -errno;
	err = pidfd_scan__exit_status(dup_fd, status);
	close(dup_fd);
	return err;
}

static void classify(const struct pidfd_iter_rec *r, struct pidfd_target *t)
{
	bool dead;

	if (!(r->tasks & PIDFD_ITER_HAS_PID)) {
		t->state = PIDFD_TARGET_REAPED;
		return;
	}
	/*
	 * Read from the task still linked to the struct pid, not from
	 * /proc/<nr>: no window for the number to be reused. A leader that
	 * exited before its threads is a zombie task in a live process,
	 * unless the pidfd names that thread alone (PIDFD_THREAD).
	 */
	dead = r->exit_state & (PT_EXIT_ZOMBIE | PT_EXIT_DEAD);
	if (dead && (t->thread || r->live == 0)) {
		t->state = PIDFD_TARGET_ZOMBIE;
		t->has_exit = true;
		t->exit_status = r->exit_code;
	} else {
		t->state = PIDFD_TARGET_ALIVE;
	}
}

static int fill_target(const struct pidfd_iter_rec *r, struct pidfd_target *t)
{
	unsigned int i;

	if (r->version != PIDFD_ITER_VERSION)
		return -EPROTO;
	if (r->tasks & PIDFD_ITER_TRUNCATED) {
		pr_err("fd %d: pidfd target is %u pid namespaces deep (at most %d supported)",
		       r->fd, r->level + 1, PIDFD_SCAN_MAX_LEVELS);
		return -EOVERFLOW;
	}
	memset(t, 0, sizeof(*t));
	t->fd = r->fd;
	t->holder_tid = r->holder_tid;
	t->ino = r->ino;
	t->f_flags = r->f_flags;
	t->thread = r->f_flags & PIDFD_THREAD;
	t->levels = r->level + 1;
	for (i = 0; i < t->levels; i++) {
		t->nspid[i] = r->nr[i];
		t->ns_ino[i] = r->ns_ino[i];
	}
	classify(r, t);
	return 0;
}

/* The holder's fd table: the thread's own when it unshared it. */
static int holder_pidfd(pid_t pid, int proc_pidfd, pid_t tid, int *tmp_fd)
{
	*tmp_fd = -1;
	if (tid == pid)
		return proc_pidfd;
	*tmp_fd = pidfd_open(tid, PIDFD_THREAD);
	return *tmp_fd < 0 ? -errno : *tmp_fd;
}

static int cmp_fd(const void *a, const void *b)
{
	const struct pidfd_target *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

int pidfd_scan__task(pid_t pid, struct pidfd_list **out)
{
	struct pidfd_list *l = NULL;
	char *buf = NULL;
	size_t len = 0, n, i;
	int pidfd, hfd, tmp_fd, err;

	*out = NULL;
	if (pid <= 0)
		return -ESRCH;
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return errno == EINVAL ? -ESRCH : -errno;
	err = load_iter();
	if (err)
		goto out_pidfd;
	err = run_iter(pidfd, pid, &buf, &len);
	if (err)
		goto out_pidfd;
	if (len % sizeof(struct pidfd_iter_rec)) {
		err = -EPROTO;
		goto out_buf;
	}
	n = len / sizeof(struct pidfd_iter_rec);
	l = calloc(1, sizeof(*l) + n * sizeof(l->t[0]));
	if (!l) {
		err = -ENOMEM;
		goto out_buf;
	}
	for (i = 0; i < n; i++) {
		struct pidfd_iter_rec r;
		struct pidfd_target *t = &l->t[i];

		memcpy(&r, buf + i * sizeof(r), sizeof(r));
		err = fill_target(&r, t);
		if (err)
			goto out_list;
		l->n++;
		if (t->state != PIDFD_TARGET_REAPED)
			continue;
		hfd = holder_pidfd(pid, pidfd, t->holder_tid, &tmp_fd);
		if (hfd >= 0)
			hfd = exit_status_via_holder(hfd, t->fd, &t->exit_status);
		if (tmp_fd >= 0)
			close(tmp_fd);
		/* A target reaped before 6.15 has no recorded status: not fatal. */
		if (hfd == 0)
			t->has_exit = true;
		else
			pr_debug("fd %d of %d: no exit status: %s", t->fd, pid, strerror(-hfd));
	}
	qsort(l->t, l->n, sizeof(l->t[0]), cmp_fd);
	*out = l;
	l = NULL;
	err = 0;
out_list:
	free(l);
out_buf:
	free(buf);
out_pidfd:
	close(pidfd);
	return err;
}

const struct pidfd_target *pidfd_scan__find(const struct pidfd_list *l, int fd)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (l->t[i].fd == fd)
			return &l->t[i];
	return NULL;
}

void pidfd_scan__free(struct pidfd_list *l)
{
	free(l);
}

int pidfd_scan__is_pidfd(pid_t pid, int fd)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* Only pidfs's show_fdinfo prints a "Pid:" line. */
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Pid:", 4)) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

const char *pidfd_scan__state_str(enum pidfd_target_state s)
{
	switch (s) {
	case PIDFD_TARGET_ALIVE:
		return "alive";
	case PIDFD_TARGET_ZOMBIE:
		return "zombie";
	case PIDFD_TARGET_REAPED:
		return "reaped";
	}
	return "unknown";
}
