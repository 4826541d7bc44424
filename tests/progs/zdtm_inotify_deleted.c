// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_inotify_deleted DIR - an inotify instance (IN_NONBLOCK) with a
 * watch on a file deleted while this task holds it open (zdtm inotify00):
 *   wd 1  DIR     IN_CREATE|IN_DELETE
 *   wd 2  DIR/f   IN_MODIFY|IN_CLOSE_WRITE|IN_DELETE_SELF|IN_ATTRIB, then
 *                 DIR/f unlinked (held open read-write, "data" in it)
 *   wd 3  DIR/g   IN_OPEN
 * The unlink's events are read before READY. After restore: the same
 * three watches with the same masks, wd 1 and 3 on the same inodes, wd 2
 * on the inode the held fd has now; nothing queued; the held file still
 * "DIR/f (deleted)" with its data; then writing and closing it report
 * IN_MODIFY, IN_CLOSE_WRITE, IN_DELETE_SELF and IN_IGNORED on wd 2, and
 * opening g IN_OPEN on wd 3, nothing else.
 */
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "zdtm.h"

static char dir[3000];
static int in;

struct watch {
	unsigned int wd, mask;
	unsigned long ino;
};

static const char *at(const char *name)
{
	static char buf[2][3100];
	static int k;

	k ^= 1;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
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

/* The watches of our fdinfo, by wd (1..3). */
static void watches(struct watch *w)
{
	char name[64], line[1024];
	struct watch x;
	FILE *f;

	memset(w, 0, 4 * sizeof(*w));
	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", in);
	f = fopen(name, "r");
	if (!f)
		zdtm_fail("fdinfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "inotify wd:%x ino:%lx sdev:%*x mask:%x", &x.wd, &x.ino, &x.mask) !=
		    3)
			continue;
		if (x.wd < 1 || x.wd > 3 || w[x.wd].wd)
			zdtm_fail("unexpected watch %u", x.wd);
		w[x.wd] = x;
	}
	fclose(f);
	if (!w[1].wd || !w[2].wd || !w[3].wd)
		zdtm_fail("a watch is missing");
}

int main(int argc, char **argv)
{
	char ev[4096], expected[512], link[4096], want[4200], data[8];
	struct watch before[4], after[4];
	struct stat st;
	int hold, fd;
	ssize_t n;

	zdtm_init();
	if (argc < 2)
		zdtm_fail("usage: zdtm_inotify_deleted DIR");
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (mkdir(dir, 0700) && errno != EEXIST)
		zdtm_fail("mkdir %s", dir);
	hold = open(at("f"), O_CREAT | O_TRUNC | O_RDWR, 0600);
	fd = open(at("g"), O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (hold < 0 || fd < 0 || write(hold, "data", 4) != 4 || close(fd))
		zdtm_fail("create f, g");
	in = inotify_init1(IN_NONBLOCK);
	if (in < 0)
		zdtm_fail("inotify_init1");
	if (inotify_add_watch(in, dir, IN_CREATE | IN_DELETE) != 1 ||
	    inotify_add_watch(in, at("f"), IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_ATTRIB) !=
		    2 ||
	    inotify_add_watch(in, at("g"), IN_OPEN) != 3)
		zdtm_fail("unexpected wds");
	if (unlink(at("f")))
		zdtm_fail("unlink f");
	events(ev, sizeof(ev));
	snprintf(expected, sizeof(expected), "2:%x:;1:%x:f;", IN_ATTRIB, IN_DELETE);
	if (strcmp(ev, expected))
		zdtm_fail("unlink events %s, expected %s", ev, expected);
	watches(before);
	if (fstat(hold, &st) || st.st_ino != before[2].ino)
		zdtm_fail("wd 2 is not on the held file");
	zdtm_ready();
	zdtm_wait_term();

	watches(after);
	if (fstat(hold, &st) || st.st_ino != after[2].ino || st.st_nlink)
		zdtm_fail("wd 2 (inode %lu) is not on the held deleted file (%lu)", after[2].ino,
			  (unsigned long)st.st_ino);
	if (after[1].ino != before[1].ino || after[3].ino != before[3].ino)
		zdtm_fail("wd 1 or 3 on another inode");
	if (after[1].mask != before[1].mask || after[2].mask != before[2].mask ||
	    after[3].mask != before[3].mask)
		zdtm_fail("masks changed: %x %x %x, expected %x %x %x", after[1].mask, after[2].mask,
			  after[3].mask, before[1].mask, before[2].mask, before[3].mask);
	snprintf(want, sizeof(want), "%s (deleted)", at("f"));
	snprintf(ev, sizeof(ev), "/proc/self/fd/%d", hold);
	n = readlink(ev, link, sizeof(link) - 1);
	if (n < 0 || (link[n] = 0, strcmp(link, want)))
		zdtm_fail("the held file is %s, expected %s", n < 0 ? "?" : link, want);
	if (!(fcntl(in, F_GETFL) & O_NONBLOCK))
		zdtm_fail("IN_NONBLOCK lost");
	events(ev, sizeof(ev));
	if (ev[0])
		zdtm_fail("events queued after restore: %s", ev);
	if (pread(hold, data, 4, 0) != 4 || memcmp(data, "data", 4))
		zdtm_fail("the held file lost its data");
	if (write(hold, "x", 1) != 1 || close(hold))
		zdtm_fail("write, close the held file");
	fd = open(at("g"), O_RDONLY);
	if (fd < 0 || close(fd))
		zdtm_fail("open g");
	events(ev, sizeof(ev));
	snprintf(expected, sizeof(expected), "2:%x:;2:%x:;2:%x:;2:%x:;3:%x:;", IN_MODIFY,
		 IN_CLOSE_WRITE, IN_DELETE_SELF, IN_IGNORED, IN_OPEN);
	if (strcmp(ev, expected))
		zdtm_fail("events %s, expected %s", ev, expected);
	return zdtm_pass();
}
