// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_inotify DIR [MODE] - an inotify instance (IN_NONBLOCK) watching
 * directory DIR (created) and files in it, each watch with its own mask:
 *   wd 1  DIR     IN_CREATE|IN_DELETE|IN_MOVED_TO
 *   wd 2  DIR/a   IN_MODIFY|IN_CLOSE_WRITE
 *   wd 3  DIR/b   IN_ATTRIB, removed before READY (a gap in the wds)
 *   wd 4  DIR/c   IN_OPEN|IN_ONESHOT
 *   wd 5  DIR/d   IN_MODIFY, then IN_ACCESS added with IN_MASK_ADD
 * No event is left unread at READY. After restore: fdinfo lists the same
 * watches (wd, inode, mask, handle), every path gives back its wd when
 * watched again, the next new watch is wd 6, nothing is queued, and
 * creating, writing, opening, reading and unlinking files report exactly
 * the expected events with the expected wds and names.
 *   unread  an event is left queued at READY: dump must refuse; after
 *           SIGTERM the event is still there to read.
 *   dropped an event is left queued at READY, for dump
 *           --drop-unread-events: after restore, none is queued and the
 *           rest is as without a mode.
 */
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "zdtm.h"

static char dir[3000];
static int in;

static const char *at(const char *name)
{
	static char buf[2][3100];
	static int k;

	k ^= 1;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static int watch(const char *name, uint32_t mask)
{
	int wd = inotify_add_watch(in, name ? at(name) : dir, mask);

	if (wd < 0)
		zdtm_fail("inotify_add_watch %s", name ? name : dir);
	return wd;
}

static void make(const char *name, const char *data)
{
	int fd = open(at(name), O_CREAT | O_TRUNC | O_WRONLY, 0600);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data) || close(fd))
		zdtm_fail("create %s", name);
}

/* Every event queued now, as "wd:mask:name;..." (nothing: ""). */
static void events(char *out, size_t len)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	size_t n = 0;
	ssize_t r;
	char *p;

	out[0] = '\0';
	while ((r = read(in, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + r; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			n += snprintf(out + n, len - n, "%d:%x:%s;", ev->wd, ev->mask,
				      ev->len ? ev->name : "");
		}
	if (r < 0 && errno != EAGAIN)
		zdtm_fail("read inotify");
}

/* The "inotify wd:" lines of our fdinfo, sorted (the kernel lists newest first). */
static void fdinfo(char *out, size_t len)
{
	char name[64], line[1024], *lines[16];
	size_t n = 0, i, k, used = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", in);
	f = fopen(name, "r");
	if (!f)
		zdtm_fail("fdinfo");
	while (n < 16 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "inotify wd:", 11))
			lines[n++] = strdup(line);
	fclose(f);
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (strcmp(lines[k], lines[i]) < 0) {
				char *t = lines[i];

				lines[i] = lines[k];
				lines[k] = t;
			}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		used += snprintf(out + used, len - used, "%s", lines[i]);
		free(lines[i]);
	}
}

static void expect_wd(const char *name, uint32_t mask, int wd)
{
	int got = watch(name, mask | IN_MASK_ADD);

	if (got != wd)
		zdtm_fail("%s is watched as wd %d, expected %d", name ? name : "the directory", got,
			  wd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "";
	char before[8192], after[8192], ev[4096], expected[512];
	int fd, wd;

	zdtm_init();
	if (argc < 2)
		zdtm_fail("usage: zdtm_inotify DIR [unread]");
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (mkdir(dir, 0700) && errno != EEXIST)
		zdtm_fail("mkdir %s", dir);
	make("a", "");
	make("b", "");
	make("c", "");
	make("d", "x");
	in = inotify_init1(IN_NONBLOCK);
	if (in < 0)
		zdtm_fail("inotify_init1");
	if (watch(NULL, IN_CREATE | IN_DELETE | IN_MOVED_TO) != 1 ||
	    watch("a", IN_MODIFY | IN_CLOSE_WRITE) != 2 || watch("b", IN_ATTRIB) != 3)
		zdtm_fail("unexpected first wds");
	if (inotify_rm_watch(in, 3))
		zdtm_fail("inotify_rm_watch");
	if (watch("c", IN_OPEN | IN_ONESHOT) != 4 || watch("d", IN_MODIFY) != 5 ||
	    watch("d", IN_ACCESS | IN_MASK_ADD) != 5)
		zdtm_fail("a freed wd was reused, or IN_MASK_ADD made a new watch");
	events(ev, sizeof(ev));
	snprintf(expected, sizeof(expected), "3:%x:;", IN_IGNORED);
	if (strcmp(ev, expected))
		zdtm_fail("setup events %s, expected %s", ev, expected);
	if (!strcmp(mode, "unread") || !strcmp(mode, "dropped"))
		make("queued", "");
	fdinfo(before, sizeof(before));
	zdtm_ready();
	zdtm_wait_term();

	if (!strcmp(mode, "unread")) {
		events(ev, sizeof(ev));
		snprintf(expected, sizeof(expected), "1:%x:queued;", IN_CREATE);
		if (strcmp(ev, expected))
			zdtm_fail("the unread event is gone: %s, expected %s", ev, expected);
		return zdtm_pass();
	}
	fdinfo(after, sizeof(after));
	if (strcmp(before, after))
		zdtm_fail("watches changed:\n%s->\n%s", before, after);
	if (!(fcntl(in, F_GETFL) & O_NONBLOCK))
		zdtm_fail("IN_NONBLOCK lost");
	events(ev, sizeof(ev));
	if (ev[0])
		zdtm_fail("events queued after restore: %s", ev);
	expect_wd(NULL, IN_CREATE, 1);
	expect_wd("a", IN_MODIFY, 2);
	expect_wd("c", IN_OPEN, 4);
	expect_wd("d", IN_ACCESS, 5);
	wd = watch("b", IN_ATTRIB);
	if (wd != 6)
		zdtm_fail("a new watch is wd %d, expected 6", wd);
	if (inotify_rm_watch(in, wd))
		zdtm_fail("inotify_rm_watch 6");

	make("new", "");
	fd = open(at("a"), O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, "hello", 5) != 5 || close(fd))
		zdtm_fail("write a");
	fd = open(at("c"), O_RDONLY);
	if (fd < 0 || close(fd))
		zdtm_fail("open c");
	fd = open(at("c"), O_RDONLY);
	if (fd < 0 || close(fd) || chmod(at("b"), 0640))
		zdtm_fail("open c again, chmod b");
	fd = open(at("d"), O_RDONLY);
	if (fd < 0 || read(fd, ev, 1) != 1 || close(fd))
		zdtm_fail("read d");
	if (unlink(at("new")))
		zdtm_fail("unlink");
	events(ev, sizeof(ev));
	snprintf(expected, sizeof(expected),
		 "6:%x:;1:%x:new;2:%x:;2:%x:;4:%x:;4:%x:;5:%x:;1:%x:new;", IN_IGNORED,
		 IN_CREATE, IN_MODIFY, IN_CLOSE_WRITE, IN_OPEN, IN_IGNORED, IN_ACCESS,
		 IN_DELETE);
	if (strcmp(ev, expected))
		zdtm_fail("events %s, expected %s", ev, expected);
	return zdtm_pass();
}
