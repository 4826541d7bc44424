// SPDX-License-Identifier: GPL-2.0
/*
 * test_kinds.c - the table of fd kinds (user/cr/kinds/kinds.h): every
 * FD_* type of the image has exactly one kind; every kind has a name, a
 * noun, its dump and open steps, and its test script
 * (tests/root/cr_TEST.sh); names are unique, so show's TYPE and JSON
 * "type" say which kind an fd is; and a live fd is claimed by the kind it
 * is (the table's order: memfds and deleted files before regular files).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "files.pb-c.h"
#include "kinds.h"
#include "unit.h"

static void test_every_image_type_has_one_kind(void)
{
	const ProtobufCEnumDescriptor *d = &fd_type__descriptor;
	const struct fd_kind *k;
	unsigned int i, n;
	size_t j;

	for (i = 0; i < d->n_values; i++) {
		for (n = 0, j = 0; (k = kinds__at(j)); j++)
			n += (int)k->type == d->values[i].value;
		if (n != 1)
			printf("  %s: %u kinds\n", d->values[i].name, n);
		CHECK(n == 1);
	}
	for (j = 0; (k = kinds__at(j)); j++)
		CHECK(kinds__find(k->type) == k);
}

static void test_every_kind_is_whole(void)
{
	char path[PATH_MAX];
	const char *top = getenv("TOP");
	const struct fd_kind *k, *o;
	size_t i, j;

	for (i = 0; (k = kinds__at(i)); i++) {
		CHECK(k->name && *k->name && k->noun && *k->noun && k->test && *k->test);
		CHECK(k->claims && k->dump && k->open);
		snprintf(path, sizeof(path), "%s/tests/root/cr_%s.sh", top && *top ? top : ".", k->test);
		if (access(path, R_OK))
			printf("  kind %s: no %s\n", k->name, path);
		CHECK(!access(path, R_OK));
		for (j = 0; j < i; j++) {
			o = kinds__at(j);
			CHECK(strcmp(o->name, k->name));
		}
	}
	CHECK(!strcmp(kinds__name(-1), "?") && !kinds__find(-1));
}

static const struct fd_kind *claim_dev(const char *link, mode_t mode, dev_t rdev)
{
	struct stat st = { .st_mode = mode, .st_rdev = rdev };
	struct fd_live l = { .pid = getpid(), .fd = -1, .link = link, .st = &st, .info = "",
			     .sock = -1 };

	return kinds__claim(&l);
}

static const struct fd_kind *claim(const char *link, mode_t mode)
{
	return claim_dev(link, mode, 0);
}

static void test_live_fds_are_claimed_by_their_kind(void)
{
	CHECK(claim("anon_inode:[pidfd]", 0)->type == FD_TYPE__FD_PIDFD);
	CHECK(claim("anon_inode:[eventfd]", 0)->type == FD_TYPE__FD_EVENTFD);
	CHECK(claim("anon_inode:[eventpoll]", 0)->type == FD_TYPE__FD_EPOLL);
	CHECK(claim("anon_inode:inotify", 0)->type == FD_TYPE__FD_INOTIFY);
	CHECK(claim("pipe:[123]", S_IFIFO)->type == FD_TYPE__FD_PIPE);
	CHECK(claim("/memfd:x (deleted)", S_IFREG)->type == FD_TYPE__FD_MEMFD);
	CHECK(claim("/tmp/a (deleted)", S_IFREG)->type == FD_TYPE__FD_DELETED);
	CHECK(claim("/etc/passwd", S_IFREG)->type == FD_TYPE__FD_REG);
	CHECK(claim("/", S_IFDIR)->type == FD_TYPE__FD_DIR);
	CHECK(claim("/dev/null", S_IFCHR)->type == FD_TYPE__FD_CHR);
	CHECK(claim_dev("/dev/ptmx", S_IFCHR, makedev(5, 2))->type == FD_TYPE__FD_PTY);
	CHECK(claim_dev("/dev/pts/3", S_IFCHR, makedev(136, 3))->type == FD_TYPE__FD_PTY);
	CHECK(claim_dev("/dev/pts/300", S_IFCHR, makedev(137, 44))->type == FD_TYPE__FD_PTY);
	CHECK(claim_dev("/dev/tty", S_IFCHR, makedev(5, 0))->type == FD_TYPE__FD_PTY);
	/* A real terminal is a device reopened by its path. */
	CHECK(claim_dev("/dev/tty1", S_IFCHR, makedev(4, 1))->type == FD_TYPE__FD_CHR);
	/* What no kind knows: refused by the engine, naming it. */
	CHECK(!claim("anon_inode:[io_uring]", 0));
	CHECK(!claim("net:[4026531840]", S_IFREG));
	CHECK(!claim("/dev/sda", S_IFBLK));
}

UNIT_MAIN({
	RUN(test_every_image_type_has_one_kind);
	RUN(test_every_kind_is_whole);
	RUN(test_live_fds_are_claimed_by_their_kind);
})
