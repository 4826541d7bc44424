// SPDX-License-Identifier: GPL-2.0
/*
 * image_edit - damage an image file on purpose, the way the bad-image tests
 * need it: precisely, and with valid framing (checksums recomputed) so
 * that the check under test is the one that fires.
 *
 *   image_edit boundaries FILE        every record boundary, one offset a line:
 *                                     header fields, each protobuf field at
 *                                     every depth, the checksum; each page
 *   image_edit get FILE PATH          a field: PATH is names and indexes,
 *   image_edit set FILE PATH VALUE      e.g. vmas.1.start, files.3.size
 *   image_edit count FILE FIELD       how many elements a repeated field has
 *   image_edit reframe FILE           recompute the checksum after a raw edit
 *   image_edit pages-resize FILE N    keep N pages of a pages file (header fixed)
 *   image_edit fix-inventory DIR      make inventory.img list the real sizes
 *   image_edit cut SRC DST N [INV DSTINV]
 *                                     DST = the first N bytes of SRC; with INV,
 *                                     DSTINV = INV saying DST is N bytes long
 *   image_edit sweep GOOD BAD [STRIDE]
 *                                     every file of GOOD cut at every boundary
 *                                     into BAD (a copy), each read by show in
 *                                     this process (see cmd_sweep)
 *
 * The kind of a file is taken from its magic. Exit 0, or 1 with a message.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "commands.h"
#include "image_int.h"
#include "log.h"

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "image_edit: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die("%s: cannot open", path);
	buf = malloc(st.st_size + 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size)
		die("%s: cannot read", path);
	close(fd);
	*len = st.st_size;
	return buf;
}

static void spill(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd))
		die("%s: cannot write", path);
}

static int kind_of(const uint8_t *buf, size_t len)
{
	int k;

	for (k = 0; len >= 8 && k < IMG_KIND_COUNT; k++)
		if (!memcmp(buf, image__kinds[k].magic, 8))
			return k;
	return -1;
}

/* ---- boundaries ---- */

/* Where boundaries go: printed, or (sweep) kept in this array. */
static uint64_t *bounds;
static size_t nbounds, capbounds;
static bool keep_bounds;

static void bound(uint64_t off)
{
	if (!keep_bounds) {
		printf("%" PRIu64 "\n", off);
		return;
	}
	if (nbounds == capbounds) {
		capbounds = capbounds ? 2 * capbounds : 256;
		bounds = realloc(bounds, capbounds * sizeof(*bounds));
		if (!bounds)
			die("%s: out of memory", "boundaries");
	}
	bounds[nbounds++] = off;
}

static uint64_t varint(const uint8_t *p, size_t len, size_t *pos)
{
	uint64_t v = 0;
	int shift = 0;

	while (*pos < len && shift < 64) {
		v |= (uint64_t)(p[*pos] & 0x7f) << shift;
		if (!(p[(*pos)++] & 0x80))
			return v;
		shift += 7;
	}
	die("%s: bad varint", "payload");
	return 0;
}

/* Print base + the end of every field of a message, recursing into messages. */
static void walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, size_t base)
{
	const ProtobufCFieldDescriptor *f;
	size_t pos = 0, n;
	uint64_t key;

	while (pos < len) {
		key = varint(p, len, &pos);
		switch (key & 7) {
		case 0:
			varint(p, len, &pos);
			break;
		case 1:
			pos += 8;
			break;
		case 5:
			pos += 4;
			break;
		case 2:
			n = varint(p, len, &pos);
			f = protobuf_c_message_descriptor_get_field(d, key >> 3);
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE)
				walk(f->descriptor, p + pos, n, base + pos);
			pos += n;
			break;
		default:
			die("%s: bad wire type", "payload");
		}
		bound(base + pos);
	}
}

static int cmd_boundaries(const char *path)
{
	static const size_t hdr[] = { 0, 8, 12, 16, 24 };
	uint64_t plen, i;
	size_t len;
	uint8_t *buf = slurp(path, &len);
	int k = kind_of(buf, len);

	if (k < 0 || len < HDR_SIZE)
		die("%s: not an image file", path);
	for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		bound(hdr[i]);
	memcpy(&plen, buf + 16, 8);
	plen = le64toh(plen);
	if (k == IMG_PAGES) {
		bound(HDR_SIZE);
		bound(HDR_SIZE + 4);
		bound(HDR_SIZE + 8);
		for (i = 0; i < plen; i += 4096)
			bound(IMAGE_PAGES_HDR_SIZE + i);
		free(buf);
		return 0;
	}
	bound(HDR_SIZE);
	if (HDR_SIZE + plen + 4 != len)
		die("%s: size does not match its header", path);
	/* The last field's end is the checksum's start. */
	walk(image__kinds[k].desc, buf + HDR_SIZE, plen, HDR_SIZE);
	free(buf);
	return 0;
}

/* ---- fields ---- */

/* The image id of the file load() read last: store() writes it. */
static uint8_t loaded_id[IMAGE_ID_SIZE];

static ProtobufCMessage *load(const char *path, int *kind)
{
	ProtobufCMessage *m;
	uint64_t plen;
	size_t len;
	uint8_t *buf = slurp(path, &len);

	*kind = kind_of(buf, len);
	if (*kind < 0 || *kind == IMG_PAGES || len < HDR_SIZE + 4)
		die("%s: not a metadata image file", path);
	memcpy(&plen, buf + 16, 8);
	plen = le64toh(plen);
	if (HDR_SIZE + plen + 4 != len)
		die("%s: size does not match its header", path);
	memcpy(loaded_id, ((struct file_hdr *)buf)->image_id, IMAGE_ID_SIZE);
	m = protobuf_c_message_unpack(image__kinds[*kind].desc, NULL, plen, buf + HDR_SIZE);
	if (!m)
		die("%s: cannot decode", path);
	free(buf);
	return m;
}

static void store(const char *path, int kind, const ProtobufCMessage *m)
{
	size_t plen = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = calloc(1, HDR_SIZE + plen + 4);
	struct file_hdr *h = (struct file_hdr *)buf;
	uint32_t crc;

	if (!buf)
		die("%s: out of memory", path);
	/* The file stays one of its image: the image id of the file loaded. */
	memcpy(h->image_id, loaded_id, IMAGE_ID_SIZE);
	memcpy(h->magic, image__kinds[kind].magic, 8);
	h->version = htole32(IMAGE_FORMAT_VERSION);
	h->hdr_size = htole32(HDR_SIZE);
	h->payload_size = htole64(plen);
	protobuf_c_message_pack(m, buf + HDR_SIZE);
	crc = htole32(crc32(0, buf, HDR_SIZE + plen));
	memcpy(buf + HDR_SIZE + plen, &crc, 4);
	spill(path, buf, HDR_SIZE + plen + 4);
	free(buf);
}

/*
 * Resolve PATH to a leaf field: @msg and @f are where it is, @elem the
 * address of its value (for repeated scalars, of the element).
 */
static void *resolve(ProtobufCMessage *msg, char *path, const ProtobufCFieldDescriptor **fp)
{
	const ProtobufCFieldDescriptor *f = NULL;
	char *tok, *save = NULL;
	void *at = NULL;
	size_t idx, *count;

	for (tok = strtok_r(path, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
		if (!msg)
			die("'%s': not a message", tok);
		f = protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, tok);
		if (!f)
			die("no field '%s'", tok);
		at = (char *)msg + f->offset;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			tok = strtok_r(NULL, ".", &save);
			if (!tok)
				die("'%s' needs an index", f->name);
			idx = strtoul(tok, NULL, 10);
			count = (size_t *)((char *)msg + f->quantifier_offset);
			if (idx >= *count)
				die("index %s out of range", tok);
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				at = &(*(ProtobufCMessage ***)at)[idx];
			} else {
				size_t sz = f->type == PROTOBUF_C_TYPE_UINT64 ||
						    f->type == PROTOBUF_C_TYPE_INT64 ? 8 : 4;

				at = *(char **)at + idx * sz;
			}
		}
		msg = f->type == PROTOBUF_C_TYPE_MESSAGE ? *(ProtobufCMessage **)at : NULL;
	}
	if (!f || f->type == PROTOBUF_C_TYPE_MESSAGE)
		die("%s: not a value", "path");
	*fp = f;
	return at;
}

static int cmd_field(const char *path, char *fpath, const char *value)
{
	const ProtobufCFieldDescriptor *f;
	ProtobufCMessage *m;
	int kind;
	void *at;

	m = load(path, &kind);
	/* Walk again for the message holding the field, to set its has_ flag. */
	at = resolve(m, fpath, &f);
	switch (f->type) {
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_INT64:
		if (value)
			*(uint64_t *)at = strtoull(value, NULL, 0);
		else
			printf("%" PRIu64 "\n", *(uint64_t *)at);
		break;
	case PROTOBUF_C_TYPE_STRING:
		if (value)
			*(char **)at = strdup(value);
		else
			printf("%s\n", *(char **)at);
		break;
	default:	/* 32-bit scalars, enums and bools */
		if (value)
			*(uint32_t *)at = strtoul(value, NULL, 0);
		else
			printf("%" PRIu32 "\n", *(uint32_t *)at);
		break;
	}
	if (value && f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset &&
	    f->type != PROTOBUF_C_TYPE_STRING)
		*(protobuf_c_boolean *)((char *)at - f->offset + f->quantifier_offset) = 1;
	if (value)
		store(path, kind, m);
	return 0;
}

static int cmd_count(const char *path, const char *name)
{
	const ProtobufCFieldDescriptor *f;
	ProtobufCMessage *m;
	int kind;

	m = load(path, &kind);
	f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	if (!f || f->label != PROTOBUF_C_LABEL_REPEATED)
		die("no repeated field '%s'", name);
	printf("%zu\n", *(size_t *)((char *)m + f->quantifier_offset));
	return 0;
}

static int cmd_reframe(const char *path)
{
	size_t len;
	uint8_t *buf = slurp(path, &len);
	uint64_t plen;
	uint32_t crc;

	if (kind_of(buf, len) < 0 || kind_of(buf, len) == IMG_PAGES || len < HDR_SIZE + 4)
		die("%s: not a metadata image file", path);
	plen = len - HDR_SIZE - 4;
	crc = htole32(crc32(0, buf, HDR_SIZE + plen));
	memcpy(buf + HDR_SIZE + plen, &crc, 4);
	spill(path, buf, len);
	return 0;
}

static int cmd_pages_resize(const char *path, const char *npages)
{
	uint64_t data = strtoull(npages, NULL, 10) * 4096, v64;
	uint8_t *buf, *out;
	uint32_t v;
	size_t len;

	buf = slurp(path, &len);
	if (kind_of(buf, len) != IMG_PAGES || len < IMAGE_PAGES_HDR_SIZE)
		die("%s: not a pages file", path);
	out = calloc(1, IMAGE_PAGES_HDR_SIZE + data);
	if (!out)
		die("%s: out of memory", path);
	memcpy(out, buf, IMAGE_PAGES_HDR_SIZE);
	memcpy(out + IMAGE_PAGES_HDR_SIZE, buf + IMAGE_PAGES_HDR_SIZE,
	       len - IMAGE_PAGES_HDR_SIZE < data ? len - IMAGE_PAGES_HDR_SIZE : data);
	v64 = htole64(data);
	memcpy(out + 16, &v64, 8);
	v = htole32(crc32(0, out + IMAGE_PAGES_HDR_SIZE, data));
	memcpy(out + HDR_SIZE, &v, 4);
	v = htole32(crc32(0, out, HDR_SIZE + 4));
	memcpy(out + HDR_SIZE + 4, &v, 4);
	spill(path, out, IMAGE_PAGES_HDR_SIZE + data);
	return 0;
}

static int cmd_fix_inventory(const char *dir)
{
	char path[4200];
	ProtobufCMessage *m;
	Inventory *inv;
	struct stat st;
	size_t i;
	int kind;

	snprintf(path, sizeof(path), "%s/inventory.img", dir);
	m = load(path, &kind);
	inv = (Inventory *)m;
	for (i = 0; i < inv->n_files; i++) {
		char p[4300];

		snprintf(p, sizeof(p), "%s/%s", dir, inv->files[i]->name);
		if (!lstat(p, &st))
			inv->files[i]->size = st.st_size;
	}
	store(path, kind, m);
	return 0;
}

static int cmd_cut(int argc, char **argv)
{
	uint64_t n = strtoull(argv[4], NULL, 10);
	const char *base = strrchr(argv[3], '/');
	ProtobufCMessage *m;
	Inventory *inv;
	size_t len, i;
	uint8_t *buf;
	int fd, kind;

	buf = slurp(argv[2], &len);
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, n < len ? n : len) != (ssize_t)(n < len ? n : len) || close(fd))
		die("%s: cannot write", argv[3]);
	free(buf);
	if (argc < 7)
		return 0;
	base = base ? base + 1 : argv[3];
	m = load(argv[5], &kind);
	inv = (Inventory *)m;
	for (i = 0; i < inv->n_files; i++)
		if (!strcmp(inv->files[i]->name, base))
			inv->files[i]->size = n;
	fd = open(argv[6], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || close(fd))
		die("%s: cannot create", argv[6]);
	store(argv[6], kind, m);
	return 0;
}

/* ---- sweep: every truncation of every file, read in this process ---- */

static char sweep_err[2048];

/*
 * `pidtrace show -D DIR`, run here (cmd_show()): its exit status; what it
 * wrote to stderr in sweep_err; @outlen: bytes it wrote to stdout.
 */
static int sweep_show(const char *dir, size_t *outlen)
{
	char *argv[] = { "show", "-D", (char *)dir, NULL };
	char *reset[] = { "image_edit", NULL };
	FILE *out = tmpfile(), *err = tmpfile();
	int saved_out = dup(1), saved_err = dup(2), rc;
	struct stat st;
	size_t n;

	if (!out || !err || saved_out < 0 || saved_err < 0)
		die("%s: cannot redirect", "sweep");
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	/* A full reset of getopt: cmd_show() only sets optind = 1. */
	optind = 0;
	getopt(1, reset, "");
	rc = cmd_show(3, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	*outlen = fstat(fileno(out), &st) ? 1 : (size_t)st.st_size;
	rewind(err);
	n = fread(sweep_err, 1, sizeof(sweep_err) - 1, err);
	sweep_err[n] = '\0';
	fclose(out);
	fclose(err);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *buf = slurp(from, &len);
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd))
		die("%s: cannot write", to);
	free(buf);
}

/* Is @line the one error show must give for @bad/@f cut to @b bytes? */
static bool sweep_expected(const char *line, const char *bad, const char *f, uint64_t b,
			   uint64_t size, bool fixinv)
{
	char want[1024], pre[1024];

	if (b < HDR_SIZE && (fixinv || !strcmp(f, "inventory.img")))
		snprintf(want, sizeof(want),
			 "pidtrace: show: %s/%s: truncated (expected at least %d bytes, got %" PRIu64
			 ")\n", bad, f, HDR_SIZE, b);
	else
		snprintf(want, sizeof(want),
			 "pidtrace: show: %s/%s: truncated (expected %" PRIu64 " bytes, got %" PRIu64
			 ")\n", bad, f, size, b);
	if (!strcmp(line, want))
		return true;
	/* A cut pages file the inventory agrees with: the pagemap needing its pages. */
	if (!fixinv || strncmp(f, "pages", 5) || strchr(line, '\n') != line + strlen(line) - 1)
		return false;
	snprintf(pre, sizeof(pre), "pidtrace: show: %s/", bad);
	if (strncmp(line, pre, strlen(pre)))
		return false;
	line += strlen(pre);
	return (!strncmp(line, "pagemap-", 8) || !strncmp(line, "shmem.img", 9)) &&
	       strstr(line, ".img: pages missing: ");
}

/*
 * image_edit sweep GOOD BAD [STRIDE]: BAD is a copy of the image GOOD.
 * Each file of GOOD cut at every record boundary (every STRIDE-th, and the
 * last), with the inventory unchanged and then made to agree with the cut
 * file; each time show must refuse with exactly one line naming the file,
 * exit status 1 and nothing on stdout. The files of BAD are put back after
 * each. One line per file and way: "ok FILE FIXINV N" or "bad FILE FIXINV N
 * what went wrong first".
 */
static int cmd_sweep(const char *good, const char *bad, unsigned int stride)
{
	char from[4200], to[4200], ginv[4200], binv[4200], first[2600];
	struct dirent **ents;
	int nents, e, fixinv, kind, failed = 0;
	ProtobufCMessage *m;
	Inventory *inv;
	size_t i, k, n, nbad, outlen;
	uint64_t size, b, last;
	struct stat st;
	int rc, fd;
	size_t len;
	uint8_t *buf;

	log__set_cmd("show");
	keep_bounds = true;
	snprintf(ginv, sizeof(ginv), "%s/inventory.img", good);
	snprintf(binv, sizeof(binv), "%s/inventory.img", bad);
	nents = scandir(good, &ents, NULL, alphasort);
	if (nents < 0)
		die("%s: cannot list", good);
	for (fixinv = 0; fixinv < 2; fixinv++) {
		for (e = 0; e < nents; e++) {
			const char *f = ents[e]->d_name;

			if (f[0] == '.' || (fixinv && !strcmp(f, "inventory.img")))
				continue;
			snprintf(from, sizeof(from), "%s/%s", good, f);
			snprintf(to, sizeof(to), "%s/%s", bad, f);
			if (stat(from, &st))
				die("%s: cannot stat", from);
			size = st.st_size;
			nbounds = 0;
			cmd_boundaries(from);
			qsort(bounds, nbounds, sizeof(*bounds), cmp_u64);
			for (i = 0, last = 0; i < nbounds; i++)
				if (bounds[i] < size)
					last = bounds[i];
			buf = slurp(from, &len);
			n = nbad = k = 0;
			first[0] = '\0';
			for (i = 0; i < nbounds; i++) {
				b = bounds[i];
				if (b >= size || (i && b == bounds[i - 1]))
					continue;
				k++;
				if ((k - 1) % stride && b != last)
					continue;
				n++;
				fd = open(to, O_WRONLY | O_TRUNC);
				if (fd < 0 || write(fd, buf, b) != (ssize_t)b || close(fd))
					die("%s: cannot write", to);
				if (fixinv) {
					m = load(ginv, &kind);
					inv = (Inventory *)m;
					for (size_t j = 0; j < inv->n_files; j++)
						if (!strcmp(inv->files[j]->name, f))
							inv->files[j]->size = b;
					store(binv, kind, m);
					protobuf_c_message_free_unpacked(m, NULL);
				}
				rc = sweep_show(bad, &outlen);
				if (rc == 1 && !outlen && sweep_expected(sweep_err, bad, f, b, size, fixinv))
					continue;
				if (!nbad++)
					snprintf(first, sizeof(first),
						 "at %" PRIu64 ": exit status %d, %zu bytes out, stderr: %.2000s",
						 b, rc, outlen, sweep_err);
			}
			free(buf);
			copy_file(from, to);
			copy_file(ginv, binv);
			for (char *c = first; *c; c++)
				if (*c == '\n')
					*c = ' ';
			if (k < 5)
				printf("bad %s %d %zu only %zu boundaries found\n", f, fixinv, n, k);
			else if (nbad)
				printf("bad %s %d %zu %zu of them: first %s\n", f, fixinv, n, nbad, first);
			else
				printf("ok %s %d %zu\n", f, fixinv, n);
			failed |= k < 5 || nbad;
		}
	}
	for (e = 0; e < nents; e++)
		free(ents[e]);
	free(ents);
	return failed;
}

/*
 * A one-shot test tool: whatever it allocates goes with the process. Keep
 * LeakSanitizer (make test SAN=1) out of it: its exit on a "leak" would cut
 * the output the tests read.
 */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return 1;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 7) && !strcmp(argv[1], "cut"))
		return cmd_cut(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "boundaries"))
		return cmd_boundaries(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "get"))
		return cmd_field(argv[2], argv[3], NULL);
	if (argc == 5 && !strcmp(argv[1], "set"))
		return cmd_field(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "count"))
		return cmd_count(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "reframe"))
		return cmd_reframe(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "pages-resize"))
		return cmd_pages_resize(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "fix-inventory"))
		return cmd_fix_inventory(argv[2]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "sweep"))
		return cmd_sweep(argv[2], argv[3], argc == 5 ? strtoul(argv[4], NULL, 10) ?: 1 : 1);
	fprintf(stderr, "usage: image_edit boundaries|get|set|count|reframe|pages-resize|fix-inventory|cut|sweep ...\n");
	return 2;
}
