// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_mm.c - a restored task's memory map against the image:
 * every VMA's range, protections, shared or private, what backs it
 * (anonymous, a shared memory object pidtrace made, the same file: its
 * dev/ino by map_files as dump read them, at the same offset) and the
 * kernel's names ([heap], [stack], [vdso], [anon:NAME]...). Only
 * /proc/PID/maps and one stat per file mapping are read: the cost follows
 * the number of VMAs, never the memory's size (smaps would walk the pages).
 *
 * Adjacent VMAs that the kernel may merge or not (same protections, same
 * backing, contiguous offsets) are compared merged on both sides: whether
 * two such neighbours are one VMA or two is not observable by the program.
 * Not compared: anonymous mappings' offsets (the kernel derives them from
 * the address at mmap time), the identity of shared memory objects and
 * copies of deleted files (new by design); a deleted file's name is (its
 * own, or the one restore said it gave instead: restore_named.c).
 *
 * The VmFlags a program sees the effect of (flags_kept below: a child
 * forked later, core dumps, memory pressure, locking, accounting) are
 * compared from smaps, but only for a task whose image has MADV_DONTFORK,
 * MADV_WIPEONFORK, MADV_DONTDUMP or MAP_DROPPABLE outside its kernel
 * mappings: smaps walks the page tables, so reading it costs with the
 * memory's size, and a restore sets none of them unless the image says so. The hints (hugepage, sequential...) are best effort
 * by design (restore_madvise.c) and not compared.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "procfs.h"
#include "restore_named.h"
#include "restore_verify.h"

enum vcls {
	VC_ANON,    /* private anonymous */
	VC_OBJECT,  /* shared memory, memfd, copy of a deleted file: pidtrace's new object */
	VC_FILE,    /* a file reopened by path */
	VC_SPECIAL, /* vDSO, vvar, vsyscall */
	VC_SOCKET,  /* a packet socket's ring: the socket the task's fd holds (packet_map.c) */
};

struct vseg {
	uint64_t start, end, pgoff;
	uint32_t prot;
	bool shared;
	enum vcls cls;
	uint64_t dev, ino; /* VC_FILE; VC_SOCKET: ino */
	int fd;            /* VC_SOCKET of the image: the task's fd of the socket */
	const char *name;  /* kernel name ([heap]...) or "", for VC_ANON and VC_SPECIAL */
	const char *file;  /* VC_OBJECT of a deleted file: "PATH (deleted)" */
};

static const char *cls_name(enum vcls c)
{
	static const char *const n[] = {"anonymous", "shared memory object", "file",
					"kernel mapping", "packet socket ring"};

	return n[c];
}

static bool is_special(const char *name)
{
	return !strcmp(name, "[vdso]") || !strcmp(name, "[vvar]") ||
	       !strcmp(name, "[vvar_vclock]") || !strcmp(name, "[vsyscall]");
}

static bool mergeable(const struct vseg *a, const struct vseg *b)
{
	if (a->end != b->start || a->prot != b->prot || a->shared != b->shared ||
	    a->cls != b->cls || a->cls == VC_SPECIAL || a->cls == VC_OBJECT || a->cls == VC_SOCKET)
		return false;
	if (a->cls == VC_ANON)
		return !strcmp(a->name, b->name);
	return a->dev == b->dev && a->ino == b->ino && a->pgoff + (a->end - a->start) == b->pgoff;
}

/* Merge in place what may be one VMA or two; return the new count. */
static size_t merge(struct vseg *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o && mergeable(&s[o - 1], &s[i]))
			s[o - 1].end = s[i].end;
		else
			s[o++] = s[i];
	}
	return o;
}

static size_t from_image(const MmImage *mm, struct vseg *s)
{
	size_t i, n = 0;

	for (i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];
		struct vseg *x = &s[n++];

		memset(x, 0, sizeof(*x));
		x->start = e->start;
		x->end = e->end;
		x->pgoff = e->pgoff;
		x->prot = e->prot;
		x->shared = (e->flags & MAP_SHARED) != 0;
		x->name = "";
		if (e->has_packet_ring_fd) {
			x->cls = VC_SOCKET;
			x->fd = (int)e->packet_ring_fd;
			continue;
		}
		switch (e->kind) {
		case VMA_KIND__VMA_ANON_PRIVATE:
			x->cls = VC_ANON;
			x->name = e->name ? e->name : "";
			break;
		case VMA_KIND__VMA_VDSO:
		case VMA_KIND__VMA_VSYSCALL:
			x->cls = VC_SPECIAL;
			x->name = e->name ? e->name : "";
			break;
		case VMA_KIND__VMA_ANON_SHARED:
			x->cls = VC_OBJECT;
			break;
		default:
			/*
			 * A memfd, shared memory mapped privately (shmid), a
			 * deleted file's copy: objects restore makes anew.
			 */
			if (e->ghost || (e->has_deleted && e->deleted) || !e->path || !e->has_ino ||
			    e->has_shmid || !strncmp(e->path, "/memfd:", 7) ||
			    (strlen(e->path) > 10 &&
			     !strcmp(e->path + strlen(e->path) - 10, " (deleted)"))) {
				x->cls = VC_OBJECT;
				if (e->ghost && e->path)
					x->file = e->path;
			} else {
				x->cls = VC_FILE;
				x->dev = e->dev;
				x->ino = e->ino;
			}
			break;
		}
	}
	return n;
}

/* Does the image have a file mapping of @x's file at @x's address? */
static bool same_file(const struct vseg *img, size_t nimg, const struct vseg *x)
{
	size_t i;

	for (i = 0; i < nimg; i++)
		if (img[i].start <= x->start && x->start < img[i].end)
			return img[i].cls == VC_FILE && img[i].dev == x->dev &&
			       img[i].ino == x->ino;
	return false;
}

/*
 * Parse /proc/PID/maps (@buf, changed in place) into @s; the files'
 * identity as maps shows it, or as map_files does where that differs from
 * the image (@img, merged, sorted).
 */
static int from_maps(struct verify *v, char *buf, const struct vseg *img, size_t nimg,
		     struct vseg *s, size_t max, size_t *np)
{
	char *line = buf, *next, perms[5], mf[96];
	unsigned long long start, end, pgoff, ino;
	unsigned int maj, min;
	struct stat st;
	size_t n = 0;
	int pos;

	for (; line && *line; line = next) {
		struct vseg *x;
		const char *path;
		size_t plen;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		pos = 0;
		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &pgoff,
			   &maj, &min, &ino, &pos) < 7)
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		path = line + pos;
		plen = strlen(path);
		x = &s[n++];
		memset(x, 0, sizeof(*x));
		x->start = start;
		x->end = end;
		x->pgoff = pgoff;
		x->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
			  (perms[2] == 'x' ? PROT_EXEC : 0);
		x->shared = perms[3] == 's';
		x->name = "";
		if (is_special(path)) {
			x->cls = VC_SPECIAL;
			x->name = path;
		} else if (!strncmp(path, "socket:[", 8)) {
			x->cls = VC_SOCKET;
			x->ino = ino;
		} else if (!ino) {
			x->cls = VC_ANON;
			x->name = path;
		} else if (!strncmp(path, "/memfd:", 7) || !strncmp(path, "[anon_shmem:", 12) ||
			   !strcmp(path, "/dev/zero (deleted)") ||
			   (plen > 10 && !strcmp(path + plen - 10, " (deleted)"))) {
			x->cls = VC_OBJECT;
			x->file = path;
		} else {
			x->cls = VC_FILE;
			x->dev = makedev(maj, min);
			x->ino = ino;
			/*
			 * maps shows the inode the pages come from; dump recorded
			 * the one map_files gives (they differ on overlayfs): ask
			 * map_files too where maps does not show the image's.
			 */
			if (!same_file(img, nimg, x)) {
				snprintf(mf, sizeof(mf), "/proc/%d/map_files/%llx-%llx", v->opid,
					 start, end);
				if (stat(mf, &st))
					return -errno;
				x->dev = st.st_dev;
				x->ino = st.st_ino;
			}
		}
	}
	*np = n;
	return 0;
}

/* The inode of the socket each packet ring of the image should map: the restored fd's. */
static int socket_inodes(struct verify *v, struct vseg *img, size_t nimg)
{
	char fd[64];
	struct stat st;
	size_t i;

	for (i = 0; i < nimg; i++) {
		if (img[i].cls != VC_SOCKET)
			continue;
		snprintf(fd, sizeof(fd), "/proc/%d/fd/%d", v->opid, img[i].fd);
		if (stat(fd, &st))
			return restore_verify__cannot(v, "a packet ring's socket", -errno);
		img[i].ino = st.st_ino;
	}
	return 0;
}

static int compare(struct verify *v, const struct vseg *a, const struct vseg *b)
{
	char w[96];
	int err;

	snprintf(w, sizeof(w), "mapping %llx-%llx", (unsigned long long)a->start,
		 (unsigned long long)a->end);
	if (a->start != b->start || a->end != b->end) {
		char x[40], y[40];

		snprintf(x, sizeof(x), "%llx-%llx", (unsigned long long)a->start,
			 (unsigned long long)a->end);
		snprintf(y, sizeof(y), "%llx-%llx", (unsigned long long)b->start,
			 (unsigned long long)b->end);
		return restore_verify__str(v, "mapping", x, y);
	}
	err = restore_verify__str(v, w, cls_name(a->cls), cls_name(b->cls));
	if (!err) {
		snprintf(w, sizeof(w), "mapping %llx-%llx: protections",
			 (unsigned long long)a->start, (unsigned long long)a->end);
		err = restore_verify__num(v, w, VF_HEX, a->prot, b->prot);
	}
	if (!err) {
		snprintf(w, sizeof(w), "mapping %llx-%llx", (unsigned long long)a->start,
			 (unsigned long long)a->end);
		err = restore_verify__str(v, w, a->shared ? "shared" : "private",
					  b->shared ? "shared" : "private");
	}
	if (!err && (a->cls == VC_ANON || a->cls == VC_SPECIAL)) {
		snprintf(w, sizeof(w), "mapping %llx-%llx: name", (unsigned long long)a->start,
			 (unsigned long long)a->end);
		err = restore_verify__str(v, w, a->name, b->name);
	}
	/* A deleted file's name: its own, or what restore said it gave (restore_named.c). */
	if (!err && a->cls == VC_OBJECT && a->file &&
	    !restore_named__same(a->file, b->file ? b->file : "")) {
		snprintf(w, sizeof(w), "mapping %llx-%llx: file", (unsigned long long)a->start,
			 (unsigned long long)a->end);
		err = restore_verify__str(v, w, a->file, b->file ? b->file : "");
	}
	if (!err && a->cls == VC_SOCKET) {
		snprintf(w, sizeof(w), "mapping %llx-%llx: the inode of fd %d's socket",
			 (unsigned long long)a->start, (unsigned long long)a->end, a->fd);
		err = restore_verify__num(v, w, VF_DEC, a->ino, b->ino);
		snprintf(w, sizeof(w), "mapping %llx-%llx: offset", (unsigned long long)a->start,
			 (unsigned long long)a->end);
		if (!err)
			err = restore_verify__num(v, w, VF_HEX, a->pgoff, b->pgoff);
	}
	if (!err && a->cls == VC_FILE) {
		snprintf(w, sizeof(w), "mapping %llx-%llx: file device",
			 (unsigned long long)a->start, (unsigned long long)a->end);
		err = restore_verify__num(v, w, VF_HEX, a->dev, b->dev);
		snprintf(w, sizeof(w), "mapping %llx-%llx: file inode",
			 (unsigned long long)a->start, (unsigned long long)a->end);
		if (!err)
			err = restore_verify__num(v, w, VF_DEC, a->ino, b->ino);
		snprintf(w, sizeof(w), "mapping %llx-%llx: file offset",
			 (unsigned long long)a->start, (unsigned long long)a->end);
		if (!err)
			err = restore_verify__num(v, w, VF_HEX, a->pgoff, b->pgoff);
	}
	return err;
}

/*
 * smaps VmFlags whose loss or gain a program can see. The first five (the
 * advice a fork or a core dump follows, MAP_DROPPABLE, mseal) make smaps be read;
 * the others are compared when it is (mlock and MAP_NORESERVE are set by
 * calls whose failure fails the restore already; a JVM's heap reserved
 * MAP_NORESERVE would have every restore walk its page tables).
 */
static const char *const flags_kept[] = { "dc", "wf", "dd", "dp", "sl", "lo", "lf", "nr", "gd" };
#define NKEPT (sizeof(flags_kept) / sizeof(flags_kept[0]))
#define TRIGGER_BITS 0x1fu

static unsigned int kept_bits(const char *vmflags)
{
	unsigned int bits = 0;
	size_t i;

	for (i = 0; vmflags && i < NKEPT; i++)
		if (procfs__has_vmflag(vmflags, flags_kept[i]))
			bits |= 1u << i;
	return bits;
}

static void bits_str(unsigned int bits, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < NKEPT && o + 4 < len; i++)
		if (bits & (1u << i))
			o += snprintf(out + o, len - o, "%s%s", o ? " " : "", flags_kept[i]);
	if (!o)
		snprintf(out, len, "none");
}

/* Does any mapping of the image but the kernel's have one of the first five flags_kept? */
static bool needs_flags(const MmImage *mm)
{
	size_t i;

	for (i = 0; i < mm->n_vmas; i++)
		if (mm->vmas[i]->kind != VMA_KIND__VMA_VDSO &&
		    mm->vmas[i]->kind != VMA_KIND__VMA_VSYSCALL &&
		    (kept_bits(mm->vmas[i]->vm_flags) & TRIGGER_BITS))
			return true;
	return false;
}

/* One VMA of smaps: its range and kept flags. */
struct vflags {
	uint64_t start, end;
	unsigned int bits;
};

/* Parse smaps (@buf, changed in place) into @f (@max entries). */
static int parse_smaps(char *buf, struct vflags *f, size_t max, size_t *np)
{
	unsigned long long start, end;
	char *line, *next;
	size_t n = 0;

	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!isupper((unsigned char)line[0])) {
			if (sscanf(line, "%llx-%llx ", &start, &end) != 2)
				return -EINVAL;
			if (n == max)
				return -E2BIG;
			f[n].start = start;
			f[n].end = end;
			f[n++].bits = 0;
		} else if (n && !strncmp(line, "VmFlags:", 8)) {
			f[n - 1].bits = kept_bits(line + 8);
		}
	}
	*np = n;
	return 0;
}

/*
 * The kept flags of every mapping of the image against those of each
 * restored VMA it overlaps (the kernel merges only VMAs of equal flags).
 */
static int compare_flags(struct verify *v, const MmImage *mm, size_t max)
{
	struct vflags *f = NULL;
	char *buf = NULL, what[96], a[40], b[40];
	size_t n = 0, i, k = 0;
	int err;

	err = procfs__read(v->opid, "smaps", &buf, NULL);
	if (err)
		return restore_verify__cannot(v, "smaps", err);
	f = calloc(max, sizeof(*f));
	err = f ? parse_smaps(buf, f, max, &n) : -ENOMEM;
	if (err) {
		err = restore_verify__cannot(v, "smaps", err);
		goto out;
	}
	for (i = 0; !err && i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];
		unsigned int want = kept_bits(e->vm_flags);

		if (e->kind == VMA_KIND__VMA_VDSO || e->kind == VMA_KIND__VMA_VSYSCALL)
			continue;
		while (k < n && f[k].end <= e->start)
			k++;
		/* The map itself was compared already: each VMA is covered. */
		for (; !err && k < n && f[k].start < e->end; k++) {
			if (f[k].bits == want)
				continue;
			snprintf(what, sizeof(what), "mapping %llx-%llx: VmFlags",
				 (unsigned long long)e->start, (unsigned long long)e->end);
			bits_str(want, a, sizeof(a));
			bits_str(f[k].bits, b, sizeof(b));
			err = restore_verify__str(v, what, a, b);
		}
		/* The next image VMA may be in the same restored one. */
		if (k)
			k--;
	}
out:
	free(f);
	free(buf);
	return err;
}

int restore_verify_mm__task(struct verify *v)
{
	const MmImage *mm = v->t->mm;
	struct vseg *img = NULL, *now = NULL;
	size_t nimg, nnow = 0, i, lines = 1, max;
	char *buf = NULL, *p;
	int err;

	if (!mm)
		return 0;
	err = procfs__read(v->opid, "maps", &buf, NULL);
	if (err)
		return restore_verify__cannot(v, "maps", err);
	for (p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	max = lines > mm->n_vmas ? lines : mm->n_vmas;
	img = calloc(max, sizeof(*img));
	now = calloc(max, sizeof(*now));
	if (!img || !now) {
		err = -ENOMEM;
		goto out;
	}
	nimg = merge(img, from_image(mm, img));
	err = socket_inodes(v, img, nimg);
	if (err)
		goto out;
	err = from_maps(v, buf, img, nimg, now, max, &nnow);
	if (err) {
		err = restore_verify__cannot(v, "maps", err);
		goto out;
	}
	nnow = merge(now, nnow);
	for (i = 0; !err && i < nimg && i < nnow; i++)
		err = compare(v, &img[i], &now[i]);
	if (!err && nimg != nnow) {
		const struct vseg *x = nimg > nnow ? &img[nnow] : &now[nimg];
		char r[48];

		snprintf(r, sizeof(r), "%llx-%llx", (unsigned long long)x->start,
			 (unsigned long long)x->end);
		err = nimg > nnow ? restore_verify__str(v, "mapping", r, "none")
				  : restore_verify__str(v, "mapping", "none", r);
	}
	if (!err && needs_flags(mm))
		err = compare_flags(v, mm, max);
	if (!err)
		v->n->vmas += mm->n_vmas;
out:
	free(img);
	free(now);
	free(buf);
	return err;
}
