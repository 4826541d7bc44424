// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_fwpass.c - the replayed segments let through nftables (tcp_fwpass.h):
 * `nft -j list chains` names the base chains, `nft -f -` inserts the
 * rules, `nft -j -a list ruleset` finds them again by their comment to
 * delete them by handle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"
#include "nft_cmd.h"
#include "tcp_fin.h"
#include "tcp_fwpass.h"

#define COMMENT "pidtrace-replay"

static int opened;

int tcp_fwpass__is_open(void)
{
	return opened;
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

/* The objects of kind @kind ("chain", "rule") in nft's JSON @out, each to @fn. */
static int each(const char *out, const char *kind,
		int (*fn)(struct json_object *o, char **script, size_t *len), char **script,
		size_t *len)
{
	struct json_object *root = json_tokener_parse(out), *arr, *o;
	size_t i, n;
	int err = 0;

	if (!root || !json_object_object_get_ex(root, "nftables", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n && !err; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(arr, i), kind, &o))
			err = fn(o, script, len);
	json_object_put(root);
	return err;
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

static int insert_rule(struct json_object *c, char **script, size_t *len)
{
	const char *fam = str(c, "family"), *table = str(c, "table"), *name = str(c, "name");
	const char *hook = str(c, "hook");
	char line[256];

	if (!hook || (strcmp(hook, "prerouting") && strcmp(hook, "input")) || !fam ||
	    (strcmp(fam, "ip") && strcmp(fam, "ip6") && strcmp(fam, "inet")))
		return 0;
	if (!plain(table) || !plain(name))
		return -EOPNOTSUPP;
	snprintf(line, sizeof(line), "insert rule %s %s %s meta mark 0x%x accept comment \"%s\"\n",
		 fam, table, name, TCP_FIN_MARK, COMMENT);
	return append(script, len, line);
}

static int delete_rule(struct json_object *r, char **script, size_t *len)
{
	const char *fam = str(r, "family"), *table = str(r, "table"), *chain = str(r, "chain");
	const char *comment = str(r, "comment");
	struct json_object *h;
	char line[256];

	if (!comment || strcmp(comment, COMMENT) || !json_object_object_get_ex(r, "handle", &h) ||
	    !plain(fam) || !plain(table) || !plain(chain))
		return 0;
	snprintf(line, sizeof(line), "delete rule %s %s %s handle %lld\n", fam, table, chain,
		 (long long)json_object_get_int64(h));
	return append(script, len, line);
}

static void remove_rules(void);

int tcp_fwpass__open(void)
{
	static const char *const list[] = { "-j", "list", "chains", NULL };
	static const char *const run[] = { "-f", "-", NULL };
	char *out = NULL, *script = NULL;
	size_t len = 0;
	int err;

	if (opened)
		return 0;
	if (legacy_tables())
		return -EOPNOTSUPP;
	err = nft_cmd__run(list, NULL, &out);
	if (!err)
		err = each(out, "chain", insert_rule, &script, &len);
	/* No base chain at those hooks: nothing of nftables drops the segments. */
	if (!err && script)
		err = nft_cmd__run(run, script, NULL);
	free(out);
	free(script);
	if (err) {
		pr_debug("firewall pass for replayed segments: %s", strerror(-err));
		remove_rules();
		return err;
	}
	opened = 1;
	return 0;
}

void tcp_fwpass__close(void)
{
	if (opened)
		remove_rules();
}

static void remove_rules(void)
{
	static const char *const list[] = { "-j", "-a", "list", "ruleset", NULL };
	static const char *const run[] = { "-f", "-", NULL };
	char *out = NULL, *script = NULL;
	size_t len = 0;
	int err;

	opened = 0;
	err = nft_cmd__run(list, NULL, &out);
	if (!err)
		err = each(out, "rule", delete_rule, &script, &len);
	if (!err && script)
		err = nft_cmd__run(run, script, NULL);
	if (err)
		pr_warn("the nftables rules \"%s\" pidtrace added for a moment could not be "
			"removed: %s", COMMENT, strerror(-err));
	free(out);
	free(script);
}
