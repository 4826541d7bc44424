// SPDX-License-Identifier: GPL-2.0
/*
 * test_ksyms.c - kernel symbol table: a small hand-written kallsyms, hidden
 * addresses, garbage, and the running kernel's /proc/kallsyms.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "ksyms.h"
#include "unit.h"

/* Out of order on purpose, with aliases, data, a module and bad lines. */
static const char small_kallsyms[] =
	"ffffffff81000100 T second_func\n"
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 t first_local\n"
	"ffffffff81000000 T first_func\n"
	"this line is not a symbol\n"
	"ffffffff810000f0 T __pfx_second_func\n"
	"ffffffff81000180 W weak_func\n"
	"ffffffff81000200 D some_data\n"
	"ffffffff81000300 t third_func\n"
	"ffffffff81000400 R some_rodata\n"
	"ffffffffc0202000 t last_func\t[other_mod]\n"
	"ffffffffc0201000 t mod_func\t[my_mod]\n"
	"ffffffffc0201040 t mod_func2\t[my_mod]\n"
	"ffffffffc0201080 d mod_data\t[my_mod]\n"
	"ffffffffc0201090 t broken_mod\t[my_mod\n"
	"12345678901234567 T too_long_address\n"
	"ffffffff81000400 T\n"
	"\n";

static struct ksyms *parse_string(const char *s, size_t len)
{
	FILE *f = fmemopen((void *)s, len, "r");
	struct ksyms *ks;

	if (!f)
		return NULL;
	ks = ksyms__parse(f);
	fclose(f);
	return ks;
}

static void test_parse_small_table(void)
{
	struct ksyms *ks = parse_string(small_kallsyms, sizeof(small_kallsyms) - 1);
	const struct ksym *s;
	char buf[128];

	CHECK(ks);
	/* 10 text symbols; data, malformed and empty lines are not. */
	CHECK(ksyms__count(ks) == 10);

	/* Of three aliases, the global with no leading underscore wins. */
	s = ksyms__map_addr(ks, 0xffffffff81000000);
	CHECK(s);
	CHECK_STR(s->name, "first_func");
	/* It ends where __pfx_second_func starts. */
	CHECK(s->size == 0xf0);

	CHECK(ksyms__format(ks, 0xffffffff8100001f, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "first_func+0x1f");
	CHECK(ksyms__format(ks, 0xffffffff810000f4, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "__pfx_second_func+0x4");
	CHECK(ksyms__format(ks, 0xffffffff81000100, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "second_func+0x0");
	CHECK(ksyms__format(ks, 0xffffffff81000190, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "weak_func+0x10");

	/* A data symbol ends the text symbol before it; data is no function. */
	CHECK(ksyms__map_addr(ks, 0xffffffff81000210) == NULL);
	CHECK(ksyms__format(ks, 0xffffffff81000210, buf, sizeof(buf)) == -ENOENT);
	CHECK_STR(buf, "0xffffffff81000210 [unknown]");
	CHECK(ksyms__map_addr(ks, 0xffffffff80000000) == NULL);

	/* Module symbols carry their module; mod_func2 ends at mod_data. */
	CHECK(ksyms__format(ks, 0xffffffffc0201044, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "mod_func2+0x4 [my_mod]");
	s = ksyms__map_addr(ks, 0xffffffffc0201000);
	CHECK(s && s->module);
	CHECK_STR(s->module, "my_mod");
	CHECK(ksyms__map_addr(ks, 0xffffffffc0201080) == NULL);

	s = ksyms__map_addr(ks, 0xffffffff81000300);
	CHECK(s && s->size == 0x100);
	/* The last symbol has no bound: a page is assumed. */
	s = ksyms__map_addr(ks, 0xffffffffc0202800);
	CHECK(s && s->size == 0);
	CHECK_STR(s->name, "last_func");
	CHECK(ksyms__map_addr(ks, 0xffffffffc0203000) == NULL);

	s = ksyms__get_symbol(ks, "third_func");
	CHECK(s && s->addr == 0xffffffff81000300 && s->type == 't');
	s = ksyms__get_symbol(ks, "_stext");
	CHECK(s && s->addr == 0xffffffff81000000);
	CHECK(ksyms__get_symbol(ks, "some_data") == NULL);
	CHECK(ksyms__get_symbol(ks, "broken_mod") == NULL);
	CHECK(ksyms__get_symbol(ks, "too_long_address") == NULL);

	/* Too small a buffer truncates and says so. */
	CHECK(ksyms__format(ks, 0xffffffff8100001f, buf, 6) == -ENOSPC);
	CHECK_STR(buf, "first");
	ksyms__free(ks);
}

static void test_hidden_addresses_are_eperm(void)
{
	static const char hidden[] = "0000000000000000 T _stext\n"
				     "0000000000000000 T do_exit\n"
				     "0000000000000000 t mod_func\t[my_mod]\n";
	struct ksyms *ks = parse_string(hidden, sizeof(hidden) - 1);

	CHECK(ks == NULL);
	CHECK(errno == EPERM);
}

static void test_garbage_is_rejected(void)
{
	char junk[4096];
	struct ksyms *ks;
	unsigned int seed = 42;
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(rand_r(&seed) & 0xff);
	junk[100] = '\n';
	ks = parse_string(junk, sizeof(junk));
	CHECK(ks == NULL);
	CHECK(errno == ENODATA);
	ks = parse_string("", 0);
	CHECK(ks == NULL);
	/* A NULL table knows nothing and frees fine. */
	CHECK(ksyms__map_addr(NULL, 0xffffffff81000000) == NULL);
	ksyms__free(NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void check_resolves_to_itself(const struct ksyms *ks, const char *name)
{
	const struct ksym *s = ksyms__get_symbol(ks, name), *m;
	char buf[128], want[128];

	CHECK(s);
	m = ksyms__map_addr(ks, s->addr);
	CHECK(m);
	CHECK_STR(m->name, name);
	m = ksyms__map_addr(ks, s->addr + 5);
	CHECK(m);
	CHECK_STR(m->name, name);
	snprintf(want, sizeof(want), "%s+0x5", name);
	CHECK(ksyms__format(ks, s->addr + 5, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, want);
}

static void test_load_running_kernel(void)
{
	struct ksyms *ks;
	double t0, t1, t2;
	size_t i, nr = 0;

	t0 = now_ms();
	ks = ksyms__load();
	t1 = now_ms();
	CHECK(ks);
	CHECK(ksyms__count(ks) > 10000);
	/* A stack walk costs one lookup per frame: time 100k of them. */
	for (i = 0; i < 100000; i++)
		nr += ksyms__map_addr(ks, 0xffffffff81000000 + i * 4096) != NULL;
	t2 = now_ms();
	printf("# ksyms: %zu text symbols loaded in %.1f ms; 100k lookups in %.1f ms (%zu hits)\n",
	       ksyms__count(ks), t1 - t0, t2 - t1, nr);
	check_resolves_to_itself(ks, "do_exit");
	if (unit__failed_case)
		goto out;
	check_resolves_to_itself(ks, "__x64_sys_kill");
out:
	ksyms__free(ks);
}

/* Whether this process can see kernel addresses (root, kptr_restrict < 2). */
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

UNIT_MAIN({
	/* The live file, not the per-boot cache (test_ksyms_cache.c tests that). */
	setenv("PIDTRACE_KSYMS_CACHE_DIR", "off", 1);
	RUN(test_parse_small_table);
	RUN(test_hidden_addresses_are_eperm);
	RUN(test_garbage_is_rejected);
	if (kallsyms_visible())
		RUN(test_load_running_kernel);
	else
		printf("SKIP test_load_running_kernel: /proc/kallsyms hides addresses\n");
})
