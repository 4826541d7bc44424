// SPDX-License-Identifier: GPL-2.0
/*
 * test_usym.c - user-space symbolization of this very binary (built with
 * -g): in this process, in a live child, and in a child that is gone.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "symprobe.h"
#include "unit.h"
#include "usym.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int probe_line_ok(const struct usym_loc *loc)
{
	return loc->line == PROBE_FN_LINE || loc->line == PROBE_FN_LINE + 1;
}

static void test_resolve_own_function(void)
{
	struct usym *u = usym__new();
	struct usym_loc loc;
	double t0, t1, t2;
	int err;

	CHECK(u);
	t0 = now_us();
	err = usym__resolve(u, getpid(), (uint64_t)(uintptr_t)&probe_fn + 2, &loc);
	t1 = now_us();
	if (err)
		usym__free(u);
	CHECK(err == 0);
	/* A second lookup uses the cached view. */
	err = usym__resolve(u, getpid(), (uint64_t)(uintptr_t)&probe_fn, &loc);
	t2 = now_us();
	printf("# usym: first resolve %.0f us, cached %.0f us\n", t1 - t0, t2 - t1);
	usym__free(u);
	CHECK(err == 0);
	CHECK_STR(loc.func, "probe_fn");
	CHECK(loc.offset == 0);
	CHECK(!loc.from_snapshot);
	CHECK_STR(base_name(loc.module), "test_usym");
	CHECK_STR(base_name(loc.file), SYMPROBE_FILE);
	CHECK(probe_line_ok(&loc));
}

static void test_resolve_call_line(void)
{
	struct usym *u = usym__new();
	struct usym_loc loc;
	uint64_t pc;
	int line, err;

	CHECK(u);
	call_site(&pc, &line);
	/* A return address: its call instruction ends just before it. */
	err = usym__resolve(u, getpid(), pc - 1, &loc);
	usym__free(u);
	CHECK(err == 0);
	CHECK_STR(loc.func, "call_site");
	CHECK(loc.offset > 0);
	CHECK_STR(base_name(loc.file), SYMPROBE_FILE);
	CHECK(loc.line == line);
}

static void test_resolve_library_function(void)
{
	struct usym *u = usym__new();
	struct usym_loc loc;
	int err;

	CHECK(u);
	/* getpid lives in libc, whose symbol table (.dynsym) names it. */
	err = usym__resolve(u, getpid(), (uint64_t)(uintptr_t)&getpid, &loc);
	usym__free(u);
	CHECK(err == 0);
	CHECK(strstr(loc.func, "getpid") != NULL);
	CHECK(!strncmp(base_name(loc.module), "libc", 4));
}

/* The end of the last mapping of the file whose path contains name. */
static uint64_t mapping_end(const char *name)
{
	unsigned long long start, end, last = 0;
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, name) && sscanf(line, "%llx-%llx", &start, &end) == 2)
			last = end;
	}
	fclose(f);
	return last;
}

static void test_unmapped_address_is_enoent(void)
{
	struct usym *u = usym__new();
	struct usym_loc loc;
	void *anon, *after;
	int e1, e2, e3 = -ENOENT;
	char buf[64];

	CHECK(u);
	anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Right after the dynamic loader, libdwfl alone would say "ld.so". */
	after = mmap((void *)(uintptr_t)mapping_end("/ld-linux"), 4096, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	e1 = usym__resolve(u, getpid(), 0x1000, &loc);
	e2 = usym__resolve(u, getpid(), (uint64_t)(uintptr_t)anon + 16, &loc);
	if (after != MAP_FAILED) {
		e3 = usym__resolve(u, getpid(), (uint64_t)(uintptr_t)after + 16, &loc);
		munmap(after, 4096);
	}
	munmap(anon, 4096);
	usym__free(u);
	CHECK(e1 == -ENOENT);
	CHECK(e2 == -ENOENT);
	CHECK(e3 == -ENOENT);
	usym__format(&loc, buf, sizeof(buf));
	CHECK(strstr(buf, "[unknown]") != NULL);
}

static void test_child_resolves_from_snapshot_after_exit(void)
{
	struct usym *u = usym__new();
	struct usym_loc live, dead;
	char want[128], buf[128];
	uint64_t pc;
	double t0, t1;
	struct usym_loc lib;
	int es, el, ed, elib, line;
	pid_t pid;

	CHECK(u);
	/* The child is a copy of us: the same address holds the same code. */
	call_site(&pc, &line);
	pid = spawn_sleeper();
	CHECK(pid > 0);
	t0 = now_us();
	es = usym__snapshot(u, pid);
	t1 = now_us();
	el = usym__resolve(u, pid, pc - 1, &live);
	kill_and_reap(pid);
	ed = usym__resolve(u, pid, pc - 1, &dead);
	/* Libraries come back from the snapshot too, at their load base. */
	elib = usym__resolve(u, pid, (uint64_t)(uintptr_t)&getpid, &lib);
	printf("# usym: snapshot of a child %.0f us\n", t1 - t0);
	usym__free(u);
	CHECK(es == 0);
	CHECK(el == 0);
	CHECK(!live.from_snapshot);
	CHECK_STR(live.func, "call_site");
	CHECK(ed == 0);
	CHECK(dead.from_snapshot);
	CHECK_STR(dead.func, "call_site");
	CHECK(dead.offset == live.offset && dead.offset > 0);
	CHECK_STR(dead.module, live.module);
	CHECK_STR(base_name(dead.file), SYMPROBE_FILE);
	CHECK(dead.line == line);
	/* The path relative to the build directory: the Makefile compiles from the top. */
	snprintf(want, sizeof(want),
		 "call_site+0x%llx (tests/unit/" SYMPROBE_FILE ":%d) [test_usym]",
		 (unsigned long long)dead.offset, line);
	CHECK(usym__format(&dead, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, want);
	CHECK(elib == 0 && lib.from_snapshot);
	CHECK(strstr(lib.func, "getpid") != NULL);
	CHECK(!strncmp(base_name(lib.module), "libc", 4));
}

static void test_child_gone_without_snapshot_is_esrch(void)
{
	struct usym *u = usym__new();
	uint64_t addr = (uint64_t)(uintptr_t)&probe_fn;
	struct usym_loc loc;
	siginfo_t si;
	int ez, er, ef;
	pid_t pid;

	CHECK(u);
	pid = spawn_sleeper();
	CHECK(pid > 0);
	kill(pid, SIGKILL);
	/* A zombie has no mappings left: it is gone already. */
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	ez = usym__resolve(u, pid, addr, &loc);
	waitpid(pid, NULL, 0);
	er = usym__resolve(u, pid, addr, &loc);
	CHECK(usym__snapshot(u, pid) == -ESRCH);
	usym__free(u);
	CHECK(ez == -ESRCH);
	CHECK(er == -ESRCH);

	/* forget() drops a snapshot: nothing is left to resolve from. */
	u = usym__new();
	CHECK(u);
	pid = spawn_sleeper();
	ef = usym__snapshot(u, pid);
	kill_and_reap(pid);
	usym__forget(u, pid);
	er = usym__resolve(u, pid, addr, &loc);
	usym__free(u);
	CHECK(ef == 0);
	CHECK(er == -ESRCH);
}

/*
 * Code inlined into its caller at every -O level: the return address of
 * the call of note_pc() below is inside inl_probe(), which has no frame
 * and no symbol, only DWARF's inlined-subroutine scope in inl_outer().
 */
static uint64_t inl_pc;
static int inl_line, inl_call_line;

__attribute__((noinline)) static void note_pc(void)
{
	inl_pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

static inline __attribute__((always_inline)) void inl_probe(void)
{
	inl_line = __LINE__ + 1;
	note_pc();
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void inl_outer(void)
{
	inl_call_line = __LINE__ + 1;
	inl_probe();
	__asm__ volatile("" ::: "memory");
}

static void test_resolve_inlined(void)
{
	struct usym *u = usym__new();
	struct usym_loc loc;
	char buf[256];
	int err;

	CHECK(u);
	inl_outer();
	err = usym__resolve(u, getpid(), inl_pc - 1, &loc);
	usym__free(u);
	CHECK(err == 0);
	/* addr2line -i: inl_probe at the call of note_pc(), in inl_outer at the call of it. */
	CHECK(loc.nr_inl == 1);
	CHECK(!loc.inl_cut);
	CHECK_STR(loc.inl[0].func, "inl_probe");
	CHECK(loc.inl[0].line == inl_line);
	CHECK_STR(base_name(loc.inl[0].file), "test_usym.c");
	CHECK_STR(loc.func, "inl_outer");
	CHECK(loc.line == inl_call_line);
	CHECK_STR(base_name(loc.file), "test_usym.c");
	CHECK(usym__format_inline(&loc, 0, buf, sizeof(buf)) == 0);
	CHECK(!strncmp(buf, "inl_probe (inlined) (tests/unit/test_usym.c:", 44));
}

static void test_format_inline(void)
{
	struct usym_loc loc = { .addr = 0x7f0012345678, .offset = 0x199, .line = 226, .nr_inl = 2 };
	char buf[128];

	strcpy(loc.func, "open_one_pidfd");
	strcpy(loc.file, "/src/criu/pidfd.c");
	strcpy(loc.module, "/usr/sbin/criu");
	strcpy(loc.inl[0].func, "kill_helper");
	strcpy(loc.inl[0].file, "/src/criu/pidfd.c");
	loc.inl[0].line = 143;
	strcpy(loc.inl[1].func, "open_fd");
	loc.inl[1].line = 0;
	CHECK(usym__format_inline(&loc, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "kill_helper (inlined) (pidfd.c:143) [criu]");
	CHECK(usym__format_inline(&loc, 1, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "open_fd (inlined) [criu]");
	CHECK(usym__format(&loc, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "open_one_pidfd+0x199 (pidfd.c:226) [criu]");
	CHECK(usym__format_inline(&loc, 2, buf, sizeof(buf)) == -EINVAL);
	CHECK(usym__format_inline(&loc, -1, buf, sizeof(buf)) == -EINVAL);
	CHECK(usym__format_inline(&loc, 0, buf, 12) == -ENOSPC);
	CHECK_STR(buf, "kill_helper");
}

/* Paths relative to the compilation directory are shown whole when short. */
static void test_src_name(void)
{
	CHECK_STR(usym__src_name("criu/arch/x86/kerndat.c"), "criu/arch/x86/kerndat.c");
	CHECK_STR(usym__src_name("/usr/include/x86_64-linux-gnu/bits/stdio2.h"), "stdio2.h");
	CHECK_STR(usym__src_name("../sysdeps/unix/syscall-template.S"), "syscall-template.S");
	CHECK_STR(usym__src_name("a/../../b.c"), "b.c");
	CHECK_STR(usym__src_name("a/very/long/path/that/goes/on/and/on/and/on/file.c"), "file.c");
	CHECK_STR(usym__src_name("main.c"), "main.c");
	CHECK_STR(usym__src_name(""), "");
}

static void test_format(void)
{
	struct usym_loc loc = { .addr = 0x7f0012345678, .offset = 0x12, .line = 42 };
	char buf[128];

	strcpy(loc.func, "free_helper");
	strcpy(loc.file, "/src/helper.c");
	strcpy(loc.module, "/usr/bin/a.out");
	CHECK(usym__format(&loc, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "free_helper+0x12 (helper.c:42) [a.out]");
	loc.line = 0;
	CHECK(usym__format(&loc, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "free_helper+0x12 [a.out]");
	loc.func[0] = '\0';
	CHECK(usym__format(&loc, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "0x7f0012345678 [a.out]");
	loc.module[0] = '\0';
	CHECK(usym__format(&loc, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "0x7f0012345678 [unknown]");
	CHECK(usym__format(&loc, buf, 8) == -ENOSPC);
	CHECK_STR(buf, "0x7f001");
	usym__free(NULL);
	usym__forget(NULL, 1);
}

UNIT_MAIN({
	RUN(test_resolve_own_function);
	RUN(test_resolve_call_line);
	RUN(test_resolve_library_function);
	RUN(test_unmapped_address_is_enoent);
	RUN(test_child_resolves_from_snapshot_after_exit);
	RUN(test_child_gone_without_snapshot_is_esrch);
	RUN(test_format);
	RUN(test_format_inline);
	RUN(test_src_name);
	RUN(test_resolve_inlined);
})
