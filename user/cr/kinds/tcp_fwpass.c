// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_fwpass.c - the replayed segments let through nftables (tcp_fwpass.h):
 * `nft -t -j -a list ruleset` (terse: no set element, however big the
 * sets) names the tables, the base chains and the rules; `nft -e -a -f -`
 * inserts ours and echoes their handles, which are all that is deleted
 * afterwards, and only while their table is still the one they went in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"
#include "nft_cmd.h"
#include "tcp_fin.h"
#include "tcp_fwpass.h"
#include "testfault.h"

#define COMMENT "pidtrace-replay"
#define MAX_RULES 256
#define MAX_PAIRS 32

/* One rule of ours: where it went, its handle, its table's handle then. */
struct rule {
	char fam[8], table[72], chain[72];
	long long handle, table_handle;
};

static struct rule rules[MAX_RULES];
static char pairs[MAX_PAIRS][160];	/* the matches of the segments let through */
static int nrules, npairs, opened, cleaned;
static char why[600];	/* why the last tcp_fwpass__open() failed */

const char *tcp_fwpass__why(void)
{
	return why;
}

/*
 * What matches only the segments from @peer to @local into @m: addresses
 * and ports (an IPv4-mapped pair as IPv4, as tcp_fin.c writes it); *@v4.
 */
static void match(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		  char *m, size_t len, int *v4)
{
	char l[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	unsigned int lport, pport;

	if (local->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)local, *b = (const void *)peer;

		inet_ntop(AF_INET, &a->sin_addr, l, sizeof(l));
		inet_ntop(AF_INET, &b->sin_addr, p, sizeof(p));
		lport = ntohs(a->sin_port);
		pport = ntohs(b->sin_port);
		*v4 = 1;
	} else {
		const struct sockaddr_in6 *a = (const void *)local, *b = (const void *)peer;

		*v4 = IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
		inet_ntop(*v4 ? AF_INET : AF_INET6, *v4 ? (const void *)&a->sin6_addr.s6_addr[12] :
			  (const void *)&a->sin6_addr, l, sizeof(l));
		inet_ntop(*v4 ? AF_INET : AF_INET6, *v4 ? (const void *)&b->sin6_addr.s6_addr[12] :
			  (const void *)&b->sin6_addr, p, sizeof(p));
		lport = ntohs(a->sin6_port);
		pport = ntohs(b->sin6_port);
	}
	snprintf(m, len, "%s saddr %s %s daddr %s tcp sport %u tcp dport %u", *v4 ? "ip" : "ip6", p,
		 *v4 ? "ip" : "ip6", l, pport, lport);
}

/* A legacy iptables table of this namespace: its rules nft cannot pass. */
static int legacy_tables(void)
{
	static const char *const files[] = { "/proc/net/ip_tables_names",
					     "/proc/net/ip6_tables_names" };
	size_t i;
	int c = EOF;

	for (i = 0; i < 2 && c == EOF; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		c = fgetc(f);
		fclose(f);
	}
	return c != EOF;
}

/* A name nft takes as it is (no quoting to get wrong). */
static int plain(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static long long num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

static int append(char **script, size_t *len, const char *line)
{
	size_t l = strlen(line);
	char *p = realloc(*script, *len + l + 1);

	if (!p)
		return -ENOMEM;
	memcpy(p + *len, line, l + 1);
	*script = p;
	*len += l;
	return 0;
}

/* The terse rule set: its "nftables" array into *@arr (owned by *@root). */
static int list(struct json_object **root, struct json_object **arr)
{
	static const char *const args[] = { "-t", "-j", "-a", "list", "ruleset", NULL };
	char *out = NULL;
	int err = nft_cmd__run(args, NULL, &out);

	if (err)
		return err;
	*root = json_tokener_parse(out);
	free(out);
	if (!*root || !json_object_object_get_ex(*root, "nftables", arr) ||
	    !json_object_is_type(*arr, json_type_array)) {
		json_object_put(*root);
		return -EINVAL;
	}
	return 0;
}

/* The handle of table @fam @name in @arr, -1 none. */
static long long table_handle(struct json_object *arr, const char *fam, const char *name)
{
	size_t i, n = json_object_array_length(arr);
	struct json_object *t;

	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "table", &t) &&
		    str(t, "family") && !strcmp(str(t, "family"), fam) && str(t, "name") &&
		    !strcmp(str(t, "name"), name))
			return num(t, "handle");
	return -1;
}

/* Whether @arr holds rule @r (a rule deleted meanwhile is not deleted again). */
static int has_rule(struct json_object *arr, const struct rule *r)
{
	size_t i, n = json_object_array_length(arr);
	struct json_object *o;

	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "rule", &o) &&
		    num(o, "handle") == r->handle && str(o, "family") &&
		    !strcmp(str(o, "family"), r->fam) && str(o, "table") &&
		    !strcmp(str(o, "table"), r->table) && str(o, "chain") &&
		    !strcmp(str(o, "chain"), r->chain))
			return 1;
	return 0;
}

/*
 * A rule @r of a pidtrace that is gone: comment "pidtrace-replay PID" with
 * no process PID (a run killed while its way was open), or the bare
 * comment of the versions before.
 */
static int stale(struct json_object *r)
{
	const char *c = str(r, "comment");
	char *end;
	long pid;

	if (!c || strncmp(c, COMMENT, sizeof(COMMENT) - 1))
		return 0;
	c += sizeof(COMMENT) - 1;
	if (!*c)
		return 1;
	if (*c != ' ')
		return 0;
	pid = strtol(c + 1, &end, 10);
	return !*end && pid > 0 && pid != getpid() && kill(pid, 0) && errno == ESRCH;
}

static int delete_line(char **script, size_t *len, const char *fam, const char *table,
		       const char *chain, long long handle)
{
	char line[256];

	/* Names are plain(): 64 characters at most. */
	snprintf(line, sizeof(line), "delete rule %.8s %.64s %.64s handle %lld\n", fam, table,
		 chain, handle);
	return append(script, len, line);
}

int tcp_fwpass__clean_stale(void)
{
	static const char *const run[] = { "-f", "-", NULL };
	struct json_object *root, *arr, *r;
	char *script = NULL;
	size_t i, n, len = 0;
	int err, count = 0;

	if (legacy_tables())
		return 0;
	err = list(&root, &arr);
	if (err)
		return err == -ENOENT ? 0 : err;
	n = json_object_array_length(arr);
	for (i = 0; i < n && !err; i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "rule", &r) ||
		    !stale(r) || !plain(str(r, "family")) || !plain(str(r, "table")) ||
		    !plain(str(r, "chain")))
			continue;
		err = delete_line(&script, &len, str(r, "family"), str(r, "table"),
				  str(r, "chain"), num(r, "handle"));
		count++;
	}
	json_object_put(root);
	if (!err && script)
		err = nft_cmd__run(run, script, NULL);
	free(script);
	return err ? err : count;
}

/* Whether chain @c is a base chain a replayed segment goes through. */
static int on_path(struct json_object *c)
{
	static const char *const hooks[] = { "prerouting", "input",   "output",
					     "postrouting", "ingress", "egress" };
	const char *fam = str(c, "family"), *hook = str(c, "hook");
	size_t i;

	if (!hook || !fam ||
	    (strcmp(fam, "ip") && strcmp(fam, "ip6") && strcmp(fam, "inet") &&
	     strcmp(fam, "netdev")))
		return 0;
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!strcmp(hook, hooks[i]))
			return 1;
	return 0;
}

/*
 * Our rule for the segments @m matches first in each chain on their path
 * (not the other IP family's), noted in rules[]; the script into *@script.
 */
static int plan(struct json_object *arr, const char *m, int v4, char **script, size_t *len)
{
	size_t i, n = json_object_array_length(arr);
	struct json_object *c;
	struct rule *r;
	char line[512];
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "chain", &c) ||
		    !on_path(c) || !strcmp(str(c, "family"), v4 ? "ip6" : "ip"))
			continue;
		if (!plain(str(c, "table")) || !plain(str(c, "name")))
			return -EOPNOTSUPP;
		if (nrules == MAX_RULES)
			return -E2BIG;
		r = &rules[nrules++];
		snprintf(r->fam, sizeof(r->fam), "%s", str(c, "family"));
		snprintf(r->table, sizeof(r->table), "%s", str(c, "table"));
		snprintf(r->chain, sizeof(r->chain), "%s", str(c, "name"));
		r->table_handle = table_handle(arr, r->fam, r->table);
		r->handle = -1;
		snprintf(line, sizeof(line),
			 "insert rule %s %s %s %s meta mark 0x%x accept comment \"%s %d\"\n",
			 r->fam, r->table, r->chain, m, TCP_FIN_MARK, COMMENT, (int)getpid());
		err = append(script, len, line);
	}
	return err;
}

/* The handles nft echoed ("... # handle N", one line per insert, in order) from rules[@i]. */
static int learn_handles(const char *out, int i)
{
	const char *p = out, *h;

	for (; *p && i < nrules; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (strncmp(p, "insert rule ", 12))
			continue;
		h = strstr(p, "# handle ");
		if (!h || (strchr(p, '\n') && h > strchr(p, '\n')))
			return -EINVAL;
		rules[i++].handle = strtoll(h + 9, NULL, 10);
	}
	return i == nrules ? 0 : -EINVAL;
}

int tcp_fwpass__open(const struct sockaddr_storage *local, const struct sockaddr_storage *peer)
{
	static const char *const run[] = { "-e", "-a", "-f", "-", NULL };
	struct json_object *root = NULL, *arr;
	char *out = NULL, *script = NULL, m[160];
	int err = 0, first = nrules, v4, i;
	size_t len = 0;

	snprintf(why, sizeof(why), "?");
	if (legacy_tables()) {
		snprintf(why, sizeof(why), "an iptables-legacy table is in the namespace");
		return -EOPNOTSUPP;
	}
	match(local, peer, m, sizeof(m), &v4);
	for (i = 0; i < npairs; i++)
		if (!strcmp(pairs[i], m))
			return 0;
	if (npairs == MAX_PAIRS)
		return -E2BIG;
	if (!cleaned)
		err = tcp_fwpass__clean_stale();
	cleaned = err >= 0;
	if (err >= 0)
		err = list(&root, &arr);
	if (!err)
		err = plan(arr, m, v4, &script, &len);
	json_object_put(root);
	/* No base chain on the path: nothing of nftables drops the segments. */
	if (!err && script)
		err = nft_cmd__run(run, script, &out);
	opened = 1;
	if (!err && out)
		err = learn_handles(out, first);
	if (!err)
		snprintf(pairs[npairs++], sizeof(pairs[0]), "%s", m);
	free(out);
	free(script);
	if (err) {
		/* nft's line as it wrote it: every message is escaped as it is logged (log.c). */
		if (err == -ENOENT && !*nft_cmd__error_raw())
			snprintf(why, sizeof(why), "no nft command");
		else if (err == -EOPNOTSUPP)
			snprintf(why, sizeof(why), "a table or chain name nft could not be given");
		else
			snprintf(why, sizeof(why), "nft: %s%s%s", strerror(-err),
				 *nft_cmd__error_raw() ? ": " : "", nft_cmd__error_raw());
		pr_debug("firewall pass for replayed segments: %s", why);
		tcp_fwpass__close();
		return err;
	}
	return 0;
}

int tcp_fwpass__close(void)
{
	static const char *const run[] = { "-f", "-", NULL };
	struct json_object *root, *arr;
	char *script = NULL;
	size_t len = 0;
	int err = 0, i;

	if (!opened)
		return 0;
	opened = 0;
	/* Test: the removal fails, the rules stay (as when nft fails here). */
	err = testfault__point("fwpass-close");
	if (err)
		goto out;
	for (i = 0; i < nrules && rules[i].handle < 0; i++)
		;
	if (i == nrules)
		goto out;
	err = list(&root, &arr);
	if (err)
		goto out;
	/* A table made again since is another's: its handle is new, our rule went with the old. */
	for (i = 0; i < nrules && !err; i++)
		if (rules[i].handle >= 0 &&
		    table_handle(arr, rules[i].fam, rules[i].table) == rules[i].table_handle &&
		    has_rule(arr, &rules[i]))
			err = delete_line(&script, &len, rules[i].fam, rules[i].table,
					  rules[i].chain, rules[i].handle);
	json_object_put(root);
	if (!err && script)
		err = nft_cmd__run(run, script, NULL);
	free(script);
out:
	nrules = npairs = 0;
	return err;
}
