// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_fanotify DIR [queued] - in DIR (its own mount: a mount mark on a
 * busy one would queue everyone's events), a fanotify group
 * (kind_fanotify.c), FAN_CLASS_NOTIF,
 * FAN_NONBLOCK | FAN_UNLIMITED_QUEUE, event flags O_RDONLY | O_LARGEFILE:
 *  - an inode mark on file "watched" (modify,
 *    access, open, close), with an ignored mask that survives modify;
 *  - a mount mark on the mount of DIR (open, close, on
 *    directories too), and an ignored mask (modify, access) on it that
 *    survives modify;
 *  - a filesystem mark on the file system of DIR
 *    (FAN_MARK_FILESYSTEM) with an ignored mask only (open_exec);
 *  - a second group with FAN_REPORT_FID, an inode mark on a directory
 *    "dir" for events on its children (create).
 * Prints "READY pid=N" with the marks as fdinfo listed them saved. After
 * SIGTERM it checks that fdinfo lists the same groups and marks, then
 * that events still come: opening "watched" gives an open event on it,
 * creating dir/new gives the second group a create event.
 *
 * "queued": an event is left unread before READY (dump must refuse it);
 * after SIGTERM it checks it is still there. "dropped": the same event,
 * for dump --drop-unread-events: after restore none is queued, and
 * the rest is checked as without a mode.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "zdtm.h"

#define MAX_LINES 32

struct marks {
	char *lines[MAX_LINES];
	int n;
};

/* The "fanotify ..." lines of fd @fd's fdinfo, sorted. */
static void read_marks(int fd, struct marks *m)
{
	char path[64], line[1024];
	FILE *f;
	int i, j;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		zdtm_fail("%s", path);
	m->n = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "fanotify ", 9) && m->n < MAX_LINES)
			m->lines[m->n++] = strdup(line);
	fclose(f);
	for (i = 1; i < m->n; i++)
		for (j = i; j > 0 && strcmp(m->lines[j - 1], m->lines[j]) > 0; j--) {
			char *t = m->lines[j];

			m->lines[j] = m->lines[j - 1];
			m->lines[j - 1] = t;
		}
}

static void same_marks(const char *what, int fd, const struct marks *was)
{
	struct marks now;
	int i;

	read_marks(fd, &now);
	if (now.n != was->n)
		zdtm_fail("%s: %d fdinfo lines, were %d", what, now.n, was->n);
	for (i = 0; i < now.n; i++)
		if (strcmp(now.lines[i], was->lines[i]))
			zdtm_fail("%s: fdinfo '%s', was '%s'", what, now.lines[i], was->lines[i]);
}

static void mark(int fd, unsigned int flags, uint64_t mask, const char *path)
{
	if (fanotify_mark(fd, flags, mask, AT_FDCWD, path))
		zdtm_fail("fanotify_mark %#x %#llx %s", flags, (unsigned long long)mask, path);
}

/*
 * An event of @fd (non-blocking) with a bit of @mask, on @path when it is
 * not NULL, within a second; other events are passed over. Return: whether it came.
 */
static bool event_came(int fd, uint64_t mask, const char *path)
{
	char buf[8192], link[64], name[PATH_MAX];
	struct fanotify_event_metadata *ev;
	bool found = false;
	ssize_t n, l;
	int i;

	for (i = 0; i < 100 && !found; i++) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			usleep(10000);
			continue;
		}
		for (ev = (void *)buf; FAN_EVENT_OK(ev, n); ev = FAN_EVENT_NEXT(ev, n)) {
			name[0] = 0;
			if (ev->fd >= 0) {
				snprintf(link, sizeof(link), "/proc/self/fd/%d", ev->fd);
				l = readlink(link, name, sizeof(name) - 1);
				name[l > 0 ? l : 0] = 0;
				close(ev->fd);
			}
			if ((ev->mask & mask) && (!path || !strcmp(name, path)))
				found = true;
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	bool queued = argc > 2 && !strcmp(argv[2], "queued");
	bool dropped = argc > 2 && !strcmp(argv[2], "dropped");
	char cwd[PATH_MAX], want[PATH_MAX + 16];
	struct marks m1, m2;
	int fa, fb, f, q = 0;

	zdtm_init();
	if (argc < 2 || chdir(argv[1]) || !getcwd(cwd, sizeof(cwd)))
		zdtm_fail("getcwd");
	f = open("watched", O_CREAT | O_RDWR, 0644);
	if (f < 0 || mkdir("dir", 0755))
		zdtm_fail("watched, dir");
	close(f);
	fa = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE,
			   O_RDONLY | O_LARGEFILE);
	if (fa < 0)
		zdtm_fail("fanotify_init");
	mark(fa, FAN_MARK_ADD, FAN_MODIFY | FAN_ACCESS | FAN_OPEN | FAN_CLOSE, "watched");
	mark(fa, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY,
	     FAN_CLOSE_NOWRITE, "watched");
	mark(fa, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_ONDIR | FAN_OPEN | FAN_CLOSE, cwd);
	/* Surviving modify: the test's own log is written on this mount. */
	mark(fa, FAN_MARK_ADD | FAN_MARK_MOUNT | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY,
	     FAN_MODIFY | FAN_ACCESS, cwd);
	/* Only ignored: a filesystem-wide event mask would queue every exec on the machine. */
	mark(fa, FAN_MARK_ADD | FAN_MARK_FILESYSTEM | FAN_MARK_IGNORED_MASK |
		 FAN_MARK_IGNORED_SURV_MODIFY, FAN_OPEN_EXEC, cwd);
	fb = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_REPORT_FID, O_RDONLY);
	if (fb < 0)
		zdtm_fail("fanotify_init FAN_REPORT_FID");
	mark(fb, FAN_MARK_ADD, FAN_CREATE | FAN_EVENT_ON_CHILD | FAN_ONDIR, "dir");
	if (queued || dropped) {
		f = open("watched", O_RDONLY);
		close(f);
		if (ioctl(fa, FIONREAD, &q) || q <= 0)
			zdtm_fail("no event queued");
	}
	read_marks(fa, &m1);
	read_marks(fb, &m2);
	zdtm_ready();
	zdtm_wait_term();

	same_marks("group 1", fa, &m1);
	same_marks("group 2", fb, &m2);
	if (queued) {
		int now = 0;

		if (ioctl(fa, FIONREAD, &now) || now != q)
			zdtm_fail("queued events: %d bytes, were %d", now, q);
		return zdtm_pass();
	}
	if (dropped && (ioctl(fa, FIONREAD, &q) || q))
		zdtm_fail("%d bytes of events queued after a restore that dropped them", q);
	/* Events still come, on the right file. */
	f = open("watched", O_RDONLY);
	if (f < 0)
		zdtm_fail("open watched");
	snprintf(want, sizeof(want), "%s/watched", cwd);
	if (!event_came(fa, FAN_OPEN, want))
		zdtm_fail("no open event on %s", want);
	close(f);
	f = open("dir/new", O_CREAT | O_WRONLY, 0644);
	if (f < 0)
		zdtm_fail("dir/new");
	close(f);
	if (!event_came(fb, FAN_CREATE, NULL))
		zdtm_fail("group 2: no create event");
	return zdtm_pass();
}
