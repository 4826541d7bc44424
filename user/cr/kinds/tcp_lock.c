// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lock.c - the dump's network lock (tcp_lock.h): the tree's TCP
 * connections found through /proc/PID/fd and copies of the sockets
 * (pidfd_getfd), each given to the BPF lock (netlock.c); without it, the
 * pairs of them that are the two ends of one connection, and one
 * nftables rule per direction of each, given to `nft -f -` (its rule
 * language is its stable interface).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "netlock.h"
#include "nft_cmd.h"
#include "tcp_fin.h"
#include "tcp_lock.h"

extern char **environ;

struct end {
	int family;		/* AF_INET (IPv4-mapped IPv6 too) or AF_INET6 */
	uint8_t l[16], p[16];
	uint16_t lport, pport;
};

static struct end *ends;
static size_t nends;
static char table[64];	/* set: the lock is on */
static bool outside;	/* a connection of the tree has its peer outside it */
static bool whole_ns;	/* `dump --network-lock netns`: the whole namespace */

/* @a as the packets carry it: an IPv4-mapped IPv6 address is IPv4. */
static int addr_of(const struct sockaddr_storage *a, uint8_t *out, uint16_t *port)
{
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a;

		memcpy(out, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return AF_INET;
	}
	const struct sockaddr_in6 *in6 = (const void *)a;

	*port = ntohs(in6->sin6_port);
	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		memcpy(out, &in6->sin6_addr.s6_addr[12], 4);
		return AF_INET;
	}
	memcpy(out, &in6->sin6_addr, 16);
	return AF_INET6;
}

/* The connection of socket @s, if it is a connected TCP one. */
static int note(int s)
{
	struct sockaddr_storage l, p;
	socklen_t ll = sizeof(l), pl = sizeof(p), ol = sizeof(int);
	struct end e, *arr;
	int proto = 0;

	if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &ol) || proto != IPPROTO_TCP)
		return 0;
	if (getsockname(s, (struct sockaddr *)&l, &ll) || getpeername(s, (struct sockaddr *)&p, &pl))
		return 0;
	if ((l.ss_family != AF_INET && l.ss_family != AF_INET6) || l.ss_family != p.ss_family)
		return 0;
	memset(&e, 0, sizeof(e));
	e.family = addr_of(&l, e.l, &e.lport);
	if (addr_of(&p, e.p, &e.pport) != e.family)
		return 0;
	arr = realloc(ends, (nends + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	ends = arr;
	ends[nends++] = e;
	return 0;
}

static int task_ends(pid_t pid)
{
	char path[300], link[64];
	struct dirent *d;
	int pidfd, s, err = 0;
	ssize_t n;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		closedir(dir);
		return 0;	/* gone: the dump says so elsewhere */
	}
	while (!err && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:[", 8))
			continue;
		s = syscall(SYS_pidfd_getfd, pidfd, atoi(d->d_name), 0);
		if (s < 0)
			continue;
		err = note(s);
		close(s);
	}
	close(pidfd);
	closedir(dir);
	return err;
}

static bool same(const struct end *a, const struct end *b)
{
	return a->family == b->family && a->lport == b->lport && a->pport == b->pport &&
	       !memcmp(a->l, b->l, 16) && !memcmp(a->p, b->p, 16);
}

/* Whether @a and @b are the two ends of one connection. */
static bool ends_of_one(const struct end *a, const struct end *b)
{
	return a->family == b->family && a->lport == b->pport && a->pport == b->lport &&
	       !memcmp(a->l, b->p, 16) && !memcmp(a->p, b->l, 16);
}

/* One rule: what @e sends. */
static void rule(FILE *f, const struct end *e)
{
	char l[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	const char *ip = e->family == AF_INET ? "ip" : "ip6";

	inet_ntop(e->family, e->l, l, sizeof(l));
	inet_ntop(e->family, e->p, p, sizeof(p));
	fprintf(f, "\t\t%s saddr %s tcp sport %u %s daddr %s tcp dport %u drop\n", ip, l,
		e->lport, ip, p, e->pport);
}

/* `nft -f -` fed @script (its messages to /dev/null). 0 or -errno. */
static int nft(const char *script)
{
	static const char *const args[] = { "-f", "-", NULL };

	return nft_cmd__run(args, script, NULL);
}

/*
 * The BPF lock (netlock.h) on every connection of the tree, its peer in
 * it or not: 0, or -errno when it cannot be had here (the nft lock below
 * then holds the connections within the tree, and those to a peer
 * outside are refused when the peer is sure to send: dump_tcp.c).
 */
static int lock_all(void)
{
	struct netlock_conn *c;
	size_t i, j, n = 0;
	int err;

	c = calloc(nends ? nends : 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < nends; i++) {
		/* An fd shared by two tasks (or two fds) is one end. */
		for (j = 0; j < i && !same(&ends[i], &ends[j]); j++)
			;
		if (j < i)
			continue;
		for (j = 0; j < nends && !ends_of_one(&ends[i], &ends[j]); j++)
			;
		outside |= j == nends;
		c[n].family = ends[i].family;
		memcpy(c[n].l, ends[i].l, 16);
		memcpy(c[n].p, ends[i].p, 16);
		c[n].lport = ends[i].lport;
		c[n++].pport = ends[i].pport;
	}
	err = n || whole_ns ? netlock__install(c, n, TCP_FIN_MARK, whole_ns) : 0;
	free(c);
	return err;
}

int tcp_lock__tree(struct dump_ctx *ctx)
{
	char *script = NULL;
	size_t len = 0, i, j, pairs = 0;
	FILE *f;
	int err = 0;

	for (i = 0; !err && i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie)
			err = task_ends(ctx->tasks[i].pid);
	if (err)
		goto out;
	err = lock_all();
	if (err == -ENOMEM)
		goto out;
	if (err && whole_ns) {
		/* Asked for, and the tree left running unlocked: no nft fallback. */
		pr_err("--network-lock netns: no BPF network lock on this kernel (%s): the "
		       "namespace cannot be locked", netlock__why());
		err = -EOPNOTSUPP;
		goto out;
	}
	if (!err)
		goto out;	/* locked, every connection: no nft table */
	pr_debug("no BPF network lock: %s", netlock__why());
	err = 0;
	f = open_memstream(&script, &len);
	if (!f) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(table, sizeof(table), "pidtrace_lock_%d", (int)getpid());
	fprintf(f, "table inet %s {\n\tchain out {\n"
		"\t\ttype filter hook output priority -300; policy accept;\n"
		"\t\tmeta mark 0x%x accept\n", table, TCP_FIN_MARK);
	for (i = 0; i < nends; i++) {
		/* An fd shared by two tasks (or two fds) is one end. */
		for (j = 0; j < i && !same(&ends[i], &ends[j]); j++)
			;
		if (j < i)
			continue;
		for (j = 0; j < nends && !ends_of_one(&ends[i], &ends[j]); j++)
			;
		if (j == nends)
			continue;
		rule(f, &ends[i]);
		pairs++;
	}
	fprintf(f, "\t}\n}\n");
	if (fclose(f)) {
		err = -ENOMEM;
		goto out;
	}
	if (!pairs) {
		table[0] = '\0';
		goto out;
	}
	err = nft(script);
	if (err) {
		pr_warn("no network lock (nft: %s): a connection within the tree that moves "
			"during the dump is refused", strerror(-err));
		table[0] = '\0';
		err = 0;
	}
out:
	/* The ends stay known until tcp_lock__release(): tcp_lock__peer_in_tree(). */
	free(script);
	return err;
}

bool tcp_lock__peer_in_tree(int s)
{
	size_t before = nends, j;
	bool found = false;

	/* note() appends @s's end: compared with the tree's, then dropped. */
	if (note(s) || nends == before)
		return false;
	for (j = 0; j < before && !found; j++)
		found = ends_of_one(&ends[before], &ends[j]);
	nends = before;
	return found;
}

bool tcp_lock__held(void)
{
	return netlock__held();
}

const char *tcp_lock__why_not(void)
{
	return netlock__why()[0] ? netlock__why() : "none";
}

static char kept[256];	/* the lock pinned by tcp_lock__pin(), "" if none */

const char *tcp_lock__pinned(void)
{
	return kept[0] ? kept : NULL;
}

int tcp_lock__pin(pid_t root, char *path, size_t len)
{
	struct timespec ts;
	char name[64];
	int err;

	path[0] = '\0';
	/* Within the tree only: nothing will send to its sockets once they are dead. */
	if (!netlock__held() || (!outside && !whole_ns))
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof(name), "%d-%lld%09ld", (int)root, (long long)ts.tv_sec, ts.tv_nsec);
	err = netlock__pin(name, path, len);
	if (!err)
		snprintf(kept, sizeof(kept), "%s", path);
	else
		pr_err("cannot pin the network lock in %s: %s (%s)", NETLOCK_DIR, strerror(-err),
		       whole_ns ? "--network-lock netns: the namespace would be open before "
				  "the restore" :
				  "its TCP connections to peers outside the tree would be reset "
				  "before the restore");
	return err;
}

void tcp_lock__set_netns(bool on)
{
	whole_ns = on;
}

bool tcp_lock__netns(void)
{
	return whole_ns;
}

void tcp_lock__release(bool keep)
{
	char script[128];
	int err;

	free(ends);
	ends = NULL;
	nends = 0;
	outside = false;
	kept[0] = '\0';
	netlock__end(keep);
	if (!table[0])
		return;
	snprintf(script, sizeof(script), "delete table inet %s\n", table);
	err = nft(script);
	if (err)
		pr_warn("the network lock could not be removed: nft delete table inet %s: %s",
			table, strerror(-err));
	table[0] = '\0';
}
