// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_bpfmap - BPF maps (kind_bpfmap.c), made with the bpf() syscall:
 *  - "pt_hash": a hash map (BPF_F_NO_PREALLOC), 10 of 64 entries, frozen;
 *  - "pt_array": an array of 8 16-byte values, each set, not frozen, with
 *    a second, read-only fd on it (BPF_MAP_GET_FD_BY_ID, a file of its own);
 *  - "pt_pcpu": a per-CPU array, a value for every possible CPU;
 *  - "pt_lpm": an LPM trie with 3 prefixes;
 *  - "pt_wronly": a hash map whose only fd is write-only (BPF_F_WRONLY).
 * Prints "READY pid=N hash_id=ID". After SIGTERM it checks that each map
 * has its type, sizes, flags and name, exactly its entries, that the
 * frozen one refuses updates and the others take them, that the
 * read-only and write-only fds are so, and that the two fds of pt_array
 * are two files on one map.
 *
 * Helpers for the refusals, run outside the tree with the map id printed:
 * "useprog ID" loads a socket filter program that uses the map and keeps
 * it; "hold ID" keeps an fd on the map; "pin ID PATH" pins it. Each
 * prints "held" and sleeps.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "zdtm.h"

#define NCPU_MAX 1024

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int map_create(uint32_t type, const char *name, uint32_t ks, uint32_t vs, uint32_t max,
		      uint32_t flags)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ks;
	a.value_size = vs;
	a.max_entries = max;
	a.map_flags = flags;
	strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	fd = sys_bpf(BPF_MAP_CREATE, &a);
	if (fd < 0)
		zdtm_fail("BPF_MAP_CREATE %s", name);
	return fd;
}

static int update(int fd, const void *k, const void *v, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	a.flags = flags;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int lookup(int fd, const void *k, void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

static int next_key(int fd, const void *k, void *next)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)k;
	a.next_key = (uintptr_t)next;
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &a);
}

static int info_of(int fd, struct bpf_map_info *info)
{
	union bpf_attr a;

	memset(info, 0, sizeof(*info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(*info);
	a.info.info = (uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
}

static int fd_by_id(uint32_t id, uint32_t flags)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_id = id;
	a.open_flags = flags;
	fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &a);
	if (fd < 0)
		zdtm_fail("BPF_MAP_GET_FD_BY_ID %u", id);
	return fd;
}

static int ncpus(void)
{
	char buf[64];
	int a, b, n = 0;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");

	if (!f || !fgets(buf, sizeof(buf), f))
		zdtm_fail("/sys/devices/system/cpu/possible");
	fclose(f);
	if (sscanf(buf, "%d-%d", &a, &b) == 2)
		n = b - a + 1;
	else if (sscanf(buf, "%d", &a) == 1)
		n = 1;
	if (n < 1 || n > NCPU_MAX)
		zdtm_fail("possible CPUs: %s", buf);
	return n;
}

struct lpm_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};

static const struct lpm_key lpm_keys[3] = {
	{ 8, { 10, 0, 0, 0 } }, { 16, { 10, 1, 0, 0 } }, { 24, { 192, 168, 7, 0 } },
};

struct maps {
	int hash, array, array_ro, pcpu, lpm, wronly;
	struct bpf_map_info ih, ia, ip, il, iw;
};

static uint64_t hash_value(uint32_t k)
{
	return 0x9e3779b97f4a7c15ULL * (k + 1);
}

static void array_value(uint32_t i, uint8_t v[16])
{
	int j;

	for (j = 0; j < 16; j++)
		v[j] = (uint8_t)(i * 16 + j + 1);
}

static void setup(struct maps *m)
{
	uint64_t pv[NCPU_MAX];
	uint8_t av[16];
	uint32_t k, v;
	int i, n = ncpus();

	m->hash = map_create(BPF_MAP_TYPE_HASH, "pt_hash", 4, 8, 64, BPF_F_NO_PREALLOC);
	for (k = 0; k < 10; k++) {
		uint64_t hv = hash_value(k * 7);
		uint32_t key = k * 7;

		if (update(m->hash, &key, &hv, BPF_NOEXIST))
			zdtm_fail("pt_hash update");
	}
	m->array = map_create(BPF_MAP_TYPE_ARRAY, "pt_array", 4, 16, 8, 0);
	for (k = 0; k < 8; k++) {
		array_value(k, av);
		if (update(m->array, &k, av, BPF_ANY))
			zdtm_fail("pt_array update");
	}
	m->pcpu = map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "pt_pcpu", 4, 8, 4, 0);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < n; i++)
			pv[i] = (uint64_t)k << 32 | (uint32_t)i;
		if (update(m->pcpu, &k, pv, BPF_ANY))
			zdtm_fail("pt_pcpu update");
	}
	m->lpm = map_create(BPF_MAP_TYPE_LPM_TRIE, "pt_lpm", sizeof(struct lpm_key), 4, 16,
			    BPF_F_NO_PREALLOC);
	for (k = 0; k < 3; k++) {
		v = 100 + k;
		if (update(m->lpm, &lpm_keys[k], &v, BPF_NOEXIST))
			zdtm_fail("pt_lpm update");
	}
	m->wronly = map_create(BPF_MAP_TYPE_HASH, "pt_wronly", 4, 4, 8, BPF_F_WRONLY);
	k = 1, v = 11;
	if (update(m->wronly, &k, &v, BPF_NOEXIST))
		zdtm_fail("pt_wronly update");
	if (info_of(m->hash, &m->ih) || info_of(m->array, &m->ia) || info_of(m->pcpu, &m->ip) ||
	    info_of(m->lpm, &m->il) || info_of(m->wronly, &m->iw))
		zdtm_fail("BPF_OBJ_GET_INFO_BY_FD");
	m->array_ro = fd_by_id(m->ia.id, BPF_F_RDONLY);
	/* Frozen last: the syscall writes no more. */
	{
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_fd = m->hash;
		if (sys_bpf(BPF_MAP_FREEZE, &a))
			zdtm_fail("BPF_MAP_FREEZE");
	}
}

static void same_info(const char *what, int fd, const struct bpf_map_info *was)
{
	struct bpf_map_info now;

	if (info_of(fd, &now))
		zdtm_fail("%s: BPF_OBJ_GET_INFO_BY_FD", what);
	if (now.type != was->type || now.key_size != was->key_size ||
	    now.value_size != was->value_size || now.max_entries != was->max_entries ||
	    now.map_flags != was->map_flags || strcmp(now.name, was->name))
		zdtm_fail("%s: type %u key %u value %u max %u flags %#x name '%s', was %u %u %u %u %#x '%s'",
			  what, now.type, now.key_size, now.value_size, now.max_entries,
			  now.map_flags, now.name, was->type, was->key_size, was->value_size,
			  was->max_entries, was->map_flags, was->name);
}

static int count_keys(int fd, size_t ks)
{
	uint8_t k[64], nk[64];
	int n = 0;

	while (!next_key(fd, n ? k : NULL, nk)) {
		memcpy(k, nk, ks);
		n++;
	}
	return n;
}

static void check(struct maps *m)
{
	uint64_t pv[NCPU_MAX], hv;
	uint8_t av[16], want[16];
	uint32_t k, v;
	int i, n = ncpus(), fl;

	same_info("pt_hash", m->hash, &m->ih);
	same_info("pt_array", m->array, &m->ia);
	same_info("pt_pcpu", m->pcpu, &m->ip);
	same_info("pt_lpm", m->lpm, &m->il);
	same_info("pt_wronly", m->wronly, &m->iw);

	if (count_keys(m->hash, 4) != 10)
		zdtm_fail("pt_hash: %d keys, not 10", count_keys(m->hash, 4));
	for (k = 0; k < 10; k++) {
		uint32_t key = k * 7;

		if (lookup(m->hash, &key, &hv) || hv != hash_value(key))
			zdtm_fail("pt_hash: key %u", key);
	}
	k = 1000, hv = 1;
	if (!update(m->hash, &k, &hv, BPF_ANY) || errno != EPERM)
		zdtm_fail("pt_hash: an update after the freeze was not refused with EPERM");

	for (k = 0; k < 8; k++) {
		array_value(k, want);
		if (lookup(m->array, &k, av) || memcmp(av, want, 16))
			zdtm_fail("pt_array: index %u", k);
		if (lookup(m->array_ro, &k, av) || memcmp(av, want, 16))
			zdtm_fail("pt_array read-only fd: index %u", k);
	}
	if (update(m->array, &(uint32_t){ 0 }, want, BPF_ANY))
		zdtm_fail("pt_array: update refused (it was not frozen)");
	if (!update(m->array_ro, &(uint32_t){ 0 }, want, BPF_ANY) || errno != EPERM)
		zdtm_fail("pt_array: the read-only fd took an update");
	{
		struct bpf_map_info a, b;

		if (info_of(m->array, &a) || info_of(m->array_ro, &b) || a.id != b.id)
			zdtm_fail("pt_array: its two fds are not on one map");
	}
	fl = fcntl(m->array_ro, F_GETFL);
	if ((fl & O_ACCMODE) != O_RDONLY || (fcntl(m->array, F_GETFL) & O_ACCMODE) != O_RDWR)
		zdtm_fail("pt_array: access modes %#x %#x", fcntl(m->array, F_GETFL), fl);

	for (k = 0; k < 4; k++) {
		if (lookup(m->pcpu, &k, pv))
			zdtm_fail("pt_pcpu: index %u", k);
		for (i = 0; i < n; i++)
			if (pv[i] != ((uint64_t)k << 32 | (uint32_t)i))
				zdtm_fail("pt_pcpu: index %u cpu %d: %#llx", k, i,
					  (unsigned long long)pv[i]);
	}

	if (count_keys(m->lpm, sizeof(struct lpm_key)) != 3)
		zdtm_fail("pt_lpm: not 3 prefixes");
	for (k = 0; k < 3; k++)
		if (lookup(m->lpm, &lpm_keys[k], &v) || v != 100 + k)
			zdtm_fail("pt_lpm: prefix %u", k);

	k = 1;
	if (!lookup(m->wronly, &k, &v) || errno != EPERM)
		zdtm_fail("pt_wronly: the write-only fd could read");
	if ((fcntl(m->wronly, F_GETFL) & O_ACCMODE) != O_WRONLY)
		zdtm_fail("pt_wronly: access mode %#x", fcntl(m->wronly, F_GETFL));
	k = 2, v = 22;
	if (update(m->wronly, &k, &v, BPF_NOEXIST))
		zdtm_fail("pt_wronly: update refused");
}

/* A socket filter that loads the map's address and returns 0: it uses the map. */
static int load_prog(int map)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = map },
		{ 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	a.license = (uintptr_t)"GPL";
	strncpy(a.prog_name, "pt_user", sizeof(a.prog_name) - 1);
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		zdtm_fail("BPF_PROG_LOAD");
	return fd;
}

static int helper(int argc, char **argv)
{
	uint32_t id = strtoul(argv[2], NULL, 10);
	int map = fd_by_id(id, 0);

	if (!strcmp(argv[1], "useprog")) {
		load_prog(map);
		close(map);
	} else if (!strcmp(argv[1], "pin") && argc > 3) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.pathname = (uintptr_t)argv[3];
		a.bpf_fd = map;
		if (sys_bpf(BPF_OBJ_PIN, &a))
			zdtm_fail("BPF_OBJ_PIN %s", argv[3]);
		close(map);
	} else if (strcmp(argv[1], "hold")) {
		zdtm_fail("usage: zdtm_bpfmap [useprog|hold|pin ID [PATH]]");
	}
	printf("held\n");
	fflush(stdout);
	pause();
	return 0;
}

int main(int argc, char **argv)
{
	struct maps m;

	if (argc > 2)
		return helper(argc, argv);
	zdtm_init();
	setup(&m);
	printf("READY pid=%d hash_id=%u\n", getpid(), m.ih.id);
	fflush(stdout);
	zdtm_wait_term();
	check(&m);
	return zdtm_pass();
}
