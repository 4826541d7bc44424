// SPDX-License-Identifier: GPL-2.0
/*
 * test_symcache.c - the symbol cache (hits, misses, eviction, identity),
 * the object files behind it (opened once, never a replaced file), the
 * per-process mappings, and symbolize.c's cached way against usym.c's
 * libdwfl way: the same text for the same frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buildid.h"
#include "pidmaps.h"
#include "symbolize.h"
#include "symcache.h"
#include "symobj.h"
#include "symprobe.h"
#include "unit.h"
#include "usym.h"

static void loc_set(struct usym_loc *loc, const char *func, uint64_t off, const char *file,
		    int line)
{
	memset(loc, 0, sizeof(*loc));
	snprintf(loc->func, sizeof(loc->func), "%s", func);
	snprintf(loc->file, sizeof(loc->file), "%s", file);
	loc->offset = off;
	loc->line = line;
	loc->addr = 0x1000 + off;
}

static void bid_of(struct symcache_id *id, uint8_t seed)
{
	uint8_t b[SYMCACHE_BUILD_ID_LEN];

	memset(b, seed, sizeof(b));
	symcache__id_build_id(id, b);
}

/* The inlined chain of a frame is kept with it, and replaced with it. */
static void test_inlined_chain_kept(void)
{
	struct symcache *c = symcache__new(2);
	struct symcache_id id;
	struct usym_loc in, out;
	int e1, e2, e3, i;

	CHECK(c);
	bid_of(&id, 7);
	loc_set(&in, "open_one_pidfd", 0x199, "/src/criu/pidfd.c", 226);
	in.nr_inl = 2;
	snprintf(in.inl[0].func, sizeof(in.inl[0].func), "kill_helper");
	snprintf(in.inl[0].file, sizeof(in.inl[0].file), "/src/criu/pidfd.c");
	in.inl[0].line = 143;
	snprintf(in.inl[1].func, sizeof(in.inl[1].func), "open_fd");
	in.inl[1].line = 0;
	e1 = symcache__store(c, &id, 0x42, &in);
	memset(&out, 0, sizeof(out));
	e2 = symcache__lookup(c, &id, 0x42, &out);
	CHECK(e1 == 0 && e2 == 0);
	CHECK(out.nr_inl == 2);
	CHECK_STR(out.inl[0].func, "kill_helper");
	CHECK(out.inl[0].line == 143);
	CHECK_STR(out.inl[1].func, "open_fd");
	CHECK(out.line == 226);
	/* Stored again without inlining: the chain goes. */
	in.nr_inl = 0;
	CHECK(symcache__store(c, &id, 0x42, &in) == 0);
	CHECK(symcache__lookup(c, &id, 0x42, &out) == 0);
	CHECK(out.nr_inl == 0);
	/* Evictions free the chains (LeakSanitizer in the san build). */
	in.nr_inl = 1;
	for (i = 0; i < 8; i++)
		CHECK(symcache__store(c, &id, 0x100 + (uint64_t)i, &in) == 0);
	in.nr_inl = USYM_MAX_INLINE + 1;
	e3 = symcache__store(c, &id, 0x42, &in);
	CHECK(e3 == -EINVAL);
	symcache__free(c);
}

static void test_hit_after_store_miss_before(void)
{
	struct symcache *c = symcache__new(16);
	struct symcache_id id;
	struct usym_loc in, out;
	struct symcache_stats st;
	int e1, e2, e3, e4;

	CHECK(c);
	bid_of(&id, 0xab);
	loc_set(&in, "free_helper", 0x12, "/src/helper.c", 42);
	e1 = symcache__lookup(c, &id, 0x1234, &out);
	e2 = symcache__store(c, &id, 0x1234, &in);
	memset(&out, 0, sizeof(out));
	snprintf(out.module, sizeof(out.module), "kept");
	e3 = symcache__lookup(c, &id, 0x1234, &out);
	e4 = symcache__lookup(c, &id, 0x1235, &(struct usym_loc){ 0 });
	symcache__stats(c, &st);
	symcache__free(c);
	CHECK(e1 == -ENOENT && e2 == 0 && e3 == 0 && e4 == -ENOENT);
	CHECK_STR(out.func, "free_helper");
	CHECK_STR(out.file, "/src/helper.c");
	CHECK(out.offset == 0x12 && out.line == 42 && out.addr == 0x1012);
	/* What the cache does not own is left alone. */
	CHECK_STR(out.module, "kept");
	CHECK(st.hits == 1 && st.misses == 2 && st.stores == 1 && st.entries == 1);
}

/* A file replaced on disk is another object: never the old entries. */
static void test_identity_change_misses(void)
{
	struct symcache *c = symcache__new(16);
	struct symcache_id a, b, ino, ino_new_mtime, ino_new_inode;
	struct usym_loc in, out;
	int ea, eb, ei, em, en;

	CHECK(c);
	bid_of(&a, 1);
	bid_of(&b, 2);
	symcache__id_inode(&ino, 0x803, 1234, 1700000000000000000LL);
	symcache__id_inode(&ino_new_mtime, 0x803, 1234, 1700000000000000001LL);
	symcache__id_inode(&ino_new_inode, 0x803, 1235, 1700000000000000000LL);
	loc_set(&in, "old_fn", 0, "old.c", 1);
	symcache__store(c, &a, 0x40, &in);
	symcache__store(c, &ino, 0x40, &in);
	ea = symcache__lookup(c, &a, 0x40, &out);
	eb = symcache__lookup(c, &b, 0x40, &out);
	ei = symcache__lookup(c, &ino, 0x40, &out);
	em = symcache__lookup(c, &ino_new_mtime, 0x40, &out);
	en = symcache__lookup(c, &ino_new_inode, 0x40, &out);
	symcache__free(c);
	CHECK(ea == 0 && ei == 0);
	CHECK(eb == -ENOENT && em == -ENOENT && en == -ENOENT);
	CHECK(!symcache__id_equal(&a, &b) && !symcache__id_equal(&ino, &ino_new_mtime));
}

static void test_store_replaces_and_bad_kind_refused(void)
{
	struct symcache *c = symcache__new(4);
	struct symcache_id id, bad;
	struct usym_loc in, out;
	struct symcache_stats st;
	int e;

	CHECK(c);
	bid_of(&id, 3);
	loc_set(&in, "first", 1, "a.c", 1);
	symcache__store(c, &id, 8, &in);
	loc_set(&in, "second", 2, "b.c", 2);
	symcache__store(c, &id, 8, &in);
	symcache__lookup(c, &id, 8, &out);
	memset(&bad, 0, sizeof(bad));
	e = symcache__store(c, &bad, 8, &in);
	symcache__stats(c, &st);
	symcache__free(c);
	CHECK_STR(out.func, "second");
	CHECK(st.entries == 1 && e == -EINVAL);
	symcache__free(NULL);
}

/* Bounded: a long watch over many call sites keeps max_entries at most. */
static void test_eviction_keeps_the_bound(void)
{
	struct symcache *c = symcache__new(8);
	struct symcache_id id;
	struct usym_loc in, out;
	struct symcache_stats st;
	int i, last, first;

	CHECK(c);
	bid_of(&id, 4);
	for (i = 0; i < 100; i++) {
		loc_set(&in, "fn", (uint64_t)i, "f.c", i + 1);
		symcache__store(c, &id, (uint64_t)i * 16, &in);
	}
	symcache__stats(c, &st);
	last = symcache__lookup(c, &id, 99 * 16, &out);
	first = symcache__lookup(c, &id, 0, &(struct usym_loc){ 0 });
	symcache__free(c);
	CHECK(st.entries == 8 && st.max_entries == 8 && st.evictions == 92);
	CHECK(last == 0 && out.line == 100);
	CHECK(first == -ENOENT);
}

/* The clock gives a frame that keeps being hit a second chance. */
static void test_clock_keeps_a_hot_frame(void)
{
	struct symcache *c = symcache__new(4);
	struct symcache_id id;
	struct usym_loc in, out;
	int i, hot_misses = 0;

	CHECK(c);
	bid_of(&id, 5);
	loc_set(&in, "hot", 0, "hot.c", 7);
	symcache__store(c, &id, 0, &in);
	for (i = 1; i <= 50; i++) {
		if (symcache__lookup(c, &id, 0, &out))
			hot_misses++;
		loc_set(&in, "cold", 0, "cold.c", i);
		symcache__store(c, &id, (uint64_t)i * 16, &in);
	}
	symcache__free(c);
	CHECK(hot_misses == 0);
}

/* This binary's build id, and the file offset of @addr in it. */
static int self_frame(uint64_t addr, struct symcache_id *id, uint64_t *off, char *path,
		      size_t len)
{
	struct pidmaps *pm = pidmaps__new(0);
	struct pidmaps_proc *p;
	struct pidmaps_map m;
	uint8_t b[SYMCACHE_BUILD_ID_LEN];
	int fd, err = -ENOENT;

	if (!pm)
		return -ENOMEM;
	if (pidmaps__get(pm, getpid(), &p) || pidmaps__find(p, addr, &m) || !m.path)
		goto out;
	snprintf(path, len, "%s", m.path);
	*off = addr - m.start + m.pgoff;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	err = buildid__read_fd(fd, b);
	close(fd);
	if (!err)
		symcache__id_build_id(id, b);
out:
	pidmaps__free(pm);
	return err;
}

static void test_object_opened_once_for_many_offsets(void)
{
	struct symobj_cache *oc = symobj__new(0);
	uint64_t off, pc;
	struct symcache_id id;
	struct usym_loc a, b;
	struct symobj_stats st;
	char path[4096];
	int ea, eb, line;

	CHECK(oc);
	call_site(&pc, &line);
	CHECK(self_frame((uint64_t)(uintptr_t)&probe_fn, &id, &off, path, sizeof(path)) == 0);
	ea = symobj__resolve(oc, &id, path, off, &a);
	CHECK(self_frame(pc - 1, &id, &off, path, sizeof(path)) == 0);
	eb = symobj__resolve(oc, &id, path, off, &b);
	symobj__stats(oc, &st);
	symobj__free(oc);
	CHECK(ea == 0 && eb == 0);
	CHECK_STR(a.func, "probe_fn");
	CHECK(a.offset == 0);
	CHECK(a.line == PROBE_FN_LINE || a.line == PROBE_FN_LINE + 1);
	CHECK_STR(b.func, "call_site");
	CHECK(b.line == line);
	CHECK(st.opens == 1 && st.objects == 1);
}

/* A path that holds another file than the id says gives nothing. */
static void test_object_refuses_another_file(void)
{
	struct symobj_cache *oc = symobj__new(0);
	struct symcache_id id, other, ino;
	struct usym_loc loc;
	struct stat st;
	uint64_t off;
	char path[4096];
	int eb, ei, eg;

	CHECK(oc);
	CHECK(self_frame((uint64_t)(uintptr_t)&probe_fn, &id, &off, path, sizeof(path)) == 0);
	other = id;
	other.build_id[0] ^= 0xff;
	eb = symobj__resolve(oc, &other, path, off, &loc);
	CHECK(stat(path, &st) == 0);
	symcache__id_inode(&ino, st.st_dev, st.st_ino,
			   (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec + 1);
	ei = symobj__resolve(oc, &ino, path, off, &loc);
	symcache__id_inode(&ino, st.st_dev, st.st_ino,
			   (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	eg = symobj__resolve(oc, &ino, path, off, &loc);
	symobj__free(oc);
	CHECK(eb == -ESTALE && ei == -ESTALE);
	CHECK(eg == 0);
	CHECK_STR(loc.func, "probe_fn");
}

/* Copy @from to @to (a new file, then renamed over @to: a new inode). */
static int copy_file(const char *from, const char *to)
{
	char tmp[4096], buf[65536];
	int in, out, err = 0;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.new", to);
	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		err = -errno;
	while (!err && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			err = -EIO;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (!err && rename(tmp, to))
		err = -errno;
	return err;
}

static int inode_id(const char *path, struct symcache_id *id)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	symcache__id_inode(id, st.st_dev, st.st_ino,
			   (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	return 0;
}

/*
 * A binary replaced at the same path: its build id is remembered per file
 * (inode, mtime), so the new file is read again, never taken for the old.
 */
static void test_replaced_file_is_a_new_object(void)
{
	struct symobj_cache *oc = symobj__new(0);
	char dir[] = "/tmp/pidtrace-symcache.XXXXXX", path[4096], self[4096];
	uint8_t b1[SYMCACHE_BUILD_ID_LEN], b2[SYMCACHE_BUILD_ID_LEN];
	struct symcache_id f1, f2;
	ssize_t n;
	int e1, e2, e3;

	CHECK(oc && mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bin", dir);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	self[n] = '\0';
	CHECK(copy_file(self, path) == 0 && inode_id(path, &f1) == 0);
	e1 = symobj__file_build_id(oc, &f1, path, b1);
	/* Another ELF file takes its place (a new inode). */
	CHECK(copy_file("/bin/true", path) == 0 && inode_id(path, &f2) == 0);
	e2 = symobj__file_build_id(oc, &f2, path, b2);
	/* The old file cannot be opened by its old identity any more. */
	e3 = symobj__resolve(oc, &f1, path, 0, &(struct usym_loc){ 0 });
	unlink(path);
	rmdir(dir);
	symobj__free(oc);
	CHECK(e1 == 0 && e2 == 0);
	CHECK(memcmp(b1, b2, sizeof(b1)));
	CHECK(e3 == -ESTALE);
}

/* A view outlives its process, and a zombie is never read. */
static void test_view_kept_after_exit(void)
{
	struct pidmaps *pm = pidmaps__new(2);
	struct pidmaps_proc *p, *z;
	struct pidmaps_map m;
	struct pidmaps_stats st;
	pid_t pid = spawn_sleeper(), zombie;
	bool alive, gone;
	int eg, ef, ez;
	siginfo_t si;

	CHECK(pm && pid > 0);
	eg = pidmaps__get(pm, pid, &p);
	alive = !eg && !pidmaps__gone(p);
	kill_and_reap(pid);
	gone = !eg && pidmaps__gone(p);
	ef = eg ? -1 : pidmaps__find(p, (uint64_t)(uintptr_t)&probe_fn, &m);
	zombie = fork();
	if (zombie == 0)
		_exit(0);
	waitid(P_PID, zombie, &si, WEXITED | WNOWAIT);
	ez = pidmaps__get(pm, zombie, &z);
	waitpid(zombie, NULL, 0);
	pidmaps__stats(pm, &st);
	pidmaps__free(pm);
	CHECK(eg == 0 && alive && gone);
	CHECK(ef == 0 && m.path && m.ino);
	CHECK(ez == -ESRCH);
	CHECK(st.reads == 1 && st.procs == 1);
	pidmaps__free(NULL);
}

/* A stack as the BPF side records it: ips, and (build id, offset) of each. */
static int make_stack(struct pt_ustack *g, const uint64_t *ips, int n, uint64_t sp_word)
{
	int i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < n; i++) {
		struct symcache_id id;
		char path[4096];
		uint64_t off;

		if (self_frame(ips[i], &id, &off, path, sizeof(path)))
			return -1;
		g->ustack[i] = ips[i];
		g->ubid[i].status = 1;
		memcpy(g->ubid[i].build_id, id.build_id, sizeof(g->ubid[i].build_id));
		g->ubid[i].offset = off;
	}
	g->ustack_sz = n * 8;
	g->ubid_sz = n * (int)sizeof(g->ubid[0]);
	g->user_sp_word = sp_word;
	return 0;
}

/*
 * What symbolize.c printed before the cache, with usym.c's libdwfl view of
 * live process @pid, for frame @ip (a return address when @ret).
 */
static void usym_text(struct usym *u, pid_t pid, uint64_t ip, bool ret, char *buf, size_t len)
{
	struct usym_loc loc;

	if (usym__resolve(u, pid, ret ? ip - 1 : ip, &loc))
		snprintf(buf, len, "0x%llx", (unsigned long long)ip);
	else
		usym__format(&loc, buf, len);
}

/*
 * The cached way prints what the libdwfl way prints, for this process and
 * for a child (another process mapping the same files): a frame in the C
 * library, the caller a syscall wrapper hides (the word at the stack
 * pointer), and return addresses in this binary.
 */
static void test_cached_way_prints_what_libdwfl_prints(void)
{
	struct symbolizer *s = symbolize__new(true);
	struct usym *u = usym__new();
	struct symbolize_stats st1, st2;
	static struct xrec r1, r2;
	struct pt_ustack g;
	char want[4][192];
	uint64_t ips[3], sp_word, pc;
	pid_t child = spawn_sleeper();
	int line, i, same = 1;

	CHECK(s && u && child > 0);
	call_site(&pc, &line);
	ips[0] = (uint64_t)(uintptr_t)&getpid + 4; /* in the C library */
	ips[1] = pc;				       /* return addresses */
	ips[2] = return_address();
	sp_word = pc + 0x10; /* near ips[1]: a wrapper's caller */
	CHECK(make_stack(&g, ips, 3, sp_word) == 0);
	usym_text(u, getpid(), ips[0], false, want[0], sizeof(want[0]));
	usym_text(u, getpid(), sp_word, true, want[1], sizeof(want[1]));
	usym_text(u, getpid(), ips[1], true, want[2], sizeof(want[2]));
	usym_text(u, getpid(), ips[2], true, want[3], sizeof(want[3]));
	symbolize__ustack(s, &r1, (uint32_t)getpid(), &g);
	symbolize__stats(s, &st1);
	symbolize__ustack(s, &r2, (uint32_t)child, &g);
	symbolize__stats(s, &st2);
	kill_and_reap(child);
	for (i = 0; i < 4 && i < r1.nu; i++)
		same &= !strcmp(r1.ustack[i], r2.ustack[i]);
	symbolize__free(s);
	usym__free(u);
	CHECK(r1.nu == 4 && r2.nu == 4 && same);
	CHECK_STR(r1.ustack[0], want[0]);
	CHECK_STR(r1.ustack[1], want[1]);
	CHECK_STR(r1.ustack[2], want[2]);
	CHECK_STR(r1.ustack[3], want[3]);
	CHECK(strstr(r1.ustack[2], "call_site+0x") != NULL);
	/* The second process's stack came from the cache alone. */
	CHECK(st1.frame_misses == 4 && st2.frame_misses == 4);
	CHECK(st2.frame_hits == st1.frame_hits + 4);
	CHECK(st2.file_opens == st1.file_opens && st2.maps_reads == 2);
}

/* The kernel names another file than the view does: never the view's. */
static void test_stale_record_is_not_cached(void)
{
	struct symbolizer *s = symbolize__new(true);
	struct symbolize_stats st;
	static struct xrec r;
	struct pt_ustack g;
	uint64_t ips[1] = { (uint64_t)(uintptr_t)&probe_fn };

	CHECK(s);
	CHECK(make_stack(&g, ips, 1, 0) == 0);
	/* As if the kernel had seen another binary at that address. */
	g.ubid[0].build_id[0] ^= 0xff;
	symbolize__ustack(s, &r, (uint32_t)getpid(), &g);
	symbolize__stats(s, &st);
	symbolize__free(s);
	/*
	 * libdwfl resolved it from the process; nothing went into the cache,
	 * and a view younger than a second was not read again.
	 */
	CHECK(r.nu == 1 && strstr(r.ustack[0], "probe_fn+0x0") != NULL);
	CHECK(st.frame_hits == 0 && st.frame_misses == 0 && st.maps_reads == 1);
}

/*
 * Garbage frames of a frame-pointer walk through code built without frame
 * pointers print as libdwfl printed them (the address), without a read of
 * the mappings or a libdwfl view per stack: a small number (the kernel
 * records a build id and an offset below the next mapping for it), heap
 * memory, and a value no process can map.
 */
static void test_garbage_frames_print_the_address(void)
{
	struct symbolizer *s = symbolize__new(true);
	struct usym *u = usym__new();
	struct pidmaps *pm = pidmaps__new(0);
	struct symbolize_stats st;
	struct pidmaps_proc *p;
	struct pidmaps_map up;
	static struct xrec r;
	struct pt_ustack g;
	char want[4][192];
	void *heap = malloc(64);
	uint64_t ips[4] = { (uint64_t)(uintptr_t)&probe_fn, 0xff, (uint64_t)(uintptr_t)heap,
			    0x5300544c464b5453ull };
	int i, ok = 1;

	CHECK(s && u && pm && heap);
	CHECK(make_stack(&g, ips, 1, 0) == 0);
	CHECK(pidmaps__get(pm, getpid(), &p) == 0 && pidmaps__above(p, 0xff, &up) == 0);
	for (i = 1; i < 4; i++) {
		g.ustack[i] = ips[i];
		g.ubid[i].status = 2;
	}
	/* What the kernel's find_vma() walk records for 0xff. */
	g.ubid[1] = g.ubid[0];
	g.ubid[1].offset = up.pgoff + 0xff - up.start;
	g.ustack_sz = 4 * 8;
	g.ubid_sz = 4 * (int)sizeof(g.ubid[0]);
	for (i = 0; i < 4; i++)
		usym_text(u, getpid(), ips[i], i > 0, want[i], sizeof(want[i]));
	symbolize__ustack(s, &r, (uint32_t)getpid(), &g);
	symbolize__ustack(s, &r, (uint32_t)getpid(), &g);
	symbolize__stats(s, &st);
	for (i = 0; i < 4 && i < r.nu; i++)
		ok &= !strcmp(r.ustack[i], want[i]);
	symbolize__free(s);
	usym__free(u);
	pidmaps__free(pm);
	free(heap);
	CHECK(r.nu == 4 && ok);
	CHECK(strstr(r.ustack[0], "probe_fn+0x0") && !strcmp(r.ustack[1], "0xff"));
	CHECK(r.nunknown == 0);
	CHECK(st.frame_misses == 1 && st.frame_hits == 1 && st.maps_reads == 1);
}

UNIT_MAIN({
	RUN(test_hit_after_store_miss_before);
	RUN(test_inlined_chain_kept);
	RUN(test_identity_change_misses);
	RUN(test_store_replaces_and_bad_kind_refused);
	RUN(test_eviction_keeps_the_bound);
	RUN(test_clock_keeps_a_hot_frame);
	RUN(test_object_opened_once_for_many_offsets);
	RUN(test_object_refuses_another_file);
	RUN(test_replaced_file_is_a_new_object);
	RUN(test_view_kept_after_exit);
	RUN(test_cached_way_prints_what_libdwfl_prints);
	RUN(test_stale_record_is_not_cached);
	RUN(test_garbage_frames_print_the_address);
})
