// SPDX-License-Identifier: GPL-2.0
/*
 * netlock.c - the dump's network lock that outlives it (netlock.h): the
 * program of bpf/netlock.bpf.c, its map of locked connections, four
 * netfilter links (LOCAL_IN and LOCAL_OUT, IPv4 and IPv6), pinned in
 * bpffs at the commit. The libbpf pidtrace builds with predates netfilter
 * programs: the program type is set by hand and the links are made with
 * the bpf(2) command itself (its netfilter attributes are stable ABI).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "mounts.h"
#include "netlock.h"
#include "netlock.skel.h"
#include "netlock_key.h"
#include "testfault.h"

/* Kernel 6.4 uapi, absent from older headers. */
#define PT_BPF_PROG_TYPE_NETFILTER 32
#define PT_BPF_NETFILTER 45
#define PT_NFPROTO_IPV4 2
#define PT_NFPROTO_IPV6 10
#define PT_NF_INET_LOCAL_IN 1
#define PT_NF_INET_LOCAL_OUT 3
/*
 * Before the raw table and conntrack (-300, -200): the segments are never
 * tracked. The kernel takes one BPF link per hook and priority: each lock
 * (two dumps at once, images not restored yet) takes the next one free.
 */
#define PRIORITY_FIRST (-350)
#define PRIORITIES 48

/* bpf_attr.link_create with its netfilter member (include/uapi/linux/bpf.h). */
struct nf_link_attr {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint32_t pf, hooknum;
	int32_t priority;
	uint32_t nf_flags;
	uint8_t zero[32];	/* the rest of the union, zero */
};

static const struct {
	const char *name;
	uint32_t pf, hook;
} hooks[] = {
	{ "in4", PT_NFPROTO_IPV4, PT_NF_INET_LOCAL_IN },
	{ "out4", PT_NFPROTO_IPV4, PT_NF_INET_LOCAL_OUT },
	{ "in6", PT_NFPROTO_IPV6, PT_NF_INET_LOCAL_IN },
	{ "out6", PT_NFPROTO_IPV6, PT_NF_INET_LOCAL_OUT },
};
#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))

static struct netlock_bpf *skel;
static int links[NHOOKS] = { -1, -1, -1, -1 };
static char pinned[256];	/* set: the lock's directory in bpffs */
static char why[128];

static int link_create(int prog, uint32_t pf, uint32_t hook)
{
	struct nf_link_attr a;
	int fd = -1, i;

	memset(&a, 0, sizeof(a));
	a.prog_fd = prog;
	a.attach_type = PT_BPF_NETFILTER;
	a.pf = pf;
	a.hooknum = hook;
	for (i = 0; i < PRIORITIES && fd < 0; i++) {
		a.priority = PRIORITY_FIRST - i;
		fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
		if (fd < 0 && errno != EBUSY)
			break;
	}
	return fd < 0 ? -errno : fd;
}

/* One entry per direction of @c. */
static int add(int map, const struct netlock_conn *c)
{
	struct netlock_key k;
	uint64_t zero = 0;
	int len = c->family == AF_INET ? 4 : 16;

	memset(&k, 0, sizeof(k));
	k.family = c->family;
	k.sport = htons(c->lport);
	k.dport = htons(c->pport);
	memcpy(k.saddr, c->l, len);
	memcpy(k.daddr, c->p, len);
	if (bpf_map_update_elem(map, &k, &zero, BPF_ANY))
		return -errno;
	k.sport = htons(c->pport);
	k.dport = htons(c->lport);
	memcpy(k.saddr, c->p, len);
	memcpy(k.daddr, c->l, len);
	return bpf_map_update_elem(map, &k, &zero, BPF_ANY) ? -errno : 0;
}

static void drop_links(void)
{
	size_t i;

	for (i = 0; i < NHOOKS; i++) {
		if (links[i] >= 0)
			close(links[i]);
		links[i] = -1;
	}
	netlock_bpf__destroy(skel);
	skel = NULL;
}

int netlock__install(const struct netlock_conn *c, size_t n, uint32_t pass_mark, bool whole_ns)
{
	struct netlock_key zero_key;
	uint64_t zero = 0;
	const char *step = "load";
	size_t i;
	int err, map;

	why[0] = '\0';
	/* As on a kernel without netfilter BPF links: the refusals stay (tests). */
	if (testfault__point("netlock")) {
		snprintf(why, sizeof(why), "test fault at netlock");
		return -EIO;
	}
	if (2 * n > NETLOCK_MAX_CONNS) {
		snprintf(why, sizeof(why), "more than %d connections", NETLOCK_MAX_CONNS / 2);
		return -E2BIG;
	}
	skel = netlock_bpf__open();
	if (!skel) {
		err = errno ? -errno : -EINVAL;
		goto fail;
	}
	skel->rodata->pass_mark = pass_mark;
	skel->rodata->whole_ns = whole_ns;
	bpf_program__set_type(skel->progs.netlock, PT_BPF_PROG_TYPE_NETFILTER);
	bpf_program__set_expected_attach_type(skel->progs.netlock, PT_BPF_NETFILTER);
	err = netlock_bpf__load(skel);
	if (err)
		goto fail;
	step = "its map";
	map = bpf_map__fd(skel->maps.conns);
	for (i = 0; !err && i < n; i++)
		err = add(map, &c[i]);
	/* The whole namespace's drops, counted where `bpftool map dump` shows them. */
	memset(&zero_key, 0, sizeof(zero_key));
	if (!err && whole_ns && bpf_map_update_elem(map, &zero_key, &zero, BPF_ANY))
		err = -errno;
	if (err)
		goto fail;
	step = "netfilter link";
	for (i = 0; i < NHOOKS; i++) {
		links[i] = link_create(bpf_program__fd(skel->progs.netlock), hooks[i].pf,
				       hooks[i].hook);
		if (links[i] < 0) {
			err = links[i];
			goto fail;
		}
	}
	return 0;
fail:
	snprintf(why, sizeof(why), "BPF %s: %s", step, strerror(-err));
	drop_links();
	return err;
}

bool netlock__held(void)
{
	return skel != NULL;
}

const char *netlock__why(void)
{
	return why;
}

int netlock__pin(const char *name, char *path, size_t len)
{
	char p[300];
	size_t i;
	int err;

	if (!skel)
		return -ENOENT;
	err = mounts__ensure_bpffs();
	if (err)
		return err;
	if (mkdir(NETLOCK_DIR, 0700) && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(pinned, sizeof(pinned), "%s/%s", NETLOCK_DIR, name) >= len ||
	    strlen(pinned) >= sizeof(pinned) - 8) {
		pinned[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (mkdir(pinned, 0700))
		goto fail;
	/* The map too: what the lock holds and dropped stays readable (bpftool). */
	snprintf(p, sizeof(p), "%s/conns", pinned);
	if (bpf_obj_pin(bpf_map__fd(skel->maps.conns), p))
		goto fail;
	for (i = 0; i < NHOOKS; i++) {
		snprintf(p, sizeof(p), "%s/%s", pinned, hooks[i].name);
		if (bpf_obj_pin(links[i], p))
			goto fail;
	}
	snprintf(path, len, "%s", pinned);
	return 0;
fail:
	err = -errno;
	netlock__remove(pinned);
	pinned[0] = '\0';
	return err;
}

void netlock__end(bool keep)
{
	int err;

	if (pinned[0] && !keep) {
		err = netlock__remove(pinned);
		if (err)
			pr_warn("the network lock %s could not be removed: %s", pinned,
				strerror(-err));
	}
	pinned[0] = '\0';
	drop_links();
}

/* Whether @path names a lock of NETLOCK_DIR: restore never removes anything else. */
static bool ours(const char *path)
{
	size_t n = strlen(NETLOCK_DIR);

	return !strncmp(path, NETLOCK_DIR "/", n + 1) && path[n + 1] &&
	       !strchr(path + n + 1, '/') && strcmp(path + n + 1, "..") && strcmp(path + n + 1, ".");
}

int netlock__remove(const char *path)
{
	char p[300];
	size_t i;
	int err = 0;

	if (!ours(path))
		return -EINVAL;
	if (!netlock__exists(path))
		return -ENOENT;
	/* The links first: the lock is gone once the first one is. */
	for (i = 0; i < NHOOKS; i++) {
		snprintf(p, sizeof(p), "%s/%s", path, hooks[i].name);
		if (unlink(p) && errno != ENOENT && !err)
			err = -errno;
	}
	snprintf(p, sizeof(p), "%s/conns", path);
	if (unlink(p) && errno != ENOENT && !err)
		err = -errno;
	if (rmdir(path) && !err)
		err = -errno;
	return err;
}

bool netlock__exists(const char *path)
{
	struct stat st;

	return ours(path) && !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool netlock__whole_ns(const char *path)
{
	struct netlock_key zero_key;
	uint64_t drops;
	char p[300];
	bool whole;
	int map;

	if (!netlock__exists(path))
		return false;
	snprintf(p, sizeof(p), "%s/conns", path);
	map = bpf_obj_get(p);
	if (map < 0)
		return false;
	/* netlock__install() puts the all-zero key in only for a whole namespace. */
	memset(&zero_key, 0, sizeof(zero_key));
	whole = !bpf_map_lookup_elem(map, &zero_key, &drops);
	close(map);
	return whole;
}
