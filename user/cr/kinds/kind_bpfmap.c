// SPDX-License-Identifier: GPL-2.0
/*
 * kind_bpfmap.c - BPF maps: what BPF_MAP_CREATE needs to make one again
 * (type, key and value sizes, entries, flags, name), its entries
 * (bpfmap_data.c), and whether it was frozen. Restore makes the map once
 * for every fd of the tree on it, fills it, freezes it if it was, and
 * gives each fd the access mode it had (read-only, write-only).
 *
 * Dump refuses, naming the map and fd: a type whose entries cannot be
 * read without changing them or that holds kernel objects
 * (bpfmap_data.c), a map with BTF type information or offloaded to a
 * device, more than BPFMAP_MAX_DATA bytes of entries, a map a program,
 * a map of maps, a pin or a process outside the tree also uses
 * (bpfmap_users.c: they would keep the old map while the tree gets a
 * new one), and BPF_F_NUMA_NODE on a machine with several nodes (no
 * interface tells which node it was).
 *
 * Not kept: the map's id (the kernel gives the new map a new one), the
 * iteration order of a hash map's keys (its hash seed is random), and
 * whose memory cgroup is charged for the map (pidtrace's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpfmap_data.h"
#include "bpfmap_users.h"
#include "dump_ctx.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_verify.h"
#include "testfault.h"

#define BPFMAP_MAX_DATA (64U << 20)	/* the entries of one map in files-PID.img */
#define BPFMAP_MAX_KEY 65536U
#define BPFMAP_MAX_VALUE (4U << 20)	/* KMALLOC_MAX_SIZE on x86-64 */
#define BPFMAP_MAX_CPUS 8192U

/* Dump: every map fd of the tree, for bpfmap_users__find(). */
struct dump_bpfmap {
	struct bpfmap_held *held;
	size_t n;
};

/* Restore: the maps made, by their dump id. */
struct restore_bpfmap {
	struct { uint32_t dump_id, id; } *made;
	size_t n;
};

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:bpf-map");
}

static const char *type_name(uint32_t type)
{
	const char *s = libbpf_bpf_map_type_str(type);

	return s ? s : "unknown";
}

/* More than node 0 online: which node a BPF_F_NUMA_NODE map was made on is unknown. */
static bool several_nodes(void)
{
	char buf[64] = "";
	FILE *f = fopen("/sys/devices/system/node/online", "r");

	if (!f)
		return false; /* no NUMA support: one node */
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strcmp(buf, "0\n") && strcmp(buf, "0");
}

static int remember(struct dump_ctx *ctx, uint32_t id, const struct fd_live *l)
{
	struct dump_bpfmap *d = ctx->bpfmap;
	struct bpfmap_held *h;

	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		ctx->bpfmap = d;
	}
	h = realloc(d->held, (d->n + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	d->held = h;
	h[d->n++] = (struct bpfmap_held){ .id = id, .pid = l->pid, .fd = l->fd };
	return 0;
}

/* What the map is, for messages: "BPF map 12 (hash \"counts\")". */
static void name_map(char *buf, size_t len, uint32_t id, uint32_t type, const char *name)
{
	snprintf(buf, len, "BPF map %u (%s%s%s%s)", id, type_name(type), *name ? " \"" : "",
		 *name ? escape__str(name) : "", *name ? "\"" : "");
}

static int dump_map(const struct fd_live *l, int fd, BpfMapEntry *m, const char *what)
{
	int err;

	if (!bpfmap_data__type_ok(m->map_type)) {
		pr_err("pid %d fd %d: %s is not supported: its entries cannot be read without changing them, or it holds kernel objects",
		       l->pid, l->fd, what);
		return -EOPNOTSUPP;
	}
	if ((m->map_flags & BPF_F_NUMA_NODE) && several_nodes()) {
		pr_err("pid %d fd %d: %s made on a chosen NUMA node is not supported on a machine with several nodes: which node is not known",
		       l->pid, l->fd, what);
		return -EOPNOTSUPP;
	}
	if (bpfmap_data__percpu(m->map_type)) {
		m->has_ncpus = true;
		m->ncpus = bpfmap_data__ncpus();
		if (!m->ncpus) {
			pr_err("pid %d fd %d: %s: cannot tell the possible CPUs", l->pid, l->fd, what);
			return -EOPNOTSUPP;
		}
	}
	err = bpfmap_data__read(fd, m, BPFMAP_MAX_DATA);
	if (err == -EFBIG)
		pr_err("pid %d fd %d: %s holding more than %u MiB of entries is not supported",
		       l->pid, l->fd, what, BPFMAP_MAX_DATA >> 20);
	else if (err)
		pr_err("pid %d fd %d: %s: cannot read its entries: %s", l->pid, l->fd, what,
		       strerror(-err));
	return err ? -EOPNOTSUPP : 0;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	struct bpf_get_fd_by_id_opts ro = { .sz = sizeof(ro), .open_flags = BPF_F_RDONLY };
	struct bpf_map_info info;
	uint32_t ilen = sizeof(info);
	uint64_t id = 0, frozen = 0;
	char what[128];
	BpfMapEntry *m;
	int fd, err;

	if (procfs__field_u64(l->info, "map_id:", 10, &id))
		return -EINVAL;
	/* Our own fd on it (by id, read-only): the task's may be write-only. */
	fd = bpf_map_get_fd_by_id_opts(id, &ro);
	if (fd < 0) {
		pr_err("pid %d fd %d: BPF map %lu: %s", l->pid, l->fd, (unsigned long)id,
		       strerror(errno));
		return -EOPNOTSUPP;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
		err = -errno;
		pr_err("pid %d fd %d: BPF map %lu: %s", l->pid, l->fd, (unsigned long)id,
		       strerror(-err));
		goto out;
	}
	name_map(what, sizeof(what), info.id, info.type, info.name);
	err = -EOPNOTSUPP;
	if (info.btf_id) {
		pr_err("pid %d fd %d: %s with BTF type information is not supported", l->pid, l->fd,
		       what);
		goto out;
	}
	if (info.ifindex) {
		pr_err("pid %d fd %d: %s offloaded to a device is not supported", l->pid, l->fd, what);
		goto out;
	}
	procfs__field_u64(l->info, "frozen:", 10, &frozen);
	m = e->bpf_map = PB_NEW(BpfMapEntry, bpf_map_entry);
	if (!m) {
		err = -ENOMEM;
		goto out;
	}
	m->map_type = info.type;
	m->key_size = info.key_size;
	m->value_size = info.value_size;
	m->max_entries = info.max_entries;
	m->map_flags = info.map_flags;
	m->has_map_extra = info.map_extra != 0;
	m->map_extra = info.map_extra;
	m->name = dump_ctx__strdup(info.name);
	m->has_frozen = true;
	m->frozen = frozen != 0;
	m->map_id = info.id;
	err = m->name ? dump_map(l, fd, m, what) : -ENOMEM;
	if (!err)
		err = remember(ctx, info.id, l);
out:
	close(fd);
	return err;
}

/* Once the tree is known: nobody outside it may use its maps. */
static int dump_tree(struct dump_ctx *ctx)
{
	const struct dump_bpfmap *d = ctx->bpfmap;
	const struct bpfmap_held *hit;
	pid_t *tree;
	char who[512];
	size_t i;
	int err;

	if (!d || !d->n)
		return 0;
	tree = calloc(ctx->ntasks, sizeof(*tree));
	if (!tree)
		return -ENOMEM;
	for (i = 0; i < ctx->ntasks; i++)
		tree[i] = ctx->tasks[i].pid;
	err = bpfmap_users__find(d->held, d->n, tree, ctx->ntasks, &hit, who, sizeof(who));
	free(tree);
	if (err < 0) {
		pr_err("BPF maps of the tree: cannot look for their other users: %s", strerror(-err));
		return -EOPNOTSUPP;
	}
	if (err) {
		pr_err("pid %d fd %d: BPF map %u %s: not supported (restored, the tree would have a copy it does not see)",
		       hit->pid, hit->fd, hit->id, who);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void dump_free(struct dump_ctx *ctx)
{
	struct dump_bpfmap *d = ctx->bpfmap;

	if (!d)
		return;
	free(d->held);
	free(d);
	ctx->bpfmap = NULL;
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const BpfMapEntry *m = e->bpf_map;
	size_t vlen;

	if (!m)
		return bad(img, n, "BPF map fd %u has no state", e->fd);
	if (!bpfmap_data__type_ok(m->map_type))
		return bad(img, n, "BPF map fd %u: type %u is not one restore makes", e->fd,
			   m->map_type);
	if (!m->key_size || m->key_size > BPFMAP_MAX_KEY || !m->value_size ||
	    m->value_size > BPFMAP_MAX_VALUE)
		return bad(img, n, "BPF map fd %u: key of %u bytes, value of %u bytes", e->fd,
			   m->key_size, m->value_size);
	if (bpfmap_data__percpu(m->map_type) &&
	    (!m->has_ncpus || !m->ncpus || m->ncpus > BPFMAP_MAX_CPUS))
		return bad(img, n, "BPF map fd %u: per-CPU values for %u CPUs", e->fd, m->ncpus);
	if (m->name && strlen(m->name) >= BPF_OBJ_NAME_LEN)
		return bad(img, n, "BPF map fd %u: a name of more than %u bytes", e->fd,
			   BPF_OBJ_NAME_LEN - 1);
	vlen = bpfmap_data__value_len(m);
	if (m->entries > m->max_entries || m->data.len > BPFMAP_MAX_DATA ||
	    m->data.len != (size_t)m->entries * (m->key_size + vlen))
		return bad(img, n, "BPF map fd %u: %u entries (of %u) in %zu bytes", e->fd,
			   m->entries, m->max_entries, m->data.len);
	return 0;
}

static uint32_t access_flags(const FdEntry *e)
{
	switch (e->flags & O_ACCMODE) {
	case O_RDONLY:
		return BPF_F_RDONLY;
	case O_WRONLY:
		return BPF_F_WRONLY;
	default:
		return 0;
	}
}

static int made_id(struct restore_ctx *ctx, uint32_t dump_id, uint32_t *id)
{
	const struct restore_bpfmap *r = ctx->bpfmap;
	size_t i;

	for (i = 0; r && i < r->n; i++)
		if (r->made[i].dump_id == dump_id) {
			*id = r->made[i].id;
			return 0;
		}
	return -ENOENT;
}

static int add_made(struct restore_ctx *ctx, uint32_t dump_id, uint32_t id)
{
	struct restore_bpfmap *r = ctx->bpfmap;
	void *p;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		ctx->bpfmap = r;
	}
	p = realloc(r->made, (r->n + 1) * sizeof(*r->made));
	if (!p)
		return -ENOMEM;
	r->made = p;
	r->made[r->n].dump_id = dump_id;
	r->made[r->n++].id = id;
	return 0;
}

/* A new map with @m's entries, frozen if it was: a read-write fd on it. */
static int make_map(const BpfMapEntry *m, uint32_t *id)
{
	struct bpf_map_create_opts opts = {
		.sz = sizeof(opts), .map_flags = m->map_flags, .map_extra = m->map_extra,
	};
	struct bpf_map_info info;
	uint32_t ilen = sizeof(info);
	int fd, err;

	/* Node 0: the only one (dump refused the flag on a machine with several). */
	opts.numa_node = 0;
	fd = bpf_map_create(m->map_type, m->name && *m->name ? m->name : NULL, m->key_size,
			    m->value_size, m->max_entries, &opts);
	if (fd < 0)
		return -errno;
	/* restore-skip-bpfmap-entries: a test fault leaves it empty (verify tells). */
	err = testfault__point("restore-skip-bpfmap-entries") ? 0 : bpfmap_data__write(fd, m);
	if (!err && m->frozen && bpf_map_freeze(fd))
		err = -errno;
	memset(&info, 0, sizeof(info));
	if (!err && bpf_obj_get_info_by_fd(fd, &info, &ilen))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	*id = info.id;
	return fd;
}

static int open_map(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const BpfMapEntry *m = e->bpf_map;
	struct bpf_get_fd_by_id_opts o = { .sz = sizeof(o), .open_flags = access_flags(e) };
	uint32_t id = 0, ncpus = bpfmap_data__ncpus();
	int rw = -1, fd, err;

	if (bpfmap_data__percpu(m->map_type) && m->ncpus != ncpus)
		return restore_ctx__fail(ctx, pid, -EOPNOTSUPP,
					 "pid %d fd %u: per-CPU BPF map %u was made for %u possible CPUs, this machine has %u",
					 pid, e->fd, m->map_id, m->ncpus, ncpus);
	if (made_id(ctx, m->map_id, &id)) {
		rw = make_map(m, &id);
		if (rw < 0)
			return restore_ctx__fail(ctx, pid, rw, "pid %d fd %u: BPF map %u (%s): %s", pid,
						 e->fd, m->map_id, type_name(m->map_type),
						 strerror(-rw));
		err = add_made(ctx, m->map_id, id);
		if (err) {
			close(rw);
			return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: %s", pid, e->fd,
						 strerror(-err));
		}
		if (!o.open_flags)
			return rw;
	}
	/* Another description of the map, or one with its access mode: a file of its own. */
	fd = bpf_map_get_fd_by_id_opts(id, &o);
	err = fd < 0 ? -errno : 0;
	if (rw >= 0)
		close(rw);
	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: BPF map %u made again: %s", pid,
					 e->fd, m->map_id, strerror(-err));
	return fd;
}

static void restore_end(struct restore_ctx *ctx, bool failed)
{
	struct restore_bpfmap *r = ctx->bpfmap;

	if (!r)
		return;
	free(r->made);
	free(r);
	ctx->bpfmap = NULL;
}

static int verify_num(struct verify *v, const FdEntry *e, const char *info, const char *key,
		      int base, uint64_t img)
{
	uint64_t now = 0;
	char w[96];

	procfs__field_u64(info, key, base, &now);
	snprintf(w, sizeof(w), "fd %u: BPF map %.*s", e->fd, (int)strlen(key) - 1, key);
	return restore_verify__num(v, w, base == 16 ? VF_HEX : VF_DEC, img, now);
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	struct bpf_get_fd_by_id_opts ro = { .sz = sizeof(ro), .open_flags = BPF_F_RDONLY };
	const BpfMapEntry *m = e->bpf_map;
	uint32_t matched = 0, now = 0;
	uint64_t id = 0;
	char w[96];
	int fd, err;

	if (!m)
		return 0;
	err = verify_num(v, e, l->info, "map_type:", 10, m->map_type);
	if (!err)
		err = verify_num(v, e, l->info, "key_size:", 10, m->key_size);
	if (!err)
		err = verify_num(v, e, l->info, "value_size:", 10, m->value_size);
	if (!err)
		err = verify_num(v, e, l->info, "max_entries:", 10, m->max_entries);
	if (!err)
		err = verify_num(v, e, l->info, "map_flags:", 16, m->map_flags);
	if (!err)
		err = verify_num(v, e, l->info, "frozen:", 10, m->frozen);
	if (err)
		return err;
	if (procfs__field_u64(l->info, "map_id:", 10, &id))
		return restore_verify__cannot(v, "a BPF map's id", -EINVAL);
	fd = bpf_map_get_fd_by_id_opts(id, &ro);
	if (fd < 0)
		return restore_verify__cannot(v, "a BPF map", -errno);
	err = bpfmap_data__compare(fd, m, &matched, &now);
	close(fd);
	if (err)
		return restore_verify__cannot(v, "a BPF map's entries", err);
	snprintf(w, sizeof(w), "fd %u: BPF map entries as in the image", e->fd);
	err = restore_verify__num(v, w, VF_DEC, m->entries, matched);
	snprintf(w, sizeof(w), "fd %u: BPF map entries", e->fd);
	return err ? err : restore_verify__num(v, w, VF_DEC, m->entries, now);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const BpfMapEntry *m = e->bpf_map;
	char what[128];

	if (!m)
		return false;
	name_map(what, sizeof(what), m->map_id, m->map_type, m->name ? m->name : "");
	snprintf(buf, len, "%s: key %u, value %u bytes, %u of %u entries%s", what, m->key_size,
		 m->value_size, m->entries, m->max_entries, m->frozen ? ", frozen" : "");
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const BpfMapEntry *m = e->bpf_map;
	struct json_object *k;

	if (!m)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "map_id", kinds_show__u64(m->map_id));
	kinds_show__add(k, "map_type", kinds_show__u64(m->map_type));
	kinds_show__add(k, "type_name", json_object_new_string(type_name(m->map_type)));
	kinds_show__add(k, "name", escape__json_string(m->name ? m->name : ""));
	kinds_show__add(k, "key_size", kinds_show__u64(m->key_size));
	kinds_show__add(k, "value_size", kinds_show__u64(m->value_size));
	kinds_show__add(k, "max_entries", kinds_show__u64(m->max_entries));
	kinds_show__add(k, "map_flags", kinds_show__hex(m->map_flags));
	kinds_show__add(k, "entries", kinds_show__u64(m->entries));
	kinds_show__add(k, "frozen", json_object_new_boolean(m->frozen));
	if (m->has_ncpus)
		kinds_show__add(k, "ncpus", kinds_show__u64(m->ncpus));
	kinds_show__add(o, "bpf_map", k);
}

const struct fd_kind kind_bpfmap = {
	.type = FD_TYPE__FD_BPFMAP,
	.name = "bpf_map",
	.noun = "BPF map",
	.test = "bpfmap",
	.claims = claims,
	.dump = dump,
	.dump_tree = dump_tree,
	.dump_free = dump_free,
	.check = check,
	.open = open_map,
	.restore_end = restore_end,
	.verify = verify,
	.describe = describe,
	.json = json,
};
