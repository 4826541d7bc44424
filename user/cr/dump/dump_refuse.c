// SPDX-License-Identifier: GPL-2.0
/*
 * dump_refuse.c - what restore cannot bring back exactly, refused before
 * the tree is touched further (dump.c then detaches it as it was).
 *
 * Once the tree is frozen: a task in another namespace (restore recreates
 * none) but for a net, uts or ipc one given as external (dump_netns.c), a
 * thread in another namespace than its process's. (Cgroups are restored:
 * dump_cgroup.c refuses only a cgroup no mount shows.) Per fd, as the fd table is read (locks and leases are
 * dump_locks.c's): a pty slave reached by no path, /dev/tty without a
 * controlling terminal or of a session whose terminal restore makes again,
 * a removed root, a removed directory or device node whose path cannot be
 * made again (its name taken, an ancestor not a directory), a file in /proc of a process outside
 * the tree, a path that leads elsewhere (and the same for cwd and root). Once every
 * fd is read: a controlling terminal restore would not give back, more
 * descriptions or higher fd numbers than pidtrace can hold at restore.
 * Pipes and sockets held outside the tree are dump_outside.c's.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_netmade.h"
#include "dump_netns.h"
#include "dump_refuse.h"
#include "dump_rofs.h"
#include "kind_pty.h"
#include "log.h"
#include "ptrace.h"
#include "rlimits.h"

/* Descriptors pidtrace itself needs beside the tree's at restore. */
#define RESTORE_OWN_FDS 64

#define PTY_MASTER_MAJOR 5
#define TTY_MINOR 0
#define PTS_MAJOR_FIRST 136
#define PTS_MAJOR_LAST 143

const char *dump_refuse__escape(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 < len; s++) {
		unsigned char c = *s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[n++] = c;
		else
			n += snprintf(buf + n, len - n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

/* A task killed under us reads as other namespaces, cgroups, no terminal. */
static bool gone(struct dump_task *t)
{
	return t->pt && ptrace__check(t->pt) == -ESRCH;
}

static const char *const ns_names[] = { "pid", "pid_for_children", "mnt", "net", "ipc",
					"uts", "user", "cgroup", "time", "time_for_children" };

/* The kinds the user may give as external: how, in the refusal. */
/* "an ipc namespace", "a uts namespace": by how the kind's name is read. */
static const char *article(const char *kind)
{
	return kind[0] == 'i' ? "an" : "a";
}

static const char *ns_hint(const char *kind)
{
	if (!strcmp(kind, "uts"))
		return " (--external-ns uts if it will exist at restore)";
	if (!strcmp(kind, "ipc"))
		return " (--external-ns ipc if it will exist at restore)";
	return "";
}

/*
 * setns() and unshare() act on the calling thread alone: a thread may be
 * in another namespace than its process's leader, and restore would make
 * it in the leader's (and a tree with it is split across namespaces).
 */
static int check_thread_namespaces(struct dump_task *t)
{
	struct stat lead, its;
	struct dirent *d;
	char path[96];
	int err = 0;
	pid_t tid;
	size_t i;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", t->pid);
	dir = opendir(path);
	if (!dir)
		return procfs__exists(t->pid) ? -errno : -ESRCH;
	while (!err && (d = readdir(dir))) {
		tid = atoi(d->d_name);
		if (tid <= 0 || tid == t->pid)
			continue;
		for (i = 0; !err && i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
			snprintf(path, sizeof(path), "/proc/%d/ns/%s", t->pid, ns_names[i]);
			if (stat(path, &lead))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/%s", t->pid, tid, ns_names[i]);
			/* A thread gone meanwhile: the threads step sees it. */
			if (stat(path, &its) || (its.st_ino == lead.st_ino && its.st_dev == lead.st_dev))
				continue;
			pr_err("pid %d thread %d is in %s %s namespace (%s:[%lu]) other than its process's (%s:[%lu]): restore makes every thread in its process's, not supported",
			       t->pid, tid, article(ns_names[i]), ns_names[i], ns_names[i], (unsigned long)its.st_ino,
			       ns_names[i], (unsigned long)lead.st_ino);
			err = -EOPNOTSUPP;
		}
	}
	closedir(dir);
	return err;
}

static int check_namespaces(struct dump_ctx *ctx, struct dump_task *t)
{
	char path[64];
	struct stat mine, its;
	size_t i;
	int err;

	for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
		if (stat(path, &mine))
			continue; /* a kernel without it */
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", t->pid, ns_names[i]);
		if (stat(path, &its)) {
			if (errno == ENOENT && !procfs__exists(t->pid))
				return -ESRCH;
			continue;
		}
		/* One the user gave (--external-ns): the tree's, whatever pidtrace's is. */
		if (dump_netns__external(ns_names[i])) {
			err = dump_netns__check(t->pid, ns_names[i], &its);
			if (err)
				return gone(t) ? -ESRCH : err;
			continue;
		}
		if (its.st_ino == mine.st_ino && its.st_dev == mine.st_dev)
			continue;
		/* A net namespace of the tree's own: made again (dump_netmade.c). */
		if (!strcmp(ns_names[i], "net")) {
			err = dump_netmade__check(t->pid, &its);
			if (err)
				return gone(t) ? -ESRCH : err;
			continue;
		}
		if (gone(t))
			return -ESRCH;
		pr_err("pid %d is in %s %s namespace (%s:[%lu]) other than pidtrace's: restore does not recreate namespaces, not supported%s",
		       t->pid, article(ns_names[i]), ns_names[i], ns_names[i], (unsigned long)its.st_ino,
		       ns_hint(ns_names[i]));
		return -EOPNOTSUPP;
	}
	err = check_thread_namespaces(t);
	return err && gone(t) ? -ESRCH : err;
}

/* Once every task is checked: sockets are read from inside their namespace. */
static int enter_namespaces(struct dump_ctx *ctx)
{
	int err = dump_netns__enter(ctx->root);

	if (!err)
		err = dump_netmade__frozen(ctx);
	if (err == -ESRCH)
		dump_ctx__gone_or_vanished(&ctx->tasks[0]);
	return err;
}

/* Session, tty_nr and tpgid of /proc/@pid/stat (which procfs_stat lacks). */
static int read_tty(pid_t pid, pid_t *session, int *tty_nr)
{
	char *buf = NULL, *p;
	int pgrp, ppid, tpgid, err;
	char state;

	err = procfs__read(pid, "stat", &buf, NULL);
	if (err)
		return err;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d %d %d %d %d", &state, &ppid, &pgrp, session, tty_nr,
			 &tpgid) != 6)
		err = -EINVAL;
	free(buf);
	return err;
}

static void tty_name(int tty_nr, char *buf, size_t len)
{
	unsigned int maj = (tty_nr >> 8) & 0xfff, min = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);

	if (maj >= PTS_MAJOR_FIRST && maj <= PTS_MAJOR_LAST)
		snprintf(buf, len, "/dev/pts/%u", (maj - PTS_MAJOR_FIRST) * 256 + min);
	else
		snprintf(buf, len, "tty %u:%u", maj, min);
}

/*
 * Restore makes the sessions whose leader is in the tree with setsid();
 * such a session gets its terminal back only when it is a pseudo-terminal
 * whose master the tree holds (kind_pty.c makes the pair again). The
 * other sessions are pidtrace's: their terminal comes back only when it
 * is the one of pidtrace's own session (dump and restore run from it).
 */
static int check_ctty(struct dump_ctx *ctx, struct dump_task *t)
{
	int tty_nr, leader_tty, index, err;
	struct dump_task *leader;
	pid_t session;
	char name[64];

	err = read_tty(t->pid, &session, &tty_nr);
	if (err)
		return err;
	/* Restore gives the leader's terminal to every task of its session. */
	if (!tty_nr && session != t->pid && dump_ctx__find_task(ctx, session) &&
	    !read_tty(session, &session, &leader_tty) && leader_tty) {
		tty_name(leader_tty, name, sizeof(name));
		if (gone(t))
			return -ESRCH;
		pr_err("pid %d: in session %d without its controlling terminal %s (given up, or forked before the leader took it) is not supported",
		       t->pid, session, name);
		return -EOPNOTSUPP;
	}
	if (!tty_nr)
		return 0;
	tty_name(tty_nr, name, sizeof(name));
	if (gone(t))
		return -ESRCH;
	if ((leader = dump_ctx__find_task(ctx, session))) {
		index = kind_pty__index(tty_nr);
		if (index >= 0 && kind_pty__master_in_tree(ctx, index))
			return 0;
		/* A terminal device taken again (dump_ctty.c). */
		if (leader->ctty_dev)
			return 0;
		if (index < 0 && leader->ctty_why[0]) {
			pr_err("pid %d: its controlling terminal %s (of session %d, led in the tree) is not supported: %s",
			       t->pid, name, session, leader->ctty_why);
			return -EOPNOTSUPP;
		}
		pr_err("pid %d: its controlling terminal %s (of session %d, led in the tree) is not supported: only a pseudo-terminal whose master the tree holds is made again",
		       t->pid, name, session);
		return -EOPNOTSUPP;
	}
	if (session != getsid(0)) {
		pr_err("pid %d: its controlling terminal %s (of session %d, not pidtrace's) is not supported: run pidtrace from that terminal",
		       t->pid, name, session);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* A line of /proc/PID/status ("Key:\tvalue"), or "" when absent. */
static void status_line(const char *buf, const char *key, char *out, size_t len)
{
	const char *v = procfs__field(buf, key);

	snprintf(out, len, "%.*s", v ? (int)strcspn(v, "\n") : 0, v ? v : "");
}

/*
 * Per-process state the image does not hold, read from status: the
 * speculation mitigations asked for (PR_SET_SPECULATION_CTRL), compared
 * with pidtrace's own, which a restored task has. (Locked memory and
 * PR_SET_THP_DISABLE are in the image: dump_mem.c, dump_taskstate.c.)
 */
static int check_status(struct dump_ctx *ctx, struct dump_task *t)
{
	static const char *const same[] = { "Speculation_Store_Bypass:",
					    "SpeculationIndirectBranch:" };
	static char *mine;
	char *its = NULL, a[64], b[64];
	size_t i;
	int err;

	(void)ctx;
	if (!mine && procfs__read(0, "status", &mine, NULL))
		return 0;
	err = procfs__read(t->pid, "status", &its, NULL);
	if (err)
		return err;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		status_line(its, same[i], a, sizeof(a));
		status_line(mine, same[i], b, sizeof(b));
		if (!strcmp(a, b))
			continue;
		free(its);
		if (gone(t))
			return -ESRCH;
		pr_err("pid %d: %s %s (pidtrace's: %s) is not restored: not supported", t->pid,
		       same[i], a, b);
		return -EOPNOTSUPP;
	}
	free(its);
	return 0;
}

static int for_each_task(struct dump_ctx *ctx, int (*fn)(struct dump_ctx *, struct dump_task *),
			 const char *what)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < ctx->ntasks; i++) {
		struct dump_task *t = &ctx->tasks[i];

		if (t->zombie)
			continue;
		err = dump_ctx__gone_err(t, fn(ctx, t));
		if (err == -ESRCH)
			dump_ctx__gone_or_vanished(t);
		else if (err && err != -EOPNOTSUPP)
			pr_err("pid %d: cannot read its %s: %s", t->pid, what, strerror(-err));
	}
	return err;
}

int dump_refuse__frozen(struct dump_ctx *ctx)
{
	int err = for_each_task(ctx, check_namespaces, "namespaces");

	if (!err)
		err = enter_namespaces(ctx);
	return err ? err : for_each_task(ctx, check_status, "status");
}

int dump_refuse__ttys(struct dump_ctx *ctx)
{
	return for_each_task(ctx, check_ctty, "controlling terminal");
}

/*
 * A file of a process in procfs (/proc/PID/...) other than one of the
 * tree's (@ctx NULL: any): reopened by its path it would be another
 * process's file, or none once the process is gone. A tree process's
 * comes back with the same pid, so restore reopens its path (not a
 * thread's: /proc/TID of a thread other than the main one).
 */
static bool proc_pid_file(struct dump_ctx *ctx, const char *link, const struct stat *st)
{
	pid_t pid;

	static dev_t proc_dev;
	struct stat ps;
	size_t n;

	if (strncmp(link, "/proc/", 6))
		return false;
	n = strspn(link + 6, "0123456789");
	if (!n || (link[6 + n] && link[6 + n] != '/' && link[6 + n] != ' '))
		return false;
	if (!proc_dev && !stat("/proc/self", &ps))
		proc_dev = ps.st_dev;
	if (st->st_dev != proc_dev)
		return false;
	pid = strtol(link + 6, NULL, 10);
	/* " (deleted)": the process of that pid died, one may have it now. */
	return !ctx || link[6 + n] == ' ' || !dump_ctx__find_task(ctx, pid);
}

int dump_refuse__dead_proc_dir(const char *link, const char *which)
{
	size_t n = strspn(link + 6, "0123456789");

	if (strcmp(which, "cwd") || strncmp(link, "/proc/", 6) || !n ||
	    strcmp(link + 6 + n, " (deleted)"))
		return 0;
	return (int)strtol(link + 6, NULL, 10);
}

bool dump_refuse__proc_outsider(struct dump_ctx *ctx, const char *link, const struct stat *st)
{
	return proc_pid_file(ctx, link, st);
}

/* A directory or device node that was removed: its path names nothing. */
static bool removed(const struct stat *st)
{
	return (S_ISDIR(st->st_mode) || S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) &&
	       !st->st_nlink;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/*
 * Restore reopens a file, directory or device by its path and checks it
 * is the same: one whose path leads elsewhere already (its mount
 * detached, the name given to another file) would fail there.
 */
static bool unreachable(const char *link, const struct stat *st)
{
	struct stat now;

	if (link[0] != '/' || ends_with(link, " (deleted)") ||
	    !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode) || S_ISCHR(st->st_mode)))
		return false;
	return stat(link, &now) || now.st_dev != st->st_dev || now.st_ino != st->st_ino;
}

/*
 * A removed directory is empty (rmdir wants it so), a device node, symlink,
 * FIFO or socket node has no contents: restore makes it again at its path
 * (and its parents removed with it) and removes it, which needs the name
 * free and the nearest remaining ancestor a directory.
 */
int dump_refuse__remakeable(const char *link, const char *who, const char *what)
{
	char path[PATH_MAX], esc[1024], esc2[1024], *slash;
	struct stat st;
	size_t n = strlen(link);

	if (link[0] != '/' || !ends_with(link, " (deleted)") || n - 10 >= sizeof(path) ||
	    n - 10 < 2)
		goto refuse;
	memcpy(path, link, n - 10);
	path[n - 10] = 0;
	if (!lstat(path, &st)) {
		pr_err("%s: %s %s was removed and its name is taken now: not supported", who, what,
		       dump_refuse__escape(link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	do {
		slash = strrchr(path, '/');
		*slash = 0;
	} while (slash != path && lstat(path, &st));
	if (slash == path && (snprintf(path, sizeof(path), "/"), lstat(path, &st)))
		return 0;
	/* Made again there by restore: not on a read-only mount. */
	if (S_ISDIR(st.st_mode) && dump_rofs__read_only(path) > 0) {
		pr_err("%s: %s %s was removed and %s, where restore would make it again, is on a read-only mount: not supported",
		       who, what, dump_refuse__escape(link, esc, sizeof(esc)),
		       dump_refuse__escape(path, esc2, sizeof(esc2)));
		return -EOPNOTSUPP;
	}
	if (S_ISDIR(st.st_mode))
		return 0;
	pr_err("%s: %s %s was removed and %s is not a directory now: not supported", who, what,
	       dump_refuse__escape(link, esc, sizeof(esc)), dump_refuse__escape(path, esc2, sizeof(esc2)));
	return -EOPNOTSUPP;
refuse:
	pr_err("%s: %s %s was removed and its path cannot be made again: not supported", who, what,
	       dump_refuse__escape(link, esc, sizeof(esc)));
	return -EOPNOTSUPP;
}

int dump_refuse__dir(pid_t pid, const char *which, const char *link)
{
	char who[32];

	char path[64], esc[1024];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	if (stat(path, &st))
		return procfs__exists(pid) ? -errno : -ESRCH;
	/* A dead process's directory as cwd: entered on a stand-in (dump_files.c). */
	if (proc_pid_file(NULL, link, &st) && dump_refuse__dead_proc_dir(link, which) > 0)
		return 0;
	if (proc_pid_file(NULL, link, &st)) {
		pr_err("pid %d: its %s %s, a process's directory in /proc, is not supported", pid,
		       which, dump_refuse__escape(link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	/* A removed root: chroot() into a directory made again is not it. */
	if (removed(&st) && !strcmp(which, "root")) {
		pr_err("pid %d: its %s %s is a removed directory: not supported", pid, which,
		       dump_refuse__escape(link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	if (removed(&st)) {
		snprintf(who, sizeof(who), "pid %d", pid);
		return dump_refuse__remakeable(link, who, which);
	}
	if (unreachable(link, &st)) {
		pr_err("pid %d: its %s %s is not that directory any more (a detached mount, or replaced): not supported",
		       pid, which, dump_refuse__escape(link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	return 0;
}

int dump_refuse__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		    const struct stat *st, const char *info)
{
	char esc[1024], path[64];
	pid_t session;
	int tty_nr, err;
	struct stat now;

	/*
	 * A file or directory of an outsider: reopened by its path while the
	 * same process lives, or on a stand-in with its pid when it is dead
	 * (kind_file.c, restore_procfile.c). Not under O_PATH (kind_file.c).
	 */
	if (proc_pid_file(ctx, link, st)) {
		if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
			return 0;
		pr_err("pid %d fd %d: %s, a file of a process outside the dumped tree in /proc, is not supported",
		       pid, fd,
		       dump_refuse__escape(link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) >= PTS_MAJOR_FIRST &&
	    major(st->st_rdev) <= PTS_MAJOR_LAST) {
		/*
		 * devpts removes the slave's node when the master is closed:
		 * "/dev/pts/N (deleted)" is a hung-up slave (kind_pty.c's
		 * orphan), anything else names another file.
		 */
		snprintf(path, sizeof(path), "/dev/pts/%d (deleted)", kind_pty__index(st->st_rdev));
		if (!strcmp(link, path))
			return 0;
		if (link[0] != '/' || stat(link, &now) || now.st_rdev != st->st_rdev) {
			pr_err("pid %d fd %d: pseudo-terminal %s of another devpts instance, or whose node was replaced, is not supported",
			       pid, fd, dump_refuse__escape(link, esc, sizeof(esc)));
			return -EOPNOTSUPP;
		}
		return 0;
	}
	/* Made again at its path (mknod, mkdir) and removed by restore. */
	if (removed(st)) {
		snprintf(path, sizeof(path), "pid %d fd %d", pid, fd);
		return dump_refuse__remakeable(link, path,
					       S_ISDIR(st->st_mode) ? "directory" : "device node");
	}
	if (unreachable(link, st)) {
		pr_err("pid %d fd %d: %s is not that file any more (a detached mount, or replaced): not supported",
		       pid, fd, dump_refuse__escape(link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	if (!S_ISCHR(st->st_mode))
		return 0;
	if (major(st->st_rdev) == PTY_MASTER_MAJOR && minor(st->st_rdev) == TTY_MINOR) {
		err = read_tty(pid, &session, &tty_nr);
		if (err)
			return err;
		/* With one, check_ctty() decided; without, reopening it fails. */
		if (!tty_nr) {
			pr_err("pid %d fd %d: /dev/tty of a task without a controlling terminal is not supported",
			       pid, fd);
			return -EOPNOTSUPP;
		}
		/* Reopened in pidtrace, it would be pidtrace's terminal. */
		if (dump_ctx__find_task(ctx, session) &&
		    !(kind_pty__index(tty_nr) >= 0 &&
		      kind_pty__master_in_tree(ctx, kind_pty__index(tty_nr)))) {
			tty_name(tty_nr, path, sizeof(path));
			/* A terminal device is taken again, but /dev/tty is reopened only for a pty. */
			pr_err("pid %d fd %d: /dev/tty of session %d, whose terminal %s restore %s again, is not supported",
			       pid, fd, session, path, kind_pty__index(tty_nr) >= 0 ? "makes" : "takes");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* ---- the fd limit restore will have ---- */

int dump_refuse__fd_limit(struct dump_ctx *ctx)
{
	uint64_t max = rlimits__nofile_max();
	int top = ctx->max_fd;
	pid_t top_pid = ctx->max_fd_pid;

	/* Restore holds every description at once, beside its own fds. */
	if (ctx->nofds + RESTORE_OWN_FDS > max) {
		pr_err("the tree has %zu open file descriptions: restore would hold them all at once, more than pidtrace's fd limit of %lu (raise the hard RLIMIT_NOFILE): not supported",
		       ctx->nofds, (unsigned long)max);
		return -EOPNOTSUPP;
	}
	if (top >= 0 && (uint64_t)top >= max) {
		pr_err("pid %d fd %d: above pidtrace's fd limit of %lu, restore could not install it: not supported",
		       top_pid, top, (unsigned long)max);
		return -EOPNOTSUPP;
	}
	return 0;
}
