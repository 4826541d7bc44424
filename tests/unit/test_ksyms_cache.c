// SPDX-License-Identifier: GPL-2.0
/*
 * test_ksyms_cache.c - the per-boot cache of the core kernel's symbols
 * (user/sym/ksyms_cache.c), against the running kernel's /proc/kallsyms:
 *   - a first load writes the cache (the core's lines only, mode 0600),
 *     a second reads it, and both name every core address alike;
 *   - an address of no core function (a BPF program's, a module's) still
 *     resolves, through the full table;
 *   - the cache is used only from a directory nobody else can write, and
 *     only while its first line is the live file's (a name planted in
 *     the cached text shows through a trusted cache, not otherwise).
 * In a directory of its own (PIDTRACE_KSYMS_CACHE_DIR), never /run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksyms.h"
#include "ksyms_cache.h"
#include "unit.h"

static char dir[64], path[512];

static int kallsyms_visible(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[256] = "";
	int visible;

	if (!f)
		return 0;
	visible = fgets(line, sizeof(line), f) && strtoull(line, NULL, 16) != 0;
	fclose(f);
	return visible;
}

/* Read @p whole (a /proc file too); NUL-terminated. */
static char *slurp(const char *p, size_t *len)
{
	size_t cap = 1 << 20, n = 0, got;
	FILE *f = fopen(p, "re");
	char *buf = NULL, *tmp;

	if (!f)
		return NULL;
	for (;;) {
		tmp = realloc(buf, cap + 1);
		if (!tmp) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = tmp;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		cap *= 2;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void test_written_then_read_alike(void)
{
	struct ksyms *live, *cached;
	const struct ksym *a, *b;
	const struct ksym *kill;
	struct stat st;
	size_t i, n = 0, differ = 0;

	unlink(path);
	live = ksyms__load();
	CHECK(live);
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	cached = ksyms__load();
	CHECK(cached);
	/* The cached table came from the file: it is the core's alone. */
	CHECK(ksyms__count(cached) <= ksyms__count(live));
	kill = ksyms__get_symbol(live, "__x64_sys_kill");
	CHECK(kill);
	for (i = 0; i < 200000; i++) {
		uint64_t addr = kill->addr - (100000ULL << 6) + (i << 6);

		a = ksyms__map_addr(live, addr);
		b = ksyms__map_addr(cached, addr);
		n += a != NULL;
		if ((a == NULL) != (b == NULL) || (a && (strcmp(a->name, b->name) || a->addr != b->addr)))
			differ++;
	}
	printf("# %zu of 200000 core addresses named, %zu differ\n", n, differ);
	CHECK(n > 1000);
	CHECK(differ == 0);
	ksyms__free(live);
	ksyms__free(cached);
}

static void test_beyond_the_core(void)
{
	struct ksyms *live = NULL, *cached;
	const struct ksym *m, *c;
	size_t len;
	char *text = slurp("/proc/kallsyms", &len), *line, *tab;
	uint64_t addr = 0;

	CHECK(text);
	/*
	 * Some text symbol of a module or a BPF program ("\t[name]"); none
	 * when there is no module and net.core.bpf_jit_kallsyms is 0.
	 */
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		tab = strchr(line, '\t');
		if (tab && tab < strchr(line, '\n') && (line[17] == 't' || line[17] == 'T')) {
			addr = strtoull(line, NULL, 16);
			break;
		}
	}
	free(text);
	if (!addr) {
		printf("# no module or BPF text symbol loaded: nothing beyond the core to look up\n");
		return;
	}
	cached = ksyms__load();
	CHECK(cached);
	c = ksyms__map_core(cached, addr);
	CHECK(c == NULL);
	m = ksyms__map_addr(cached, addr);
	setenv("PIDTRACE_KSYMS_CACHE_DIR", "off", 1);
	live = ksyms__load();
	setenv("PIDTRACE_KSYMS_CACHE_DIR", dir, 1);
	CHECK(live);
	c = ksyms__map_addr(live, addr);
	CHECK(m && c);
	if (m && c) {
		CHECK_STR(m->name, c->name);
		CHECK(m->module && c->module);
	}
	ksyms__free(live);
	ksyms__free(cached);
}

/* Plant a name in the cache (same length: the first line unchanged). */
static int plant(const char *real, const char *fake)
{
	size_t len;
	char *text = slurp(path, &len), *p;
	FILE *f;
	char pat[160];

	if (!text)
		return -1;
	snprintf(pat, sizeof(pat), " %s\n", real);
	p = strstr(text, pat);
	if (!p || strlen(real) != strlen(fake)) {
		free(text);
		return -1;
	}
	memcpy(p + 1, fake, strlen(fake));
	f = fopen(path, "we");
	if (!f || fwrite(text, 1, len, f) != len) {
		free(text);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	free(text);
	return chmod(path, 0600);
}

/* The name ksyms__load() gives @addr now. */
static const char *name_of(uint64_t addr)
{
	struct ksyms *ks = ksyms__load();
	const struct ksym *s = ks ? ksyms__map_addr(ks, addr) : NULL;
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s", s ? s->name : "(none)");
	ksyms__free(ks);
	return buf;
}

static void test_trust(void)
{
	struct ksyms *live;
	const struct ksym *kill;
	uint64_t addr;
	char *nl;
	struct stat st;
	size_t len;
	char *text;
	FILE *f;

	setenv("PIDTRACE_KSYMS_CACHE_DIR", "off", 1);
	live = ksyms__load();
	setenv("PIDTRACE_KSYMS_CACHE_DIR", dir, 1);
	CHECK(live);
	kill = ksyms__get_symbol(live, "__x64_sys_kill");
	CHECK(kill);
	addr = kill->addr;
	ksyms__free(live);
	CHECK(plant("__x64_sys_kill", "__x64_sys_KILL") == 0);
	/* Trusted: the planted name shows (the file is what is read). */
	CHECK_STR(name_of(addr), "__x64_sys_KILL");
	/* A directory others can write: not used, the live name. */
	CHECK(chmod(dir, 0777) == 0);
	CHECK_STR(name_of(addr), "__x64_sys_kill");
	CHECK(chmod(dir, 0700) == 0);
	/* A file others can write: not used, and replaced by a sound one. */
	CHECK(chmod(path, 0666) == 0);
	CHECK_STR(name_of(addr), "__x64_sys_kill");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_STR(name_of(addr), "__x64_sys_kill");
	CHECK(plant("__x64_sys_kill", "__x64_sys_KILL") == 0);
	CHECK_STR(name_of(addr), "__x64_sys_KILL");
	/* A first line that is not the live one (another boot's kernel): not used. */
	text = slurp(path, &len);
	CHECK(text);
	nl = strchr(text, '\n');
	CHECK(nl && nl - text > 4);
	text[3] = text[3] == '0' ? '1' : '0';
	f = fopen(path, "we");
	CHECK(f && fwrite(text, 1, len, f) == len);
	fclose(f);
	free(text);
	CHECK_STR(name_of(addr), "__x64_sys_kill");
}

UNIT_MAIN({
	if (!kallsyms_visible()) {
		printf("SKIP test_ksyms_cache: /proc/kallsyms hides addresses\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/pidtrace-ksyms-cache.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	setenv("PIDTRACE_KSYMS_CACHE_DIR", dir, 1);
	if (ksyms_cache__path(path, sizeof(path))) {
		printf("FAIL ksyms_cache__path\n");
		return 1;
	}
	RUN(test_written_then_read_alike);
	RUN(test_beyond_the_core);
	RUN(test_trust);
	unlink(path);
	rmdir(dir);
})
