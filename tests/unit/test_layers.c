// SPDX-License-Identifier: GPL-2.0
/*
 * test_layers.c - the architecture of user/ as docs/architecture.md draws
 * it, checked on the sources themselves: which folder may include which,
 * no include cycle between modules of two folders, file names that start
 * with their folder's prefix, and function names whose prefix is their
 * file's (P__name lives in P.c or P_*.c).
 *
 * A module is a .c and its .h of one name; an edge is an #include "X.h" of
 * a module's file. Runs from the top of the tree (tests/run.sh), or $TOP.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define MAX_MODS 512

struct mod {
	char name[64];
	char dir[64];	/* "base", "cr/dump"... "" for user/ itself */
	int out[96];
	int nout;
	/* Tarjan */
	int index, low;
	int on_stack;
};

static struct mod mods[MAX_MODS];
static int nmods;
static char top[PATH_MAX / 2];

static int find(const char *name)
{
	int i;

	for (i = 0; i < nmods; i++)
		if (!strcmp(mods[i].name, name))
			return i;
	return -1;
}

/* Every .c and .h under user/, recursively, as modules. */
static void scan(const char *rel)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/user/%s", top, rel);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char name[64];

		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_DIR) {
			snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
			scan(sub);
			continue;
		}
		if (n < 3 || n >= sizeof(name) || de->d_name[n - 2] != '.' ||
		    (de->d_name[n - 1] != 'c' && de->d_name[n - 1] != 'h'))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n - 2, de->d_name);
		if (find(name) >= 0 || nmods == MAX_MODS)
			continue;
		snprintf(mods[nmods].name, sizeof(mods[nmods].name), "%s", name);
		snprintf(mods[nmods].dir, sizeof(mods[nmods].dir), "%s", rel);
		nmods++;
	}
	closedir(d);
}

static void add_edges(int m, const char *ext)
{
	char path[PATH_MAX], line[512], inc[128];
	FILE *f;
	int j, k;

	snprintf(path, sizeof(path), "%s/user/%s%s%s.%s", top, mods[m].dir, *mods[m].dir ? "/" : "",
		 mods[m].name, ext);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t n;

		if (sscanf(line, "#include \"%127[^\"]\"", inc) != 1)
			continue;
		n = strlen(inc);
		if (n < 3 || strcmp(inc + n - 2, ".h"))
			continue;
		inc[n - 2] = '\0';
		j = find(inc);
		if (j < 0 || j == m)
			continue;
		for (k = 0; k < mods[m].nout && mods[m].out[k] != j; k++)
			;
		if (k == mods[m].nout && mods[m].nout < 96)
			mods[m].out[mods[m].nout++] = j;
	}
	fclose(f);
}

static void load(void)
{
	const char *t = getenv("TOP");
	int i;

	if (nmods)
		return;
	snprintf(top, sizeof(top), "%s", t && *t ? t : ".");
	scan("");
	for (i = 0; i < nmods; i++) {
		add_edges(i, "c");
		add_edges(i, "h");
	}
}

/* The layer a folder is in: "cr/dump" is "cr". */
static void group(const char *dir, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(dir, "/"), dir);
}

/*
 * Which layer may include which (docs/architecture.md): base below all;
 * the ptrace library and symbols on base; the tracer on base and
 * symbols; checkpoint/restore on all of those; user/ itself (main.c,
 * commands.h) is the top, and the commands it declares are implemented in
 * trace/ and cr/, which include it for that.
 */
static bool allowed(const char *from, const char *to)
{
	static const struct {
		const char *from, *to;
	} ok[] = {
		{ "ptrace", "base" }, { "sym", "base" }, { "trace", "base" }, { "trace", "sym" },
		{ "trace", "" },      { "cr", "base" },  { "cr", "ptrace" },  { "cr", "trace" },
		{ "cr", "sym" },      { "cr", "" },	 { "", "*" },
	};
	size_t i;

	if (!strcmp(from, to))
		return true;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(ok[i].from, from) && (!strcmp(ok[i].to, to) || !strcmp(ok[i].to, "*")))
			return true;
	return false;
}

static void test_the_tree_is_there(void)
{
	load();
	CHECK(find("kinds") >= 0 && find("dump_ctx") >= 0 && find("restore_ctx") >= 0);
	CHECK(find("ptrace") >= 0 && find("explain") >= 0 && find("log") >= 0);
}

static void test_folders_include_only_lower_layers(void)
{
	char a[64], b[64];
	int i, k, bad = 0;

	load();
	for (i = 0; i < nmods; i++)
		for (k = 0; k < mods[i].nout; k++) {
			group(mods[i].dir, a, sizeof(a));
			group(mods[mods[i].out[k]].dir, b, sizeof(b));
			if (allowed(a, b))
				continue;
			printf("  %s (%s) includes %s (%s)\n", mods[i].name, mods[i].dir,
			       mods[mods[i].out[k]].name, mods[mods[i].out[k]].dir);
			bad++;
		}
	CHECK(bad == 0);
}

static int stack[MAX_MODS], sp, counter, cross_cycles;

static void strong(int v)
{
	int k, w, n = 0, first;
	bool cross = false;

	mods[v].index = mods[v].low = ++counter;
	stack[sp++] = v;
	mods[v].on_stack = 1;
	for (k = 0; k < mods[v].nout; k++) {
		w = mods[v].out[k];
		if (!mods[w].index) {
			strong(w);
			if (mods[w].low < mods[v].low)
				mods[v].low = mods[w].low;
		} else if (mods[w].on_stack && mods[w].index < mods[v].low) {
			mods[v].low = mods[w].index;
		}
	}
	if (mods[v].low != mods[v].index)
		return;
	first = sp - 1;
	while (stack[first] != v)
		first--;
	for (k = first; k < sp; k++) {
		n++;
		if (strcmp(mods[stack[k]].dir, mods[v].dir))
			cross = true;
	}
	if (n > 1 && cross) {
		printf("  a cycle across folders:");
		for (k = first; k < sp; k++)
			printf(" %s/%s", mods[stack[k]].dir, mods[stack[k]].name);
		printf("\n");
		cross_cycles++;
	}
	for (k = first; k < sp; k++)
		mods[stack[k]].on_stack = 0;
	sp = first;
}

static void test_no_include_cycle_crosses_a_folder(void)
{
	int i;

	load();
	for (i = 0; i < nmods; i++)
		if (!mods[i].index)
			strong(i);
	CHECK(cross_cycles == 0);
}

/* In cr/dump, cr/restore, cr/image, cr/show and ptrace every file starts with the folder's name. */
static void test_files_carry_their_folder_prefix(void)
{
	static const char *const prefixed[] = { "cr/dump", "cr/restore", "cr/image", "cr/show", "ptrace" };
	int i, bad = 0;
	size_t k;

	load();
	for (i = 0; i < nmods; i++)
		for (k = 0; k < sizeof(prefixed) / sizeof(prefixed[0]); k++) {
			const char *p = strrchr(prefixed[k], '/');

			p = p ? p + 1 : prefixed[k];
			if (strcmp(mods[i].dir, prefixed[k]) || !strncmp(mods[i].name, p, strlen(p)))
				continue;
			printf("  %s/%s does not start with %s\n", mods[i].dir, mods[i].name, p);
			bad++;
		}
	CHECK(bad == 0);
}

/* Every exported function P__x of a file F.c: F is P, or starts with P_. */
static void test_function_prefixes_name_their_file(void)
{
	char path[PATH_MAX], line[512], prefix[128];
	int i, bad = 0;

	load();
	for (i = 0; i < nmods; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/user/%s%s%s.c", top, mods[i].dir,
			 *mods[i].dir ? "/" : "", mods[i].name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *paren = strchr(line, '('), *name, *sep;
			size_t plen;

			/* A definition starts at column 0 with its type; static ones are private. */
			if (!islower((unsigned char)line[0]) || !strncmp(line, "static", 6) || !paren ||
			    strchr(line, ';') || strchr(line, '='))
				continue;
			*paren = '\0';
			name = strrchr(line, ' ');
			name = name ? name + 1 : line;
			while (*name == '*')
				name++;
			sep = strstr(name, "__");
			if (!sep || sep == name)
				continue;
			plen = sep - name;
			snprintf(prefix, sizeof(prefix), "%.*s", (int)plen, name);
			if (!strcmp(mods[i].name, prefix) ||
			    (!strncmp(mods[i].name, prefix, plen) && mods[i].name[plen] == '_'))
				continue;
			printf("  %s.c defines %s()\n", mods[i].name, name);
			bad++;
		}
		fclose(f);
	}
	CHECK(bad == 0);
}

UNIT_MAIN({
	RUN(test_the_tree_is_there);
	RUN(test_folders_include_only_lower_layers);
	RUN(test_no_include_cycle_crosses_a_folder);
	RUN(test_files_carry_their_folder_prefix);
	RUN(test_function_prefixes_name_their_file);
})
